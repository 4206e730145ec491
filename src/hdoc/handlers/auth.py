"""Who is calling: the signed-in person, from the claims of API Gateway's Cognito authorizer."""

from __future__ import annotations

from typing import Any

from hdoc import aws
from hdoc.errors import UnauthorizedError
from hdoc.handlers.api import current_event
from hdoc.models.caller import Caller
from hdoc.settings import settings


def caller() -> Caller:
    """The signed-in person, from the claims API Gateway's Cognito authorizer passes on."""
    context = current_event().get("requestContext") or {}
    claims: dict[str, Any] = (context.get("authorizer") or {}).get("claims") or {}
    if not claims.get("sub"):
        raise UnauthorizedError("Sign in first: send your ID token as 'Authorization: Bearer <token>'.")
    groups = set(str(claims.get("cognito:groups") or "").strip("[]").replace(",", " ").split())
    username = str(claims.get("cognito:username") or claims["sub"])
    if ADMINS in groups and not still_an_admin(username):
        groups.discard(ADMINS)  # removed since the token was issued: no admin power left
    return Caller(
        sub=str(claims["sub"]),
        email=str(claims.get("email", "")),
        username=username,
        groups=frozenset(groups),
    )


ADMINS = "admins"


def still_an_admin(username: str) -> bool:
    """Whether the user is in the admins group now, as the user pool says (a token says what was
    true when it was issued, up to an hour ago)."""
    answer = aws.cognito().admin_list_groups_for_user(UserPoolId=settings().user_pool_id, Username=username)
    return any(group["GroupName"] == ADMINS for group in answer.get("Groups", []))
