"""Community articles, read: listings newest first (all, by tag, by author), one article, the feed's
articles, and the tag cloud. (Writing them is `article_writes.py`, in a function of its own.)"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, Field

from hdoc.dal.articles import (
    CLOUD_KEY_PATTERN,
    FEED_KEY_PATTERN,
    ArticlesTable,
    StoredArticle,
    cloud_key,
    feed_key,
)
from hdoc.dal.user_items import UsersTableBase
from hdoc.errors import InvalidParameterError, NotFoundError
from hdoc.logic.cursors import CursorKeys, decode_cursor, encode_cursor
from hdoc.logic.markdown import render_markdown
from hdoc.models.article import Article, ArticlePage, ArticleSummary, TagPage
from hdoc.models.usernames import is_valid_username, username_key


class FeedCursor(BaseModel):
    key: str = Field(pattern=FEED_KEY_PATTERN)


class CloudCursor(BaseModel):
    key: str = Field(pattern=CLOUD_KEY_PATTERN)


def _rendered(article: Article) -> Article:
    # Articles written before bodies were rendered get their HTML when read.
    if article.body_html:
        return article
    return article.model_copy(update={"body_html": render_markdown(article.body)})


def version_tag(article: Article) -> str:
    """The article's ETag: a hash of everything it says, so any change to it (an edit, its author's
    new name) is a new one. If-Match names it to edit the article."""
    return '"' + hashlib.sha256(article.model_dump_json().encode()).hexdigest()[:32] + '"'


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


def _newest(
    articles: ArticlesTable, tag: str | None, author_key: str | None, limit: int, after: str | None
) -> tuple[list[ArticleSummary], bool]:
    if tag:
        return articles.by_tag(tag, limit, after)
    if author_key:
        return articles.by_author(author_key, limit, after)
    return articles.newest(limit, after)


def listing(
    articles: ArticlesTable,
    users: UsersTableBase,
    tag: str | None,
    author: str | None,
    *,
    limit: int,
    cursor: str | None,
    keys: CursorKeys,
) -> ArticlePage:
    """Articles newest first: all of them, one tag's, or one author's (the participant who has that
    username now: articles are keyed by its account, so a login's next holder never lists, nor
    edits, its previous holder's)."""
    if tag and author:
        raise InvalidParameterError("author", "cannot be combined with 'tag'; ask for one or the other")
    name = (
        f"articles:tag:{tag}" if tag else f"articles:author:{username_key(author)}" if author else "articles"
    )
    after = decode_cursor(cursor, name, FeedCursor, keys).key if cursor else None
    author_key = None
    if author:
        author_key = users.author_key(username_key(author)) if is_valid_username(author) else None
        if author_key is None:
            return ArticlePage(items=[], next_cursor=None)
    items, more = _newest(articles, tag, author_key, limit, after)
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
