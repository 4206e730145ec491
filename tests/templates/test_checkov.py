"""checkov on every template: zero failed checks. The only exceptions are skips in a resource's
Metadata, each with a one-line reason."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hdoc.local.cfn import load_template
from tests.conftest import ROOT
from tests.templates.conftest import TEMPLATES

pytestmark = pytest.mark.slow


def checkov() -> str:
    path = os.environ.get("HDOC_CHECKOV") or str(ROOT / ".venv-checkov" / "bin" / "checkov")
    if not Path(path).exists():
        pytest.fail("checkov not found: run the tests with `make test`, which installs it")
    return path


def scan(*paths: Path) -> list[dict[str, Any]]:
    """checkov's report for each template: passed, failed and skipped checks."""
    files = [argument for path in paths for argument in ("-f", str(path))]
    done = subprocess.run(
        [checkov(), "--framework", "cloudformation", "-o", "json", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = json.loads(done.stdout)
    return report if isinstance(report, list) else [report]


def failures(reports: list[dict[str, Any]]) -> list[str]:
    return [
        f"{check['check_id']} {check['resource']} ({check['file_path']})"
        for report in reports
        for check in report.get("results", {}).get("failed_checks", [])
    ]


def test_checkov_finds_nothing_to_fix_in_any_template():
    reports = scan(*TEMPLATES)
    assert failures(reports) == []
    assert sum(report.get("summary", {}).get("passed", 0) for report in reports) > 0


def test_checkov_fails_a_template_broken_on_purpose(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources:\n  Site:\n    Type: AWS::S3::Bucket\n  Queue:\n    Type: AWS::SQS::Queue\n")
    found = failures(scan(broken))
    assert any("AWS::S3::Bucket.Site" in finding for finding in found)
    assert any("AWS::SQS::Queue.Queue" in finding for finding in found)


def test_every_skip_names_a_check_it_skips_and_gives_a_one_line_reason():
    skipped = {
        (check["check_id"], check["resource"].rsplit(".", 1)[-1])
        for report in scan(*TEMPLATES)
        for check in report.get("results", {}).get("skipped_checks", [])
    }
    declared = set()
    for path in TEMPLATES:
        for logical_id, resource in load_template(path)["Resources"].items():
            for skip in (resource.get("Metadata") or {}).get("checkov", {}).get("skip", []):
                declared.add((skip.get("id"), logical_id))
                reason = str(skip.get("comment", ""))
                assert reason.strip(), (path.name, logical_id, skip)
                assert "\n" not in reason.strip(), (path.name, logical_id, skip)
    assert declared
    assert declared == skipped  # no skip is kept for a check checkov does not run there
