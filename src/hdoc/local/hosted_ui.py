"""Cognito's hosted sign-in, locally: the endpoints the website's sign-in code calls, so that code
runs unchanged on a laptop.

`/oauth2/authorize` shows a page with an email field (and an "admin" box) instead of a password
form; signing in there creates and confirms the user as `hdoc token` does (the PostConfirmation
trigger runs) and sends the browser back with a code. `/oauth2/token` exchanges that code for
tokens only with the PKCE verifier (S256) and the same redirect URI, and refreshes tokens;
`/oauth2/revoke` revokes a refresh token; `/logout` sends the browser to an allowed logout URL.
Answers and errors follow Cognito's (RFC 6749 error codes, JSON bodies).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from werkzeug.wrappers import Request, Response

from hdoc.local.cognito import AppClient, AuthorizationError, LocalCognito

CODE_LIFETIME_SECONDS = 300  # Cognito's authorization codes last five minutes
PATHS = ("/oauth2/authorize", "/oauth2/token", "/oauth2/revoke", "/logout")


@dataclass(frozen=True)
class _Grant:
    """What an authorization code stands for until it is exchanged, once."""

    email: str
    admin: bool
    client_id: str
    redirect_uri: str
    challenge: str
    expires: float


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class HostedUi:
    """The hosted sign-in's endpoints, answering WSGI requests."""

    def __init__(self, cognito: LocalCognito) -> None:
        self._cognito = cognito
        self._grants: dict[str, _Grant] = {}
        self._refresh_tokens: dict[str, str] = {}  # refresh token -> client id, while not revoked
        self._lock = threading.Lock()

    def handles(self, path: str) -> bool:
        return path in PATHS

    def respond(self, request: Request) -> Response:
        try:
            if request.method == "OPTIONS":
                return self._cors(request, Response(status=204))
            if request.path == "/oauth2/authorize" and request.method in ("GET", "POST"):
                return self.authorize(request)
            if request.path == "/oauth2/token" and request.method == "POST":
                return self._cors(request, self.token(request))
            if request.path == "/oauth2/revoke" and request.method == "POST":
                return self._cors(request, self.revoke(request))
            if request.path == "/logout" and request.method == "GET":
                return self.logout(request)
            raise OAuthError("invalid_request", f"{request.method} is not allowed here", 405)
        except OAuthError as error:
            body = {"error": error.error, "error_description": error.description}
            if request.path in ("/oauth2/authorize", "/logout"):
                return _page("Sign-in error", f"<p role='alert'>{html.escape(error.description)}</p>", 400)
            return self._cors(
                request,
                Response(json.dumps(body), status=error.status, content_type="application/json"),
            )

    # -- the endpoints ---------------------------------------------------------------------------

    def authorize(self, request: Request) -> Response:
        asked = request.values
        client = self._client(asked.get("client_id", ""))
        redirect_uri = asked.get("redirect_uri", "")
        if redirect_uri not in client.callback_urls:
            raise OAuthError(
                "redirect_mismatch", f"{redirect_uri!r} is not a callback URL of this app client"
            )
        if asked.get("response_type") != "code":
            raise OAuthError("unsupported_response_type", "only response_type=code is supported")
        challenge = asked.get("code_challenge", "")
        if asked.get("code_challenge_method") != "S256" or not challenge:
            raise OAuthError(
                "invalid_request", "a code_challenge with code_challenge_method=S256 is required"
            )
        if request.method == "GET":
            return _sign_in_page(asked)
        email = asked.get("email", "").strip()
        try:
            self._cognito.sign_in(email)  # creates and confirms the user, as a sign-up would
        except (ValueError, LookupError) as error:
            return _sign_in_page(asked, error=str(error))
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                email=email,
                admin=asked.get("admin") == "on",
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                challenge=challenge,
                expires=time.time() + CODE_LIFETIME_SECONDS,
            )
        back = {"code": code, **({"state": asked["state"]} if asked.get("state") else {})}
        return _redirect(f"{redirect_uri}?{urlencode(back)}")

    def token(self, request: Request) -> Response:
        form = request.form
        grant_type = form.get("grant_type")
        client = self._client(form.get("client_id", ""))
        if grant_type == "authorization_code":
            with self._lock:
                grant = self._grants.pop(form.get("code", ""), None)  # a code is good once
            if grant is None or grant.expires < time.time() or grant.client_id != client.client_id:
                raise OAuthError("invalid_grant", "the code is unknown, used or expired")
            if form.get("redirect_uri") != grant.redirect_uri:
                raise OAuthError("invalid_grant", "redirect_uri differs from the authorize request's")
            if _challenge(form.get("code_verifier", "")) != grant.challenge:
                raise OAuthError("invalid_grant", "the code_verifier does not match the code_challenge")
            signed_in = self._cognito.sign_in(grant.email, admin=grant.admin, client_id=client.client_id)
            with self._lock:
                self._refresh_tokens[signed_in.refresh_token] = client.client_id
            tokens: dict[str, Any] = {"refresh_token": signed_in.refresh_token}
        elif grant_type == "refresh_token":
            refresh_token = form.get("refresh_token", "")
            if self._refresh_tokens.get(refresh_token) != client.client_id:
                raise OAuthError("invalid_grant", "the refresh token is not valid")
            try:
                signed_in = self._cognito.refreshed(client.client_id, refresh_token)
            except AuthorizationError as error:
                raise OAuthError("invalid_grant", str(error)) from error
            tokens = {}
        else:
            raise OAuthError(
                "unsupported_grant_type", "grant_type must be authorization_code or refresh_token"
            )
        tokens |= {
            "id_token": signed_in.id_token,
            "access_token": signed_in.access_token,
            "expires_in": signed_in.expires_in,
            "token_type": "Bearer",
        }
        response = Response(json.dumps(tokens), content_type="application/json")
        response.headers["Cache-Control"] = "no-store"
        return response

    def revoke(self, request: Request) -> Response:
        client = self._client(request.form.get("client_id", ""))
        token = request.form.get("token", "")
        with self._lock:
            if self._refresh_tokens.get(token) == client.client_id:
                del self._refresh_tokens[token]
        return Response(status=200)  # revoking an unknown token succeeds too (RFC 7009)

    def logout(self, request: Request) -> Response:
        client = self._client(request.args.get("client_id", ""))
        logout_uri = request.args.get("logout_uri", "")
        if logout_uri not in client.logout_urls:
            raise OAuthError("invalid_request", f"{logout_uri!r} is not a sign-out URL of this app client")
        return _redirect(logout_uri)

    # -- helpers ---------------------------------------------------------------------------------

    def _client(self, client_id: str) -> AppClient:
        for pool in self._cognito.pools.values():
            if client_id in pool.clients:
                return pool.clients[client_id]
        raise OAuthError("invalid_client", "client_id is not an app client of the user pool", 401)

    def _cors(self, request: Request, response: Response) -> Response:
        # The token endpoint is called by the website's own origin, which is a callback URL's.
        origin = request.headers.get("Origin")
        allowed = {
            f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
            for pool in self._cognito.pools.values()
            for client in pool.clients.values()
            for url in client.callback_urls
        }
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = "POST"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Vary"] = "Origin"
        return response


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _redirect(location: str) -> Response:
    return Response(status=302, headers={"Location": location})


