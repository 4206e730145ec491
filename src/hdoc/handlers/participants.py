"""The public participants API: profiles, the directory, recent participants and the leaderboard."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from hdoc.handlers.api import build_resolver, documented_responses, lambda_handler_for
from hdoc.handlers.params import CardHide, CardTheme, Cursor, ImageUsername, Limit
from hdoc.handlers.params import UsernamePath as Username
from hdoc.handlers.tables import cursor_keys, statistics_table, users_table
from hdoc.logic import cards, participants
from hdoc.logic.journeys import journey_statistics
from hdoc.models.pages import LeaderboardPage, ParticipantPage
from hdoc.models.participant import Participant
from hdoc.models.statistics import JourneyStatistics

router = Router()


@router.get(
    "/users",
    summary="All participants, by username",
    description=("Every participant, in username order, a page at a time (limit and cursor)."),
    tags=["participants"],
    responses=documented_responses(ParticipantPage, 400),
)
def list_users(limit: Limit = 20, cursor: Cursor = None) -> ParticipantPage:
    return participants.list_participants(users_table(), limit, cursor, cursor_keys())


@router.get(
    "/users/recent",
    summary="The newest participants, newest first",
    description=("The participants who joined last, newest first."),
    tags=["participants"],
    responses=documented_responses(ParticipantPage, 400),
)
def recent_users(limit: Limit = 20) -> ParticipantPage:
    return participants.recent_participants(users_table(), limit)


@router.get(
    "/users/<username>",
    summary="One participant",
    description=("A participant's public profile and scores; the username in any case."),
    tags=["participants"],
    responses=documented_responses(Participant, 400, 404),
)
def get_user(username: Username) -> Participant:
    return participants.get_participant(users_table(), username)


@router.get(
    "/users/<username>/journey",
    summary="A participant's journey: entries, streaks, score breakdown, and how its last read went",
    description=(
        "The journey hdoc read from the participant's repository: each day's entry and whether it counts "
        "(and why not), streaks with their dates, the score's breakdown, and when and how the last read "
        "went."
    ),
    tags=["participants"],
    responses=documented_responses(JourneyStatistics, 400, 404),
)
def get_journey(username: Username) -> JourneyStatistics:
    return journey_statistics(users_table(), statistics_table(), username)


@router.get(
    "/leaderboard",
    summary="The leaderboard, highest score first, with competition ranks",
    description=(
        "Only verified participants are ranked: those who claimed their username through a linked "
        "GitHub account. Participants from before linking keep their profile (verified: false) and "
        "join the leaderboard once they link."
    ),
    tags=["participants"],
    responses=documented_responses(LeaderboardPage, 400),
)
def get_leaderboard(limit: Limit = 10, cursor: Cursor = None) -> LeaderboardPage:
    return participants.leaderboard(users_table(), limit, cursor, cursor_keys())


def _image_responses(what: str) -> dict[int, Any]:
    image = {"image/svg+xml": {"schema": {"type": "string"}}}
    return {
        200: {"description": what, "content": image},
        304: {"description": "Not Modified: the image If-None-Match names is still current"},
        400: {"description": "An image saying which options are allowed", "content": image},
        404: {"description": "An image saying there is no such participant", "content": image},
    }


def _image(image: cards.Image) -> Response[str]:
    """An SVG answer (its caching, ETag and 304 come with every answer: handlers/caching.py)."""
    return Response(status_code=image.status, content_type=cards.IMAGE_CONTENT_TYPE, body=image.svg)


@router.get(
    "/users/<username>/card.svg",
    summary="A participant's progress card, an SVG image for a README",
    description=(
        "Name, days done of 100 with a progress bar, current and longest streak with their dates, score "
        "and #100DaysOfCloud, about 495x195 px. Public, cached for an hour, with an ETag (If-None-Match "
        "answers 304). Errors are images too: an unknown participant gets a 404 card, bad options a 400 "
        "card."
    ),
    tags=["participants"],
    responses=_image_responses("The participant's card"),
)
def get_card(username: ImageUsername, theme: CardTheme = None, hide: CardHide = None) -> Response[str]:
    return _image(cards.card(users_table(), statistics_table(), username, theme, hide))


@router.get(
    "/users/<username>/badge.svg",
    summary="A participant's one-line badge: 100DaysOfCloud | day 42/100",
    description=(
        "The two-part badge: day N of 100, not started, or done. Public, cached for an hour, with an ETag; "
        "an unknown participant gets a 404 badge."
    ),
    tags=["participants"],
    responses=_image_responses("The participant's badge"),
)
def get_badge(username: ImageUsername) -> Response[str]:
    return _image(cards.badge(users_table(), username))


def _refused(status: HTTPStatus, detail: str) -> Response[str]:
    return _image(cards.refused(status.value, detail))


lambda_handler = lambda_handler_for(
    lambda: build_resolver(router, refuse_image=_refused),
    needs=("USERS_TABLE_NAME", "STATISTICS_TABLE_NAME", "CURSOR_KEY_SECRET"),
)
