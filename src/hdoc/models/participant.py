"""A participant, as the website reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from hdoc.models.base import ApiModel

ParticipantStatus = Literal["active", "inactive"]


class Participant(ApiModel):
    """One participant of the challenge, with their progress and scores."""

    id: str = Field(description="GitHub username, as the participant typed it")
    name: str
    days_completed: int = Field(0, ge=0)
    github_profile: str = Field(description="URL of the participant's GitHub profile")
    github_score: int = Field(0, ge=0)
    github_streak: int = Field(0, ge=0, description="Current streak of journey days, in days")
    twitter_profile: str | None = Field(None, description="Twitter/X handle, without the @")
    twitter_score: int = Field(0, ge=0)
    twitter_streak: int = Field(0, ge=0, description="Current streak of days with social proof")
    linkedin_profile: str | None = Field(None, description="LinkedIn /in/ slug")
    status: ParticipantStatus = "active"
    avatar_image: str | None = None
    date_joined: datetime = Field(description="When the participant joined, ISO 8601 in UTC")
    score: int = Field(0, ge=0, description="CloudCoins: githubScore + twitterScore")
    longest_streak: int = Field(0, ge=0)
    journey_status: str | None = Field(
        None,
        description="How the last read of the journey went (ok, pending, not-found…); null before the first",
    )
    verified: bool = Field(
        False,
        description="Claimed by the owner of this GitHub account, proven through GitHub (a linked "
        "account); false for participants from before linking who have not linked yet",
    )


class RankedParticipant(Participant):
    """A participant on the leaderboard, with their standard competition rank (1, 2, 2, 4)."""

    rank: int = Field(ge=1)
