"""A journey as hdoc reports it: `hdoc journey --json` and GET /users/{username}/journey."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from hdoc.models.base import ApiModel


class DayEntry(ApiModel):
    day: int
    paths: list[str]
    title: str | None = None
    first_written_at: dt.datetime | None = Field(
        default=None, description="Author date, in the author's own offset, of the first counted text"
    )
    date: dt.date | None = Field(default=None, description="The date the day counts on")
    words: int = 0
    social_links: list[str] = Field(default_factory=list)
    counts: bool
    reason: str | None = Field(default=None, description="Why the day does not count")
    urls: list[str] = Field(
        default_factory=list, description="Where each file is shown, when the source knows"
    )


class StreakReport(ApiModel):
    start: dt.date
    end: dt.date
    length: int


class Streaks(ApiModel):
    current: StreakReport | None = None
    longest: StreakReport | None = None
    social_current: StreakReport | None = None
    social_longest: StreakReport | None = None


class ScoreRule(ApiModel):
    rule: str
    count: int
    points_each: int
    points: int


class ChecklistReport(ApiModel):
    ticked_but_not_counted: list[int] = Field(default_factory=list)
    counted_but_not_ticked: list[int] = Field(default_factory=list)
    titled_only: list[int] = Field(
        default_factory=list, description="Days with a README title and no counted entry"
    )


class ParticipantScore(ApiModel):
    """The participant fields a journey fills."""

    days_completed: int
    score: int
    longest_streak: int
    github_score: int
    github_streak: int
    twitter_score: int
    twitter_streak: int


class JourneyReport(ApiModel):
    entries: list[DayEntry]
    streaks: Streaks
    breakdown: list[ScoreRule]
    totals: ParticipantScore
    checklist: ChecklistReport
    today: dt.date
    timezone: str
