"""The statistics pipeline end to end, over HTTP: a participant signs up, their journey is read from
(the fake) GitHub by the state machine from the template, and the leaderboard ranks them by it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from hdoc.cli import main
from hdoc.dal.statistics import StatisticsTable
from hdoc.dal.users import UsersTable
from hdoc.journeys import scoring
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.fake_repository import FakeRepository
from hdoc.local.gateway import LocalServer
from hdoc.local.runtime import LocalRuntime
from hdoc.logic.refresh import execution_input
from tests.conftest import TEMPLATE, LocalApi, make_participant
from tests.e2e.test_accounts import call, signup, token
from tests.fixtures.journeys import recent_journey
from tests.journeys.repos import JourneyRepo


@pytest.fixture(scope="module")
def pipeline() -> Iterator[tuple[LocalApi, FakeGitHub]]:
    with FakeGitHub() as github:
        runtime = LocalRuntime(
            TEMPLATE, parameters={"GitHubApiUrl": github.url}, github_token=github.token
        ).start()
        server = LocalServer(runtime, "127.0.0.1", 0).start()
        try:
            yield LocalApi(server.url, runtime, []), github
        finally:
            server.stop()
            runtime.stop()


def eventually(check: Callable[[], Any], seconds: float = 60) -> Any:
    """The first truthy result of `check`, polled until `seconds` pass (the pipeline is asynchronous)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"not done within {seconds} s")


def test_signup_then_refresh_puts_the_participant_on_the_leaderboard_with_the_rules_score(pipeline):
    api, github = pipeline
    me = token(api)
    recent_journey(github, "Dana", 7)

    assert signup(api, me, "Dana").status_code == 201
    pending = call(api, "GET", "/users/dana/journey")
    assert pending.status_code == 200
    assert (pending.json()["status"], pending.json()["report"]) == ("pending", None)

    queued = call(api, "POST", "/me/refresh", me)
    assert queued.status_code == 202
    again = call(api, "POST", "/me/refresh", me)
    assert again.status_code == 429
    assert 1 <= int(again.headers["Retry-After"]) <= 300
    assert again.json()["status"] == 429

    read = eventually(
        lambda: (found := call(api, "GET", "/users/Dana/journey").json())["status"] == "ok" and found
    )
    expected = scoring.score(7, 7, 0, 0).total
    assert read["report"]["totals"]["score"] == expected
    assert read["lastRefreshedAt"] is not None
    assert [entry["day"] for entry in read["report"]["entries"]] == list(range(1, 8))
    assert read["report"]["entries"][0]["urls"] == [
        "https://github.com/Dana/100DaysOfCloud/blob/main/Journey/001/Readme.md"
    ]

    def on_leaderboard() -> dict[str, Any] | None:
        items = call(api, "GET", "/leaderboard?limit=100").json()["items"]
        return next((item for item in items if item["id"] == "Dana" and item["score"] == expected), None)

    ranked = eventually(on_leaderboard)
    assert (ranked["daysCompleted"], ranked["githubStreak"], ranked["journeyStatus"]) == (7, 7, "ok")
    everyone = call(api, "GET", "/leaderboard?limit=100").json()["items"]
    assert ranked["rank"] == 1 + sum(1 for item in everyone if item["score"] > expected)

    # The participant's export holds the journey; deleting the account deletes the statistics too
    exported = call(api, "GET", "/me/export", me).json()
    assert exported["journey"]["totals"]["score"] == expected
    assert call(api, "DELETE", "/me", me).status_code == 204
    assert call(api, "GET", "/users/dana/journey").status_code == 404
    assert StatisticsTable(api.runtime.table_name("StatisticsTable")).get("dana") is None


def test_a_participant_without_a_journey_gets_a_status_not_a_score(pipeline):
    api, _ = pipeline
    me = token(api)
    assert signup(api, me, "Ezra").status_code == 201
    assert call(api, "POST", "/me/refresh", me).status_code == 202
    status = eventually(lambda: call(api, "GET", "/users/ezra").json().get("journeyStatus"))
    assert status == "not-found"
    detail = call(api, "GET", "/users/ezra/journey").json()
    assert detail["status"] == "not-found"
    assert "public" in detail["statusDetail"]


def test_hdoc_refresh_runs_the_state_machine_for_everyone(pipeline, capsys):
    api, github = pipeline
    recent_journey(github, "Flo", 3)
    assert signup(api, token(api), "Flo").status_code == 201
    assert main(["refresh", "--all", "--server", api.url]) == 0
    assert "succeeded" in capsys.readouterr().out
    flo = call(api, "GET", "/users/flo").json()
    assert (flo["score"], flo["journeyStatus"]) == (scoring.score(3, 3, 0, 0).total, "ok")


