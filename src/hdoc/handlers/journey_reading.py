"""What the functions that read journeys share: the GitHub client, with the token from Secrets
Manager, and which journey a participant's profile says to read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hdoc import aws
from hdoc.logic.refresh import JourneyTarget
from hdoc.settings import from_settings, settings
from hdoc.sources.github import GitHubClient

if TYPE_CHECKING:
    from hdoc.dal.user_items import ProfileRecord


def github_token() -> str:
    """The GitHub token from Secrets Manager (cached for a few minutes): the secret's text, or its
    "token" field when it holds JSON."""
    return aws.secret_text(settings().github_token_secret, "token")


@from_settings
def github() -> GitHubClient:
    """The GitHub API at the configured URL (github.com by default)."""
    return GitHubClient(github_token, settings().github_api_url)


def journey_target(record: ProfileRecord) -> JourneyTarget:
    """What to read of a participant's journey, and whose GitHub account must own it (a verified one's)."""
    return JourneyTarget(
        record.profile.id,
        record.profile.journey_repo,
        record.profile.timezone,
        github_id=record.github_id if record.profile.verified else None,
    )
