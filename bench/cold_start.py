"""Each function's cold start, as far as hdoc's code decides it: how long importing its handler
module takes in a fresh interpreter (the median of several), and which modules that loads.

The templates say which functions there are (every `Handler:` of the stacks); the public read
functions (participants and articles) have a target of 250 ms on this machine.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from hdoc.local.cfn import load_template

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_READS = ("ParticipantsFunction", "ArticlesFunction")
TARGET_MS = 250
SAMPLES = 7

_IMPORT = (
    "import importlib, json, sys, time\n"
    "started = time.perf_counter()\n"
    "for module in sys.argv[1:]: importlib.import_module(module)\n"
    "print(json.dumps([time.perf_counter() - started, sorted(sys.modules)]))\n"
)
# What every API function imports before any code of hdoc's: Powertools' REST resolver and its
# OpenAPI parameters, botocore's client and pydantic. Their import time is the floor hdoc's own
# modules add to.
LIBRARIES = (
    "aws_lambda_powertools.event_handler.api_gateway",
    "aws_lambda_powertools.event_handler.openapi.params",
    "botocore.session",
    "pydantic",
)
LIBRARIES_ROW = "(the libraries alone)"


def function_handlers() -> dict[str, str]:
    """Every function of the stacks: its logical id and its handler (module.function)."""
    handlers = {}
    for stack in sorted((ROOT / "stacks").glob("*.yaml")):
        for logical_id, resource in load_template(stack)["Resources"].items():
            if resource["Type"] == "AWS::Serverless::Function":
                handlers[logical_id] = str(resource["Properties"]["Handler"])
    return handlers


def import_handler(handler: str) -> tuple[float, list[str]]:
    """Seconds to import the handler's module in a fresh interpreter, and the modules then loaded."""
    return import_modules(handler.rpartition(".")[0])


def import_modules(*modules: str) -> tuple[float, list[str]]:
    """Seconds to import `modules` in a fresh interpreter, and the modules then loaded."""
    answer = subprocess.run(
        [sys.executable, "-I", "-c", _IMPORT, *modules],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1"},
    )
    seconds, modules = json.loads(answer.stdout)
    return float(seconds), list(modules)


def measure_cold_starts(samples: int = SAMPLES) -> dict[str, Any]:
    """Per function: median and worst import time (ms) over `samples` fresh interpreters, modules loaded."""
    rows = {}
    imports = {function: handler.rpartition(".")[0] for function, handler in function_handlers().items()}
    for function, modules_imported in [*imports.items(), (LIBRARIES_ROW, ",".join(LIBRARIES))]:
        times, modules = [], []
        for _ in range(samples):
            seconds, modules = import_modules(*modules_imported.split(","))
            times.append(seconds * 1000)
        rows[function] = {
            "imports": modules_imported,
            "medianMs": round(statistics.median(times), 1),
            "maxMs": round(max(times), 1),
            "modules": len(modules),
            "hdocModules": len([name for name in modules if name == "hdoc" or name.startswith("hdoc.")]),
            "targetMs": TARGET_MS if function in PUBLIC_READS else None,
        }
    return rows


def cold_starts_met(rows: dict[str, Any]) -> bool:
    return all(row["medianMs"] < row["targetMs"] for row in rows.values() if row["targetMs"])


def cold_start_table(rows: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"{'function (import of its handler)':<30} {'median ms':>9} {'max ms':>7} {'modules':>7} {'hdoc':>5}",
        "-" * 64,
    ]
    for function, row in rows.items():
        lines.append(
            f"{function:<30} {row['medianMs']:>9.1f} {row['maxMs']:>7.1f} {row['modules']:>7} "
            f"{row['hdocModules']:>5}"
        )
    lines.append(
        f"target (the public read functions import in < {TARGET_MS} ms): "
        + ("met" if cold_starts_met(rows) else "NOT MET")
    )
    return lines


if __name__ == "__main__":
    print("\n".join(cold_start_table(measure_cold_starts())))
