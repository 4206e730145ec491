"""The articles API, read: listings, one article, tags and the Atom feed (public, every one). Writing
them is `article_writes.py`, a function of its own: a read loads none of a write's code."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from hdoc.handlers.api import build_resolver, current_event, documented_responses, lambda_handler_for
from hdoc.handlers.params import ArticleId, Cursor, Limit
from hdoc.handlers.tables import articles_table, authors, cursor_keys
from hdoc.logic import articles
from hdoc.logic.feeds import ATOM_CONTENT_TYPE, atom_feed
from hdoc.models.article import Article, ArticlePage, TagPage
from hdoc.models.article_rules import TAG_PATTERN
from hdoc.settings import settings

router = Router()

FEED_SIZE = 20
FEED_PATH = "/feeds/articles.atom"

TagFilter = Annotated[str | None, Query(pattern=TAG_PATTERN, description="Only articles with this tag")]
AuthorFilter = Annotated[
    str | None,
    Query(max_length=39, pattern=r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$", description="Only this author's"),
]


@router.get(
    "/articles",
    summary="Articles, newest first; by tag or by author",
    description=(
        "Article summaries, newest first, a page at a time (limit and cursor); filter by one tag or one "
        "author."
    ),
    tags=["articles"],
    responses=documented_responses(ArticlePage, 400),
)
def list_articles(
    tag: TagFilter = None, author: AuthorFilter = None, limit: Limit = 20, cursor: Cursor = None
) -> ArticlePage:
    return articles.listing(
        articles_table(), authors(), tag, author, limit=limit, cursor=cursor, keys=cursor_keys()
    )


@router.get(
    "/articles/<article_id>",
    summary="One article",
    description=("The article with its Markdown body and its rendered, sanitized HTML (bodyHtml)."),
    tags=["articles"],
    responses=documented_responses(Article, 400, 404),
)
def get_article(article_id: ArticleId) -> Response[Article]:
    article = articles.get(articles_table(), article_id).article
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=article,
        headers={"ETag": articles.version_tag(article)},
    )


@router.get(
    "/tags",
    summary="Tags, most used first, ties by name",
    description=("Every tag with its number of articles, most used first, a page at a time."),
    tags=["articles"],
    responses=documented_responses(TagPage, 400),
)
def list_tags(limit: Limit = 20, cursor: Cursor = None) -> TagPage:
    return articles.tag_cloud(articles_table(), limit, cursor, cursor_keys())


@router.get(
    FEED_PATH,
    summary="The latest 20 articles as an Atom feed",
    description=(
        "An Atom 1.0 feed of the 20 newest articles (all, or one tag's), with their rendered bodies."
    ),
    tags=["articles"],
    responses={
        200: {
            "description": "An Atom 1.0 feed",
            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
        },
        **documented_responses(None, 400),
    },
)
def articles_feed(tag: TagFilter = None) -> Response[str]:
    latest = articles.feed(articles_table(), tag, FEED_SIZE)
    event = current_event()
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    host = headers.get("host") or "localhost"
    context = event.get("requestContext") or {}
    scheme = headers.get("x-forwarded-proto") or "https"
    feed_url = f"{scheme}://{host}{context.get('path') or event.get('path', '')}"
    origins = settings().origins
    site = origins[0] if origins else f"https://{host}"
    return Response(
        status_code=200,
        content_type=ATOM_CONTENT_TYPE,
        body=atom_feed(latest, site, feed_url + (f"?tag={tag}" if tag else ""), tag),
    )


lambda_handler = lambda_handler_for(
    lambda: build_resolver(router), needs=("ARTICLES_TABLE_NAME", "CURSOR_KEY_SECRET")
)
