"""A GitHub on loopback: the journeys the demo and the tests refresh, and GitHub's bad days.

It serves what hdoc's GitHub source asks, with GitHub's documented semantics:

- `GET /repos/{owner}/{repo}/commits?per_page=1`, the default branch's newest commit, with an ETag;
  a matching `If-None-Match` gets 304, which spends no rate limit ("Making conditional requests
  does not count against your primary rate limit if a 304 is returned"; docs.github.com, REST API
  best practices, and "List commits" in the REST reference);
- `GET /repos/{owner}/{repo}`, the repository: `created_at`, `default_branch`, `html_url`,
  `clone_url` ("Get a repository" in the REST reference); each 200 costs one point of the hourly
  limit ("Rate limits for the REST API");
- git's smart HTTP protocol at `clone_url` (`/{owner}/{repo}.git/info/refs` and
  `git-upload-pack`), answered by git itself (`git http-backend`) with protocol v2 and partial
  clone filters allowed, as github.com allows them ("git clone --filter=blob:none", GitHub blog,
  "Get up to speed with partial clone and shallow clone"); git traffic spends no API rate limit.

It also plays GitHub's OAuth web flow (`fake_github_oauth.py`), for linking accounts. It counts every
request, the bytes it sent and the rate limit spent, and can be told to answer the next requests
with a rate limit (403 with a reset, 429 with Retry-After), a 500, slowly, 404 or a move (301).
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from hdoc.local.fake_github_oauth import FakeGitHubOAuth
from hdoc.local.fake_repository import FakeRepository

FAILURES = (
    "rate-limit",
    "secondary-rate-limit",
    "secondary-rate-limit-unsaid",
    "429",
    "500",
    "slow",
    "404",
    "moved",
)
# What git's own traffic can meet (GitHub's API rate limits do not apply to it).
GIT_FAILURES = ("500", "slow", "404")


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
        self._window_ends_after_refusal = False
        self.retry_after_seconds = 2
        self.slow_seconds = 2.0
        self.requests: Counter[str] = Counter()  # by kind: commits, repository, git (and status codes)
        self.bytes_sent = 0  # response bodies, git's packs included
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
        """Leave `remaining` requests in the window; it ends `reset_in` after the first request it
        refuses, so a caller meets the spent limit however long it took to spend it."""
        with self._lock:
            self.remaining = remaining
            self.reset_in = reset_in
            self._window_ends = math.inf
            self._window_ends_after_refusal = True

    def reset_counters(self) -> None:
        with self._lock:
            self.requests.clear()
            self.cost = 0
            self.bytes_sent = 0

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
            self.bytes_sent += len(response.get_data())
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        if self.oauth.handles(request):
            if request.path != "/login/oauth/authorize":  # the person's page never fails
                failed = self._failure(self._take_failure(None, "oauth"))
                if failed is not None:
                    return failed
            return self.oauth.answer(request)
        parts = [part for part in request.path.split("/") if part]
        if len(parts) >= 3 and parts[1].endswith(".git"):  # git's smart HTTP: public, no token
            name = f"{parts[0]}/{parts[1].removesuffix('.git')}"
            return self._git(name, "/" + "/".join(parts[2:]), request)
        authorization = request.headers.get("Authorization", "")
        if authorization not in (f"Bearer {self.token}", f"token {self.token}"):
            return _json({"message": "Bad credentials"}, 401)
        if request.method == "GET" and len(parts) == 4 and parts[0] == "repos" and parts[3] == "commits":
            return self._rest("commits", f"{parts[1]}/{parts[2]}", request)
        if request.method == "GET" and len(parts) == 3 and parts[0] == "repos":
            return self._rest("repository", f"{parts[1]}/{parts[2]}", request)
        return _json({"message": "Not Found"}, 404)

    def _take_failure(self, repo: str | None, kind: str) -> str | None:
        with self._lock:
            for rule in self._rules:
                if rule.repo not in (None, repo):
                    continue
                if kind == "git" and rule.failure not in GIT_FAILURES:
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
                if self._window_ends_after_refusal:
                    self._window_ends = now + self.reset_in.total_seconds()
                    self._window_ends_after_refusal = False
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

    def _rest(self, kind: str, repo_name: str, request: Request) -> Response:
        with self._lock:
            self.requests[kind] += 1
        failed = self._failure(self._take_failure(repo_name.lower(), kind))
        if failed is not None:
            return failed
        repository = self.repositories.get(repo_name.lower())
        if repository is None:
            return _json({"message": "Not Found"}, 404)
        if kind == "repository":
            spent = self._spend(1)
            if spent is not None:
                return spent
            return _json(self._repository_document(repository), 200)
        head = repository.head()
        if head is None:
            return _json({"message": "Git Repository is empty."}, 409)
        sha, authored_at = head
        etag = f'W/"{sha}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})  # free: no rate limit spent
        spent = self._spend(1)
        if spent is not None:
            return spent
        return _json(
            [{"sha": sha, "commit": {"author": {"date": authored_at.isoformat()}}}], 200, {"ETag": etag}
        )

    def _repository_document(self, repository: FakeRepository) -> dict[str, Any]:
        created = repository.created_at
        owner = self.oauth.holder(repository.full_name.split("/", 1)[0])
        stored = sum(path.stat().st_size for path in repository.git_dir().rglob("*") if path.is_file())
        return {
            "size": stored // 1024,  # KB, as GitHub gives it
            "full_name": repository.full_name,
            "created_at": None
            if created is None
            else created.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "default_branch": repository.default_branch,
            "html_url": repository.html_url,
            # The account that holds the owner's login now (GitHub's `owner`), with its numeric id
            "owner": {"login": owner.login, "id": owner.id, "type": "User"},
            "clone_url": f"{self.url}/{repository.full_name}.git",
            "private": False,
        }

    def _git(self, repo_name: str, service_path: str, request: Request) -> Response:
        """git's smart HTTP protocol, answered by `git http-backend` (read only: upload-pack)."""
        with self._lock:
            self.requests["git"] += 1
        failed = self._failure(self._take_failure(repo_name.lower(), "git"))
        if failed is not None:
            return failed
        repository = self.repositories.get(repo_name.lower())
        wanted = request.args.get("service", "git-upload-pack")
        if repository is None or wanted != "git-upload-pack" or "receive-pack" in service_path:
            return Response("Repository not found.", status=404, mimetype="text/plain")
        git = shutil.which("git")
        if git is None:
            return Response("the fake GitHub serves repositories with git: install git", status=500)
        body = request.get_data()
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "GIT_PROJECT_ROOT": str(repository.git_dir()),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": request.method,
            "PATH_INFO": service_path,
            "QUERY_STRING": request.query_string.decode(),
            "CONTENT_TYPE": request.content_type or "",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": request.headers.get("Content-Encoding", ""),
            "GIT_PROTOCOL": request.headers.get("Git-Protocol", ""),
            "REMOTE_ADDR": request.remote_addr or "127.0.0.1",
            # As github.com: partial clone filters allowed; any owner's repository may be served.
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "uploadpack.allowFilter",
            "GIT_CONFIG_VALUE_0": "true",
            "GIT_CONFIG_KEY_1": "safe.directory",
            "GIT_CONFIG_VALUE_1": "*",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(repository.git_dir()),
        }
        done = subprocess.run(
            [git, "http-backend"], input=body, env=environment, capture_output=True, timeout=60, check=False
        )
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        if done.returncode != 0 and not payload:
            return Response(done.stderr.decode("utf-8", "replace"), status=500, mimetype="text/plain")
        return Response(payload, status=status, headers=headers)


def _json(document: Any, status: int, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        json.dumps(document), status=status, headers=dict(headers or {}), mimetype="application/json"
    )
