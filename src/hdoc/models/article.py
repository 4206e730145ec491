"""Community articles and tags, as the website reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from hdoc.models.article_rules import BODY_MAX_BYTES, TAG_PATTERN, TAGS_RULE
from hdoc.models.base import ApiModel, RequestModel
from hdoc.models.pages import Page
from hdoc.models.text import one_line, plain_text


def _title(value: str) -> str:
    if not value.strip():
        raise ValueError("must be 1 to 150 characters, not only spaces")
    return one_line(value.strip())


def _body(value: str) -> str:
    if not 1 <= len(value.encode("utf-8", errors="surrogatepass")) <= BODY_MAX_BYTES:
        raise ValueError(f"must be Markdown of 1 byte to {BODY_MAX_BYTES // 1024} KB")
    return plain_text(value)


def _distinct(tags: list[str]) -> list[str]:
    if len(set(tags)) != len(tags):
        raise ValueError(f"must be {TAGS_RULE}: a tag appears twice")
    return tags


def _https(value: str) -> str:
    if (
        len(value) > 2048
        or not value.startswith("https://")
        or len(value) < 12
        or any(c.isspace() or not c.isprintable() for c in value)
    ):
        raise ValueError("must be an https:// URL of at most 2,048 characters")
    return value


Tag = Annotated[str, StringConstraints(pattern=TAG_PATTERN)]
HttpsUrl = Annotated[str, Field(max_length=2048, pattern=r"^https://\S+$"), AfterValidator(_https)]


class ArticleRequest(RequestModel):
    """What an author writes: POST /users/{username}/articles and PUT /articles/{id}."""

    title: Annotated[str, Field(min_length=1, max_length=150), AfterValidator(_title)]
    description: Annotated[str, Field(max_length=300), AfterValidator(plain_text)] = ""
    body: Annotated[str, Field(min_length=1, max_length=BODY_MAX_BYTES), AfterValidator(_body)]
    tags: Annotated[list[Tag], Field(min_length=1, max_length=4), AfterValidator(_distinct)]
    cover_image: HttpsUrl | None = None
    canonical_url: HttpsUrl | None = None


class ArticleSummary(ApiModel):
    """An article in a listing: everything but its body."""

    id: str = Field(description="ULID: URL-safe and time-ordered")
    slug: str
    title: str
    description: str
    tags: list[str]
    cover_image: str | None = None
    canonical_url: str | None = None
    author: str = Field(description="The author's GitHub username, as they typed it")
    created_at: datetime
    updated_at: datetime
    reading_time_minutes: int = Field(ge=1)


class Article(ArticleSummary):
    """One article, with its Markdown body and that body rendered as sanitized HTML."""

    body: str
    body_html: str = Field(
        "",
        description="The body rendered from Markdown and sanitized when the article was written: "
        "no scripts, event handlers, javascript: URLs, iframes or styles",
    )


class ArticlePage(Page[ArticleSummary]):
    """A page of articles, newest first."""


class TagCount(ApiModel):
    """A tag and how many articles carry it."""

    tag: str
    count: int = Field(ge=1)


class TagPage(Page[TagCount]):
    """Tags, most used first, ties by name."""
