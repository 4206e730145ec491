"""A person's account and their own profile, as hdoc stores and shows them (the tables read and
write these; what the signed-in routes receive and answer is in account_api.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from hdoc.models.base import ApiModel
from hdoc.models.participant import Participant


class Profile(Participant):
    """A participant as they see themselves: the public fields and their settings."""

    timezone: str = "UTC"
    journey_repo: str


class GitHubLink(ApiModel):
    """The GitHub account a person proved is theirs (GitHub's OAuth web flow)."""

    id: int = Field(description="GitHub's permanent numeric user id")
    login: str = Field(description="The GitHub login when the link was made")
    linked_at: datetime


class Account(ApiModel):
    """A signed-in person (a Cognito user)."""

    id: str = Field(description="Cognito sub")
    email: str
    created_at: datetime
    github: GitHubLink | None = Field(None, description="The linked GitHub account, if any")
