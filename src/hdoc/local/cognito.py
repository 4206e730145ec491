"""Cognito, locally: the user pools the templates declare (in moto), API Gateway's Cognito
authorizer as it checks ID tokens, and confirmed users with their PostConfirmation trigger."""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from hdoc.local.cfn import REGION

log = logging.getLogger("hdoc-local")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AuthorizationError(Exception):
    """The request's token would not pass API Gateway's Cognito authorizer."""


@dataclass(frozen=True)
class AppClient:
    """An app client's hosted sign-in settings: where it may send people back to."""

    client_id: str
    callback_urls: tuple[str, ...] = ()
    logout_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignedIn:
    """The tokens Cognito's token endpoint answers with."""

    id_token: str
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass
class LocalUserPool:
    """A user pool the templates declare, with its app clients and triggers."""

    pool_id: str
    arn: str
    client_ids: list[str] = field(default_factory=list)
    clients: dict[str, AppClient] = field(default_factory=dict)  # by client id
    triggers: dict[str, str] = field(default_factory=dict)  # trigger name -> function ARN
    groups: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{REGION}.amazonaws.com/{self.pool_id}"


@dataclass(frozen=True)
class Authorizer:
    """A Cognito authorizer of a REST API: the pools whose ID tokens it accepts, in which header."""

    pool_arns: tuple[str, ...]
    header: str = "Authorization"


class LocalCognito:
    """The runtime's user pools, token checks and user confirmation."""

    def __init__(self, client: Any, aws_endpoint: str, invoke_function: Any) -> None:
        self._client = client
        self._aws_endpoint = aws_endpoint
        self._invoke_function = invoke_function  # (function ARN, event) -> result
        self.pools: dict[str, LocalUserPool] = {}  # by ARN
        self._keys: dict[str, KeySet] = {}

    # -- API Gateway's Cognito authorizer ----------------------------------------------------------

    def authorize(self, header_value: str | None, authorizer: Authorizer) -> dict[str, str]:
        """The claims API Gateway passes on, or AuthorizationError: signature (RS256, the pool's
        keys), issuer, audience (one of the pool's clients), token_use 'id' and expiry all checked."""
        if not header_value:
            raise AuthorizationError("no token")
        token = header_value.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        last_error = "no pool accepts this token"
        for arn in authorizer.pool_arns:
            pool = self.pools.get(arn)
            if pool is None:
                continue
            try:
                claims = jwt.decode(token, self._key_set(pool), algorithms=["RS256"]).claims
            except (JoseError, ValueError) as error:
                last_error = f"signature: {error}"
                continue
            if claims.get("iss") != pool.issuer:
                last_error = "issuer is another pool"
                continue
            if claims.get("aud") not in pool.client_ids:
                raise AuthorizationError("audience is not a client of the pool")
            if claims.get("token_use") != "id":
                raise AuthorizationError("not an ID token")
            if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= time.time():
                raise AuthorizationError("expired")
            return {name: _claim_text(value) for name, value in claims.items()}
        raise AuthorizationError(last_error)

    def _key_set(self, pool: LocalUserPool) -> KeySet:
        if pool.pool_id not in self._keys:
            url = f"{self._aws_endpoint}/{pool.pool_id}/.well-known/jwks.json"
            self._keys[pool.pool_id] = KeySet.import_key_set(requests.get(url, timeout=5).json())
        return self._keys[pool.pool_id]

    # -- users -----------------------------------------------------------------------------------

    def only_pool(self) -> LocalUserPool:
        if len(self.pools) != 1:
            raise LookupError(f"the templates declare {len(self.pools)} user pools; one is needed here")
        return next(iter(self.pools.values()))

    def id_token(self, email: str, *, admin: bool = False) -> str:
        """An ID token for `email`, creating and confirming the user first if needed (which runs
        the PostConfirmation trigger, as Cognito would)."""
        return self.sign_in(email, admin=admin).id_token

    def sign_in(self, email: str, *, admin: bool = False, client_id: str | None = None) -> SignedIn:
        """Sign `email` in (creating and confirming the user first if needed): ID, access and
        refresh tokens, as the hosted sign-in gives them."""
        email = email.strip().lower()  # the pool's usernames are not case-sensitive
        if not _EMAIL.fullmatch(email):
            raise ValueError(f"{email!r} is not an email address")
        pool = self.only_pool()
        try:
            self._client.admin_get_user(UserPoolId=pool.pool_id, Username=email)
            created = False
        except self._client.exceptions.UserNotFoundException:
            self._client.admin_create_user(
                UserPoolId=pool.pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )
            created = True
        password = f"Local-{secrets.token_urlsafe(24)}9a"
        self._client.admin_set_user_password(
            UserPoolId=pool.pool_id, Username=email, Password=password, Permanent=True
        )
        if created:
            self._confirmed(pool, email)
        if admin and "admins" in pool.groups:
            self._client.admin_add_user_to_group(UserPoolId=pool.pool_id, Username=email, GroupName="admins")
        result = self._client.admin_initiate_auth(
            UserPoolId=pool.pool_id,
            ClientId=client_id or pool.client_ids[0],
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )["AuthenticationResult"]
        return SignedIn(
            id_token=str(result["IdToken"]),
            access_token=str(result["AccessToken"]),
            refresh_token=str(result["RefreshToken"]),
            expires_in=int(result["ExpiresIn"]),
        )

    def refreshed(self, client_id: str, refresh_token: str) -> SignedIn:
        """New ID and access tokens for a refresh token; AuthorizationError when it is not valid."""
        pool = self.only_pool()
        try:
            result = self._client.admin_initiate_auth(
                UserPoolId=pool.pool_id,
                ClientId=client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )["AuthenticationResult"]
        except self._client.exceptions.NotAuthorizedException as error:
            raise AuthorizationError("the refresh token is not valid") from error
        return SignedIn(
            id_token=str(result["IdToken"]),
            access_token=str(result["AccessToken"]),
            refresh_token=refresh_token,
            expires_in=int(result["ExpiresIn"]),
        )

    def _confirmed(self, pool: LocalUserPool, email: str) -> None:
        function_arn = pool.triggers.get("PostConfirmation")
        if function_arn is None:
            return
        user = self._client.admin_get_user(UserPoolId=pool.pool_id, Username=email)
        attributes = {attribute["Name"]: attribute["Value"] for attribute in user["UserAttributes"]}
        event = {
            "version": "1",
            "region": REGION,
            "userPoolId": pool.pool_id,
            "userName": user["Username"],
            "callerContext": {
                "awsSdkVersion": "local",
                "clientId": pool.client_ids[0] if pool.client_ids else "",
            },
            "triggerSource": "PostConfirmation_ConfirmSignUp",
            "request": {"userAttributes": {**attributes, "cognito:user_status": "CONFIRMED"}},
            "response": {},
        }
        try:
            self._invoke_function(function_arn, event)
        except Exception:
            # Cognito reports the failure and the person can still sign in; POST /signup mends it.
            log.exception("the PostConfirmation trigger failed for %s", email)


def _claim_text(value: Any) -> str:
    # API Gateway hands claims to the function as strings.
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)
