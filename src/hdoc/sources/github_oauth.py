"""Who a person is on GitHub, proven by GitHub's OAuth web flow (an OAuth App, no scope beyond the
public identity): the authorize URL to send them to, and the code they come back with exchanged for
an access token, used once to read `GET /user` (the permanent numeric id and the current login),
then dropped. PKCE (S256) binds the code to the request that asked for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import urllib3

TIMEOUT = urllib3.Timeout(connect=3.0, read=5.0)


@dataclass(frozen=True)
class GitHubIdentity:
    id: int
    login: str


class CodeRefusedError(Exception):
    """GitHub did not accept the code (unknown, used, expired, wrong verifier or redirect URI)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error


class GitHubUnavailableError(Exception):
    """GitHub answered with a server error, or not in time."""

    def __init__(self, detail: str, *, timed_out: bool = False) -> None:
        super().__init__(detail)
        self.timed_out = timed_out


@dataclass(frozen=True)
class GitHubOAuthApp:
    """hdoc's OAuth App on GitHub (or GitHub Enterprise Server, or the fake)."""

    web_url: str  # https://github.com
    api_url: str  # https://api.github.com
    client_id: str
    client_secret: str

    def authorize_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        query = {
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            "allow_signup": "true",
        }
        return f"{self.web_url.rstrip('/')}/login/oauth/authorize?{urlencode(query)}"

    def identify(self, *, code: str, code_verifier: str, redirect_uri: str) -> GitHubIdentity:
        """Exchange the code, read who it belongs to, and forget the token."""
        answer = _call(
            "POST",
            f"{self.web_url.rstrip('/')}/login/oauth/access_token",
            fields={
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            },
        )
        if "error" in answer or "access_token" not in answer:
            error = str(answer.get("error", "no_access_token"))
            raise CodeRefusedError(error, str(answer.get("error_description") or error))
        user = _call(
            "GET",
            f"{self.api_url.rstrip('/')}/user",
            headers={"Authorization": f"Bearer {answer['access_token']}"},
        )
        if not isinstance(user.get("id"), int) or not isinstance(user.get("login"), str):
            raise GitHubUnavailableError("GitHub's GET /user answered without an id and a login")
        return GitHubIdentity(id=user["id"], login=user["login"])

    def login_of(self, account_id: int) -> str | None:
        """The login GitHub gives the account with this numeric id now (`GET /user/{account_id}`,
        public); None when GitHub has no such account any more."""
        try:
            user = _call("GET", f"{self.api_url.rstrip('/')}/user/{int(account_id)}")
        except GitHubNotFoundError:
            return None
        login = user.get("login")
        if user.get("id") != account_id or not isinstance(login, str):
            raise GitHubUnavailableError("GitHub's GET /user/{id} answered without that id and a login")
        return login


class GitHubNotFoundError(GitHubUnavailableError):
    """GitHub answered 404: what was asked for does not exist (any more)."""


def _call(
    method: str, url: str, *, fields: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    sent = {"Accept": "application/json", "User-Agent": "hdoc", **(headers or {})}
    try:
        if fields is not None:
            response = urllib3.request(
                method,
                url,
                body=urlencode(fields),
                headers={**sent, "Content-Type": "application/x-www-form-urlencoded"},
                timeout=TIMEOUT,
                retries=False,
            )
        else:
            response = urllib3.request(method, url, headers=sent, timeout=TIMEOUT, retries=False)
    except urllib3.exceptions.TimeoutError as error:
        raise GitHubUnavailableError("GitHub did not answer in time", timed_out=True) from error
    except urllib3.exceptions.HTTPError as error:
        raise GitHubUnavailableError(f"GitHub could not be reached: {error}") from error
    if response.status >= 500:
        raise GitHubUnavailableError(f"GitHub answered {response.status}")
    try:
        document = json.loads(response.data or b"{}")
    except ValueError as error:
        raise GitHubUnavailableError(f"GitHub answered {response.status} without JSON") from error
    if response.status == 401:
        raise CodeRefusedError("bad_credentials", "GitHub did not accept the access token")
    if response.status == 404:
        raise GitHubNotFoundError("GitHub answered 404")
    if response.status >= 400 or not isinstance(document, dict):
        raise GitHubUnavailableError(f"GitHub answered {response.status}")
    return document
