"""Community articles: writing, editing and deleting them, listing them, and the tag cloud."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from hdoc.dal.articles import (
    CLOUD_KEY_PATTERN,
    FEED_KEY_PATTERN,
    ArticlesTable,
    StoredArticle,
    cloud_key,
    feed_key,
)
from hdoc.dal.users import UsersTable
from hdoc.errors import ForbiddenError, InvalidParameterError, NotFoundError
from hdoc.logic import quotas
from hdoc.logic.cursors import CursorKeys, decode_cursor, encode_cursor
from hdoc.logic.markdown import render_markdown
from hdoc.models.article import Article, ArticlePage, ArticleRequest, ArticleSummary, TagPage
from hdoc.models.caller import Caller
from hdoc.models.usernames import username_key
from hdoc.observability import logger

WORDS_PER_MINUTE = 200
_WORD = re.compile(r"\w+")


class FeedCursor(BaseModel):
    key: str = Field(pattern=FEED_KEY_PATTERN)


class CloudCursor(BaseModel):
    key: str = Field(pattern=CLOUD_KEY_PATTERN)


def reading_time_minutes(markdown: str) -> int:
    """Minutes to read at 200 words a minute, at least one."""
    return max(1, math.ceil(len(_WORD.findall(markdown)) / WORDS_PER_MINUTE))


def slug_for(title: str) -> str:
    # Imported here, with the id maker below: only writes make slugs and ids, and the function's
    # reads (most of its cold starts) should not load them.
    from slugify import slugify

    return slugify(title, max_length=80, word_boundary=True) or "article"


def _owned_author(users: UsersTable, caller: Caller) -> tuple[str, str]:
    """The caller's participant (key, username as typed); ForbiddenError when they have none."""
    account = users.get_account(caller.sub)
    record = users.get_profile(account.participant_pk) if account and account.participant_pk else None
    if record is None:
        raise ForbiddenError("Only participants write articles: complete signup with POST /signup first.")
    return username_key(record.profile.id), record.profile.id


def _article(
    article_id: str, author: str, request: ArticleRequest, created: datetime, now: datetime
) -> Article:
    return Article(
        id=article_id,
        slug=slug_for(request.title),
        title=request.title,
        description=request.description,
        body=request.body,
        body_html=render_markdown(request.body),
        tags=request.tags,
        cover_image=request.cover_image,
        canonical_url=request.canonical_url,
        author=author,
        created_at=created,
        updated_at=now,
        reading_time_minutes=reading_time_minutes(request.body),
    )


def create(
    users: UsersTable, articles: ArticlesTable, caller: Caller, username: str, request: ArticleRequest
) -> Article:
    """Publish an article as `username`, who must be the caller's own participant (admins too)."""
    author_key, author = _owned_author(users, caller)
    if author_key != username_key(username):
        raise ForbiddenError(f"You can only post articles as yourself ({author}), not as {username}.")
    quotas.spend(users, caller.sub, quotas.ARTICLES_PER_DAY)
    from ulid import ULID  # a write's alone, as slugify is (slug_for)

    now = datetime.now(UTC)
    article = _article(str(ULID()), author, request, now, now)
    articles.create(StoredArticle(article, author_key, feed_key(article)))
    return article


def _rendered(article: Article) -> Article:
    # Articles written before bodies were rendered get their HTML when read.
    if article.body_html:
        return article
    return article.model_copy(update={"body_html": render_markdown(article.body)})


def get(articles: ArticlesTable, article_id: str) -> StoredArticle:
    stored = articles.get(article_id)
    if stored is None:
        raise NotFoundError(f"No article has the id {article_id}.")
    return StoredArticle(_rendered(stored.article), stored.author_key, stored.feed_key)


def feed(articles: ArticlesTable, tag: str | None, size: int) -> list[Article]:
    """The newest `size` articles (one tag's, or all), whole: the feed carries their bodies."""
    items, _ = _newest(articles, tag, None, size, None)
    found = articles.get_many([summary.id for summary in items])
    return [_rendered(found[summary.id]) for summary in items if summary.id in found]


def update(
    users: UsersTable, articles: ArticlesTable, caller: Caller, article_id: str, request: ArticleRequest
) -> Article:
    """Replace an article's content; only its author may."""
    stored = get(articles, article_id)
    author_key, _ = _owned_author(users, caller)
    if stored.author_key != author_key:
        raise ForbiddenError("Only the author can edit this article.")
    old = stored.article
    article = _article(old.id, old.author, request, old.created_at, datetime.now(UTC))
    articles.replace(stored, StoredArticle(article, author_key, stored.feed_key))
    return article


def delete(users: UsersTable, articles: ArticlesTable, caller: Caller, article_id: str) -> None:
    """Delete an article: its author, or an admin, may."""
    stored = get(articles, article_id)
    if not caller.is_admin:
        author_key, _ = _owned_author(users, caller)
        if stored.author_key != author_key:
            raise ForbiddenError("Only the author or an admin can delete this article.")
    articles.delete(stored)
    if caller.is_admin:  # who deleted what, and when (the log line's time), for the audit
        logger.info(
            "article deleted by an admin",
            extra={
                "articleId": stored.article.id,
                "author": stored.article.author,
                "title": stored.article.title,
                "deletedBy": caller.sub,
                "deletedByEmail": caller.email,
            },
        )


def _newest(
    articles: ArticlesTable, tag: str | None, author: str | None, limit: int, after: str | None
) -> tuple[list[ArticleSummary], bool]:
    if tag:
        return articles.by_tag(tag, limit, after)
    if author:
        return articles.by_author(username_key(author), limit, after)
    return articles.newest(limit, after)


def listing(
    articles: ArticlesTable,
    tag: str | None,
    author: str | None,
    limit: int,
    cursor: str | None,
    *,
    keys: CursorKeys,
) -> ArticlePage:
    """Articles newest first: all of them, one tag's, or one author's."""
    if tag and author:
        raise InvalidParameterError("author", "cannot be combined with 'tag'; ask for one or the other")
    name = (
        f"articles:tag:{tag}" if tag else f"articles:author:{username_key(author)}" if author else "articles"
    )
    after = decode_cursor(cursor, name, FeedCursor, keys).key if cursor else None
    items, more = _newest(articles, tag, author, limit, after)
    next_cursor = encode_cursor(name, FeedCursor(key=feed_key(items[-1])), keys) if more else None
    return ArticlePage(items=items, next_cursor=next_cursor)


def tag_cloud(articles: ArticlesTable, limit: int, cursor: str | None, keys: CursorKeys) -> TagPage:
    """Tags, most used first, ties by name."""
    after = decode_cursor(cursor, "tags", CloudCursor, keys).key if cursor else None
    items, more = articles.tags(limit, after)
    last = items[-1] if more else None
    next_cursor = (
        encode_cursor("tags", CloudCursor(key=cloud_key(last.count, last.tag)), keys) if last else None
    )
    return TagPage(items=items, next_cursor=next_cursor)
