"""CloudFront's `/api/*` cache, for the local site: so the cache's effect can be seen on one machine.

As the hosting stack's cache policy has it (frontend/template.yaml): a GET or HEAD without
`Authorization` (or a body) is looked up by its path, query string and Origin; an answer is kept
for its `s-maxage` (else its `max-age`) unless it says `private` or `no-store`, and never longer
than the policy's maximum; a request with `Authorization` is never answered from the cache, nor
kept. Answers carry `X-Cache: Hit from cloudfront` or `Miss from cloudfront`, and a hit its `Age`,
as CloudFront's do.
A fresh hit answers a matching `If-None-Match` with 304 itself. An invalidation forgets what its paths
name, as CloudFront's does: a path ending in `*` every entry whose path and query string begin with
the rest, any other path that path without a query string. (CloudFront also serves a stale
answer during `stale-while-revalidate` while it asks again; here an expired answer is a miss.)
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hdoc.handlers.caching import matches

MAX_TTL_SECONDS = 86_400  # the cache policy's MaxTTL
MAX_ENTRIES = 2_000
# What CloudFront keeps (with error caching for 400 and 404, by the answer's own Cache-Control).
CACHEABLE_STATUSES = frozenset({200, 203, 206, 300, 301, 400, 404, 410})
_DIRECTIVE = re.compile(r"(?:^|,)\s*([a-z-]+)(?:=(\d+))?", re.IGNORECASE)


def shared_ttl(cache_control: str | None) -> int:
    """Seconds a shared cache may keep an answer with this Cache-Control (0: not at all)."""
    directives = {name.lower(): value for name, value in _DIRECTIVE.findall(cache_control or "")}
    if "no-store" in directives or "private" in directives or "no-cache" in directives:
        return 0
    for name in ("s-maxage", "max-age"):
        if directives.get(name):
            return min(MAX_TTL_SECONDS, int(directives[name]))
    return 0  # the policy's DefaultTTL: an answer that says nothing is not kept


@dataclass(frozen=True)
class _Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    stored_at: float
    expires_at: float

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name), None)


class EdgeCache:
    """A WSGI middleware in front of the API: the local stand-in for CloudFront's cache."""

    def __init__(self, app: Any, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[str, str, str], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def invalidate(self, paths: Iterable[str]) -> int:
        """Forget the entries `paths` name (CloudFront's invalidation paths); how many went."""
        prefixes = [path[:-1] for path in paths if path.endswith("*")]
        exact = {path for path in paths if not path.endswith("*")}
        with self._lock:
            gone = [
                key
                for key in self._entries
                if (key[0] in exact and not key[1])
                or any(f"{key[0]}?{key[1]}".startswith(prefix) for prefix in prefixes)
            ]
            for key in gone:
                del self._entries[key]
        return len(gone)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        # A body is not part of the key, so a request with one (which CloudFront refuses for a GET)
        # is neither answered from the cache nor kept for others.
        with_body = int(environ.get("CONTENT_LENGTH") or 0) > 0 or bool(environ.get("HTTP_TRANSFER_ENCODING"))
        cacheable = method in ("GET", "HEAD") and not environ.get("HTTP_AUTHORIZATION") and not with_body
        key = (
            environ.get("PATH_INFO") or "/",
            environ.get("QUERY_STRING") or "",
            environ.get("HTTP_ORIGIN") or "",  # in the policy's key: CORS answers name their origin
        )
        if cacheable:
            entry = self._fresh(key)
            if entry is not None:
                return self._hit(entry, environ, start_response)
        captured: dict[str, Any] = {}
        written: list[bytes] = []

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, list(headers)
            return written.append

        answered = self.app(environ, capture)
        try:
            body = b"".join([*written, *answered])
        finally:
            getattr(answered, "close", lambda: None)()
        status, headers = captured["status"], captured["headers"]
        if cacheable:
            self._keep(key, status, headers, body)
        with self._lock:
            self.misses += 1
        start_response(status, [*headers, ("X-Cache", "Miss from cloudfront")])
        return [body]

    def _fresh(self, key: tuple[str, str, str]) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self.clock() >= entry.expires_at:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def _keep(
        self, key: tuple[str, str, str], status: str, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        code = int(status.split(maxsplit=1)[0])
        control = next((value for name, value in headers if name.lower() == "cache-control"), None)
        ttl = shared_ttl(control)
        if code not in CACHEABLE_STATUSES or ttl <= 0:
            return
        now = self.clock()
        kept = [(name, value) for name, value in headers if not name.lower().startswith("x-hdoc-")]
        with self._lock:
            self._entries[key] = _Entry(status, kept, body, now, now + ttl)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    def _hit(self, entry: _Entry, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self._lock:
            self.hits += 1
        age = ("Age", str(int(self.clock() - entry.stored_at)))
        etag = entry.header("etag")
        if etag and matches(environ.get("HTTP_IF_NONE_MATCH"), etag):
            kept = [
                (name, value) for name, value in entry.headers if name.lower() in ("etag", "cache-control")
            ]
            start_response("304 Not Modified", [*kept, age, ("X-Cache", "Hit from cloudfront")])
            return [b""]
        start_response(entry.status, [*entry.headers, age, ("X-Cache", "Hit from cloudfront")])
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [entry.body]
