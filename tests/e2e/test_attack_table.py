"""Every protected route, tried with every kind of bad credential: each gets a 401 or 403 problem."""

from __future__ import annotations

import base64
import gzip
import json
import time
import uuid
from pathlib import Path

import moto
import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

PROBLEM = "application/problem+json"


def _b64(document: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _pool_key() -> RSAKey:
    # The key the embedded Cognito signs with: lets a test forge an otherwise perfect token.
    private = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
    return RSAKey.import_key(json.loads(gzip.decompress(private.read_bytes())))


def _sign_in(cognito, pool_id: str, client_id: str) -> dict:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    cognito.admin_create_user(UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=email, Password="Passw0rd-local", Permanent=True
    )
    return cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": "Passw0rd-local"},
    )["AuthenticationResult"]


@pytest.fixture(scope="module")
def bad_credentials(accounts_api) -> dict[str, dict[str, str]]:
    runtime = accounts_api.runtime
    cognito = runtime.client("cognito-idp")
    pool = runtime.cognito.only_pool()
    valid = runtime.cognito.id_token(f"{uuid.uuid4().hex[:10]}@example.com")
    claims = _claims(valid)

    other_pool = cognito.create_user_pool(PoolName="another-pool")["UserPool"]["Id"]
    other_client = cognito.create_user_pool_client(UserPoolId=other_pool, ClientName="another-client")
    other_token = _sign_in(cognito, other_pool, other_client["UserPoolClient"]["ClientId"])["IdToken"]
    access_token = _sign_in(cognito, pool.pool_id, pool.client_ids[0])["AccessToken"]

    header = {"kid": "dummy", "alg": "RS256"}
    expired = jwt.encode(header, {**claims, "exp": int(time.time()) - 60}, _pool_key())
    other_key = jwt.encode(header, claims, RSAKey.generate_key(2048))
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    control = jwt.encode(header, {**claims, "exp": int(time.time()) + 600}, _pool_key())
    return {
        "control: forged like the expired one, but unexpired": {"Authorization": f"Bearer {control}"},
        "no header": {},
        "garbage after Bearer": {"Authorization": "Bearer not-a-token"},
        "empty Bearer": {"Authorization": "Bearer "},
        "expired token": {"Authorization": f"Bearer {expired}"},
        "token signed by another key": {"Authorization": f"Bearer {other_key}"},
        "alg none": {"Authorization": f"Bearer {unsigned}"},
        "token from another pool": {"Authorization": f"Bearer {other_token}"},
        "access token instead of ID token": {"Authorization": f"Bearer {access_token}"},
    }


def protected_routes(runtime) -> list[tuple[str, str]]:
    return sorted({(route.method, route.path) for route in runtime.routes if route.authorizer is not None})


def test_every_signed_in_route_is_protected(accounts_api):
    assert ("POST", "/signup") in protected_routes(accounts_api.runtime)
    assert ("DELETE", "/me") in protected_routes(accounts_api.runtime)
    assert ("POST", "/me/github/link") in protected_routes(accounts_api.runtime)
    assert ("POST", "/me/github/callback") in protected_routes(accounts_api.runtime)
    assert ("GET", "/me/github") in protected_routes(accounts_api.runtime)
    assert ("GET", "/leaderboard") not in protected_routes(accounts_api.runtime)


def test_the_forging_works_so_each_attack_fails_for_its_own_reason(accounts_api, bad_credentials):
    control = bad_credentials["control: forged like the expired one, but unexpired"]
    answer = requests.get(f"{accounts_api.url}/me", headers=control, timeout=30)
    assert answer.status_code == 404  # past the authorizer: this person just has no participant yet


def test_bad_credentials_never_reach_a_handler(accounts_api, bad_credentials):
    outcomes = {}
    attacks = {name: headers for name, headers in bad_credentials.items() if not name.startswith("control")}
    for method, path in protected_routes(accounts_api.runtime):
        concrete = path.replace("{username}", "octocat").replace("{id}", "01J0000000000000000000000")
        for attack, headers in attacks.items():
            answer = requests.request(
                method, f"{accounts_api.url}{concrete}", headers=headers, json={"name": "x"}, timeout=30
            )
            outcomes[(method, path, attack)] = (answer.status_code, answer.headers.get("Content-Type"))
    wrong = {
        case: outcome
        for case, outcome in outcomes.items()
        if outcome[0] not in (401, 403) or outcome[1] != PROBLEM
    }
    assert wrong == {}
    assert len(outcomes) >= 5 * len(attacks)
