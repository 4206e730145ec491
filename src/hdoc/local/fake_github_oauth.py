"""GitHub's OAuth web flow, played on loopback by the fake GitHub: the page where a person picks who
they are (`/login/oauth/authorize`), the code exchange (`/login/oauth/access_token`) and `GET /user`.

It answers as GitHub does, errors included: the exchange answers 200 with an `error` field
(`bad_verification_code` for an unknown, used or expired code or a wrong PKCE verifier,
`redirect_uri_mismatch`, `incorrect_client_credentials`); `GET /user` answers 401 for a bad token.
Accounts have GitHub's permanent numeric id and a login that can be renamed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

CODE_LIFETIME_SECONDS = 600  # GitHub's codes expire after ten minutes


_USER_BY_ID = re.compile(r"/user/(\d{1,19})")


def stable_id(login: str) -> int:
    """The numeric id the fake gives the account first named `login` (any case): the same in every
    run, so `hdoc token --github LOGIN` and the fake's OAuth pages agree on who LOGIN is."""
    return 10_000_000 + int(hashlib.sha256(login.lower().encode()).hexdigest()[:10], 16) % 10**9


@dataclass
class FakeAccount:
    id: int
    login: str
    name: str | None = None


@dataclass(frozen=True)
class FakeOAuthApp:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class _Code:
    account_id: int
    client_id: str
    redirect_uri: str | None
    challenge: str | None
    expires: float


