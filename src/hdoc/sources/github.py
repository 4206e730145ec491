"""A journey from GitHub: its git objects fetched as `git clone` fetches them, read like a clone.

1. REST `GET /repos/{repo}/commits?per_page=1` with `If-None-Match: <stored ETag>`. An unchanged
   repository answers 304, which costs no rate limit when authenticated: a journey that did not
   change costs nothing.
2. REST `GET /repos/{repo}`: when it was created (the copied-history rule), its default branch, its
   page and its clone URL. One point.
3. git's smart HTTP protocol (v2) at the clone URL, which spends no API rate limit: the head's
   commits and trees (`filter=blob:none`, a partial clone: no images, no blobs). When the journey's
   files at the head are the blobs stored last time, nothing the rules read changed (a push of
   images, say) and we stop here. Otherwise a second fetch asks for exactly the blobs of the day
   files the history names (and the README), by id.

The history is then read by `sources/git.py`, the code that reads a local clone for `hdoc journey`:
the same commits, merges included, the same rules, the same report. A changed journey costs two
points of the hourly rate limit however many days and commits it has.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import urllib3
from dulwich.client import HttpGitClient
from dulwich.errors import GitProtocolError, HangupException
from dulwich.object_store import BaseObjectStore
from dulwich.objects import ObjectID
from dulwich.repo import MemoryRepo

from hdoc.journeys.snapshot import Snapshot
from hdoc.models.journey_source import Known
from hdoc.sources.git import NotAJourney, read_history, read_snapshot

DEFAULT_API_URL = "https://api.github.com"
MAX_REPOSITORY_KB = 1024 * 1024  # GET /repos' `size` (KB): 1 GB, far beyond a journey's history
# A secondary rate limit with no Retry-After: GitHub asks to wait at least a minute.
DEFAULT_RATE_LIMIT_WAIT = timedelta(minutes=1)


class RateLimitedError(Exception):
    """GitHub asks us to stop until `reset_at`."""

    def __init__(self, reset_at: datetime) -> None:
        super().__init__(f"GitHub's rate limit is spent until {reset_at.isoformat()}")
        self.reset_at = reset_at


class JourneyUnavailableError(Exception):
    """This journey cannot be read now; `status` says why (shown on the participant's profile)."""

    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Fetched:
    """The outcome of a fetch: what to store for next time, and a snapshot if the journey changed."""

    known: Known
    snapshot: Snapshot | None  # None: nothing the rules read changed since `Known`


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class GitHubClient:
    """The GitHub API at `api_url` (github.com's or an Enterprise server's), with a token.

    5xx answers and timeouts are retried `attempts` times in all, with exponential backoff and full
    jitter; rate limits are never retried here: RateLimitedError tells the caller when to resume.
    """

    def __init__(
        self,
        token: Callable[[], str],
        api_url: str = DEFAULT_API_URL,
        *,
        attempts: int = 3,
        max_repository_kb: int = MAX_REPOSITORY_KB,
        backoff_seconds: float = 0.5,
        timeout_seconds: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._attempts = max(1, attempts)
        self._max_repository_kb = max_repository_kb
        self._backoff = backoff_seconds
        self._sleep = sleep
        self._clock = clock
        self._http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=min(3.0, timeout_seconds), read=timeout_seconds),
            retries=False,
            maxsize=4,
        )

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> _Answer:
        return self._send("GET", f"{self.api_url}{path}", headers=headers)

    def _send(
        self, method: str, url: str, *, headers: Mapping[str, str] | None = None, body: str | None = None
    ) -> _Answer:
        sent = {
            "Authorization": f"Bearer {self._token()}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "hdoc-statistics-parser",
            **({"Content-Type": "application/json"} if body is not None else {}),
            **(headers or {}),
        }
        for attempt in range(1, self._attempts + 1):
            try:
                response = self._http.request(method, url, headers=sent, body=body, redirect=False)
            except (urllib3.exceptions.TimeoutError, urllib3.exceptions.ProtocolError, OSError) as error:
                failure = f"no answer from GitHub ({type(error).__name__})"
            else:
                answer = _Answer(response.status, dict(response.headers.items()), response.data)
                if self._rate_limited(answer):
                    raise RateLimitedError(self._reset_at(answer.headers))
                if answer.status < 500:
                    return answer
                failure = f"GitHub answered {answer.status}"
            if attempt < self._attempts:
                # Full jitter: a random wait up to the exponential bound, so retries do not stampede.
                self._sleep(random.uniform(0, self._backoff * 2 ** (attempt - 1)))
        raise JourneyUnavailableError(
            "unavailable", f"{failure}, {self._attempts} times; will try again later"
        )

    @staticmethod
    def _rate_limited(answer: _Answer) -> bool:
        if answer.status == 429:
            return True
        headers = {name.lower(): value for name, value in answer.headers.items()}
        # A secondary rate limit may come with neither header, only its message.
        return answer.status == 403 and (
            headers.get("x-ratelimit-remaining") == "0"
            or "retry-after" in headers
            or b"rate limit" in answer.body.lower()
        )

    def _reset_at(self, headers: Mapping[str, str]) -> datetime:
        lowered = {name.lower(): value for name, value in headers.items()}
        now = self._clock()
        retry_after = lowered.get("retry-after", "")
        if retry_after.isdigit():
            return now + timedelta(seconds=int(retry_after))
        reset = lowered.get("x-ratelimit-reset", "")
        if reset.isdigit():
            return max(now, datetime.fromtimestamp(int(reset), UTC))
        return now + DEFAULT_RATE_LIMIT_WAIT

    @staticmethod
    def _raise_for_status(answer: _Answer, what: str) -> None:
        if answer.status in (200, 304):
            return
        if answer.status in (301, 302, 307, 308):
            raise JourneyUnavailableError(
                "moved",
                "The journey repository was renamed or moved: "
                "set your journeyRepo (PATCH /me) to its new name.",
            )
        if answer.status in (401, 403):
            raise JourneyUnavailableError("forbidden", f"GitHub refused access to {what} ({answer.status}).")
        if answer.status == 404:
            raise JourneyUnavailableError(
                "not-found",
                "The journey repository does not exist or is private: make it public, or set your "
                "journeyRepo (PATCH /me).",
            )
        if answer.status == 409:
            raise JourneyUnavailableError("empty", "The journey repository has no commits yet.")
        raise JourneyUnavailableError("unavailable", f"GitHub answered {answer.status} for {what}.")

    # -- the journey -------------------------------------------------------------------------------

    def fetch_journey(self, repo: str, known: Known | None = None, owner_id: int | None = None) -> Fetched:
        """The journey in `repo` ("owner/name"), or only what to store if nothing the rules read changed.
        With `owner_id`, only if the repository's owner is that GitHub account (by its numeric id,
        which no rename changes): a login can pass to someone else."""
        known = known or Known()
        owner, _, name = repo.partition("/")
        head_answer = self.get(
            f"/repos/{owner}/{name}/commits?per_page=1",
            headers={"If-None-Match": known.etag} if known.etag else None,
        )
        if head_answer.status == 304:
            return Fetched(known=known, snapshot=None)
        self._raise_for_status(head_answer, repo)
        commits = head_answer.json()
        if not commits:
            raise JourneyUnavailableError("empty", "The journey repository has no commits yet.")
        head = str(commits[0]["sha"])
        etag = head_answer.headers.get("ETag") or head_answer.headers.get("etag")
        about_answer = self.get(f"/repos/{owner}/{name}")
        self._raise_for_status(about_answer, repo)
        about = about_answer.json()
        holder = (about.get("owner") or {}).get("id")
        if owner_id is not None and holder != owner_id:
            raise JourneyUnavailableError(
                "not-owner",
                f"{owner} is now another GitHub account than the one that proved this participant's "
                "name (renamed on GitHub?): its owner links GitHub again to follow the new name.",
            )
        if int(about.get("size") or 0) > self._max_repository_kb:
            # GitHub's size counts every object; even without images, a repository this large is not
            # a journey of its own, and its history would not fit in the function's memory.
            raise JourneyUnavailableError(
                "too-large",
                f"The repository is over {self._max_repository_kb // 1024:,} MB: keep the journey in a "
                "repository of its own.",
            )
        clone_url = self._clone_url(about)
        store = MemoryRepo()
        self._fetch(clone_url, store, [head], filter_spec=b"blob:none")
        try:
            history = read_history(store.object_store, ObjectID(head.encode()))
        except NotAJourney as error:
            raise JourneyUnavailableError("too-large", str(error)) from error
        stored = Known(etag=etag, head=head, blobs=history.head_blobs)
        if known.head is not None and history.head_blobs == dict(known.blobs):
            return Fetched(known=stored, snapshot=None)
        missing = sorted(blob for blob in history.blobs if not _has(store.object_store, blob))
        if missing:
            self._fetch(clone_url, store, missing)
        created = about.get("created_at")
        snapshot = read_snapshot(
            store.object_store,
            history,
            default_branch=str(about.get("default_branch") or "main"),
            web_url=about.get("html_url"),
            created_at=_timestamp(created) if created else None,
        )
        return Fetched(known=stored, snapshot=snapshot)

    def _clone_url(self, about: Mapping[str, Any]) -> str:
        """Where git fetches the repository from: the API's `clone_url`, over the API's own scheme
        (https for github.com: the journey is never fetched in the clear)."""
        url = about.get("clone_url")
        if not isinstance(url, str) or not url.startswith(self.api_url.split("://", 1)[0] + "://"):
            raise JourneyUnavailableError("unavailable", f"GitHub gave no usable clone URL ({url!r}).")
        return url

    def _fetch(
        self, url: str, into: MemoryRepo, wants: list[str], *, filter_spec: bytes | None = None
    ) -> None:
        """Fetch `wants` (object ids) from the repository at `url` over git's smart HTTP protocol v2.

        Retried like the API's 5xx answers; git's traffic is public and spends no API rate limit.
        """
        base, _, path = url.partition("://")
        host, _, repository_path = path.partition("/")
        client = HttpGitClient(f"{base}://{host}", pool_manager=self._http, quiet=True)
        wanted = [ObjectID(want.encode()) for want in wants]
        for attempt in range(1, self._attempts + 1):
            try:
                client.fetch(
                    f"/{repository_path}",
                    into,
                    determine_wants=lambda _refs, depth=None: wanted,
                    filter_spec=filter_spec,
                    protocol_version=2,
                )
                return
            except (GitProtocolError, HangupException, urllib3.exceptions.HTTPError, OSError) as error:
                failure = f"GitHub's git service failed ({type(error).__name__}: {error})"
            if attempt < self._attempts:
                self._sleep(random.uniform(0, self._backoff * 2 ** (attempt - 1)))
        raise JourneyUnavailableError(
            "unavailable", f"{failure}, {self._attempts} times; will try again later"
        )


def _has(store: BaseObjectStore, blob: str) -> bool:
    return ObjectID(blob.encode()) in store


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
