"""From a journey's statistics to the participant's standing: score fields and leaderboard key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hdoc.dal.dynamo import timestamp
from hdoc.dal.user_items import leaderboard_key
from hdoc.models.statistics import JourneyStatus


class StatisticsImage(BaseModel):
    """The fields of a STATISTICS item the score calculator reads (a stream record's new image)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    pk: str = Field(pattern=r"^[a-z0-9](?:-?[a-z0-9])*$", max_length=39)
    version: int = Field(ge=1)
    status: JourneyStatus
    days_completed: int | None = Field(None, alias="daysCompleted", ge=0)
    score: int | None = Field(None, ge=0)
    longest_streak: int | None = Field(None, alias="longestStreak", ge=0)
    github_score: int | None = Field(None, alias="githubScore", ge=0)
    github_streak: int | None = Field(None, alias="githubStreak", ge=0)
    twitter_score: int | None = Field(None, alias="twitterScore", ge=0)
    twitter_streak: int | None = Field(None, alias="twitterStreak", ge=0)
    score_reached_at: datetime | None = Field(None, alias="scoreReachedAt")


def standing(image: StatisticsImage) -> dict[str, Any]:
    """The USERS fields these statistics set: always the journey status; the scores once there are some."""
    fields: dict[str, Any] = {"journeyStatus": image.status}
    if image.score is None or image.score_reached_at is None:
        return fields
    longest = image.longest_streak or 0
    fields.update(
        daysCompleted=image.days_completed or 0,
        score=image.score,
        longestStreak=longest,
        githubScore=image.github_score or 0,
        githubStreak=image.github_streak or 0,
        twitterScore=image.twitter_score or 0,
        twitterStreak=image.twitter_streak or 0,
        scoreReachedAt=timestamp(image.score_reached_at),
        rankKey=leaderboard_key(image.score, longest, image.score_reached_at, image.pk),
    )
    return fields
