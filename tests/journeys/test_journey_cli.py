"""`hdoc journey` on a participant's clone: what counts, and clear refusals."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from hdoc.cli import main
from hdoc.journeys.report import read_journey
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.fake_repository import FakeRepository
from hdoc.sources.git import read_checkout
from hdoc.sources.github import GitHubClient
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


def test_a_clone_and_github_differ_only_by_what_is_not_pushed_and_the_creation_date(tmp_path):
    # Given a clone pushed to GitHub, then a day written but not pushed
    clone = JourneyRepo(tmp_path / "clone", from_template=True).commit("2026-03-01T09:00:00+00:00")
    clone.write("Journey/001/Readme.md", "Copied before the repository existed.\n")
    clone.commit("2026-02-20T09:00:00+00:00")
    clone.write("Journey/002/Readme.md", "Pushed.\n").commit("2026-03-02T09:00:00+00:00")
    bare = tmp_path / "github"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(clone.path), str(bare)], check=True)
    clone.write("Journey/003/Readme.md", "Not pushed yet.\n").commit("2026-03-03T09:00:00+00:00")
    created = datetime(2026, 2, 25, tzinfo=UTC)

    # When the clone is read locally, and GitHub's copy as the statistics parser reads it
    github = FakeRepository.load(bare, "someone/100DaysOfCloud", created_at=created)
    with FakeGitHub() as server:
        server.add(github)
        fetched = GitHubClient(lambda: server.token, server.url).fetch_journey("someone/100DaysOfCloud")
    assert fetched.snapshot is not None
    today = date(2026, 3, 4)
    on_github = counted(read_journey(fetched.snapshot, today=today, timezone=UTC))
    local = counted(read_journey(read_checkout(clone.path), today=today, timezone=UTC))
    with_creation = counted(
        read_journey(replace(read_checkout(clone.path), created_at=created), today=today, timezone=UTC)
    )

    # Then the unpushed day 3 is the clone's alone, and day 1 counts locally until the creation is given
    assert on_github == {2: "2026-03-02"}
    assert local == {1: "2026-02-20", 2: "2026-03-02", 3: "2026-03-03"}
    assert with_creation == {2: "2026-03-02", 3: "2026-03-03"}


def counted(report) -> dict[int, str]:
    return {entry.day: entry.date.isoformat() for entry in report.entries if entry.counts and entry.date}


def test_the_text_report_says_why_a_pdf_or_a_readme_table_row_does_not_count(tmp_path, capsys):
    repo = JourneyRepo(tmp_path / "journey")
    repo.write("README.md", "| Day | Post |\n|---|---|\n| 1 | [post](https://dev.to/me/day-1) |\n")
    repo.write("Journey/002/notes.pdf", "%PDF-1.4\n")
    repo.write("Days/day003.txt", "Read about the shared responsibility model.\n")
    repo.commit("2026-03-03T09:00:00+00:00")

    assert main(["journey", str(repo.path), "--today", "2026-03-03"]) == 0

    out = capsys.readouterr().out
    assert "does not count: only a row of the README's table, linking to dev.to" in out
    assert "does not count: only a PDF (notes.pdf)" in out
    assert "1 day completed" in out
