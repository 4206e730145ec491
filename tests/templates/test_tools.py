"""The templates pass cfn-lint and `sam validate --lint`, and `sam build` makes importable functions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hdoc.local.cfn import load_template
from tests.conftest import ROOT
from tests.templates.conftest import TEMPLATES

# The Lambda Python runtime comes with boto3 and what it needs; nothing else is there.
LAMBDA_RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


def sam() -> str:
    path = os.environ.get("HDOC_SAM") or shutil.which("sam")
    if not path:
        pytest.fail("AWS SAM CLI not found: run the tests with `make test`, which installs it")
    return path


def cfn_lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).parent / "cfn-lint"
    return subprocess.run([str(command), *map(str, paths)], capture_output=True, text=True, check=False)


def test_cfn_lint_is_clean_on_every_template():
    result = cfn_lint(*TEMPLATES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_fails_a_broken_template(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "Resources:\n  Users:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      Keys: pk\n"
    )
    assert cfn_lint(broken).returncode != 0


@pytest.mark.slow
def test_sam_validate_lint_passes():
    result = subprocess.run(
        [sam(), "validate", "--lint", "--template-file", "template.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _lambda_runtime(tmp_path: Path) -> Path:
    """A folder holding only what the Lambda runtime provides (boto3), linked from this interpreter."""
    runtime = tmp_path / "lambda-runtime"
    runtime.mkdir()
    for package in LAMBDA_RUNTIME_PACKAGES:
        module = __import__(package)
        source = Path(module.__file__)
        source = source.parent if source.name == "__init__.py" else source
        (runtime / source.name).symlink_to(source)
    return runtime


@pytest.mark.slow
def test_sam_build_makes_functions_whose_handlers_import_from_their_build_folder_alone(tmp_path: Path):
    build_dir = tmp_path / "build"
    result = subprocess.run(
        [sam(), "build", "--build-dir", str(build_dir), "--parameter-overrides", "Architecture=x86_64"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    runtime = _lambda_runtime(tmp_path)

    handlers = {}
    for template in build_dir.rglob("template.yaml"):
        for _logical_id, resource in load_template(template)["Resources"].items():
            if resource["Type"] == "AWS::Serverless::Function":
                handlers[template.parent / resource["Properties"]["CodeUri"]] = resource["Properties"][
                    "Handler"
                ]
    assert len(handlers) >= 2
    for folder in handlers:
        # Only what the functions import: not the local runtime, the command line or the maintainers' tools.
        shipped = {path.relative_to(folder / "hdoc").as_posix() for path in (folder / "hdoc").rglob("*")}
        assert {"handlers/api.py", "logic/cursors.py", "dal/users.py", "journeys/day_templates"} <= shipped
        assert not {"local", "cli", "maintenance", "site_files.py"} & shipped, folder.name
        assert not [name for name in ("moto", "pytest", "playwright", "werkzeug") if (folder / name).exists()]
    for folder, handler in handlers.items():
        module, _, attribute = handler.rpartition(".")
        check = (
            "import importlib, sys; "
            f"sys.path[:] = [{str(folder)!r}, {str(runtime)!r}]"
            " + [p for p in sys.path if 'site-packages' not in p]; "
            f"assert callable(getattr(importlib.import_module({module!r}), {attribute!r}))"
        )
        imported = subprocess.run(
            [sys.executable, "-I", "-S", "-c", check],
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": os.environ["PATH"], "AWS_DEFAULT_REGION": "us-east-1"},
        )
        assert imported.returncode == 0, f"{folder.name}: {imported.stderr}"


# What the Lambda functions never load: the local runtime, the command line and the maintainers' tools.
NOT_SHIPPED = {"local", "cli", "maintenance", "site_files.py", "__pycache__"}


def test_the_functions_folder_links_every_module_but_the_local_and_maintainers_tools():
    """functions/ is what `sam build` packages (CodeUri): links to src/hdoc's Lambda code alone."""
    shipped = ROOT / "functions" / "hdoc"
    assert all(entry.is_symlink() for entry in shipped.iterdir())
    assert {entry.name for entry in shipped.iterdir()} == {
        entry.name for entry in (ROOT / "src" / "hdoc").iterdir()
    } - NOT_SHIPPED
    assert (ROOT / "functions" / "requirements.txt").resolve() == (
        ROOT / "src" / "requirements.txt"
    ).resolve()
    for stack in ("api.yaml", "auth.yaml", "stats.yaml"):
        assert load_template(ROOT / "stacks" / stack)["Globals"]["Function"]["CodeUri"] == "../functions"
