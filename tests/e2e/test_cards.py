"""Progress cards and badges over HTTP: journeys read by the statistics parser from (the fake) GitHub,
then drawn with the numbers `GET /users/{username}` gives."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from hdoc.dal.users import UsersTable
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.gateway import LocalServer
from hdoc.local.runtime import LocalRuntime
from tests.conftest import TEMPLATE, LocalApi, make_participant
from tests.fixtures.journeys import add_day, recent_journey, refresh_everyone

SVG = "{http://www.w3.org/2000/svg}"
YESTERDAY = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)
# name -> (days, a day off after this day): no days, some days, a broken streak, all 100 days
JOURNEYS = {"Nia": (0, None), "Oto": (5, None), "Pia": (6, 3), "Quinn": (100, None)}


@pytest.fixture(scope="module")
def cards() -> Iterator[tuple[LocalApi, FakeGitHub]]:
    with FakeGitHub() as github:
        for name, (days, gap) in JOURNEYS.items():
            recent_journey(github, name, days, gap_after=gap)
        runtime = LocalRuntime(
            TEMPLATE, parameters={"GitHubApiUrl": github.url}, github_token=github.token, poll_streams=False
        ).start()
        server = LocalServer(runtime, "127.0.0.1", 0).start()
        try:
            UsersTable(runtime.table_name("UsersTable")).put_many(
                (make_participant(name, date_joined=YESTERDAY - timedelta(days=120)), YESTERDAY)
                for name in JOURNEYS
            )
            refresh_everyone(runtime)
            yield LocalApi(server.url, runtime, []), github
        finally:
            server.stop()
            runtime.stop()


def get(api: LocalApi, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{api.url}{path}", headers=headers, timeout=30)


def svg(answer: requests.Response) -> ET.Element:
    assert answer.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(answer.text)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title")
    assert root.findtext(f"{SVG}desc")
    return root


def shown(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def _ends(streak: dict[str, Any]) -> str:
    """How the card writes the day a streak ended."""
    end = datetime.fromisoformat(streak["end"]).date()
    return f"{end.day} {end:%b %Y}"


@pytest.mark.parametrize("name", sorted(JOURNEYS))
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_card_shows_the_participants_numbers(cards, name, theme):
    api, _ = cards
    participant = get(api, f"/users/{name.lower()}").json()
    streaks = get(api, f"/users/{name}/journey").json()["report"]["streaks"]

    answer = get(api, f"/users/{name}/card.svg?theme={theme}")

    assert answer.status_code == 200
    root = svg(answer)
    numbers = shown(root)
    assert f"{participant['daysCompleted']} of 100 days" in numbers
    assert numbers.count(str(participant["githubStreak"])) >= 1
    assert str(participant["longestStreak"]) in numbers
    assert f"{participant['score']:,}" in numbers
    desc = root.findtext(f"{SVG}desc") or ""
    assert f"{participant['daysCompleted']} of 100 days done." in desc
    assert f"Score: {participant['score']:,} CloudCoins." in desc
    for label, streak in (("Longest streak", streaks["longest"]), ("Current streak", streaks["current"])):
        length = streak["length"] if streak else 0
        assert re.search(rf"{label}: {length} days?\b", desc)
        if streak:
            assert _ends(streak) in desc  # the streak's dates, from the journey's report


def test_the_journeys_cover_no_days_some_a_broken_streak_and_all_100(cards):
    api, _ = cards
    days = {name: get(api, f"/users/{name}").json()["daysCompleted"] for name in JOURNEYS}
    assert days == {"Nia": 0, "Oto": 5, "Pia": 6, "Quinn": 100}
    pia = get(api, "/users/pia").json()
    assert (pia["githubStreak"], pia["longestStreak"]) == (3, 3)


@pytest.mark.parametrize(("name", "value"), [("Nia", "not started"), ("Oto", "day 5/100"), ("Quinn", "done")])
def test_the_badge_says_how_far_the_journey_is(cards, name, value):
    api, _ = cards
    answer = get(api, f"/users/{name}/badge.svg")
    assert answer.status_code == 200
    assert shown(svg(answer)) == ["100DaysOfCloud", value]


def test_images_are_cached_for_an_hour_and_a_matching_etag_is_a_304(cards):
    api, github = cards
    first = get(api, "/users/oto/card.svg")
    assert first.headers["Cache-Control"].startswith("public, max-age=3600, ")
    etag = first.headers["ETag"]
    again = get(api, "/users/oto/card.svg", **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    assert get(api, "/users/oto/card.svg?theme=dark", **{"If-None-Match": etag}).status_code == 200

    # Once the participant's numbers change, the card is new
    add_day(github.repositories["oto/100daysofcloud"], 6)
    refresh_everyone(api.runtime)
    changed = get(api, "/users/oto/card.svg", **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "6 of 100 days" in shown(svg(changed))


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/users/nobody-here/card.svg", 404, "no participant"),
        ("/users/not_a_username/card.svg", 404, "no participant"),
        ("/users/nobody-here/badge.svg", 404, "not found"),
        ("/users/oto/card.svg?theme=blue", 400, "light or dark"),
        ("/users/oto/card.svg?hide=avatar", 400, "name, days, current, longest, score, hashtag"),
        ("/users/oto/card.svg?theme=dark&theme=light", 400, "theme"),
        ("/users/%04/card.svg", 404, "no such image"),
        ("/users/%04/badge.svg", 404, "no such image"),
    ],
)
def test_errors_are_images_that_say_what_is_wrong(cards, path, status, says):
    api, _ = cards
    answer = get(api, path)
    assert answer.status_code == status
    root = svg(answer)
    assert says in " ".join(shown(root)).lower()
