"""Paginated lists: `items` and an opaque `nextCursor`, null on the last page."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import Field

from hdoc.models.base import ApiModel
from hdoc.models.participant import Participant, RankedParticipant

Item = TypeVar("Item")


class Page(ApiModel, Generic[Item]):
    """One page of a list."""

    items: list[Item]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null at the end")


class ParticipantPage(Page[Participant]):
    """A page of participants."""


class LeaderboardPage(Page[RankedParticipant]):
    """A page of the leaderboard, highest score first."""

    generated_at: datetime = Field(description="When this page was read, ISO 8601 in UTC")
