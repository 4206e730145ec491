"""GitHub's username rules: 1–39 letters, digits and single hyphens, no hyphen at either end."""

from __future__ import annotations

import re

# Written without look-arounds so that OpenAPI tools (and hypothesis) can generate from it.
USERNAME_PATTERN = r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$"
USERNAME_MAX_LENGTH = 39
USERNAME_RULE = (
    "a GitHub username: 1 to 39 letters, digits or single hyphens, not starting or ending with a hyphen"
)

_USERNAME = re.compile(USERNAME_PATTERN)


def is_valid_username(username: str) -> bool:
    """Whether `username` follows GitHub's rules."""
    return len(username) <= USERNAME_MAX_LENGTH and _USERNAME.fullmatch(username) is not None


def username_key(username: str) -> str:
    """The key a participant is stored under: GitHub usernames are case-insensitive."""
    return username.lower()
