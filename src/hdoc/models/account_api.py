"""What the signed-in routes receive and answer: signing up, editing a profile, linking GitHub, and
`GET /me` (only the accounts function loads these)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from hdoc.models.account import Account, Profile
from hdoc.models.base import ApiModel, RequestModel
from hdoc.models.profile_fields import (
    AvatarUrl,
    DisplayName,
    GithubUsername,
    JourneyRepo,
    LinkedinSlug,
    TimeZone,
    TwitterHandle,
)


class SignupRequest(RequestModel):
    """Claim a GitHub username and become a participant."""

    github_username: GithubUsername
    name: DisplayName
    twitter_profile: TwitterHandle | None = None
    linkedin_profile: LinkedinSlug | None = None
    timezone: TimeZone = "UTC"
    journey_repo: JourneyRepo | None = Field(
        None, description="owner/name; {githubUsername}/100DaysOfCloud if left out"
    )
    avatar_image: AvatarUrl | None = None


class ProfilePatch(RequestModel):
    """The editable fields; those left out stay as they are, null clears an optional one."""

    name: DisplayName | None = None
    twitter_profile: TwitterHandle | None = None
    linkedin_profile: LinkedinSlug | None = None
    timezone: TimeZone | None = None
    journey_repo: JourneyRepo | None = None
    avatar_image: AvatarUrl | None = None


class GitHubLinkRequest(RequestModel):
    """POST /me/github/link: where GitHub should send the person back (a page of the website)."""

    redirect_uri: str = Field(
        max_length=2048,
        description="The website's GitHub callback page; its origin must be one of the allowed origins",
    )


class GitHubLinkStart(ApiModel):
    """Where to send the person: GitHub's authorize page, with a state bound to them."""

    authorize_url: str
    expires_at: datetime


class GitHubCallback(RequestModel):
    """POST /me/github/callback: what GitHub sent the person back with."""

    code: str = Field(min_length=1, max_length=256)
    state: str = Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


class Me(ApiModel):
    """GET /me: the account, and the participant it owns."""

    account: Account
    participant: Profile
