"""The local stand-in for Cognito's hosted sign-in: the code flow with PKCE answers as Cognito does,
errors included, so the website's sign-in code is tested against the same rules it meets in AWS."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

CALLBACK = "http://localhost:5173/auth/callback"  # one of the template's default callback URLs


def client_id(api) -> str:
    return str(api.runtime.root.outputs()["WebsiteClientId"])


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(api, challenge: str, email: str = "signer@example.com", **changes) -> requests.Response:
    form = {
        "response_type": "code",
        "client_id": client_id(api),
        "redirect_uri": CALLBACK,
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "email": email,
        **changes,
    }
    return requests.post(f"{api.url}/oauth2/authorize", data=form, allow_redirects=False, timeout=30)


def code_from(answer: requests.Response) -> str:
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def exchange(api, code: str, verifier: str, redirect_uri: str = CALLBACK) -> requests.Response:
    form = {
        "grant_type": "authorization_code",
        "client_id": client_id(api),
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    return requests.post(f"{api.url}/oauth2/token", data=form, timeout=30)


@pytest.fixture(scope="module")
def api(accounts_api):
    return accounts_api


def test_the_code_flow_signs_a_new_user_up_and_its_id_token_passes_the_authorizer(api):
    page = requests.get(
        f"{api.url}/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": client_id(api),
            "redirect_uri": CALLBACK,
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        },
        timeout=30,
    )
    assert page.status_code == 200
    assert '<label for="email">Email address</label>' in page.text
    verifier, challenge = pkce()
    answer = exchange(api, code_from(authorize(api, challenge)), verifier)
    assert answer.status_code == 200
    tokens = answer.json()
    assert {"id_token", "access_token", "refresh_token", "expires_in"} <= set(tokens)
    me = requests.get(f"{api.url}/me", headers={"Authorization": f"Bearer {tokens['id_token']}"}, timeout=30)
    assert me.status_code == 404  # signed in (the account exists); no participant yet


def test_a_code_is_good_once_and_only_with_its_verifier_and_redirect_uri(api):
    verifier, challenge = pkce()
    code = code_from(authorize(api, challenge))
    wrong_verifier = exchange(api, code, pkce()[0])
    assert (wrong_verifier.status_code, wrong_verifier.json()["error"]) == (400, "invalid_grant")
    # A failed exchange spends the code, as the real endpoint does
    assert exchange(api, code, verifier).json()["error"] == "invalid_grant"

    code = code_from(authorize(api, challenge))
    moved = exchange(api, code, verifier, redirect_uri="http://localhost:5173/elsewhere")
    assert moved.json() == {
        "error": "invalid_grant",
        "error_description": "redirect_uri differs from the authorize request's",
    }

    code = code_from(authorize(api, challenge))
    assert exchange(api, code, verifier).status_code == 200
    reused = exchange(api, code, verifier)
    assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")


def test_authorize_refuses_unknown_callbacks_clients_and_plain_challenges(api):
    _, challenge = pkce()
    assert authorize(api, challenge, redirect_uri="https://evil.example/cb").status_code == 400
    assert authorize(api, challenge, client_id="not-a-client").status_code == 400
    assert authorize(api, challenge, code_challenge_method="plain").status_code == 400
    assert authorize(api, challenge, email="not-an-email").status_code == 200  # the form again, with why
    assert "not an email address" in authorize(api, challenge, email="not-an-email").text


def test_refresh_gives_new_tokens_until_the_refresh_token_is_revoked(api):
    verifier, challenge = pkce()
    tokens = exchange(
        api, code_from(authorize(api, challenge, email="refresher@example.com")), verifier
    ).json()
    form = {
        "grant_type": "refresh_token",
        "client_id": client_id(api),
        "refresh_token": tokens["refresh_token"],
    }
    refreshed = requests.post(f"{api.url}/oauth2/token", data=form, timeout=30)
    assert refreshed.status_code == 200
    assert refreshed.json()["id_token"]
    assert "refresh_token" not in refreshed.json()  # Cognito keeps the same refresh token
    revoked = requests.post(
        f"{api.url}/oauth2/revoke",
        data={"token": tokens["refresh_token"], "client_id": client_id(api)},
        headers={"Origin": "http://localhost:5173"},
        timeout=30,
    )
    assert revoked.status_code == 200
    assert revoked.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    after = requests.post(f"{api.url}/oauth2/token", data=form, timeout=30)
    assert (after.status_code, after.json()["error"]) == (400, "invalid_grant")


def test_logout_returns_only_to_a_sign_out_url_of_the_client(api):
    home = requests.get(
        f"{api.url}/logout",
        params={"client_id": client_id(api), "logout_uri": "http://localhost:5173/"},
        allow_redirects=False,
        timeout=30,
    )
    assert (home.status_code, home.headers["Location"]) == (302, "http://localhost:5173/")
    elsewhere = requests.get(
        f"{api.url}/logout",
        params={"client_id": client_id(api), "logout_uri": "https://evil.example/"},
        allow_redirects=False,
        timeout=30,
    )
    assert elsewhere.status_code == 400
