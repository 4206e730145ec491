"""Journeys under `make bench`: parsing and scoring one, reading a clone, and what reading it from
GitHub costs per journey (time, bytes transferred, rate-limit points), through the fake GitHub.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hdoc.journeys.report import read_journey
from hdoc.journeys.snapshot import line_of_commits
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.fake_repository import FakeRepository
from hdoc.models.journey_source import Known
from hdoc.sources.git import read_checkout
from hdoc.sources.github import GitHubClient

JOURNEY_DAYS = 100
CLONE_COMMITS = 300
IMAGES = 30  # screenshots, one every ten commits
IMAGE_BYTES = 150_000
CHANGED_POINTS = 3  # the budget of a changed journey, whatever its size
FETCH_RUNS = 5


def journey_day(day: int) -> str:
    """A day entry as participants write them: the Long template, mostly filled in."""
    paragraphs = "\n\n".join(
        f"On day {day} I worked through part {part} of the lab, broke the stack twice and fixed it by "
        "reading the CloudFormation events from the bottom up."
        for part in range(1, 6)
    )
    return (
        f"![cover](https://via.placeholder.com/1200x600)\n\n# Day {day}: a cloud lab\n\n## Introduction\n\n"
        f"{paragraphs}\n\n## Social Proof\n\n[post](https://x.com/participant/status/{1000 + day})\n"
    )


def _timing(latencies: list[float], target_ms: int | None = None) -> dict[str, Any]:
    latencies = sorted(latencies)
    return {
        "runs": len(latencies),
        "medianMs": round(statistics.median(latencies), 2),
        "maxMs": round(latencies[-1], 2),
        "targetMs": target_ms,
    }


def _make_clone(folder: Path, commit_count: int) -> None:
    """A journey repository with `commit_count` commits over JOURNEY_DAYS days and IMAGES screenshots,
    made by git fast-import."""
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(folder)], check=True)
    rng = random.Random(2026)
    stream = []
    for n in range(commit_count):
        day = n % JOURNEY_DAYS + 1
        text = (journey_day(day) + f"Revision {n // JOURNEY_DAYS}.\n").encode()
        message = f"day {day}".encode()
        when = 1767297600 + n * 7200
        stream += [
            b"commit refs/heads/main\n",
            f"committer Participant <participant@example.com> {when} +0100\n".encode(),
            f"data {len(message)}\n".encode() + message + b"\n",
            f"M 100644 inline Journey/{day:03d}/Readme.md\n".encode(),
            f"data {len(text)}\n".encode() + text + b"\n",
        ]
        if n % (commit_count // IMAGES) == 0:
            image = rng.randbytes(IMAGE_BYTES)
            stream += [
                f"M 100644 inline Journey/{day:03d}/screenshot.png\n".encode(),
                b"data %d\n" % len(image),
                image,
            ]
            stream.append(b"\n")
    subprocess.run(["git", "-C", str(folder), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(folder), "checkout", "--quiet", "main"], check=True)


def _commit(folder: Path, path: str, text: str, when: str) -> None:
    (folder / path).parent.mkdir(parents=True, exist_ok=True)
    (folder / path).write_text(text, encoding="utf-8")
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    identity = ["-c", "user.name=Participant", "-c", "user.email=participant@example.com"]
    subprocess.run(["git", "-C", str(folder), "add", "--all"], check=True)
    subprocess.run(
        ["git", "-C", str(folder), *identity, "commit", "--quiet", "-m", "more"],
        check=True,
        env={**os.environ, **env},
    )


def _fetch_row(github: FakeGitHub, fetch: Callable[[], Any]) -> dict[str, Any]:
    """Time, bytes and rate-limit points of FETCH_RUNS fetches (each from the same starting point)."""
    latencies, kilobytes, points = [], [], []
    for _ in range(FETCH_RUNS):
        github.reset_counters()
        started = time.perf_counter()
        fetch()
        latencies.append((time.perf_counter() - started) * 1000)
        kilobytes.append(github.bytes_sent / 1024)
        points.append(github.cost)
    return {**_timing(latencies), "kilobytes": round(max(kilobytes), 1), "points": max(points)}


def measure_fetches(clone: Path) -> dict[str, Any]:
    """The clone read by the statistics pipeline's GitHub source: first, unchanged, a new day, images."""
    rows: dict[str, Any] = {}
    with FakeGitHub() as github:
        github.add(FakeRepository.load(clone, "participant/100DaysOfCloud"))
        source = GitHubClient(lambda: github.token, github.url)
        first = source.fetch_journey("participant/100DaysOfCloud")
        rows["first read (every day and its history)"] = _fetch_row(
            github, lambda: source.fetch_journey("participant/100DaysOfCloud")
        )
        rows["unchanged (a conditional request, 304)"] = _fetch_row(
            github, lambda: source.fetch_journey("participant/100DaysOfCloud", first.known)
        )
        _commit(clone, "Journey/101/Readme.md", journey_day(101), "2026-05-01T20:00:00+01:00")
        rows["changed: one new day"] = _fetch_row(
            github, lambda: source.fetch_journey("participant/100DaysOfCloud", first.known)
        )
        after_day = source.fetch_journey("participant/100DaysOfCloud", first.known).known
        _commit(clone, "images/new.png", "P" * IMAGE_BYTES, "2026-05-02T20:00:00+01:00")
        rows["changed: a push of images only"] = _fetch_row(
            github, lambda: source.fetch_journey("participant/100DaysOfCloud", after_day or Known())
        )
    return rows


