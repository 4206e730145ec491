"""`hdoc journey` on a participant's clone: what counts, and clear refusals."""

from __future__ import annotations

import json
import subprocess

import pytest

from hdoc.cli import main
from tests.journeys.repos import JourneyRepo, filled


def test_the_template_reports_zero_days_and_one_sentence_reports_one(tmp_path, capsys):
    repo = JourneyRepo(tmp_path / "journey", from_template=True).commit("2026-03-01T09:00:00+00:00")

    assert main(["journey", str(repo.path), "--json", "--today", "2026-03-02"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["daysCompleted"] == 0

    repo.write("Journey/001/Readme.md", filled("I finally understood how IAM policies are evaluated."))
    repo.commit("2026-03-02T09:00:00+00:00")

    assert main(["journey", str(repo.path), "--json", "--today", "2026-03-02"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["daysCompleted"] == 1
    assert report["entries"][0]["date"] == "2026-03-02"
    assert sum(rule["points"] for rule in report["breakdown"]) == report["totals"]["score"] == 12


def test_the_text_report_says_why_a_day_does_not_count(tmp_path, capsys):
    repo = JourneyRepo(tmp_path / "journey", from_template=True).commit("2026-03-01T09:00:00+00:00")

    assert main(["journey", str(repo.path), "--today", "2026-03-02", "--timezone", "Europe/Paris"]) == 0

    out = capsys.readouterr().out
    assert "does not count: no text of the participant's own" in out
    assert "Europe/Paris" in out
    assert "total (CloudCoins)" in out


def _refused(capsys, *args: str) -> str:
    assert main(["journey", *args]) != 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err


def test_paths_that_are_not_journeys_get_a_clear_message(tmp_path, capsys):
    plain = tmp_path / "plain"
    plain.mkdir()
    assert "is not a git repository" in _refused(capsys, str(plain))
    assert "is not a directory" in _refused(capsys, str(tmp_path / "missing"))

    empty = JourneyRepo(tmp_path / "empty").write("notes.txt", "hello\n").commit("2026-03-01T09:00:00+00:00")
    assert "no journey" in _refused(capsys, str(empty.path))

    source = JourneyRepo(tmp_path / "source", from_template=True).commit("2026-03-01T09:00:00+00:00")
    source.commit("2026-03-02T09:00:00+00:00", "second")
    subprocess.run(
        ["git", "clone", "--quiet", "--bare", str(source.path), str(tmp_path / "bare")], check=True
    )
    assert "bare repository" in _refused(capsys, str(tmp_path / "bare"))
    subprocess.run(
        ["git", "clone", "--quiet", "--depth=1", f"file://{source.path}", str(tmp_path / "shallow")],
        check=True,
    )
    assert "shallow clone" in _refused(capsys, str(tmp_path / "shallow"))

    assert "unknown time zone" in _refused(capsys, str(source.path), "--timezone", "Mars/Olympus")


def test_through_github_prints_the_report_the_statistics_pipeline_stores(tmp_path, capsys):
    repo = JourneyRepo(tmp_path / "journey", from_template=True).commit("2026-02-20T09:00:00+00:00")
    repo.write("Journey/002/Readme.md", "Copied from a friend's journey.\n").commit(
        "2026-02-25T09:00:00+00:00"
    )
    repo.branch("day-3").write("Journey/003/Readme.md", "Written on a branch.\n")
    repo.commit("2026-03-03T21:00:00+01:00")
    repo.switch("main").merge("day-3", "2026-03-04T08:00:00+01:00")
    flags = ["--json", "--today", "2026-03-04", "--timezone", "Europe/Paris", "--created-at", "2026-03-01"]

    assert main(["journey", str(repo.path), *flags]) == 0
    local = json.loads(capsys.readouterr().out)
    assert main(["journey", str(repo.path), *flags, "--through-github"]) == 0
    through_github = json.loads(capsys.readouterr().out)

    assert through_github == local
    counted = {entry["day"]: entry["date"] for entry in local["entries"] if entry["counts"]}
    assert counted == {3: "2026-03-03"}  # day 2 predates the repository; day 3 is dated when written


def test_through_github_refuses_what_a_clone_refuses(tmp_path, capsys):
    plain = tmp_path / "plain"
    plain.mkdir()
    assert "is not a git repository" in _refused(capsys, str(plain), "--through-github")
    source = JourneyRepo(tmp_path / "source", from_template=True).commit("2026-03-01T09:00:00+00:00")
    subprocess.run(
        ["git", "clone", "--quiet", "--depth=1", f"file://{source.path}", str(tmp_path / "shallow")],
        check=True,
    )
    assert "shallow clone" in _refused(capsys, str(tmp_path / "shallow"), "--through-github")


def test_a_creation_time_that_is_not_a_date_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["journey", str(tmp_path), "--created-at", "last spring"])
    assert exited.value.code == 2
    assert "must be a date or a time" in capsys.readouterr().err
