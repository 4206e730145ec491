"""A participant's journey statistics as the API gives them, and what a refresh request answers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from hdoc.models.base import ApiModel
from hdoc.models.journey import JourneyReport

JourneyStatus = Literal[
    "pending",
    "ok",
    "not-found",
    "moved",
    "empty",
    "too-large",
    "truncated",
    "forbidden",
    "unavailable",
    "not-owner",
]
STATUS_MEANINGS: dict[str, str] = {
    "pending": "not read yet: the statistics parser reads every journey on its schedule",
    "ok": "read successfully",
    "not-found": "the repository does not exist or is private",
    "moved": "the repository was renamed or moved",
    "empty": "the repository has no commits",
    "too-large": "the repository is over 1 GB, or its history too long for hdoc to read",
    "truncated": "the repository had too many files for GitHub to list (an older reading)",
    "forbidden": "GitHub refused access to the repository",
    "unavailable": "GitHub did not answer; the next run tries again",
    "not-owner": "the repository's owner is no longer the GitHub account that proved the name",
}


class JourneyStatistics(ApiModel):
    """GET /users/{username}/journey: what hdoc last read in the journey, and how that went."""

    username: str
    repository: str = Field(description="owner/name of the journey repository")
    status: JourneyStatus
    status_detail: str | None = Field(
        None, description="What went wrong and what to do, when status is not ok"
    )
    last_refreshed_at: dt.datetime | None = Field(
        None, description="When the statistics below were last computed (null: never)"
    )
    last_checked_at: dt.datetime | None = Field(None, description="When hdoc last asked GitHub")
    report: JourneyReport | None = Field(None, description="Entries, streaks and score breakdown")


class RefreshQueued(ApiModel):
    """POST /me/refresh: the refresh is on its way."""

    queued_at: dt.datetime
    next_allowed_at: dt.datetime = Field(description="When another refresh may be asked for")
