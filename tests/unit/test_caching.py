"""The caching rules of every answer: which are kept, for how long, and when two answers are the same."""

from __future__ import annotations

import json

from hdoc.handlers.caching import PRIVATE, PUBLIC_ROUTES, etag_of, matches, with_cache_headers


def answer(body: dict, status: int = 200) -> dict:
    return {
        "statusCode": status,
        "body": json.dumps(body),
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "isBase64Encoded": False,
    }


def event(resource: str, **headers: str) -> dict:
    return {"httpMethod": "GET", "resource": resource, "headers": headers or None}


def test_answers_that_differ_only_in_when_they_were_made_share_a_weak_etag():
    first = etag_of(b'{"items": [1, 2], "generatedAt": "2026-03-01T10:00:00Z"}', "application/json")
    later = etag_of(b'{"generatedAt": "2026-03-01T10:05:00Z", "items": [1, 2]}', "application/json")
    other = etag_of(b'{"items": [2, 1], "generatedAt": "2026-03-01T10:05:00Z"}', "application/json")
    assert first == later
    assert first.startswith('W/"')
    assert other != first
    assert etag_of(b"<svg/>").startswith('"')


def test_if_none_match_compares_weakly_and_takes_lists_and_a_star():
    assert matches('W/"abc"', '"abc"')
    assert matches('"x", "abc"', 'W/"abc"')
    assert matches("*", '"abc"')
    assert not matches('"abd"', '"abc"')
    assert not matches(None, '"abc"')


def test_a_304_has_no_body_and_keeps_the_etag_and_caching():
    first = with_cache_headers(event("/leaderboard"), answer({"items": []}))
    etag = first["multiValueHeaders"]["ETag"][0]
    again = with_cache_headers(event("/leaderboard", **{"If-None-Match": etag}), answer({"items": []}))
    assert (again["statusCode"], again["body"]) == (304, "")
    assert again["multiValueHeaders"]["ETag"] == [etag]
    assert again["multiValueHeaders"]["Cache-Control"] == [PUBLIC_ROUTES["/leaderboard"].header]
    assert "Content-Type" not in again["multiValueHeaders"]


def test_unlisted_routes_other_methods_and_server_errors_are_private():
    assert with_cache_headers(event("/me"), answer({}))["multiValueHeaders"]["Cache-Control"] == [PRIVATE]
    posted = {**event("/leaderboard"), "httpMethod": "POST"}
    assert with_cache_headers(posted, answer({}))["multiValueHeaders"]["Cache-Control"] == [PRIVATE]
    failed = with_cache_headers(event("/leaderboard"), answer({}, status=500))
    assert failed["multiValueHeaders"]["Cache-Control"] == [PRIVATE]
    throttled = with_cache_headers(event("/leaderboard"), answer({}, status=429))
    assert throttled["multiValueHeaders"]["Cache-Control"] == [PRIVATE]