def test_hdoc_refresh_needs_one_participant_or_all(pipeline, capsys):
    api, _ = pipeline
    assert main(["refresh", "--server", api.url]) == 2
    assert main(["refresh", "not_a-valid--name", "--server", api.url]) == 2
    assert "GitHub username" in capsys.readouterr().err


def test_refreshing_needs_a_signed_in_participant(pipeline):
    api, _ = pipeline
    assert call(api, "POST", "/me/refresh").status_code == 401
    assert call(api, "POST", "/me/refresh", token(api)).status_code == 404


def test_the_journey_of_an_unknown_participant_is_a_404(pipeline):
    api, _ = pipeline
    answer = call(api, "GET", "/users/nobody-here/journey")
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert requests.codes.not_found == answer.json()["status"]


def test_a_spent_rate_limit_pauses_the_run_until_the_reset_and_it_then_finishes():
    with FakeGitHub() as github:
        for name in ("Ava", "Ben", "Cal"):
            recent_journey(github, name, 2)
        with LocalRuntime(
            TEMPLATE, parameters={"GitHubApiUrl": github.url}, github_token=github.token, poll_streams=False
        ) as runtime:
            UsersTable(runtime.table_name("UsersTable")).put_many(
                (make_participant(name), datetime.now(UTC)) for name in ("Ava", "Ben", "Cal")
            )
            # Given enough rate limit for one journey and a bit, whole again 3 s after it first runs out
            github.spend_until_reset(remaining=3, reset_in=timedelta(seconds=3))
            started = time.monotonic()
            ended = runtime.run_state_machine(execution_input(), timeout_seconds=120)
            # Then the run waited for the reset, went over the list again, and read everyone
            assert ended["status"] == "SUCCEEDED", ended
            assert time.monotonic() - started >= 2
            assert ended["output"]["outcomes"] == {"changed": 3, "skipped": 2, "unchanged": 1}
            assert ended["output"]["rateLimitedUntil"] is None
            statistics = StatisticsTable(runtime.table_name("StatisticsTable"))
            stored = [statistics.get(pk) for pk in ("ava", "ben", "cal")]
            assert [found.status if found else None for found in stored] == ["ok", "ok", "ok"]


def test_a_merged_day_shows_on_the_website_as_hdoc_journey_shows_it_on_the_clone(pipeline, tmp_path, capsys):
    # Given a clone whose third day was written on a branch one day and merged the next
    api, github = pipeline
    day = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=5)
    clone = JourneyRepo(tmp_path / "Gus", from_template=True).commit((day - timedelta(days=1)).isoformat())
    for number in (1, 2):
        clone.write(f"Journey/00{number}/Readme.md", f"Day {number}: my own notes on a lab.\n")
        clone.commit((day + timedelta(days=number - 1)).isoformat())
    clone.branch("day-3").write("Journey/003/Readme.md", "Day 3: written on a branch.\n")
    clone.commit((day + timedelta(days=2)).isoformat())
    clone.switch("main").merge("day-3", (day + timedelta(days=3)).isoformat())
    clone.write("Journey/004/Readme.md", "Day 4: back on main.\n").commit(
        (day + timedelta(days=3, hours=1)).isoformat()
    )
    created = day - timedelta(days=2)
    github.add(FakeRepository.load(clone.path, "Gus/100DaysOfCloud", created_at=created))

    # When Gus signs up and the statistics parser reads the journey
    me = token(api)
    assert signup(api, me, "Gus").status_code == 201
    assert call(api, "POST", "/me/refresh", me).status_code == 202
    read = eventually(
        lambda: (found := call(api, "GET", "/users/gus/journey").json())["status"] == "ok" and found
    )

    # Then the website shows what `hdoc journey` shows on the clone: days, dates, streaks, score
    flags = ["--json", "--timezone", "UTC", "--created-at", created.isoformat()]
    assert main(["journey", str(clone.path), *flags]) == 0
    local = json.loads(capsys.readouterr().out)
    website = read["report"]
    for part in ("streaks", "totals", "breakdown"):
        assert website[part] == local[part]
    assert [
        {key: entry[key] for key in ("day", "paths", "date", "counts", "reason", "words", "socialLinks")}
        for entry in website["entries"]
    ] == [
        {key: entry[key] for key in ("day", "paths", "date", "counts", "reason", "words", "socialLinks")}
        for entry in local["entries"]
    ]
    assert [entry["date"] for entry in local["entries"] if entry["counts"]] == [
        (day + timedelta(days=offset)).date().isoformat() for offset in range(4)
    ]
    assert local["streaks"]["longest"]["length"] == 4

    def on_leaderboard() -> dict[str, Any] | None:
        items = call(api, "GET", "/leaderboard?limit=100").json()["items"]
        return next(
            (item for item in items if item["id"] == "Gus" and item["score"] == local["totals"]["score"]),
            None,
        )

    ranked = eventually(on_leaderboard)
    assert (ranked["daysCompleted"], ranked["longestStreak"]) == (4, 4)
