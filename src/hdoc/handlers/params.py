"""The API's request parameters: their types, and what each accepts in words a person can act on."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from hdoc.logic.cursors import CURSOR_RULE, MAX_CURSOR_LENGTH
from hdoc.models import profile_fields as profiles
from hdoc.models.article_rules import ARTICLE_ID_PATTERN, BODY_MAX_BYTES, TAG_RULE, TAGS_RULE
from hdoc.models.usernames import USERNAME_MAX_LENGTH, USERNAME_PATTERN, USERNAME_RULE

UsernamePath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=USERNAME_MAX_LENGTH,
        pattern=USERNAME_PATTERN,
        description="GitHub username, in any case",
    ),
]

ArticleId = Annotated[str, Path(pattern=ARTICLE_ID_PATTERN, description="The article's id (a ULID)")]

# An embedded image's parameters are checked by the route, which answers a mistake with an image.
ImageUsername = Annotated[str, Path(description="GitHub username, in any case")]
CardTheme = Annotated[str | None, Query(description="light (the default) or dark")]
CardHide = Annotated[
    str | None,
    Query(description="parts to leave out, comma-separated: name, days, current, longest, score, hashtag"),
]

PARAMETER_RULES = {
    "username": USERNAME_RULE,
    "githubUsername": USERNAME_RULE,
    "limit": "a whole number from 1 to 100",
    "cursor": CURSOR_RULE,
    "name": profiles.NAME_RULE,
    "twitterProfile": profiles.TWITTER_RULE,
    "linkedinProfile": profiles.LINKEDIN_RULE,
    "timezone": profiles.TIMEZONE_RULE,
    "journeyRepo": profiles.JOURNEY_REPO_RULE,
    "avatarImage": profiles.AVATAR_RULE,
    "article_id": "an article id as the API gave it: 26 letters and digits (a ULID)",
    "tag": TAG_RULE,
    "tags": TAGS_RULE,
    "tags[]": TAG_RULE,  # one item of the list
    "body": f"Markdown of 1 byte to {BODY_MAX_BYTES // 1024} KB",
    "author": USERNAME_RULE,
    "title": "1 to 150 characters, not only spaces",
    "description": "at most 300 characters",
    "coverImage": "an https:// URL of at most 2,048 characters",
    "canonicalUrl": "an https:// URL of at most 2,048 characters",
}

Limit = Annotated[int, Query(ge=1, le=100, description="Items per page, 1 to 100")]
Cursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_LENGTH, description="The nextCursor of the previous page"),
]

# The security requirement of the signed-in routes: a Cognito ID token (api_docs declares the scheme).
SIGNED_IN: list[dict[str, list[str]]] = [{"cognitoIdToken": []}]


IfMatch = Annotated[
    str | None,
    Header(
        alias="if-match",
        max_length=200,
        description="The ETag of your last copy; the change is refused with 412 if it is stale",
    ),
]
