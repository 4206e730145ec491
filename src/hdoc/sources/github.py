"""A journey snapshot over the GitHub API, in at most three requests whatever the journey's size.

REST and GraphQL each do what they are cheapest at:

1. REST `GET /repos/{repo}/commits?per_page=1` with `If-None-Match: <stored ETag>`. An unchanged
   repository answers 304, which costs no rate limit when authenticated: a journey that did not
   change costs nothing.
2. REST `GET /repos/{repo}/git/trees/{head}?recursive=1`: every path and its blob SHA in one
   request (GraphQL has no recursive tree). When the blobs of the journey files and README equal the
   stored ones, nothing the rules read changed (a push of images, say) and we stop here.
3. One GraphQL query: for every journey file, the commits that touched it, each with the file's text
   after that commit (`history(path:)` + `file(path:)`, paths passed as variables), plus the README,
   `createdAt` (the copied-history rule), the web URL and the default branch. REST would need one
   request per commit or per file.

Limits of the API, not of the rules: a file's history is read from the files at the head (a day
moved to a new path counts from the move) and up to HISTORY_DEPTH commits per file.
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

from hdoc.journeys.places import is_readme, matters
from hdoc.journeys.snapshot import Commit, Snapshot
from hdoc.models.journey_source import Known

DEFAULT_API_URL = "https://api.github.com"
HISTORY_DEPTH = 100  # GitHub's largest page; a file edited more often keeps its newest 100 commits
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
        backoff_seconds: float = 0.5,
        timeout_seconds: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.graphql_url = _graphql_url(self.api_url)
        self._token = token
        self._attempts = max(1, attempts)
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

    def graphql(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        answer = self._send(
            "POST", self.graphql_url, body=json.dumps({"query": query, "variables": variables})
        )
        self._raise_for_status(answer, "the GraphQL API")
        document = answer.json()
        errors = document.get("errors") or []
        for error in errors:
            if error.get("type") == "RATE_LIMITED":
                raise RateLimitedError(self._reset_at(answer.headers))
        if errors and not document.get("data"):
            raise JourneyUnavailableError(
                "unavailable", f"GitHub's GraphQL API said: {errors[0].get('message')}"
            )
        return dict(document)

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

    def fetch_journey(self, repo: str, known: Known | None = None) -> Fetched:
        """The journey in `repo` ("owner/name"), or only what to store if nothing the rules read changed."""
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
        tree_answer = self.get(f"/repos/{owner}/{name}/git/trees/{head}?recursive=1")
        self._raise_for_status(tree_answer, repo)
        tree = tree_answer.json()
        if tree.get("truncated"):
            raise JourneyUnavailableError(
                "truncated",
                "The repository has too many files for GitHub to list at once, so hdoc cannot see "
                "every day; keep the journey in a repository of its own.",
            )
        blobs = {
            str(entry["path"]): str(entry["sha"])
            for entry in tree.get("tree", [])
            if entry.get("type") == "blob" and matters(str(entry["path"]))
        }
        stored = Known(etag=etag, head=head, blobs=blobs)
        if known.head is not None and blobs == dict(known.blobs):
            return Fetched(known=stored, snapshot=None)
        return Fetched(known=stored, snapshot=self._snapshot(owner, name, head, blobs))

    def _snapshot(self, owner: str, name: str, head: str, blobs: Mapping[str, str]) -> Snapshot:
        journey_paths = sorted(path for path in blobs if not is_readme(path))
        readme_path = next((path for path in sorted(blobs) if is_readme(path)), None)
        document = self.graphql(
            journey_query(len(journey_paths), with_readme=readme_path is not None),
            {
                "owner": owner,
                "name": name,
                "head": head,
                **({"readme": f"{head}:{readme_path}"} if readme_path else {}),
                **{f"p{index}": path for index, path in enumerate(journey_paths)},
            },
        )
        repository = (document.get("data") or {}).get("repository")
        if repository is None:
            raise JourneyUnavailableError("not-found", "The journey repository does not exist or is private.")
        return snapshot_from(repository, journey_paths)


def _graphql_url(api_url: str) -> str:
    # github.com: https://api.github.com/graphql; Enterprise Server: https://HOST/api/v3 -> /api/graphql
    if api_url.endswith("/api/v3"):
        return api_url.removesuffix("/v3") + "/graphql"
    return f"{api_url}/graphql"


def journey_query(files: int, *, with_readme: bool) -> str:
    """The GraphQL query for a journey of `files` files: one aliased history per file."""
    variables = ["$owner: String!", "$name: String!", "$head: GitObjectID!"]
    variables += [f"$p{index}: String!" for index in range(files)]
    readme = ""
    if with_readme:
        variables.append("$readme: String!")
        readme = "readme: object(expression: $readme) { ... on Blob { text } }"
    histories = "\n".join(
        f"f{index}: history(first: {HISTORY_DEPTH}, path: $p{index}) "
        f"{{ nodes {{ oid authoredDate committedDate file(path: $p{index}) "
        "{ object { ... on Blob { text } } } } }"
        for index in range(files)
    )
    return (
        f"query Journey({', '.join(variables)}) {{\n"
        "  rateLimit { cost remaining resetAt }\n"
        "  repository(owner: $owner, name: $name) {\n"
        "    createdAt url defaultBranchRef { name }\n"
        f"    {readme}\n"
        f"    head: object(oid: $head) {{ ... on Commit {{\n{histories}\n    }} }}\n"
        "  }\n"
        "}"
    )


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def snapshot_from(repository: Mapping[str, Any], journey_paths: list[str]) -> Snapshot:
    """A Snapshot from the `repository` part of the journey query's answer."""
    head = repository.get("head") or {}
    files: dict[str, str] = {}
    commits: dict[str, tuple[datetime, datetime, dict[str, str | None]]] = {}
    for index, path in enumerate(journey_paths):
        nodes = [node for node in (head.get(f"f{index}") or {}).get("nodes") or [] if node]
        for position, node in enumerate(nodes):
            blob = (node.get("file") or {}).get("object") or {}
            text = blob.get("text")
            if position == 0 and text is not None:
                files[path] = text
            authored, committed = _timestamp(node["authoredDate"]), _timestamp(node["committedDate"])
            commits.setdefault(node["oid"], (authored, committed, {}))[2][path] = text
    # Oldest first: GitHub gives no first-parent order across files, so commit time orders them.
    ordered = sorted(commits.items(), key=lambda item: (item[1][1], item[1][0], item[0]))
    readme = (repository.get("readme") or {}).get("text")
    created = repository.get("createdAt")
    branch = (repository.get("defaultBranchRef") or {}).get("name") or "main"
    return Snapshot(
        files=files,
        readme=readme,
        commits=[
            Commit(sha=sha, authored_at=authored, changes=changes) for sha, (authored, _, changes) in ordered
        ],
        created_at=_timestamp(created) if created else None,
        default_branch=branch,
        web_url=repository.get("url"),
    )
