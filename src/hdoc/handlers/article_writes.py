"""The articles API, written: publishing, editing and deleting an article (signed in: its author, or
an admin to delete). A function of its own, with the rights to write (handlers/articles.py reads)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from hdoc.handlers.api import build_resolver, documented_responses, lambda_handler_for
from hdoc.handlers.auth import caller
from hdoc.handlers.params import SIGNED_IN, ArticleId, IfMatch
from hdoc.handlers.params import UsernamePath as Username
from hdoc.handlers.tables import articles_table, users_table
from hdoc.logic import article_writes
from hdoc.logic.articles import version_tag
from hdoc.models.article import Article, ArticleRequest

router = Router()

# An article can hold 100 KB of Markdown, so its requests may be larger than the API's default.
MAX_ARTICLE_REQUEST_BYTES = 128 * 1024


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
    article = article_writes.create(users_table(), articles_table(), caller(), username, request)
    return Response(
        status_code=HTTPStatus.CREATED.value,
        content_type=content_types.APPLICATION_JSON,
        body=article,
        headers={"Location": f"/articles/{article.id}", "ETag": version_tag(article)},
    )


@router.put(
    "/articles/<article_id>",
    summary="Edit your article (send If-Match so no edit is lost)",
    description=(
        "Replaces the article's title, description, body, tags and links. Only its author may, and only "
        "from its current version: send the ETag of GET /articles/{id} as If-Match (428 without it, 412 "
        "if the article changed since)."
    ),
    tags=["articles"],
    security=SIGNED_IN,
    responses=documented_responses(Article, 400, 401, 403, 404, 412, 413, 415, 428),
)
def update_article(
    article_id: ArticleId, request: Annotated[ArticleRequest, Body()], if_match: IfMatch = None
) -> Response[Article]:
    article = article_writes.update(
        users_table(), articles_table(), caller(), article_id, request, if_match=if_match
    )
    return Response(
        status_code=HTTPStatus.OK.value,
        content_type=content_types.APPLICATION_JSON,
        body=article,
        headers={"ETag": version_tag(article)},
    )


@router.delete(
    "/articles/<article_id>",
    summary="Delete an article (its author, or an admin)",
    description=("Deletes the article; its author or an admin may."),
    tags=["articles"],
    security=SIGNED_IN,
    responses=documented_responses(None, 400, 401, 403, 404, status=204),
)
def delete_article(article_id: ArticleId) -> Response[None]:
    article_writes.delete(users_table(), articles_table(), caller(), article_id)
    return Response(status_code=204, body=None)


lambda_handler = lambda_handler_for(
    lambda: build_resolver(router),
    MAX_ARTICLE_REQUEST_BYTES,
    needs=("USERS_TABLE_NAME", "ARTICLES_TABLE_NAME", "USER_POOL_ID"),
)
