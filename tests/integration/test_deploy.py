"""`hdoc deploy --stage S`: sam build, then sam deploy with the stage's samconfig section."""

from __future__ import annotations

from pathlib import Path

import pytest

from hdoc.cli import main


def fake_sam(folder: Path, fail_on: str | None = None) -> Path:
    """A `sam` that records its arguments (and fails on one command, if asked)."""
    script = folder / "sam"
    log = folder / "calls"
    failing = f'[ "$1" = "{fail_on}" ] && exit 3' if fail_on else ""
    script.write_text(f'#!/bin/sh\necho "$@" >> {log}\n{failing}\nexit 0\n')
    script.chmod(0o755)
    return script


def test_deploy_builds_then_deploys_the_stage(tmp_path, monkeypatch):
    monkeypatch.setenv("HDOC_SAM", str(fake_sam(tmp_path)))
    assert main(["deploy", "--stage", "staging"]) == 0
    assert (tmp_path / "calls").read_text().splitlines() == ["build", "deploy --config-env staging"]


def test_a_failed_build_stops_before_deploying(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HDOC_SAM", str(fake_sam(tmp_path, fail_on="build")))
    assert main(["deploy", "--stage", "prod"]) == 1
    assert (tmp_path / "calls").read_text().splitlines() == ["build"]
    assert "sam build failed" in capsys.readouterr().err


def test_an_unknown_stage_is_refused(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["deploy", "--stage", "qa"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_without_sam_it_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HDOC_SAM", str(tmp_path / "no-sam-here"))
    assert main(["deploy", "--stage", "dev"]) == 1
    assert "SAM CLI is not installed" in capsys.readouterr().err


def test_pipeline_deploy_deploys_the_stages_pipeline_stack_with_its_parameters(tmp_path, monkeypatch):
    monkeypatch.setenv("HDOC_SAM", str(fake_sam(tmp_path)))
    connection = "arn:aws:codeconnections:eu-west-1:123456789012:connection/abc-123"
    arguments = ["pipeline", "deploy", "--stage", "prod", "--connection-arn", connection]
    assert main([*arguments, "--repository", "hdoc-dev/hdoc"]) == 0
    [call] = (tmp_path / "calls").read_text().splitlines()
    assert call.startswith(
        "deploy --template-file cicd/pipeline.yaml --config-file cicd/samconfig.toml --config-env prod"
    )
    assert f"Stage=prod ConnectionArn={connection} FullRepositoryId=hdoc-dev/hdoc" in call


def test_pipeline_deploy_refuses_a_repository_that_is_not_owner_slash_name(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HDOC_SAM", str(fake_sam(tmp_path)))
    connection = "arn:aws:codeconnections:eu-west-1:123456789012:connection/abc-123"
    arguments = ["pipeline", "deploy", "--stage", "dev", "--connection-arn", connection]
    assert main([*arguments, "--repository", "https://github.com/x/y"]) == 2
    assert "owner/name" in capsys.readouterr().err
    assert not (tmp_path / "calls").exists()