class FakeGitHubOAuth:
    """The OAuth app hdoc registers, the accounts people sign in to GitHub with, and their tokens."""

    def __init__(self) -> None:
        self.apps: dict[str, FakeOAuthApp] = {}
        self.accounts: dict[int, FakeAccount] = {}
        self._codes: dict[str, _Code] = {}
        self._tokens: dict[str, int] = {}  # access token -> account id
        self._lock = threading.Lock()

    # -- set-up ------------------------------------------------------------------------------------

    def register_app(self, client_id: str, client_secret: str) -> FakeOAuthApp:
        app = FakeOAuthApp(client_id, client_secret)
        self.apps[client_id] = app
        return app

    def account(self, login: str) -> FakeAccount:
        """The account with `login` (any case), created if there is none."""
        with self._lock:
            for account in self.accounts.values():
                if account.login.lower() == login.lower():
                    return account
            new_id = stable_id(login)
            while new_id in self.accounts:  # the login's first owner renamed away, keeping its id
                new_id += 1
            created = FakeAccount(id=new_id, login=login)
            self.accounts[created.id] = created
            return created

    def holder(self, login: str) -> FakeAccount:
        """Who holds `login` now (any case), as a repository's owner shows it: an account someone
        signed in with, or the one the login would make (not created: nobody signed in with it)."""
        with self._lock:
            for account in self.accounts.values():
                if account.login.lower() == login.lower():
                    return account
            new_id = stable_id(login)
            while new_id in self.accounts:
                new_id += 1
            return FakeAccount(id=new_id, login=login)

    def rename(self, login: str, new_login: str) -> FakeAccount:
        """Rename an account, as its owner can on GitHub: same id, new login."""
        account = self.account(login)
        account.login = new_login
        return account

    # -- serving -----------------------------------------------------------------------------------

    def handles(self, request: Request) -> bool:
        return request.path in ("/login/oauth/authorize", "/login/oauth/access_token") or (
            (request.path == "/user" or _USER_BY_ID.fullmatch(request.path) is not None)
            and request.method == "GET"
        )

    def answer(self, request: Request) -> Response:
        if request.path == "/login/oauth/authorize":
            return self._authorize(request)
        if request.path == "/login/oauth/access_token" and request.method == "POST":
            return self._access_token(request)
        if request.path == "/user":
            return self._user(request)
        by_id = _USER_BY_ID.fullmatch(request.path)
        if by_id is not None:  # GET /user/{account_id}: public, as on GitHub
            account = self.accounts.get(int(by_id[1]))
            if account is not None:
                return _json({"login": account.login, "id": account.id, "type": "User"}, 200)
        return _json({"message": "Not Found"}, 404)

    def _authorize(self, request: Request) -> Response:
        asked = request.values
        if asked.get("client_id") not in self.apps:
            return _page("Application not found", "<p>No OAuth app has this client_id.</p>", 404)
        login = asked.get("login", "").strip()
        if request.method == "GET" or not login:
            return _pick_page(asked, sorted(account.login for account in self.accounts.values()))
        account = self.account(login)
        code = secrets.token_hex(10)
        challenge = asked.get("code_challenge") if asked.get("code_challenge_method") == "S256" else None
        with self._lock:
            self._codes[code] = _Code(
                account_id=account.id,
                client_id=asked["client_id"],
                redirect_uri=asked.get("redirect_uri") or None,
                challenge=challenge,
                expires=time.time() + CODE_LIFETIME_SECONDS,
            )
        back = {"code": code, **({"state": asked["state"]} if asked.get("state") else {})}
        target = asked.get("redirect_uri") or ""
        return Response(status=302, headers={"Location": f"{target}?{urlencode(back)}"})

    def _access_token(self, request: Request) -> Response:
        form = request.form
        app = self.apps.get(form.get("client_id", ""))
        if app is None or form.get("client_secret") != app.client_secret:
            return _oauth_error(
                "incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect."
            )
        with self._lock:
            code = self._codes.pop(form.get("code", ""), None)  # a code is good once
        if code is None or code.expires < time.time() or code.client_id != app.client_id:
            return _oauth_error("bad_verification_code", "The code passed is incorrect or expired.")
        if code.redirect_uri and form.get("redirect_uri") not in (None, code.redirect_uri):
            return _oauth_error(
                "redirect_uri_mismatch",
                "The redirect_uri MUST match the registered callback URL for this application.",
            )
        if code.challenge is not None and _challenge(form.get("code_verifier", "")) != code.challenge:
            return _oauth_error(
                "bad_verification_code", "The code_verifier does not match the code_challenge."
            )
        token = f"gho_{secrets.token_hex(18)}"
        with self._lock:
            self._tokens[token] = code.account_id
        return _json({"access_token": token, "token_type": "bearer", "scope": ""}, 200)

    def _user(self, request: Request) -> Response:
        authorization = request.headers.get("Authorization", "")
        token = authorization.split(" ", 1)[1] if " " in authorization else ""
        account_id = self._tokens.get(token)
        if account_id is None:
            return _json({"message": "Bad credentials"}, 401)
        account = self.accounts[account_id]
        return _json({"login": account.login, "id": account.id, "name": account.name, "type": "User"}, 200)


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _json(document: Any, status: int) -> Response:
    return Response(json.dumps(document), status=status, mimetype="application/json")


def _oauth_error(error: str, description: str) -> Response:
    # GitHub answers a failed exchange with 200 and the error in the body.
    return _json(
        {"error": error, "error_description": description, "error_uri": "https://docs.github.com"}, 200
    )


def _pick_page(asked: Any, logins: list[str]) -> Response:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
        for name, value in asked.items()
        if name != "login"
    )
    choices = "".join(
        f'<li><button type="submit" name="login" value="{html.escape(login)}">'
        f"Continue as {html.escape(login)}</button></li>"
        for login in logins[:50]
    )
    body = f"""
<p>This is hdoc's fake GitHub. Pick who you are on GitHub, or type a login.</p>
<form method="post" action="/login/oauth/authorize">
  {hidden}
  <label for="login">GitHub login</label>
  <input id="login" name="login" autocomplete="username">
  <button type="submit">Authorize</button>
  <ul class="logins">{choices}</ul>
</form>"""
    return _page("Sign in to GitHub", body, 200)


def _page(title: str, body: str, status: int) -> Response:
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{html.escape(title)} · fake GitHub</title></head>
<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"""
    return Response(document, status=status, content_type="text/html; charset=utf-8")
