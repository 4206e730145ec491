"""Reading participants: one profile, the directory, the newest, and the leaderboard."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from hdoc.dal.users import UsersTable
from hdoc.errors import NotFoundError
from hdoc.logic.cursors import CursorKeys, InvalidCursorError, decode_cursor, encode_cursor
from hdoc.logic.ranking import RankState, competition_ranks, state_after
from hdoc.models.pages import LeaderboardPage, ParticipantPage
from hdoc.models.participant import Participant, RankedParticipant
from hdoc.models.usernames import username_key

_PK_PATTERN = r"^[a-z0-9](?:-?[a-z0-9])*$"


class DirectoryCursor(BaseModel):
    """Resume the username-ordered directory after this participant."""

    pk: str = Field(pattern=_PK_PATTERN, max_length=39)


class LeaderboardCursor(BaseModel):
    """Resume the leaderboard after this place (as the USERS table names it), continuing its ranks."""

    place: str = Field(max_length=100)
    position: int = Field(ge=1)
    rank: int = Field(ge=1)
    score: int = Field(ge=0)


class ParticipantNotFoundError(NotFoundError):
    def __init__(self, username: str) -> None:
        super().__init__(f"No participant has the GitHub username '{username}'.")


def get_participant(users: UsersTable, username: str) -> Participant:
    """One participant, whatever the case of `username`."""
    record = users.get(username_key(username))
    if record is None:
        raise ParticipantNotFoundError(username)
    return record.participant


def list_participants(users: UsersTable, limit: int, cursor: str | None, keys: CursorKeys) -> ParticipantPage:
    """All participants by username, a page at a time."""
    after = decode_cursor(cursor, "users", DirectoryCursor, keys) if cursor else None
    records, more = users.directory_page(limit, after.pk if after else None)
    next_cursor = encode_cursor("users", DirectoryCursor(pk=records[-1].pk), keys) if more else None
    return ParticipantPage(items=[record.participant for record in records], next_cursor=next_cursor)


def recent_participants(users: UsersTable, limit: int) -> ParticipantPage:
    """The newest participants, newest first."""
    records = users.newest(limit)
    return ParticipantPage(items=[record.participant for record in records], next_cursor=None)


def leaderboard(users: UsersTable, limit: int, cursor: str | None, keys: CursorKeys) -> LeaderboardPage:
    """The leaderboard, highest score first, with competition ranks that carry across pages."""
    generated_at = datetime.now(UTC)
    start = RankState()
    after = None
    if cursor:
        state = decode_cursor(cursor, "leaderboard", LeaderboardCursor, keys)
        if state.rank > state.position:
            raise InvalidCursorError()
        start = RankState(position=state.position, score=state.score, rank=state.rank)
        after = state.place
    try:
        records, more = users.leaderboard_page(limit, after)
    except ValueError as error:
        raise InvalidCursorError() from error
    scores = [record.participant.score for record in records]
    ranks = competition_ranks(scores, start)
    items = [
        RankedParticipant(**record.participant.model_dump(), rank=rank)
        for record, rank in zip(records, ranks, strict=True)
    ]
    next_cursor = None
    if more:
        end = state_after(scores, ranks, start)
        next_cursor = encode_cursor(
            "leaderboard",
            LeaderboardCursor(
                place=records[-1].leaderboard_key, position=end.position, rank=end.rank, score=scores[-1]
            ),
            keys,
        )
    return LeaderboardPage(items=items, next_cursor=next_cursor, generated_at=generated_at)


__all__ = [
    "ParticipantNotFoundError",
    "get_participant",
    "leaderboard",
    "list_participants",
    "recent_participants",
]
