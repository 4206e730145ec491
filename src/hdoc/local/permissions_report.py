"""What each role used, against what its template grants: `python -m hdoc.local.permissions_report
USAGE.jsonl` after running the suite with HDOC_IAM_USAGE_LOG=USAGE.jsonl (enforcement.record_usage).

A granted action no run used is a candidate to remove. The managed policies SAM adds (logs, X-Ray)
are left out: Lambda's own log delivery and tracing use them, which no local run calls.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from hdoc.local.policies import listed
from hdoc.local.runtime import LocalRuntime


def granted_actions(runtime: LocalRuntime) -> dict[str, set[str]]:
    """Each role's actions from the template's own statements (inline policies and policy templates)."""
    granted: dict[str, set[str]] = {}
    for role in runtime.iam_roles().roles.values():
        actions: set[str] = set()
        for document in role.inline:
            for statement in listed(document.get("Statement", [])):
                if statement.get("Effect", "Allow") == "Allow":
                    actions.update(listed(statement.get("Action", [])))
        granted[role.logical_id] = actions
    return granted


def used_actions(lines: list[str]) -> dict[str, Counter[str]]:
    used: dict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:
        if line.strip():
            entry = json.loads(line)
            used[entry["role"]].update(entry["actions"])
    return used


def report(used: dict[str, Counter[str]], granted: dict[str, set[str]]) -> str:
    rows = ["| role | actions its code used | granted, never used |", "|---|---|---|"]
    for role in sorted(granted):
        actions = used.get(role, Counter())
        unused = sorted(action for action in granted[role] if action not in actions and "*" not in action)
        named = role.removesuffix("Role")
        rows.append(f"| {named} | {', '.join(sorted(actions)) or 'none'} | {', '.join(unused) or 'none'} |")
    return "\n".join(rows)


def main(arguments: list[str]) -> int:
    if len(arguments) != 1 or not Path(arguments[0]).is_file():
        print("usage: python -m hdoc.local.permissions_report USAGE.jsonl", file=sys.stderr)
        return 2
    with LocalRuntime(poll_streams=False) as runtime:
        granted = granted_actions(runtime)
    print(report(used_actions(Path(arguments[0]).read_text(encoding="utf-8").splitlines()), granted))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