def measure_journeys(samples: int) -> dict[str, Any]:
    """Parsing and scoring a 100-day journey from memory, reading a 300-commit local clone, and
    reading the same clone from (the fake) GitHub."""
    start = datetime.fromisoformat("2026-01-01T20:00:00+01:00")
    changes: list[tuple[datetime, dict[str, str | None]]] = []
    for day in range(1, JOURNEY_DAYS + 1):
        path = f"Journey/{day:03d}/Readme.md"
        written = start + timedelta(days=day)
        changes.append((written, {path: journey_day(day)}))
        changes.append((written + timedelta(hours=1), {path: journey_day(day) + "Fixed."}))
    snapshot = line_of_commits(changes)
    today: date = (start + timedelta(days=JOURNEY_DAYS)).date()
    parse_ms = []
    for _ in range(max(20, samples // 4)):
        started = time.perf_counter()
        report = read_journey(snapshot, today=today, timezone=UTC)
        parse_ms.append((time.perf_counter() - started) * 1000)
    assert report.totals.days_completed == JOURNEY_DAYS
    with tempfile.TemporaryDirectory() as folder:
        clone = Path(folder) / "journey"
        _make_clone(clone, CLONE_COMMITS)
        read_ms = []
        for _ in range(5):
            started = time.perf_counter()
            read = read_checkout(clone)
            read_ms.append((time.perf_counter() - started) * 1000)
        assert len(read.commits) == CLONE_COMMITS
        fetches = measure_fetches(clone)
    return {
        "rows": {
            f"parse and score: {JOURNEY_DAYS} days, {len(changes)} commits in memory": _timing(parse_ms, 50),
            f"read a local clone: {CLONE_COMMITS} commits, {JOURNEY_DAYS} days": _timing(read_ms, 2000),
        },
        "fetches": fetches,
        "clone": {
            "commits": CLONE_COMMITS,
            "days": JOURNEY_DAYS,
            "imageKilobytes": IMAGES * IMAGE_BYTES // 1024,
        },
    }


def journeys_met(results: dict[str, Any]) -> bool:
    return all(row["medianMs"] < row["targetMs"] for row in results["rows"].values())


def fetches_met(results: dict[str, Any]) -> bool:
    """0 points for an unchanged journey, at most CHANGED_POINTS for a changed one, no image fetched."""
    fetches = results["fetches"]
    changed = [row for name, row in fetches.items() if name.startswith(("first", "changed"))]
    images = results["clone"]["imageKilobytes"]
    return (
        fetches["unchanged (a conditional request, 304)"]["points"] == 0
        and all(row["points"] <= CHANGED_POINTS for row in changed)
        and all(row["kilobytes"] < images for row in changed)
    )


def journeys_table(results: dict[str, Any]) -> list[str]:
    lines = ["", f"{'journey':<60} {'runs':>4} {'median ms':>9} {'max ms':>8} {'target':>8}", "-" * 94]
    for name, row in results["rows"].items():
        lines.append(
            f"{name:<60} {row['runs']:>4} {row['medianMs']:>9.2f} {row['maxMs']:>8.2f} "
            f"{'< ' + str(row['targetMs']):>8}"
        )
    return lines


def fetches_table(results: dict[str, Any]) -> list[str]:
    clone = results["clone"]
    title = (
        f"the clone from GitHub ({clone['commits']} commits, {clone['days']} days, "
        f"{clone['imageKilobytes']:,} KiB of images)"
    )
    lines = ["", f"{title:<60} {'median ms':>9} {'max ms':>8} {'KiB':>8} {'points':>6}", "-" * 95]
    for name, row in results["fetches"].items():
        lines.append(
            f"{name:<60} {row['medianMs']:>9.2f} {row['maxMs']:>8.2f} {row['kilobytes']:>8.1f} "
            f"{row['points']:>6}"
        )
    return lines