def _sign_in_page(asked: Any, error: str | None = None) -> Response:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
        for name, value in asked.items()
        if name not in ("email", "admin")
    )
    problem = f'<p class="error" role="alert" id="email-error">{html.escape(error)}</p>' if error else ""
    body = f"""
<p>This is hdoc's local stand-in for Cognito's hosted sign-in. Any email address signs in; a new
one is signed up and confirmed.</p>
<form method="post" action="/oauth2/authorize">
  {hidden}
  {problem}
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="email" required
         value="{html.escape(asked.get("email", ""))}">
  <label class="check"><input type="checkbox" name="admin"> Sign in as an admin</label>
  <button type="submit">Sign in</button>
</form>"""
    return _page("Sign in", body, 200)


_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;"
    "color:#1b1f24;background:#fff}label{display:block;margin-top:1rem;font-weight:600}"
    "label.check{font-weight:400}input[type=email]{display:block;width:100%;padding:.5rem;"
    "font:inherit;border:2px solid #1b1f24;box-sizing:border-box}button{margin-top:1.5rem;"
    "padding:.5rem 1.5rem;font:inherit;font-weight:600;background:#0b5cad;color:#fff;border:0}"
    ":focus-visible{outline:3px solid #f5b700;outline-offset:2px}.error{color:#b3261e;font-weight:600}"
)


def _page(title: str, body: str, status: int) -> Response:
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{html.escape(title)} · hdoc (local)</title><style>{_STYLE}</style></head>
<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"""
    return Response(document, status=status, content_type="text/html; charset=utf-8")
