"""The signed-in API: signup, and the participant's own profile, export and deletion."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from botocore.exceptions import ClientError

from hdoc import aws
from hdoc.dal.user_items import ProfileRecord
from hdoc.errors import NotFoundError, UpstreamError
from hdoc.handlers.api import build_resolver, documented_responses, lambda_handler_for
from hdoc.handlers.auth import caller
from hdoc.handlers.params import SIGNED_IN, IfMatch, UsernamePath
from hdoc.handlers.tables import articles_table, statistics_table, users_table
from hdoc.logic import accounts, github_link
from hdoc.logic.journeys import request_refresh
from hdoc.logic.refresh import execution_input
from hdoc.models.account import GitHubLink, Profile
from hdoc.models.account_api import (
    GitHubCallback,
    GitHubLinkRequest,
    GitHubLinkStart,
    Me,
    ProfilePatch,
    SignupRequest,
)
from hdoc.models.caller import Caller
from hdoc.models.export import Export
from hdoc.models.statistics import RefreshQueued
from hdoc.settings import settings
from hdoc.sources.github_oauth import GitHubOAuthApp

router = Router()


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header asks for; -1 (never current) when it names none we issued."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() and len(tag) < 12 else -1


def profile_response(record: ProfileRecord, status: HTTPStatus = HTTPStatus.OK) -> Response[Profile]:
    headers = {"ETag": etag(record.version)}
    if status == HTTPStatus.CREATED:
        headers["Location"] = f"/users/{record.profile.id}"
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=record.profile,
        headers=headers,
    )


def delete_sign_in(person: Caller) -> None:
    """Sign the Cognito user out everywhere (its refresh tokens revoked, so no new ID token is ever
    issued), then delete it; already gone is fine. An ID token issued before stays valid until it
    expires: the account's tombstone refuses its writes."""
    cognito, pool = aws.cognito(), settings().user_pool_id
    try:
        cognito.admin_user_global_sign_out(UserPoolId=pool, Username=person.username)
        cognito.admin_delete_user(UserPoolId=pool, Username=person.username)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "UserNotFoundException":
            raise


def stores() -> accounts.Stores:
    return accounts.Stores(articles=articles_table(), statistics=statistics_table(), github=github_app)


def start_refresh(username: str) -> None:
    """Start the statistics parser for one participant (the same flow as the scheduled run)."""
    aws.stepfunctions().start_execution(
        stateMachineArn=settings().state_machine_arn,
        name=f"refresh-{username.lower()}-{uuid.uuid4().hex[:12]}",
        input=json.dumps(execution_input([username])),
    )


@router.post(
    "/signup",
    summary="Become a participant: claim your GitHub username",
    description=(
        "Claims the GitHub username you linked (POST /me/github/callback) as your participant. The "
        "username is yours alone: a second claim of it is a 409. Needs a verified GitHub link (403 "
        "without one)."
    ),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(Profile, 400, 401, 403, 409, 413, 415, status=201),
)
def signup(request: Annotated[SignupRequest, Body()]) -> Response[Profile]:
    record = accounts.signup(users_table(), caller(), request, stores())
    return profile_response(record, HTTPStatus.CREATED)


@router.get(
    "/me",
    summary="Your account and participant",
    description=(
        "Your account (e-mail, GitHub link) and, once you signed up, your participant and profile. The "
        "ETag header is the profile's version, to send back as If-Match when you change it."
    ),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(Me, 401, 404),
)
def get_me() -> Response[Me]:
    found, version = accounts.me(users_table(), caller())
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=found,
        headers={"ETag": etag(version)},
    )


@router.patch(
    "/me",
    summary="Change your profile (send If-Match so no update is lost)",
    description=(
        "Changes the fields you send and leaves the others. With If-Match, a profile changed since you "
        "read it is refused with 412 rather than overwritten. At most 30 changes an hour (429 with Retry-"
        "After)."
    ),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(Profile, 400, 401, 404, 412, 413, 415, 429),
)
def patch_me(patch: Annotated[ProfilePatch, Body()], if_match: IfMatch = None) -> Response[Profile]:
    record = accounts.update_profile(users_table(), caller(), patch, expected_version(if_match))
    return profile_response(record)


@router.delete(
    "/me",
    summary="Delete your participant, your account and everything hdoc holds about you",
    description=(
        "Deletes your participant, your articles, your journey's statistics and your sign-in account. It "
        "cannot be undone; download your data first (GET /me/export)."
    ),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(None, 401, status=204),
)
def delete_me() -> Response[None]:
    accounts.delete(users_table(), articles_table(), statistics_table(), caller(), delete_sign_in)
    return Response(status_code=204, body=None)


