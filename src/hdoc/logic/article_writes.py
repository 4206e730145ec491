"""Community articles, written: publishing, editing and deleting them (signed in, the author or an
admin), with the Markdown rendered once, when written."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from slugify import slugify
from ulid import ULID

from hdoc.dal.articles import ITEM_MAX_BYTES, ArticlesTable, StoredArticle, body_size, feed_key
from hdoc.dal.user_items import ACCOUNT_CLOSED
from hdoc.dal.users import UsersTable
from hdoc.errors import (
    ForbiddenError,
    PreconditionFailedError,
    PreconditionRequiredError,
    TooLargeError,
    UnauthorizedError,
)
from hdoc.logic import quotas
from hdoc.logic.articles import get, version_tag
from hdoc.logic.markdown import render_markdown
from hdoc.models.article import Article, ArticleRequest
from hdoc.models.caller import Caller
from hdoc.models.usernames import username_key
from hdoc.observability import logger

WORDS_PER_MINUTE = 200
_WORD = re.compile(r"\w+")


def reading_time_minutes(markdown: str) -> int:
    """Minutes to read at 200 words a minute, at least one."""
    return max(1, math.ceil(len(_WORD.findall(markdown)) / WORDS_PER_MINUTE))


def slug_for(title: str) -> str:
    return slugify(title, max_length=80, word_boundary=True) or "article"


@dataclass(frozen=True)
class Author:
    """The caller as an author: their participant's key and username, and the author keys their
    articles may have (the account's; while a rename is finishing, also the old name's)."""

    pk: str
    username: str
    author_key: str
    owned_keys: frozenset[str]


def _owned_author(users: UsersTable, caller: Caller) -> Author:
    """The caller's participant as an author; ForbiddenError when they have none."""
    account = users.get_account(caller.sub)
    record = users.get_profile(account.participant_pk) if account and account.participant_pk else None
    if account is None or record is None:
        raise ForbiddenError("Only participants write articles: complete signup with POST /signup first.")
    owned = {record.author_key, *filter(None, [account.renaming_from_author_key])}
    return Author(
        pk=username_key(record.profile.id),
        username=record.profile.id,
        author_key=record.author_key,
        owned_keys=frozenset(owned),
    )


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


def _storable(article: Article) -> Article:
    """The article, if its body and the body's HTML fit in one DynamoDB item; TooLargeError if not
    (Markdown of 100 KB can render to over 400 KB of HTML: a body of `<` is `&lt;` in HTML)."""
    size = body_size(article)
    if size > ITEM_MAX_BYTES:
        raise TooLargeError(
            "body",
            f"renders to {size // 1024} KB with its HTML, over the {ITEM_MAX_BYTES // 1024} KB an article "
            "can store: shorten it, or use fewer characters that HTML escapes (<, >, &, quotes)",
        )
    return article


def create(
    users: UsersTable, articles: ArticlesTable, caller: Caller, username: str, request: ArticleRequest
) -> Article:
    """Publish an article as `username`, who must be the caller's own participant (admins too)."""
    author = _owned_author(users, caller)
    if author.pk != username_key(username):
        raise ForbiddenError(
            f"You can only post articles as yourself ({author.username}), not as {username}."
        )
    now = datetime.now(UTC)
    article = _storable(_article(str(ULID()), author.username, request, now, now))
    with quotas.spending(users, caller.sub, quotas.ARTICLES_PER_DAY):
        # Only while the account still owns the participant and is not being deleted: an article
        # posted as DELETE /me runs is refused, never left behind
        stored = StoredArticle(article, author.author_key, feed_key(article))
        if not articles.create(stored, guard=users.author_guard(caller.sub, author.pk)):
            if users.account_closed(caller.sub):
                raise UnauthorizedError(ACCOUNT_CLOSED)
            raise ForbiddenError("Your participant changed meanwhile (renamed or deleted): try again.")
    return article


def update(
    users: UsersTable,
    articles: ArticlesTable,
    caller: Caller,
    article_id: str,
    request: ArticleRequest,
    *,
    if_match: str | None,
) -> Article:
    """Replace an article's content; only its author may, and only from its current version (the
    ETag `if_match` names), so that an edit made elsewhere meanwhile is never overwritten."""
    if if_match is None:
        raise PreconditionRequiredError(
            "Send If-Match with the article's ETag (GET /articles/{id} gives it), so that no edit made "
            "meanwhile is lost."
        )
    stored = get(articles, article_id)
    author = _owned_author(users, caller)
    if stored.author_key not in author.owned_keys:
        raise ForbiddenError("Only the author can edit this article.")
    if if_match.strip() != version_tag(stored.article):
        raise PreconditionFailedError(
            "The article was changed since your copy (in another tab or device): GET it for the current "
            "version and its ETag, then make your change again."
        )
    old = stored.article
    article = _storable(_article(old.id, author.username, request, old.created_at, datetime.now(UTC)))
    articles.replace(stored, StoredArticle(article, author.author_key, stored.feed_key))
    return article


def delete(users: UsersTable, articles: ArticlesTable, caller: Caller, article_id: str) -> None:
    """Delete an article: its author, or an admin, may."""
    stored = get(articles, article_id)
    if not caller.is_admin and stored.author_key not in _owned_author(users, caller).owned_keys:
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
