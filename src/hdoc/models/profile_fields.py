"""What a participant may put on their profile, in words a person can act on."""

from __future__ import annotations

import re
import zoneinfo
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from hdoc.models.usernames import USERNAME_MAX_LENGTH, USERNAME_PATTERN, is_valid_username

NAME_RULE = "1 to 100 printable characters"
TWITTER_RULE = "a Twitter/X handle: 1 to 15 letters, digits or underscores (a leading @ is dropped)"
LINKEDIN_RULE = "the part of a LinkedIn profile URL after /in/: 3 to 100 letters, digits or hyphens"
TIMEZONE_RULE = "an IANA time zone, such as Europe/Paris or America/New_York"
JOURNEY_REPO_RULE = "a GitHub repository as owner/name, such as octocat/100DaysOfCloud"
AVATAR_RULE = "an https:// URL of at most 2,048 characters"

_TWITTER = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_LINKEDIN = re.compile(r"^[A-Za-z0-9-]{3,100}$")
_REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_URL = re.compile(r"^https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$")


def _name(value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= 100 or not value.isprintable():
        raise ValueError(f"must be {NAME_RULE}")
    return value


def _twitter(value: str) -> str:
    value = value.removeprefix("@")
    if not _TWITTER.fullmatch(value):
        raise ValueError(f"must be {TWITTER_RULE}")
    return value


def _linkedin(value: str) -> str:
    if not _LINKEDIN.fullmatch(value):
        raise ValueError(f"must be {LINKEDIN_RULE}")
    return value


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"must be {TIMEZONE_RULE}") from error
    return value


def _journey_repo(value: str) -> str:
    owner, _, name = value.partition("/")
    if not is_valid_username(owner) or not _REPOSITORY_NAME.fullmatch(name) or name in (".", ".."):
        raise ValueError(f"must be {JOURNEY_REPO_RULE}")
    return value


def _avatar(value: str) -> str:
    if len(value) > 2048 or not _URL.fullmatch(value) or not value.isprintable():
        raise ValueError(f"must be {AVATAR_RULE}")
    return value


def _github_username(value: str) -> str:
    if not is_valid_username(value):
        raise ValueError("must be a GitHub username: 1 to 39 letters, digits or single hyphens")
    return value


GithubUsername = Annotated[
    str,
    StringConstraints(min_length=1, max_length=USERNAME_MAX_LENGTH, pattern=USERNAME_PATTERN),
    AfterValidator(_github_username),
]
DisplayName = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_name)]
TwitterHandle = Annotated[str, Field(pattern=r"^@?[A-Za-z0-9_]{1,15}$"), AfterValidator(_twitter)]
LinkedinSlug = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{3,100}$"), AfterValidator(_linkedin)]
TimeZone = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_timezone)]
JourneyRepo = Annotated[str, Field(min_length=3, max_length=140), AfterValidator(_journey_repo)]
AvatarUrl = Annotated[str, Field(max_length=2048, pattern=r"^https://\S+$"), AfterValidator(_avatar)]