@router.get(
    "/me/export",
    summary="Everything hdoc holds about you, as one JSON document",
    description=(
        "Your account, profile, journey statistics and articles, as one JSON document to keep or take "
        "elsewhere."
    ),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(Export, 401),
)
def export_me() -> Response[Export]:
    document = accounts.export(users_table(), articles_table(), statistics_table(), caller())
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=document,
        headers={"Content-Disposition": 'attachment; filename="hdoc-export.json"'},
    )


@router.post(
    "/me/refresh",
    summary="Read your journey from GitHub now (at most once every 5 minutes)",
    description=(
        "Queues a read of your journey repository ahead of the schedule. Asked again within 5 minutes, it"
        " answers 429 with Retry-After."
    ),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(RefreshQueued, 401, 404, 429, status=202),
)
def refresh_me() -> Response[RefreshQueued]:
    queued = request_refresh(users_table(), statistics_table(), caller(), start_refresh)
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=queued)


def github_app() -> GitHubOAuthApp:
    """hdoc's OAuth App on GitHub: its client id from the template, its secret from Secrets Manager."""
    config = settings()
    if not config.github_oauth_client_id or not config.github_oauth_secret:
        raise UpstreamError("Linking GitHub accounts is not set up on this stage (no OAuth App).")
    return GitHubOAuthApp(
        web_url=config.github_web_url,
        api_url=config.github_api_url,
        client_id=config.github_oauth_client_id,
        client_secret=aws.secret_text(config.github_oauth_secret, "clientSecret"),
    )


@router.post(
    "/me/github/link",
    summary="Start linking your GitHub account: GitHub's page to send you to",
    description=(
        "Returns the address of GitHub's authorization page for hdoc's OAuth App, with a one-time state. "
        "GitHub sends you back to the website with a code, for POST /me/github/callback."
    ),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(GitHubLinkStart, 400, 401, 413, 415, 502),
)
def start_github_link(request: Annotated[GitHubLinkRequest, Body()]) -> GitHubLinkStart:
    return github_link.start_link(
        users_table(),
        github_app,
        caller(),
        redirect_uri=request.redirect_uri,
        allowed_origins=settings().origins,
        now=datetime.now(UTC),
    )


@router.post(
    "/me/github/callback",
    summary="Finish linking: the code and state GitHub sent you back with",
    description=(
        "Exchanges GitHub's code for your GitHub identity (login and id) and links it to your account. A "
        "GitHub account linked to someone else is a 409; GitHub unreachable is a 502 or 504."
    ),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(GitHubLink, 400, 401, 409, 413, 415, 502, 504),
)
def finish_github_link(callback: Annotated[GitHubCallback, Body()]) -> GitHubLink:
    return github_link.finish_link(
        users_table(),
        articles_table(),
        statistics_table(),
        github_app,
        caller(),
        callback=callback,
        now=datetime.now(UTC),
    )


@router.get(
    "/me/github",
    summary="The GitHub account linked to yours",
    description=("The GitHub login and id linked to your account, and when they were linked."),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(GitHubLink, 401, 404),
)
def get_github_link() -> GitHubLink:
    account = users_table().get_account(caller().sub)
    if account is None or account.account.github is None:
        raise NotFoundError("No GitHub account is linked to yours: link one with POST /me/github/link.")
    return account.account.github


@router.delete(
    "/admin/participants/<username>",
    summary="Admins: release a username held by a participant that is not verified",
    description=(
        "For a username squatted before linking existed, or whose account's GitHub link is gone: the "
        "participant, its articles and statistics are deleted and the username can be claimed by the "
        "owner of the GitHub account. A verified participant cannot be released (409), unless GitHub "
        "gives its GitHub account another login now (renamed, never relinked) or has no such account."
    ),
    tags=["account"],
    security=SIGNED_IN,
    responses=documented_responses(None, 400, 401, 403, 404, 409, status=204),
)
def release_participant(username: UsernamePath) -> Response[None]:
    accounts.release(users_table(), stores(), caller(), username)
    return Response(status_code=204, body=None)


# Several AWS services per request (DynamoDB, Cognito, Step Functions, GitHub): traced.
lambda_handler = lambda_handler_for(
    lambda: build_resolver(router),
    needs=(
        "USERS_TABLE_NAME",
        "ARTICLES_TABLE_NAME",
        "STATISTICS_TABLE_NAME",
        "USER_POOL_ID",
        "STATE_MACHINE_ARN",
        "GITHUB_API_URL",
        "GITHUB_WEB_URL",
        "GITHUB_OAUTH_SECRET",
    ),
    traced=True,
)
