"""A participant's standing, as their latest journey statistics give it (what the score calculator
copies onto the participant, and so onto the leaderboard)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hdoc.models.journey import ParticipantScore
from hdoc.models.statistics import JourneyStatus


@dataclass(frozen=True)
class Standing:
    """The statistics of `username_key`'s journey at `version`: its status and, once it has some, its
    scores and when the score was reached (ties rank by it)."""

    username_key: str
    version: int
    status: JourneyStatus
    scores: ParticipantScore | None = None
    reached_at: datetime | None = None
