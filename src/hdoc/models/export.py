"""Everything hdoc holds about a person, as `GET /me/export` gives it (the accounts function alone)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from hdoc.models.account import Account, Profile
from hdoc.models.article import Article
from hdoc.models.base import ApiModel
from hdoc.models.journey import JourneyReport


class Export(ApiModel):
    """Everything hdoc holds about a person."""

    exported_at: datetime
    account: Account | None
    participant: Profile | None
    articles: list[Article] = Field(default_factory=list)
    journey: JourneyReport | None = Field(None, description="What hdoc last read in your journey")
