"""How long each answer of the API may be kept, by browsers and by shared caches (CloudFront), in one
place: every API function's answers pass through `with_cache_headers`.

A public GET says `public, max-age` (browsers), `s-maxage` (the edge) and `stale-while-revalidate`,
chosen from how often its data can change, and carries an ETag (a hash of its body, or the version
its handler tagged it with): a matching
`If-None-Match` is a 304 with no body. Everything else, every signed-in route and every request
that carries `Authorization`, errors included, is `private, no-store`. Errors of public routes are
kept briefly (a participant not found may sign up a minute later).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

PRIVATE = "private, no-store"


@dataclass(frozen=True)
class Freshness:
    """Seconds an answer stays fresh in a browser, in a shared cache, and may be served stale there
    while the cache asks the API again."""

    browser: int
    shared: int
    stale: int = 0

    @property
    def header(self) -> str:
        stale = f", stale-while-revalidate={self.stale}" if self.stale else ""
        return f"public, max-age={self.browser}, s-maxage={self.shared}{stale}"


# The public GET routes (as API Gateway names them) and how fresh their answers are.
PUBLIC_ROUTES: dict[str, Freshness] = {
    # Scores change when the statistics parser runs (hourly) or a participant asks for a refresh.
    "/leaderboard": Freshness(60, 300, 600),
    "/users/{username}/journey": Freshness(60, 300, 600),
    # A new participant or a profile edit should show within a minute or so.
    "/users": Freshness(30, 60, 300),
    "/users/recent": Freshness(30, 60, 300),
    "/users/{username}": Freshness(30, 60, 300),
    # Images embedded in READMEs: a stale card is fine, a slow one is not.
    "/users/{username}/card.svg": Freshness(3600, 3600, 86400),
    "/users/{username}/badge.svg": Freshness(3600, 3600, 86400),
    # Articles change when someone writes one; a feed reader polls.
    "/articles": Freshness(30, 60, 300),
    "/articles/{article_id}": Freshness(30, 60, 300),
    "/tags": Freshness(30, 60, 300),
    "/feeds/articles.atom": Freshness(300, 300, 3600),
    # Changes with a deployment.
    "/openapi.json": Freshness(300, 3600, 86400),
}
# Errors of public routes: a request that is wrong stays wrong; what was not found may appear soon.
PUBLIC_ERRORS: dict[int, Freshness] = {400: Freshness(60, 300), 404: Freshness(30, 30)}


def freshness_of(method: str, resource: str, status: int, signed_in: bool) -> Freshness | None:
    """How long this answer may be kept, or None: `private, no-store`."""
    if signed_in or method not in ("GET", "HEAD") or resource not in PUBLIC_ROUTES:
        return None
    if 200 <= status < 300:
        return PUBLIC_ROUTES[resource]
    return PUBLIC_ERRORS.get(status)


# Fields that say when an answer was made, not what it says: an answer that differs from another in
# them alone is the same data, so it gets the same (weak, RFC 9110 §8.8.1) ETag and a 304.
VOLATILE_FIELDS = ("generatedAt",)


def etag_of(body: bytes, content_type: str | None = None) -> str:
    """A hash of the body: strong, or weak over a JSON body without its VOLATILE_FIELDS."""
    if (
        content_type
        and "json" in content_type
        and any(f'"{field}"'.encode() in body for field in VOLATILE_FIELDS)
    ):
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if isinstance(document, dict):
            data = {key: value for key, value in document.items() if key not in VOLATILE_FIELDS}
            digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]
            return f'W/"{digest}"'
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 has it for GET)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _header(headers: dict[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value[-1] if isinstance(value, list) else value)
    return None


def _remove(result: dict[str, Any], name: str) -> None:
    for field in ("headers", "multiValueHeaders"):
        headers = result.get(field)
        if isinstance(headers, dict):
            for key in [key for key in headers if key.lower() == name.lower()]:
                del headers[key]


def _set(result: dict[str, Any], name: str, value: str) -> None:
    """Set a header of a proxy result, in whichever of its header maps it has."""
    _remove(result, name)
    if isinstance(result.get("multiValueHeaders"), dict):
        result["multiValueHeaders"][name] = [value]
    else:
        result.setdefault("headers", {})
        result["headers"] = {**(result["headers"] or {}), name: value}


def with_cache_headers(event: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """`result` with Cache-Control, and for a fresh public answer its ETag (or a 304 instead)."""
    # The CORS answer names the origin that asked: any cache keeps one answer per origin.
    _set(result, "Vary", "Origin")
    signed_in = _header(event.get("headers"), "authorization") is not None
    status = int(result.get("statusCode", 500))
    # An answer to a request with a body (outside every cache key) is that request's alone.
    freshness = freshness_of(
        str(event.get("httpMethod", "")),
        str(event.get("resource", "")),
        status,
        signed_in or bool(event.get("body")),
    )
    if freshness is None:
        _set(result, "Cache-Control", PRIVATE)
        return result
    _set(result, "Cache-Control", freshness.header)
    if not 200 <= status < 300:
        return result
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
    # A handler that tags its answer with a version (an article, which If-Match names) keeps it.
    etag = (
        _header(result.get("headers"), "etag")
        or _header(result.get("multiValueHeaders"), "etag")
        or etag_of(
            body,
            _header(result.get("headers"), "content-type")
            or _header(result.get("multiValueHeaders"), "content-type"),
        )
    )
    _set(result, "ETag", etag)
    if matches(_header(event.get("headers"), "if-none-match"), etag):
        result["statusCode"] = 304
        result["body"] = ""
        result["isBase64Encoded"] = False
        _remove(result, "Content-Type")
    return result
