"""What each answer of the API says about caching: public reads for a while, with ETags and 304s;
signed-in answers, and anything asked with Authorization, never."""

from __future__ import annotations

import re

import pytest
import requests

from hdoc.handlers.caching import PRIVATE, PUBLIC_ERRORS, PUBLIC_ROUTES
from tests.e2e.test_accounts import call, token

PUBLIC_REQUESTS = {
    "/leaderboard": "/leaderboard?limit=5",
    "/users": "/users?limit=5",
    "/users/recent": "/users/recent?limit=3",
    "/users/{username}": "/users/player-01",
    "/users/{username}/journey": "/users/player-01/journey",
    "/users/{username}/card.svg": "/users/player-01/card.svg?theme=dark",
    "/users/{username}/badge.svg": "/users/player-01/badge.svg",
    "/articles": "/articles?limit=5",
    "/tags": "/tags",
    "/feeds/articles.atom": "/feeds/articles.atom",
    "/openapi.json": "/openapi.json",
}


def get(api, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{api.url}{path}", headers=headers, timeout=30)


def test_every_public_route_is_measured_here():
    # /articles/{article_id} needs an article: the last test publishes one; the rest here
    assert set(PUBLIC_REQUESTS) | {"/articles/{article_id}"} == set(PUBLIC_ROUTES)


@pytest.mark.parametrize("resource", sorted(PUBLIC_REQUESTS))
def test_a_public_read_says_how_long_it_keeps_and_answers_its_etag_with_a_304(local_api, resource):
    answer = get(local_api, PUBLIC_REQUESTS[resource])
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == PUBLIC_ROUTES[resource].header
    assert re.fullmatch(r'(W/)?"[0-9a-f]{32}"', answer.headers["ETag"])

    again = get(local_api, PUBLIC_REQUESTS[resource], **{"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == answer.headers["ETag"]
    assert again.headers["Cache-Control"] == PUBLIC_ROUTES[resource].header
    assert get(local_api, PUBLIC_REQUESTS[resource], **{"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [("/users/nobody-at-all", 404), ("/users/nobody-at-all/card.svg", 404), ("/leaderboard?limit=500", 400)],
)
def test_a_public_error_is_kept_briefly(local_api, path, status):
    answer = get(local_api, path)
    assert answer.status_code == status
    assert answer.headers["Cache-Control"] == PUBLIC_ERRORS[status].header
    assert "ETag" not in answer.headers


@pytest.mark.parametrize("path", ["/leaderboard?limit=5", "/users/player-01", "/users/player-01/card.svg"])
def test_a_public_read_asked_with_authorization_is_never_kept(local_api, path):
    answer = get(local_api, path, Authorization="Bearer anything")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == PRIVATE
    assert "ETag" not in answer.headers


def test_signed_in_answers_are_never_kept_errors_included(accounts_api):
    me = token(accounts_api)
    for method, path, bearer in [
        ("GET", "/me", me),  # 404: no participant yet
        ("GET", "/me/export", me),
        ("GET", "/me", None),  # 401 from the gateway's authorizer
        ("POST", "/signup", me),  # 400: no body
        ("GET", "/no/such/route", None),
    ]:
        answer = call(accounts_api, method, path, bearer)
        assert answer.headers["Cache-Control"] == PRIVATE, (method, path, answer.status_code)


def test_an_article_is_a_public_read_too_and_writing_one_is_private(accounts_api):
    from tests.e2e.test_articles import participant, publish

    bearer, name = participant(accounts_api)
    published = publish(accounts_api, bearer, name, ["caching"])
    assert published.status_code == 201
    assert published.headers["Cache-Control"] == PRIVATE
    path = f"/articles/{published.json()['id']}"

    answer = get(accounts_api, path)
    assert answer.headers["Cache-Control"] == PUBLIC_ROUTES["/articles/{article_id}"].header
    again = get(accounts_api, path, **{"If-None-Match": answer.headers["ETag"]})
    assert (again.status_code, again.content) == (304, b"")
    assert get(accounts_api, "/articles/01ARZ3NDEKTSV4RRFFQ69G5FAV").headers["Cache-Control"] == (
        PUBLIC_ERRORS[404].header
    )
