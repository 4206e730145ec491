"""A participant's standing, as their latest journey statistics give it (what the score calculator
copies onto the participant, and so onto the leaderboard)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hdoc.models.statistics import JourneyStatus


@dataclass(frozen=True)
class Scores:
    """A journey's scores and streaks, and when the score was reached (ties rank by it)."""

    days_completed: int
    score: int
    longest_streak: int
    github_score: int
    github_streak: int
    twitter_score: int
    twitter_streak: int
    reached_at: datetime


@dataclass(frozen=True)
class Standing:
    """The statistics of `username_key`'s journey at `version`: its status, and its scores once it
    has some."""

    username_key: str
    version: int
    status: JourneyStatus
    scores: Scores | None
