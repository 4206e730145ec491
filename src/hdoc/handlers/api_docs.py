"""GET /openapi.json: the OpenAPI document of the whole API, generated from the routes' code."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Tag

from hdoc import __version__
from hdoc.handlers import accounts, article_writes, articles, participants, webhooks
from hdoc.handlers.api import build_resolver, lambda_handler_for
from hdoc.handlers.caching import PUBLIC_ROUTES

# Every router of the API; a new one is added here to appear in the document.
API_ROUTERS: tuple[Router, ...] = (
    participants.router,
    accounts.router,
    articles.router,
    article_writes.router,
    webhooks.router,
)

DESCRIPTION = (
    "The #100DaysOfCloud community website's API: participants, their progress and the leaderboard. "
    "Errors are RFC 9457 problem documents (application/problem+json)."
)

# GET routes whose success is not JSON, and their media type.
NON_JSON_ROUTES = {articles.FEED_PATH: "application/atom+xml"}

router = Router()


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, as a dictionary (a fresh copy each call)."""
    document: dict[str, Any] = json.loads(openapi_json())
    return document


TAGS = [
    Tag(
        name="participants",
        description="Public: profiles, the directory, the newest participants, journeys, the leaderboard",
    ),
    Tag(
        name="account",
        description="Signed in: signup, your profile, your GitHub link, your data; admins' chores",
    ),
    Tag(
        name="articles",
        description="Articles and tags (reading is public; writing is signed in), and the Atom feed",
    ),
    Tag(
        name="webhooks",
        description="GitHub's deliveries to the hdoc GitHub App, signed with its webhook secret",
    ),
]
SECURITY_SCHEMES = {
    "cognitoIdToken": HTTPBearer(
        bearerFormat="JWT",
        description="A Cognito ID token of hdoc's user pool (locally: `hdoc token --email EMAIL`)",
    )
}


def _referenced(node: Any) -> set[str]:
    """The names of the component schemas `node` refers to."""
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_referenced(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_referenced(value) for value in node))
    return set()


def _prune_schemas(document: dict[str, Any]) -> None:
    """Drop the component schemas nothing refers to (Powertools adds its 422 ones to every document)."""
    schemas = document.get("components", {}).get("schemas", {})
    used = _referenced(document["paths"])
    while True:
        more = _referenced({name: schemas[name] for name in used if name in schemas}) - used
        if not more:
            break
        used |= more
    for name in set(schemas) - used:
        del schemas[name]


@cache
def openapi_json() -> str:
    """The OpenAPI 3 document of every route as JSON, with 400 problems in place of Powertools' 422s."""
    app = build_resolver(*API_ROUTERS, router)
    document: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(
            title="hdoc",
            version=__version__,
            description=DESCRIPTION,
            tags=list(TAGS),
            security_schemes=dict(SECURITY_SCHEMES),
        )
    )
    for path, media_type in NON_JSON_ROUTES.items():
        # Powertools documents every success as JSON; these routes answer another media type.
        document["paths"][path]["get"]["responses"]["200"]["content"] = {
            media_type: {"schema": {"type": "string"}}
        }
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            # A 204 has no body, whatever the function's return annotation says.
            responses.get("204", {}).pop("content", None)
            # Request validation errors are answered as 400 problems (handlers/api.py), never 422.
            if responses.pop("422", None) is not None and "400" not in responses:
                responses["400"] = {
                    "description": "Bad Request",
                    "content": {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    },
                }
    for path, freshness in PUBLIC_ROUTES.items():
        # Public reads may be kept (handlers/caching.py): an If-None-Match naming the current ETag is a 304.
        if path not in document["paths"]:
            continue  # the document itself is not in the document
        get = document["paths"][path]["get"]
        get["description"] = f"{get.get('description', '')} Cache-Control: {freshness.header}; with an ETag."
        get["responses"].setdefault(
            "304", {"description": "Not Modified: the ETag in If-None-Match is still the current one"}
        )
    _prune_schemas(document)
    return json.dumps(document, indent=2)


@router.get("/openapi.json", summary="This API's OpenAPI document", tags=["meta"], include_in_schema=False)
def get_openapi() -> dict[str, Any]:
    return openapi_document()


lambda_handler = lambda_handler_for(lambda: build_resolver(router))
