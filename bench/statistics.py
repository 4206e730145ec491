"""The statistics pipeline under `make bench`: what refreshing every journey costs in GitHub rate
limit, how long a local refresh of everyone takes, how fast the score calculator goes, and what the
progress card and badge of a participant with a read journey cost beside their profile."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from bench.http import measure
from hdoc.dal.users import UsersTable
from hdoc.local.demo_journeys import journey_repository
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.fake_repository import FakeRepository
from hdoc.local.gateway import LocalServer
from hdoc.local.runtime import LocalRuntime
from hdoc.local.seed import demo_participants, unscored
from hdoc.logic.refresh import execution_input

PARTICIPANTS = 500
UNCHANGED_TARGET = 0.05  # rate-limited requests per participant, on average
CHANGED_TARGET = 3  # rate-limited requests (points) per participant, whatever the number of days
CARD_ITEMS_TARGET = 2  # DynamoDB items read per card: the participant and their journey's statistics
IMAGE_SAMPLES = 100


def _new_day(repository: FakeRepository, now: datetime) -> None:
    days = sum(1 for path in repository.files if path.startswith("Journey/"))
    day = days + 1
    text = f"# Day {day}\n\nToday I automated yesterday's work with a pipeline and wrote down why.\n"
    repository.commit(now, {f"Journey/{day:03d}/Readme.md": text})


def _run(runtime: LocalRuntime, github: FakeGitHub, count: int) -> dict[str, Any]:
    github.reset_counters()
    started = time.perf_counter()
    ended = runtime.run_state_machine(execution_input(), timeout_seconds=3600)
    wall = time.perf_counter() - started
    if ended["status"] != "SUCCEEDED":
        raise SystemExit(f"bench: the statistics parser ended {ended['status']}: {ended['cause']}")
    started = time.perf_counter()
    records = runtime.deliver_streams(rounds=50)
    calculating = time.perf_counter() - started
    return {
        "participants": count,
        "requests": github.total_requests,
        "rateLimited": github.cost,
        "requestsPerParticipant": round(github.total_requests / count, 3),
        "rateLimitedPerParticipant": round(github.cost / count, 3),
        "kilobytesPerParticipant": round(github.bytes_sent / count / 1024, 1),
        "refreshSeconds": round(wall, 1),
        "outcomes": ended["output"]["outcomes"],
        "streamRecords": records,
        "calculatorRecordsPerSecond": round(records / calculating, 1) if records else None,
    }


def measure_statistics(count: int = PARTICIPANTS) -> dict[str, Any]:
    """Refresh `count` demo journeys three times: first read, all unchanged, each with one new day."""
    people = [participant for participant, _ in demo_participants(count, seed=7)]
    rng = random.Random(7)
    now = datetime.now(UTC) - timedelta(minutes=5)
    with FakeGitHub() as github:
        repositories = [github.add(journey_repository(participant, rng, now)) for participant in people]
        with LocalRuntime(
            parameters={"GitHubApiUrl": github.url}, github_token=github.token, poll_streams=False
        ) as runtime:
            users = UsersTable(runtime.table_name("UsersTable"))
            users.put_many((unscored(participant), participant.date_joined) for participant in people)
            rows = {"first read of every journey": _run(runtime, github, count)}
            rows["all unchanged"] = _run(runtime, github, count)
            for repository in repositories:
                _new_day(repository, now + timedelta(minutes=1))
            rows["each with one new day"] = _run(runtime, github, count)
            leaders, _ = users.leaderboard_page(1)
            images = _measure_images(runtime, [participant.id for participant in people])
    return {
        "rows": rows,
        "images": images,
        "topScore": leaders[0].participant.score if leaders else 0,
        "targets": {
            "unchangedRateLimitedPerParticipant": UNCHANGED_TARGET,
            "changedRateLimitedPerParticipant": CHANGED_TARGET,
            "cardItemsRead": CARD_ITEMS_TARGET,
        },
    }


def _measure_images(runtime: LocalRuntime, usernames: list[str]) -> dict[str, Any]:
    """A profile, its card and its badge through the local runtime, for participants picked at random."""
    server = LocalServer(runtime, "127.0.0.1", 0).start()
    picker = random.Random(11)
    try:
        with requests.Session() as session:

            def pick(path: str) -> Any:
                return lambda _: f"{server.url}/users/{picker.choice(usernames)}{path}"

            return {
                "GET /users/{username}": measure(session, pick(""), IMAGE_SAMPLES),
                "GET /users/{username}/card.svg": measure(session, pick("/card.svg"), IMAGE_SAMPLES),
                "GET /users/{username}/card.svg?theme=dark": measure(
                    session, pick("/card.svg?theme=dark"), IMAGE_SAMPLES
                ),
                "GET /users/{username}/badge.svg": measure(session, pick("/badge.svg"), IMAGE_SAMPLES),
            }
    finally:
        server.stop()


def statistics_met(results: dict[str, Any]) -> bool:
    rows = results["rows"]
    cards = [row for name, row in results["images"].items() if "card.svg" in name]
    return (
        rows["all unchanged"]["rateLimitedPerParticipant"] <= UNCHANGED_TARGET
        and rows["each with one new day"]["rateLimitedPerParticipant"] <= CHANGED_TARGET
        and all(row["maxItemsRead"] <= CARD_ITEMS_TARGET for row in cards)
    )


def statistics_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"{'statistics parser (fake GitHub)':<30} {'people':>6} {'requests':>8} {'per person':>10} "
        f"{'rate-ltd':>8} {'per person':>10} {'KiB/person':>10} {'refresh s':>9} {'calc rec/s':>10}",
        "-" * 111,
    ]
    for name, row in results["rows"].items():
        speed = row["calculatorRecordsPerSecond"]
        lines.append(
            f"{name:<30} {row['participants']:>6} {row['requests']:>8} "
            f"{row['requestsPerParticipant']:>10.3f} {row['rateLimited']:>8} "
            f"{row['rateLimitedPerParticipant']:>10.3f} {row['kilobytesPerParticipant']:>10.1f} "
            f"{row['refreshSeconds']:>9.1f} "
            f"{speed if speed is not None else '-':>10}"
        )
    lines += [
        "",
        f"{'a participant whose journey was read':<42} {'items read':>10} {'median ms':>9} {'p95 ms':>7}",
        "-" * 71,
    ]
    for name, row in results["images"].items():
        lines.append(f"{name:<42} {row['maxItemsRead']:>10} {row['medianMs']:>9.2f} {row['p95Ms']:>7.2f}")
    return lines
