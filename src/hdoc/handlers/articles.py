"""The articles API: writing (signed in), reading, tags and the Atom feed."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from hdoc.handlers.api import build_resolver, current_event, documented_responses, lambda_handler_for
from hdoc.handlers.auth import caller
from hdoc.handlers.params import SIGNED_IN, Cursor, Limit
from hdoc.handlers.params import UsernamePath as Username
from hdoc.handlers.tables import articles_table, cursor_keys, users_table
from hdoc.logic import articles
from hdoc.logic.feeds import ATOM_CONTENT_TYPE, atom_feed
from hdoc.models.article import Article, ArticlePage, ArticleRequest, TagPage
from hdoc.models.article_rules import ARTICLE_ID_PATTERN, TAG_PATTERN
from hdoc.settings import settings

router = Router()

# An article can hold 100 KB of Markdown, so its requests may be larger than the API's default.
MAX_ARTICLE_REQUEST_BYTES = 128 * 1024
FEED_SIZE = 20
FEED_PATH = "/feeds/articles.atom"

ArticleId = Annotated[str, Path(pattern=ARTICLE_ID_PATTERN, description="The article's id (a ULID)")]
TagFilter = Annotated[str | None, Query(pattern=TAG_PATTERN, description="Only articles with this tag")]
AuthorFilter = Annotated[
    str | None,
    Query(max_length=39, pattern=r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$", description="Only this author's"),
]


@router.post(
    "/users/<username>/articles",
    summary="Publish an article as yourself",
    description=(
        "Publishes a Markdown article under your username (the path's username must be yours). At most 10"
        " articles a day (429 with Retry-After)."
    ),
    tags=["articles"],
    security=SIGNED_IN,
    responses=documented_responses(Article, 400, 401, 403, 404, 413, 415, 429, status=201),
)
def create_article(username: Username, request: Annotated[ArticleRequest, Body()]) -> Response[Article]:
    article = articles.create(users_table(), articles_table(), caller(), username, request)
    return Response(
        status_code=HTTPStatus.CREATED.value,
        content_type=content_types.APPLICATION_JSON,
        body=article,
        headers={"Location": f"/articles/{article.id}"},
    )


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
    return articles.listing(articles_table(), tag, author, limit, cursor, keys=cursor_keys())


@router.get(
    "/articles/<article_id>",
    summary="One article",
    description=("The article with its Markdown body and its rendered, sanitized HTML (bodyHtml)."),
    tags=["articles"],
    responses=documented_responses(Article, 400, 404),
)
def get_article(article_id: ArticleId) -> Article:
    return articles.get(articles_table(), article_id).article


@router.put(
    "/articles/<article_id>",
    summary="Edit your article",
    description=("Replaces the article's title, description, body, tags and links. Only its author may."),
    tags=["articles"],
    security=SIGNED_IN,
    responses=documented_responses(Article, 400, 401, 403, 404, 413, 415),
)
def update_article(article_id: ArticleId, request: Annotated[ArticleRequest, Body()]) -> Article:
    return articles.update(users_table(), articles_table(), caller(), article_id, request)


@router.delete(
    "/articles/<article_id>",
    summary="Delete an article (its author, or an admin)",
    description=("Deletes the article; its author or an admin may."),
    tags=["articles"],
    security=SIGNED_IN,
    responses=documented_responses(None, 400, 401, 403, 404, status=204),
)
def delete_article(article_id: ArticleId) -> Response[None]:
    articles.delete(users_table(), articles_table(), caller(), article_id)
    return Response(status_code=204, body=None)


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
    lambda: build_resolver(router),
    MAX_ARTICLE_REQUEST_BYTES,
    needs=("USERS_TABLE_NAME", "ARTICLES_TABLE_NAME", "USER_POOL_ID", "CURSOR_KEY_SECRET"),
)
