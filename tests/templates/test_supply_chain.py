"""The supply chain: every dependency installed from a lock with hashes, audited, GitHub Actions
pinned by commit, and the pipeline's Test stage unable to write anything but its logs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.templates.conftest import resources

PIN = re.compile(r"^([A-Za-z0-9._-]+)(\[[^\]]*\])?==([^\s;\\]+)")
# Each lock, and the file of direct pins it is compiled from.
LOCKS = {
    ROOT / "src" / "requirements.txt": ROOT / "requirements" / "lambda.in",
    ROOT / "requirements" / "dev.txt": ROOT / "pyproject.toml",
    ROOT / "requirements" / "sam.txt": ROOT / "requirements" / "sam.in",
    ROOT / "requirements" / "checkov.txt": ROOT / "requirements" / "checkov.in",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(lock: Path) -> dict[str, tuple[str, int]]:
    """Package → (version, number of hashes) in a lock file."""
    packages: dict[str, tuple[str, int]] = {}
    current = None
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = _normal(match.group(1))
            packages[current] = (match.group(3), 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = packages[current]
            packages[current] = (version, hashes + 1)
    return packages


def direct_pins(source: Path) -> dict[str, str]:
    if source.suffix == ".toml":
        project = tomllib.loads(source.read_text())["project"]
        lines = project["dependencies"] + project["optional-dependencies"]["dev"]
    else:
        lines = source.read_text().splitlines()
    pins = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            pins[_normal(match.group(1))] = match.group(3)
    return pins


def test_the_lambda_package_pins_the_projects_dependencies_but_boto3():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    packaged = [
        line.strip()
        for line in (ROOT / "requirements" / "lambda.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # boto3 comes with the Lambda runtime, so it is not packaged.
    assert sorted(packaged) == sorted(pin for pin in project if not pin.startswith("boto3"))


@pytest.mark.parametrize("lock", list(LOCKS), ids=lambda path: path.name)
def test_every_lock_pins_every_package_with_hashes_and_holds_its_direct_pins(lock: Path):
    packages = locked(lock)
    assert len(packages) >= 10
    assert [name for name, (_, hashes) in packages.items() if hashes == 0] == []
    for name, version in direct_pins(LOCKS[lock]).items():
        assert packages.get(name, (None,))[0] == version, f"{lock.name}: {name} is not {version}"
    lines = [
        line for line in lock.read_text().splitlines() if line.strip() and not line.startswith((" ", "#"))
    ]
    assert all(PIN.match(line) for line in lines), [line for line in lines if not PIN.match(line)]


def test_the_makefile_installs_only_from_the_hashed_locks():
    recipes = [line.strip() for line in (ROOT / "Makefile").read_text().splitlines() if "pip install" in line]
    assert len(recipes) >= 4
    for recipe in recipes:
        if recipe.endswith("-e ."):
            assert "--no-deps" in recipe, recipe  # hdoc itself, its dependencies already installed
        else:
            # Exactly the lock's packages: the lock is complete, so pip resolves nothing of its own
            assert "--require-hashes --no-deps -r requirements/" in recipe, recipe
    assert "audit" in next(
        line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("test:")
    )


def test_github_actions_are_pinned_by_commit():
    workflows = (ROOT / ".github" / "workflows").glob("*.yml")
    uses = [
        step["uses"]
        for workflow in workflows
        for job in yaml.safe_load(workflow.read_text())["jobs"].values()
        for step in job["steps"]
        if "uses" in step
    ]
    assert uses
    assert [use for use in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use)] == []


def test_the_pipelines_test_stage_may_only_read_the_source_and_write_its_logs():
    pipeline = ROOT / "cicd" / "pipeline.yaml"
    project = resources(pipeline)["TestProject"]["Properties"]
    assert project["ServiceRole"] == {"Fn::GetAtt": ["TestRole", "Arn"]}
    statements = resources(pipeline)["TestRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    actions = {action for statement in statements for action in statement["Action"]}
    assert actions == {"logs:CreateLogStream", "logs:PutLogEvents", "s3:GetObject", "s3:GetObjectVersion"}


def _audit(tmp_path: Path, report: dict) -> subprocess.CompletedProcess[str]:
    """Run cicd/audit.py with a pip-audit that answers `report`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    fake = bin_dir / "pip-audit"
    fake.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(report)}\nEOF\n")
    fake.chmod(0o755)
    return subprocess.run(
        [str(bin_dir / "python"), str(ROOT / "cicd" / "audit.py"), "src/requirements.txt"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ},
    )


def test_the_audit_fails_on_a_known_vulnerability(tmp_path: Path):
    vulnerable = {
        "name": "urllib3",
        "version": "1.0",
        "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["2.0"]}],
    }
    result = _audit(
        tmp_path, {"dependencies": [vulnerable, {"name": "nh3", "version": "0.3.8", "vulns": []}]}
    )
    assert result.returncode == 1
    assert "src/requirements.txt: urllib3 1.0: GHSA-xxxx (fixed in 2.0)" in result.stdout


def test_the_audit_passes_a_clean_lock(tmp_path: Path):
    result = _audit(tmp_path, {"dependencies": [{"name": "nh3", "version": "0.3.8", "vulns": []}]})
    assert result.returncode == 0
    assert "1 locked dependencies audited, 0 with known vulnerabilities" in result.stdout


def test_the_audit_says_so_when_it_could_audit_nothing(tmp_path: Path):
    skipped = {"name": "nh3", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    result = _audit(tmp_path, {"dependencies": [skipped]})
    assert result.returncode == 0
    assert "not audited here" in result.stdout
