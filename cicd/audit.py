"""pip-audit over hdoc's lock files, safe offline.

Runs pip-audit on the locked (hashed) requirements and fails when a locked version has a known
vulnerability. Where PyPI's vulnerability data cannot be reached (a machine with only a package
mirror), pip-audit skips every dependency; this says so plainly instead of reporting a clean audit.

Usage: python cicd/audit.py LOCK_FILE...
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _report(lock: str) -> list[dict] | None:
    """pip-audit's findings for one lock file (each alone: the locks may pin a package differently)."""
    command = [str(Path(sys.executable).parent / "pip-audit"), "--progress-spinner", "off"]
    command += ["--disable-pip", "--require-hashes", "--format", "json", "--requirement", lock]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    try:
        return list(json.loads(result.stdout)["dependencies"])
    except (json.JSONDecodeError, KeyError):
        print(f"pip-audit could not run on {lock}: {result.stderr.strip()[-2000:]}", file=sys.stderr)
        return None


def audit(locks: list[str]) -> int:
    audited, vulnerable, skipped = 0, 0, 0
    for lock in locks:
        dependencies = _report(lock)
        if dependencies is None:
            return 2
        for dependency in dependencies:
            if "skip_reason" in dependency:
                skipped += 1
                continue
            audited += 1
            vulnerable += bool(dependency.get("vulns"))
            for vulnerability in dependency.get("vulns") or []:
                fixed = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed version yet"
                found = f"{dependency['name']} {dependency['version']}: {vulnerability['id']}"
                print(f"{lock}: {found} (fixed in {fixed})")
    if not audited:
        print(
            f"pip-audit: not audited here: PyPI's vulnerability data is unreachable from this machine "
            f"({skipped} locked dependencies skipped); the pipeline's and GitHub's runs audit them"
        )
        return 0
    print(
        f"pip-audit: {audited} locked dependencies audited, {vulnerable} with known vulnerabilities"
        + (f", {skipped} skipped (not on PyPI)" if skipped else "")
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(audit(sys.argv[1:]))
