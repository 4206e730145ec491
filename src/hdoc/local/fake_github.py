"""A GitHub API on loopback: the journeys the demo and the tests refresh, and GitHub's bad days.

It also plays GitHub's OAuth web flow (`fake_github_oauth.py`), for linking accounts.
It serves the three requests hdoc's GitHub source sends (REST commits with ETags, REST recursive
trees, GraphQL executed against a subset of GitHub's schema), counts every request and what it cost
in rate limit, and can be told to answer the next requests with a rate limit (403 with a reset, 429
with Retry-After), a 500, slowly, 404, a move (301), or a truncated tree.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import graphql
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from hdoc.local.fake_github_oauth import FakeGitHubOAuth
from hdoc.local.fake_repository import FakeCommit, FakeRepository, blob_sha

FAILURES = (
    "rate-limit",
    "secondary-rate-limit",
    "secondary-rate-limit-unsaid",
    "429",
    "500",
    "slow",
    "404",
    "moved",
    "truncated",
)

_SCHEMA = graphql.build_schema(
    """
    scalar GitObjectID
    scalar GitTimestamp
    scalar DateTime
    scalar URI
    type Query {
      repository(owner: String!, name: String!): Repository
      rateLimit: RateLimit
    }
    type RateLimit { cost: Int! limit: Int! remaining: Int! resetAt: DateTime! }
    type Repository {
      createdAt: DateTime!
      url: URI!
      nameWithOwner: String!
      defaultBranchRef: Ref
      object(oid: GitObjectID, expression: String): GitObject
    }
    type Ref { name: String! }
    interface GitObject { oid: GitObjectID! }
    type Commit implements GitObject {
      oid: GitObjectID!
      authoredDate: GitTimestamp!
      committedDate: GitTimestamp!
      history(first: Int, path: String): CommitHistoryConnection!
      file(path: String!): TreeEntry
    }
    type CommitHistoryConnection { nodes: [Commit] totalCount: Int! }
    type TreeEntry { name: String! path: String object: GitObject }
    type Blob implements GitObject { oid: GitObjectID! text: String byteSize: Int! }
    """
)


@dataclass
class _Rule:
    failure: str
    repo: str | None
    times: int


class FakeGitHub:
    """The fake API server. `url` is what hdoc's `--github-url` takes."""

    def __init__(self, token: str = "fake-github-token", rate_limit: int = 5000) -> None:
        self.token = token
        self.repositories: dict[str, FakeRepository] = {}
        self.limit = rate_limit
        self.remaining = rate_limit
        self.reset_in = timedelta(minutes=30)
        self._window_ends = time.time() + self.reset_in.total_seconds()
        self.retry_after_seconds = 2
        self.slow_seconds = 2.0
        self.requests: Counter[str] = Counter()  # by kind: commits, tree, graphql (and status codes)
        self.cost = 0  # REST requests that spent rate limit, plus GraphQL points
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.oauth = FakeGitHubOAuth()  # the OAuth web flow and GET /user, for linking accounts

    # -- set-up ------------------------------------------------------------------------------------

    def add(self, repository: FakeRepository) -> FakeRepository:
        self.repositories[repository.full_name.lower()] = repository
        return repository

    def fail(self, failure: str, *, times: int = 1, repo: str | None = None) -> None:
        """Answer the next `times` requests (for `repo`, or any) with `failure` (one of FAILURES)."""
        if failure not in FAILURES:
            raise ValueError(f"unknown failure {failure!r}; one of {', '.join(FAILURES)}")
        with self._lock:
            self._rules.append(_Rule(failure, repo.lower() if repo else None, times))

    def spend_until_reset(self, remaining: int, reset_in: timedelta) -> None:
        """Leave `remaining` requests in a window that ends in `reset_in`."""
        with self._lock:
            self.remaining = remaining
            self.reset_in = reset_in
            self._window_ends = time.time() + reset_in.total_seconds()

    def reset_counters(self) -> None:
        with self._lock:
            self.requests.clear()
            self.cost = 0

    @property
    def total_requests(self) -> int:
        return sum(count for kind, count in self.requests.items() if not kind.isdigit())

    # -- serving -----------------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-github", daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._answer(request)
        with self._lock:
            self.requests[str(response.status_code)] += 1
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        if self.oauth.handles(request):
            if request.path != "/login/oauth/authorize":  # the person's page never fails
                failed = self._failure(self._take_failure(None, "oauth"))
                if failed is not None:
                    return failed
            return self.oauth.answer(request)
        authorization = request.headers.get("Authorization", "")
        if authorization not in (f"Bearer {self.token}", f"token {self.token}"):
            return _json({"message": "Bad credentials"}, 401)
        parts = [part for part in request.path.split("/") if part]
        if request.method == "POST" and parts == ["graphql"]:
            return self._graphql(request)
        if request.method == "GET" and len(parts) == 4 and parts[0] == "repos" and parts[3] == "commits":
            return self._rest("commits", f"{parts[1]}/{parts[2]}", request)
        if (
            request.method == "GET"
            and len(parts) == 6
            and parts[0] == "repos"
            and parts[3:5] == ["git", "trees"]
        ):
            return self._rest("tree", f"{parts[1]}/{parts[2]}", request, sha=parts[5])
        return _json({"message": "Not Found"}, 404)

    def _take_failure(self, repo: str | None, kind: str) -> str | None:
        with self._lock:
            for rule in self._rules:
                if rule.repo not in (None, repo):
                    continue
                if rule.failure == "truncated" and kind != "tree":
                    continue
                rule.times -= 1
                if rule.times <= 0:
                    self._rules.remove(rule)
                return rule.failure
        return None

    def _spend(self, points: int) -> Response | None:
        """Spend rate limit; a 403 with the reset when there is none left. The limit is whole again
        when its window ends, as GitHub's is every hour."""
        with self._lock:
            now = time.time()
            if now >= self._window_ends:
                self.remaining = self.limit
                self._window_ends = now + self.reset_in.total_seconds()
            if self.remaining < points:
                reset = math.ceil(self._window_ends)
                return _json(
                    {"message": "API rate limit exceeded"},
                    403,
                    {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
                )
            self.remaining -= points
            self.cost += points
        return None

    def _failure(self, failure: str | None) -> Response | None:
        if failure == "rate-limit":
            reset = int(time.time() + self.reset_in.total_seconds())
            headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
            return _json({"message": "API rate limit exceeded"}, 403, headers)
        if failure == "secondary-rate-limit":
            headers = {"Retry-After": str(self.retry_after_seconds)}
            return _json({"message": "You have exceeded a secondary rate limit"}, 403, headers)
        if failure == "secondary-rate-limit-unsaid":  # no header says when: wait a minute
            return _json({"message": "You have exceeded a secondary rate limit. Please wait."}, 403)
        if failure == "429":
            return _json(
                {"message": "Too Many Requests"}, 429, {"Retry-After": str(self.retry_after_seconds)}
            )
        if failure == "500":
            return _json({"message": "Server Error"}, 500)
        if failure == "404":
            return _json({"message": "Not Found"}, 404)
        if failure == "moved":
            return _json({"message": "Moved Permanently"}, 301, {"Location": "/repositories/1/commits"})
        if failure == "slow":
            time.sleep(self.slow_seconds)
        return None

    def _rest(self, kind: str, repo_name: str, request: Request, sha: str | None = None) -> Response:
        with self._lock:
            self.requests[kind] += 1
        failure = self._take_failure(repo_name.lower(), kind)
        failed = self._failure(failure)
        if failed is not None:
            return failed
        repository = self.repositories.get(repo_name.lower())
        if repository is None:
            return _json({"message": "Not Found"}, 404)
        head = repository.head
        if kind == "commits":
            if head is None:
                return _json({"message": "Git Repository is empty."}, 409)
            etag = f'W/"{head.sha}"'
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})  # free: no rate limit spent
            spent = self._spend(1)
            if spent is not None:
                return spent
            entry = {"sha": head.sha, "commit": {"author": {"date": head.authored_at.isoformat()}}}
            return _json([entry], 200, {"ETag": etag})
        found = repository.find(sha or "")
        if found is None:
            return _json({"message": "Not Found"}, 404)
        spent = self._spend(1)
        if spent is not None:
            return spent
        entries = [
            {"path": path, "mode": "100644", "type": "blob", "sha": blob_sha(text), "size": len(text)}
            for path, text in sorted(found.tree.items())
        ]
        return _json({"sha": found.sha, "tree": entries, "truncated": failure == "truncated"}, 200)

    def _graphql(self, request: Request) -> Response:
        with self._lock:
            self.requests["graphql"] += 1
        try:
            body = json.loads(request.get_data() or b"{}")
            document = graphql.parse(str(body.get("query", "")))
        except (ValueError, AttributeError, graphql.GraphQLError) as error:
            return _json({"message": f"Problems parsing JSON or GraphQL: {error}"}, 400)
        variables = body.get("variables") or {}
        repo = f"{variables.get('owner', '')}/{variables.get('name', '')}".lower()
        failed = self._failure(self._take_failure(repo, "graphql"))
        if failed is not None:
            return failed
        errors = graphql.validate(_SCHEMA, document)
        if errors:
            return _json({"errors": [{"message": error.message} for error in errors]}, 200)
        # GitHub's cost: the connections the query asks for, per hundred, at least one point.
        connections = str(body.get("query", "")).count("history(")
        points = max(1, math.ceil(connections / 100))
        spent = self._spend(points)
        if spent is not None:
            return spent
        root = {
            "repository": lambda _info, owner, name: self._repository_value(f"{owner}/{name}"),
            "rateLimit": {
                "cost": points,
                "limit": self.limit,
                "remaining": self.remaining,
                "resetAt": (datetime.now(UTC) + self.reset_in).isoformat(),
            },
        }
        result = graphql.execute_sync(_SCHEMA, document, root_value=root, variable_values=variables)
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [{"message": error.message, "type": "INTERNAL"} for error in result.errors]
        return _json(answer, 200)

    def _repository_value(self, full_name: str) -> dict[str, Any] | None:
        repository = self.repositories.get(full_name.lower())
        if repository is None:
            return None

        def find_object(_info: Any, oid: str | None = None, expression: str | None = None) -> Any:
            if oid is not None:
                found = repository.find(oid)
                return None if found is None else _commit_value(repository, found)
            if expression is not None and ":" in expression:
                revision, path = expression.split(":", 1)
                made = repository.head if revision == "HEAD" else repository.find(revision)
                text = made.tree.get(path) if made else None
                return None if text is None else _blob_value(text)
            return None

        return {
            "createdAt": repository.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "url": f"https://github.com/{repository.full_name}",
            "nameWithOwner": repository.full_name,
            "defaultBranchRef": {"name": repository.default_branch},
            "object": find_object,
        }


def _blob_value(text: str) -> dict[str, Any]:
    return {"__typename": "Blob", "oid": blob_sha(text), "text": text, "byteSize": len(text.encode())}


def _commit_value(repository: FakeRepository, made: FakeCommit) -> dict[str, Any]:
    def history(_info: Any, first: int = 100, path: str | None = None) -> dict[str, Any]:
        line = repository.history(made.sha, path)
        return {
            "nodes": [_commit_value(repository, older) for older in line[:first]],
            "totalCount": len(line),
        }

    def file(_info: Any, path: str) -> dict[str, Any] | None:
        text = made.tree.get(path)
        if text is None:
            return None
        return {"name": path.rsplit("/", 1)[-1], "path": path, "object": _blob_value(text)}

    return {
        "__typename": "Commit",
        "oid": made.sha,
        "authoredDate": made.authored_at.isoformat(),
        "committedDate": made.authored_at.isoformat(),
        "history": history,
        "file": file,
    }


def _json(document: Any, status: int, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        json.dumps(document), status=status, headers=dict(headers or {}), mimetype="application/json"
    )
