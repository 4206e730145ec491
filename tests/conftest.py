"""Fixtures shared by every kind of test: the local runtime, and the local API served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hdoc.dal.users import UsersTable
from hdoc.local.gateway import LocalServer
from hdoc.local.runtime import LocalRuntime
from hdoc.models.participant import Participant

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


def make_participant(username: str, score: int = 0, longest_streak: int = 0, **changes) -> Participant:
    """A participant with plausible defaults."""
    fields = {
        "id": username,
        "name": username.replace("-", " ").title(),
        "github_profile": f"https://github.com/{username}",
        "date_joined": datetime(2026, 1, 1, tzinfo=UTC),
        "score": score,
        "longest_streak": longest_streak,
        "verified": True,  # claimed through a linked GitHub account, so ranked on the leaderboard
    }
    return Participant(**{**fields, **changes})


def leaderboard_fixture(count: int = 57) -> list[tuple[Participant, datetime]]:
    """Participants with many ties: scores repeat every 7, streaks every 3, reach times every 2."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        (
            make_participant(
                f"Player-{number:02d}",
                score=(number % 7) * 50,
                longest_streak=number % 3,
                date_joined=start + timedelta(hours=number),
            ),
            start + timedelta(days=number % 2),
        )
        for number in range(count)
    ]


def emptied(runtime: LocalRuntime, logical_id: str) -> str:
    """Delete every item of the table declared as `logical_id`; its name."""
    client = runtime.client("dynamodb")
    name = runtime.table_name(logical_id)
    keys = [entry["AttributeName"] for entry in client.describe_table(TableName=name)["Table"]["KeySchema"]]
    for page in client.get_paginator("scan").paginate(TableName=name, ProjectionExpression=", ".join(keys)):
        for item in page["Items"]:
            client.delete_item(TableName=name, Key=item)
    return name


@dataclass
class LocalApi:
    """The local runtime serving over HTTP, and the participants it was seeded with."""

    url: str
    runtime: LocalRuntime
    participants: list[tuple[Participant, datetime]]


@contextmanager
def serving(participants: list[tuple[Participant, datetime]]) -> Iterator[LocalApi]:
    """The whole backend of its own on a free loopback port, seeded with `participants`."""
    runtime = LocalRuntime(TEMPLATE).start()
    server = LocalServer(runtime, "127.0.0.1", 0).start()
    if participants:
        UsersTable(runtime.table_name("UsersTable")).put_many(participants)
    try:
        yield LocalApi(server.url, runtime, participants)
    finally:
        server.stop()
        runtime.stop()


@pytest.fixture(scope="session")
def local_api() -> Iterator[LocalApi]:
    """The backend seeded with `leaderboard_fixture()`, shared by tests that only read."""
    with serving(leaderboard_fixture()) as api:
        yield api


@pytest.fixture
def empty_api() -> Iterator[LocalApi]:
    """A backend of its own, with empty tables, for tests that change what is stored."""
    with serving([]) as api:
        yield api


@pytest.fixture(scope="module")
def accounts_api() -> Iterator[LocalApi]:
    """A backend for tests that sign people up, so shared fixture data stays as seeded."""
    with serving([]) as api:
        yield api
