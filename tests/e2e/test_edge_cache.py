"""The local site's /api/* cache behaves as CloudFront's: a repeated public read runs no function, a
signed-in one always does, and a new leaderboard shows once its s-maxage has passed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import requests

from hdoc.dal.users import UsersTable
from hdoc.handlers.caching import PUBLIC_ROUTES
from hdoc.local.edge_cache import EdgeCache, shared_ttl
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.functions import LocalFunction
from hdoc.local.gateway import ITEMS_READ_HEADER, LocalServer
from hdoc.local.runtime import LocalRuntime
from hdoc.local.site import LocalWebsite
from tests.conftest import make_participant
from tests.fixtures.journeys import add_day, recent_journey, refresh_everyone


@dataclass
class Clock:
    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Edge:
    site: str
    runtime: LocalRuntime
    github: FakeGitHub
    cache: EdgeCache
    clock: Clock

    def participants_function(self) -> LocalFunction:
        return next(f for f in self.runtime.functions if f.logical_id == "ParticipantsFunction")

    def get(self, path: str, **headers: str) -> requests.Response:
        return requests.get(f"{self.site}/api{path}", headers=headers, timeout=30)


@pytest.fixture(scope="module")
def edge() -> Iterator[Edge]:
    yesterday = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)
    with FakeGitHub() as github:
        for name, days in (("Ada", 3), ("Bea", 5)):
            recent_journey(github, name, days)
        site = LocalWebsite("127.0.0.1", 0)
        runtime = LocalRuntime(
            parameters={**site.parameters, "GitHubApiUrl": github.url},
            github_token=github.token,
            poll_streams=False,
        ).start()
        api = LocalServer(runtime, "127.0.0.1", 0).start()
        try:
            UsersTable(runtime.table_name("UsersTable")).put_many(
                (make_participant(name), yesterday) for name in ("Ada", "Bea")
            )
            refresh_everyone(runtime)
            site.start(runtime, api.gateway, api.url)
            cache = site.site.edge
            assert cache is not None
            clock = Clock()
            cache.clock = clock
            yield Edge(site.url, runtime, github, cache, clock)
        finally:
            site.server.stop()
            api.stop()
            runtime.stop()


def test_a_repeated_public_read_is_a_hit_and_runs_no_function(edge):
    edge.cache.clear()
    function = edge.participants_function()
    first = edge.get("/leaderboard?limit=5")
    assert first.headers["X-Cache"] == "Miss from cloudfront"
    ran = function.invocations

    again = edge.get("/leaderboard?limit=5")

    assert again.headers["X-Cache"] == "Hit from cloudfront"
    assert function.invocations == ran
    assert again.json() == first.json()
    assert ITEMS_READ_HEADER not in again.headers  # nothing read DynamoDB
    # Another query string is another entry
    assert edge.get("/leaderboard?limit=6").headers["X-Cache"] == "Miss from cloudfront"
    # A conditional request for the cached answer is answered 304 by the cache itself
    revalidated = edge.get("/leaderboard?limit=5", **{"If-None-Match": first.headers["ETag"]})
    assert (revalidated.status_code, revalidated.headers["X-Cache"]) == (304, "Hit from cloudfront")


def test_a_request_with_authorization_is_never_a_hit_nor_kept(edge):
    edge.cache.clear()
    function = edge.participants_function()
    for _ in range(2):
        ran = function.invocations
        answer = edge.get("/users/ada", Authorization="Bearer a-token")
        assert answer.headers["X-Cache"] == "Miss from cloudfront"
        assert function.invocations == ran + 1
    # and the public entry it would have matched is still not there
    assert edge.get("/users/ada").headers["X-Cache"] == "Miss from cloudfront"


def test_an_answer_to_a_get_with_a_body_is_private_and_never_kept(edge):
    edge.cache.clear()
    for _ in range(2):
        answer = requests.get(f"{edge.site}/api/users/ada", data='{"x": 1}', timeout=30)
        assert answer.headers["X-Cache"] == "Miss from cloudfront"
        assert shared_ttl(answer.headers["Cache-Control"]) == 0
    # whatever it answered, the public entry for the path is not it
    public = edge.get("/users/ada")
    assert public.status_code == 200
    assert public.headers["X-Cache"] == "Miss from cloudfront"


def test_each_origin_has_its_own_entry_and_every_answer_says_vary_origin(edge):
    edge.cache.clear()
    first = edge.get("/users/ada", Origin="http://localhost:5173")
    assert first.headers["Vary"] == "Origin"
    assert edge.get("/users/ada", Origin="http://localhost:5173").headers["X-Cache"] == "Hit from cloudfront"
    other = edge.get("/users/ada", Origin="https://elsewhere.example")
    assert other.headers["X-Cache"] == "Miss from cloudfront"
    assert other.headers.get("Access-Control-Allow-Origin") != "https://elsewhere.example"


def test_signed_in_routes_are_never_kept(edge):
    for _ in range(2):
        answer = edge.get("/me", Authorization="Bearer not-a-real-token")
        assert answer.status_code == 401
        assert answer.headers["X-Cache"] == "Miss from cloudfront"
    assert shared_ttl(answer.headers["Cache-Control"]) == 0


def test_after_a_statistics_run_the_new_leaderboard_shows_once_its_s_maxage_passes(edge):
    edge.cache.clear()
    before = edge.get("/leaderboard?limit=5").json()
    ada_before = next(item for item in before["items"] if item["id"] == "Ada")

    add_day(edge.github.repositories["ada/100daysofcloud"], 4)
    refresh_everyone(edge.runtime)
    edge.clock.now += PUBLIC_ROUTES["/leaderboard"].shared - 1

    still = edge.get("/leaderboard?limit=5")
    assert still.headers["X-Cache"] == "Hit from cloudfront"
    assert next(item for item in still.json()["items"] if item["id"] == "Ada") == ada_before

    edge.clock.now += 1
    fresh = edge.get("/leaderboard?limit=5")
    assert fresh.headers["X-Cache"] == "Miss from cloudfront"
    ada_after = next(item for item in fresh.json()["items"] if item["id"] == "Ada")
    assert ada_after["daysCompleted"] == ada_before["daysCompleted"] + 1
    assert ada_after["score"] > ada_before["score"]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("public, max-age=60, s-maxage=300, stale-while-revalidate=600", 300),
        ("public, max-age=60", 60),
        ("private, no-store", 0),
        ("public, max-age=0", 0),
        (None, 0),
        ("public, s-maxage=999999", 86_400),
    ],
)
def test_the_cache_keeps_an_answer_for_what_its_cache_control_allows(header, seconds):
    assert shared_ttl(header) == seconds


def test_the_sites_api_has_the_stacks_security_headers_and_no_local_only_routes(edge):
    answer = edge.get("/leaderboard?limit=1")
    assert answer.status_code == 200
    assert "default-src" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    for method, path in [("POST", "/_local/token"), ("POST", "/_local/seed"), ("GET", "/_local/resources")]:
        refused = requests.request(
            method, f"{edge.site}/api{path}", json={"email": "a@example.com"}, timeout=30
        )
        assert refused.status_code == 404, path
        assert "default-src" in refused.headers["Content-Security-Policy"]


def _signed_up(edge: Edge, name: str) -> str:
    """A token of a new account holding the participant `name`, signed up through the site."""
    from hdoc.local.gateway import link_local_github

    assert edge.runtime.cognito is not None
    bearer = edge.runtime.cognito.id_token(f"{name.lower()}@example.com")
    link_local_github(edge.runtime, bearer, name)
    claimed = requests.post(
        f"{edge.site}/api/signup",
        json={"githubUsername": name, "name": name},
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=30,
    )
    assert claimed.status_code == 201, claimed.text
    return bearer


def _invalidations(edge: Edge) -> list[dict]:
    cloudfront = edge.runtime.client("cloudfront")
    listed = cloudfront.list_invalidations(DistributionId=edge.runtime.distribution_id)["InvalidationList"]
    return [
        cloudfront.get_invalidation(DistributionId=edge.runtime.distribution_id, Id=item["Id"])[
            "Invalidation"
        ]
        for item in listed.get("Items", [])
    ]


def test_deleted_participants_leave_the_edge_at_once_in_one_invalidation_per_batch(edge):
    edge.cache.clear()
    edge.runtime.deliver_streams()
    tokens = {name: _signed_up(edge, name) for name in ("Cyd", "Dee")}
    edge.runtime.deliver_streams()
    before = len(_invalidations(edge))
    reads = [
        "/users/Cyd",
        "/users/cyd",
        "/users/CYD/card.svg?theme=dark",
        "/users/Dee/badge.svg",
        "/users/cyd/journey",
        "/leaderboard?limit=5",
        "/users/recent?limit=5",
    ]
    for path in [*reads, "/articles?limit=5"]:
        edge.get(path)
        assert edge.get(path).headers["X-Cache"] == "Hit from cloudfront", path
    profile_invocations = edge.participants_function().invocations

    for bearer in tokens.values():
        gone = requests.delete(
            f"{edge.site}/api/me", headers={"Authorization": f"Bearer {bearer}"}, timeout=30
        )
        assert gone.status_code == 204, gone.text
    # Both deletions reach the stream; one delivery hands them to the invalidator as one batch
    edge.runtime.deliver_streams()

    made = _invalidations(edge)
    assert len(made) == before + 1
    newest = max(made, key=lambda item: item["CreateTime"])
    assert sorted(newest["InvalidationBatch"]["Paths"]["Items"]) == ["/api/leaderboard*", "/api/users*"]
    for path in reads:  # every copy of them, in any case and with any query string, is asked for again
        again = edge.get(path)
        assert again.headers["X-Cache"] == "Miss from cloudfront", path
    assert edge.participants_function().invocations > profile_invocations
    assert edge.get("/users/Cyd").status_code == 404
    assert edge.get("/users/CYD/card.svg?theme=dark").status_code == 404
    assert "Cyd" not in edge.get("/users/recent?limit=5").text
    # what names no participant stays at the edge
    assert edge.get("/articles?limit=5").headers["X-Cache"] == "Hit from cloudfront"


def test_a_change_that_removes_no_participant_invalidates_nothing(edge):
    edge.runtime.deliver_streams()
    before = len(_invalidations(edge))
    bearer = _signed_up(edge, "Eve")
    signed_in = {"Authorization": f"Bearer {bearer}"}
    etag = requests.get(f"{edge.site}/api/me", headers=signed_in, timeout=30).headers["ETag"]
    edited = requests.patch(
        f"{edge.site}/api/me", json={"name": "Eve Again"}, headers={**signed_in, "If-Match": etag}, timeout=30
    )
    assert edited.status_code == 200, edited.text
    edge.runtime.deliver_streams()
    assert len(_invalidations(edge)) == before
