"""The participants API's handlers, on tables created from the templates."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

from tests.conftest import leaderboard_fixture, make_participant

PROBLEM = "application/problem+json"


def test_a_participant_is_found_whatever_the_case_and_shown_as_typed(users, handlers):
    users.put_many([(make_participant("OctoCat", score=40), datetime(2026, 2, 1, tzinfo=UTC))])

    answer = handlers.call("GET", "/users/octocat")

    assert answer.status == 200
    assert answer.body["id"] == "OctoCat"
    assert answer.body["score"] == 40


def test_an_unknown_participant_is_a_404_problem(users, handlers):
    answer = handlers.call("GET", "/users/nobody-here")

    assert answer.status == 404
    assert answer.headers["Content-Type"] == PROBLEM
    assert "nobody-here" in answer.body["detail"]


def test_an_invalid_username_is_a_400_naming_the_rule(users, handlers):
    answer = handlers.call("GET", "/users/-not-valid-")

    assert answer.status == 400
    assert answer.body["invalidParams"][0]["name"] == "username"
    assert "hyphen" in answer.body["detail"]


def test_the_directory_pages_through_everyone_by_username_once(users, handlers):
    users.put_many(leaderboard_fixture(23))
    seen, cursor = [], None
    for _ in range(10):
        answer = handlers.call("GET", "/users", {"limit": "5", **({"cursor": cursor} if cursor else {})})
        assert answer.status == 200
        seen += [item["id"] for item in answer.body["items"]]
        cursor = answer.body["nextCursor"]
        if cursor is None:
            break
    assert seen == sorted(f"Player-{number:02d}" for number in range(23))


def test_recent_participants_are_newest_first(users, handlers):
    start = datetime(2026, 5, 1, tzinfo=UTC)
    users.put_many(
        [(make_participant(f"joiner-{n}", date_joined=start + timedelta(days=n)), start) for n in range(6)]
    )

    answer = handlers.call("GET", "/users/recent", {"limit": "3"})

    assert [item["id"] for item in answer.body["items"]] == ["joiner-5", "joiner-4", "joiner-3"]
    assert answer.body["nextCursor"] is None


def test_the_leaderboard_ranks_with_ties_and_stable_order(users, handlers):
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    users.put_many(
        [
            (make_participant("dora", score=300, longest_streak=5), late),
            (make_participant("ann", score=500), late),
            (make_participant("cid", score=300, longest_streak=9), late),
            (make_participant("bea", score=300, longest_streak=5), early),
            (make_participant("eve", score=100), early),
        ]
    )

    answer = handlers.call("GET", "/leaderboard")

    ranking = [(item["id"], item["rank"]) for item in answer.body["items"]]
    assert ranking == [("ann", 1), ("cid", 2), ("bea", 2), ("dora", 2), ("eve", 5)]
    assert answer.body["generatedAt"].endswith("Z")


def test_the_leaderboard_defaults_to_ten_and_lists_default_to_twenty(users, handlers):
    users.put_many(leaderboard_fixture(25))

    assert len(handlers.call("GET", "/leaderboard").body["items"]) == 10
    assert len(handlers.call("GET", "/users").body["items"]) == 20


def test_a_limit_out_of_range_is_a_400_problem_that_says_what_is_allowed(users, handlers):
    for limit in ("0", "101", "ten"):
        answer = handlers.call("GET", "/leaderboard", {"limit": limit})
        assert answer.status == 400
        assert answer.headers["Content-Type"] == PROBLEM
        assert answer.body["invalidParams"] == [
            {"name": "limit", "reason": "must be a whole number from 1 to 100"}
        ]


def test_a_cursor_from_another_listing_is_a_400(users, handlers):
    users.put_many(leaderboard_fixture(12))
    directory_cursor = handlers.call("GET", "/users", {"limit": "2"}).body["nextCursor"]

    answer = handlers.call("GET", "/leaderboard", {"cursor": directory_cursor})

    assert answer.status == 400
    assert answer.body["invalidParams"][0]["name"] == "cursor"


def test_a_leaderboard_cursor_that_claims_a_better_rank_is_a_400(users, handlers):
    """The rank a cursor carries cannot be edited: the cursor is signed with the stage's key."""
    users.put_many(leaderboard_fixture(12))
    first = handlers.call("GET", "/leaderboard", {"limit": "5"}).body
    cursor = first["nextCursor"]
    body, key_id, mac = cursor.split(".")
    state = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert state["s"]["rank"] == first["items"][-1]["rank"] > 1
    state["s"]["rank"] = state["s"]["position"] = 0
    forged = base64.urlsafe_b64encode(json.dumps(state).encode()).rstrip(b"=").decode()

    answer = handlers.call("GET", "/leaderboard", {"cursor": f"{forged}.{key_id}.{mac}"})

    assert answer.status == 400
    assert answer.body["invalidParams"][0]["name"] == "cursor"
    genuine = handlers.call("GET", "/leaderboard", {"cursor": cursor})
    assert genuine.status == 200
    assert genuine.body["items"][0]["rank"] >= first["items"][-1]["rank"]


def test_cors_answers_the_allowed_origins_only(users, handlers, runtime):
    origins = {function.environment.get("ALLOWED_ORIGINS") for function in runtime.functions} - {None}
    allowed = origins.pop().split(",")[0]

    preflight = handlers.call("OPTIONS", "/leaderboard", headers={"Origin": allowed})
    foreign = handlers.call("OPTIONS", "/leaderboard", headers={"Origin": "https://elsewhere.example"})

    assert preflight.headers["Access-Control-Allow-Origin"] == allowed
    assert "If-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in foreign.headers
