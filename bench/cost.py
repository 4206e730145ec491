"""What a page view costs in AWS, from measured figures: `make bench` measures each public request of
the website's pages (the handler's own time, its peak memory, DynamoDB read units, response bytes)
on the demo, and this model prices them with the templates' memory sizes and architecture and AWS's
published prices (one dated table, below), for a cache hit ratio at the edge of 0, 90 and 99 %.

A request that CloudFront answers from its cache costs a CloudFront request and its bytes; one that
reaches the API costs, on top, API Gateway (REST), a Lambda invocation (requests and GB-seconds,
its duration rounded up to the millisecond) and the DynamoDB read units it used. The website's
static files are left out (the same before and after, and always served from CloudFront's cache).
The old backend had no cache: every request went to API Gateway and read the whole USERS table with
one Scan (measured beside ours at the benchmark's largest size), its answers leaving AWS from API
Gateway.

`python -m bench.cost [--hit-ratio 95 ...]` prices the figures of the last `make bench` again.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import statistics
import subprocess
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from hdoc.local.cfn import load_template
from hdoc.local.functions import LocalFunction
from hdoc.local.gateway import READ_UNITS_HEADER

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
HIT_RATIOS = (0.0, 0.9, 0.99)
SAMPLES = 30

# AWS list prices, us-east-1, in US dollars, as published on each service's pricing page
# (aws.amazon.com/lambda/pricing, /api-gateway/pricing, /dynamodb/pricing/on-demand,
# /cloudfront/pricing) as of the date below. Check them again before you rely on the figures.
PRICES_AS_OF = "2025-06"
PRICES = {
    "lambda per request": 0.20 / 1e6,
    "lambda per GB-second arm64": 0.0000133334,
    "lambda per GB-second x86_64": 0.0000166667,
    "api gateway REST per request": 3.50 / 1e6,  # the first 333 million a month
    "api gateway per GB out": 0.09,  # data transfer out to the internet (EC2 rates, first 10 TB)
    "dynamodb per read request unit": 0.125 / 1e6,  # on-demand
    "cloudfront per HTTPS request": 0.0100 / 10_000,  # North America and Europe
    "cloudfront per GB out": 0.085,  # North America and Europe, the first 10 TB
}

# Each page's requests to the API, as the website makes them for a reader who is not signed in.
PAGES = {
    "home page": [
        "/leaderboard?limit=5",
        "/users/recent?limit=10",
        "/articles?limit=5",
        "/tags?limit=20",
    ],
    "a profile": [
        "/users/{username}",
        "/users/{username}/journey",
        "/articles?author={username}&limit=5",
        "/users/{username}/card.svg",
        "/users/{username}/badge.svg",
    ],
    "the leaderboard": ["/leaderboard?limit=20"],
}


@dataclass(frozen=True)
class Deployment:
    """What the templates say the API functions run with."""

    memory_mb: dict[str, int]  # by function logical id
    architecture: str


def deployment() -> Deployment:
    """Each API function's memory size (its own, or the stack's Globals) and the default architecture."""
    api = load_template(ROOT / "stacks" / "api.yaml")
    default = int(api["Globals"]["Function"]["MemorySize"])
    memory = {
        logical_id: int(resource_["Properties"].get("MemorySize", default))
        for logical_id, resource_ in api["Resources"].items()
        if resource_["Type"] == "AWS::Serverless::Function"
    }
    root = load_template(ROOT / "template.yaml")
    return Deployment(memory, str(root["Parameters"]["Architecture"]["Default"]))


# VmHWM: this process's own peak resident memory (ru_maxrss would carry over the parent's across exec).
_RSS = (
    "import importlib, sys\n"
    "importlib.import_module(sys.argv[1])\n"
    "status = open('/proc/self/status').read()\n"
    "print(status.split('VmHWM:')[1].split()[0])\n"
)


def imported_rss_mb(handler_module: str) -> float:
    """The resident memory of a fresh interpreter once it has imported the handler (a warm container's
    floor, before any request)."""
    answer = subprocess.run(
        [sys.executable, "-I", "-c", _RSS, handler_module],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return int(answer.stdout) / 1024  # kB


def _function_for(functions: list[LocalFunction], before: dict[str, int]) -> LocalFunction:
    ran = [
        function
        for function in functions
        if len(function.recent) and function.invocations > before[function.name]
    ]
    assert len(ran) == 1, [function.logical_id for function in ran]
    return ran[0]


def measure_requests(api_url: str, functions: list[LocalFunction], username: str) -> dict[str, Any]:
    """Each page request, SAMPLES times: handler time, peak memory, read units, bytes."""
    rows: dict[str, Any] = {}
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        with requests.Session() as session:
            for path in dict.fromkeys(path for paths in PAGES.values() for path in paths):
                url = f"{api_url}{path.replace('{username}', username)}"
                durations, peaks, units, sizes, zipped, function = [], [], [], [], [], None
                for attempt in range(SAMPLES + 3):
                    before = {f.name: f.invocations for f in functions}
                    answer = session.get(url, timeout=30)
                    answer.raise_for_status()
                    function = _function_for(functions, before)
                    if attempt < 3:
                        continue  # warm the function up, as a warm container would be
                    invocation = function.recent[-1]
                    durations.append(invocation.duration_ms)
                    peaks.append(invocation.peak_bytes or 0)
                    units.append(float(answer.headers[READ_UNITS_HEADER]))
                    sizes.append(len(answer.content))
                    zipped.append(len(gzip.compress(answer.content)))
                assert function is not None
                durations.sort()
                rows[path] = {
                    "function": function.logical_id,
                    "medianMs": round(statistics.median(durations), 2),
                    "p95Ms": round(durations[math.ceil(len(durations) * 0.95) - 1], 2),
                    "requestPeakMb": round(max(peaks) / 2**20, 1),
                    "readUnits": max(units),
                    "bytes": max(sizes),
                    "gzipBytes": max(zipped),
                }
    finally:
        if not tracing:
            tracemalloc.stop()
    return rows


def measure_cost_figures(website: Any) -> dict[str, Any]:
    """The figures the model needs, measured on the demo behind the local site (`website`)."""
    username = website.api("/leaderboard", limit=1)["items"][0]["id"]
    rows = measure_requests(website.api_url, website.runtime.functions, username)
    handlers = {f.logical_id: f.handler.rpartition(".")[0] for f in website.runtime.functions}
    floors = {
        name: round(imported_rss_mb(handlers[name]), 1) for name in {row["function"] for row in rows.values()}
    }
    return {"requests": rows, "importedRssMb": floors}


def request_cost(row: dict[str, Any], deploy: Deployment, hit_ratio: float) -> float:
    """Dollars for one request of this kind at the edge, at `hit_ratio`."""
    edge = PRICES["cloudfront per HTTPS request"] + row["gzipBytes"] / 1e9 * PRICES["cloudfront per GB out"]
    memory_gb = deploy.memory_mb[row["function"]] / 1024
    seconds = math.ceil(row["medianMs"]) / 1000
    origin = (
        PRICES["api gateway REST per request"]
        + PRICES["lambda per request"]
        + memory_gb * seconds * PRICES[f"lambda per GB-second {deploy.architecture}"]
        + row["readUnits"] * PRICES["dynamodb per read request unit"]
    )
    return float(edge + (1 - hit_ratio) * origin)


def old_request_cost(old: dict[str, Any], deploy: Deployment, response_bytes: int) -> float:
    """Dollars for one request of the old backend: API Gateway, Lambda, a full Scan, no cache."""
    memory_gb = deploy.memory_mb["ParticipantsFunction"] / 1024
    return float(
        PRICES["api gateway REST per request"]
        + PRICES["lambda per request"]
        + memory_gb
        * math.ceil(old["medianMs"])
        / 1000
        * PRICES[f"lambda per GB-second {deploy.architecture}"]
        + old["readUnits"] * PRICES["dynamodb per read request unit"]
        + response_bytes / 1e9 * PRICES["api gateway per GB out"]
    )


def cost_per_million_views(
    figures: dict[str, Any], old: dict[str, Any] | None, hit_ratios: tuple[float, ...] = HIT_RATIOS
) -> dict[str, Any]:
    deploy = deployment()
    rows = figures["requests"]
    pages: dict[str, Any] = {}
    for page, paths in PAGES.items():
        pages[page] = {
            f"{ratio:.0%}": round(sum(request_cost(rows[path], deploy, ratio) for path in paths) * 1e6, 2)
            for ratio in hit_ratios
        }
        if old is not None:
            pages[page]["old"] = round(
                sum(old_request_cost(old, deploy, rows[path]["bytes"]) for path in paths) * 1e6, 2
            )
    return {"pricesAsOf": PRICES_AS_OF, "architecture": deploy.architecture, "pages": pages}


def cost_table(figures: dict[str, Any], model: dict[str, Any], old: dict[str, Any] | None) -> list[str]:
    deploy = deployment()
    lines = [
        "",
        f"{'public request (on the demo)':<40} {'function':<21} {'MB':>4} {'median ms':>9} {'p95 ms':>7} "
        f"{'peak MB':>7} {'RRU':>5} {'bytes':>7} {'gzip':>6}",
        "-" * 116,
    ]
    for path, row in figures["requests"].items():
        floor = figures["importedRssMb"][row["function"]]
        memory = deploy.memory_mb[row["function"]]
        lines.append(
            f"{path:<40} {row['function']:<21} {memory:>4} {row['medianMs']:>9.2f} "
            f"{row['p95Ms']:>7.2f} {floor + row['requestPeakMb']:>7.1f} {row['readUnits']:>5g} "
            f"{row['bytes']:>7} {row['gzipBytes']:>6}"
        )
    lines.append("(peak MB: the function's memory once imported, plus what the request allocated at most)")
    ratios = [key for key in next(iter(model["pages"].values())) if key != "old"]
    header = " ".join(f"{'at ' + ratio + ' hits':>14}" for ratio in ratios)
    old_header = f" {'old backend':>14}" if old is not None else ""
    lines += [
        "",
        f"{'$ per 1 million page views':<28} {header}{old_header}   "
        f"(AWS prices of {model['pricesAsOf']}, {model['architecture']})",
        "-" * 100,
    ]
    for page, costs in model["pages"].items():
        cells = " ".join(f"{costs[ratio]:>14,.2f}" for ratio in ratios)
        old_cell = f" {costs['old']:>14,.2f}" if "old" in costs else ""
        lines.append(f"{page:<28} {cells}{old_cell}")
    if old is not None:
        lines.append(
            f"(old backend: one Scan per request at {old['participants']:,} participants: "
            f"{old['readUnits']:g} read units, {old['medianMs']:.1f} ms)"
        )
    return lines


def old_figures(results: dict[str, Any]) -> dict[str, Any] | None:
    """The old backend's Scan at the benchmark's largest size, if it was measured."""
    if not results.get("sizes"):
        return None
    largest = max(results["sizes"], key=int)
    scan = results["sizes"][largest]["old: one Scan + sort in memory"]
    if "readUnits" not in scan:
        return None
    return {"participants": int(largest), "readUnits": scan["readUnits"], "medianMs": scan["medianMs"]}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__)
    parser.add_argument(
        "--hit-ratio", type=float, nargs="+", default=[100 * ratio for ratio in HIT_RATIOS], help="percent"
    )
    args = parser.parse_args()
    if not RESULTS.is_file():
        print("bench.cost: no bench/results.json yet: run `make bench` first", file=sys.stderr)
        return 1
    results = json.loads(RESULTS.read_text())
    if "cost" not in results:
        print(
            "bench.cost: the last bench measured no page costs (it ran without the website)", file=sys.stderr
        )
        return 1
    if any(not 0 <= ratio <= 100 for ratio in args.hit_ratio):
        print("bench.cost: a hit ratio is a percentage, 0 to 100", file=sys.stderr)
        return 2
    old = old_figures(results)
    model = cost_per_million_views(results["cost"], old, tuple(ratio / 100 for ratio in args.hit_ratio))
    print("\n".join(cost_table(results["cost"], model, old)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
