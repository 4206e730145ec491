"""The one place where API routers become a resolver, and errors become RFC 9457 problem documents.

Every function's handler builds its resolver here, so routes stay thin: typed input, one call into
logic, typed output. Domain errors raised anywhere below become problems in `_register_problems`.
"""

from __future__ import annotations

import base64
import contextvars
import functools
import re
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as RouteNotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from hdoc.errors import (
    ConflictError,
    ForbiddenError,
    InvalidParameterError,
    NotFoundError,
    PreconditionFailedError,
    PreconditionRequiredError,
    TooLargeError,
    TooManyRequestsError,
    UnauthorizedError,
    UpstreamError,
)
from hdoc.handlers.caching import with_cache_headers
from hdoc.handlers.params import PARAMETER_RULES
from hdoc.models.problem import PROBLEM_CONTENT_TYPE, InvalidParam, Problem, problem_of
from hdoc.observability import logger
from hdoc.settings import requires, settings

# The event being handled, for this thread. Routers are shared module objects, so their
# `current_event` belongs to whichever request set it last; this cannot be another request's.
_current_event: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("hdoc_current_event")


def current_event() -> dict[str, Any]:
    """The API Gateway event of the request being handled."""
    return _current_event.get()


MAX_BODY_BYTES = 16 * 1024

PROBLEM_RESPONSE: dict[str, Any] = {"content": {PROBLEM_CONTENT_TYPE: {"model": Problem}}}


def documented_responses(success: type[Any] | None, *problems: int, status: int = 200) -> dict[int, Any]:
    """OpenAPI responses of a route: its success (a model, or None for an empty body) and problems."""
    responses: dict[int, Any] = {status: {"description": HTTPStatus(status).phrase}}
    if success is not None:
        responses[status]["content"] = {"application/json": {"model": success}}
    for problem_status in problems:
        responses[problem_status] = {"description": HTTPStatus(problem_status).phrase, **PROBLEM_RESPONSE}
    return responses


def problem(
    status: HTTPStatus,
    kind: str,
    detail: str,
    invalid_params: list[InvalidParam] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    """A problem-details response."""
    body = problem_of(status.value, status.phrase, kind, detail, invalid_params)
    return Response(
        status_code=status.value,
        content_type=PROBLEM_CONTENT_TYPE,
        body=body.model_dump_json(by_alias=True, exclude_none=True),
        headers=headers,
    )


def _parameter_name(location: Sequence[Any]) -> str:
    # Powertools reports ("query", "limit"), ("path", "username") or ("body", "field", ...).
    parts = [str(part) for part in location[1:]] or [str(part) for part in location]
    return ".".join(parts)


def _reason(error: dict[str, Any]) -> str:
    location = tuple(error.get("loc") or ())
    name = str(location[-1]) if location else ""
    if len(location) > 1 and isinstance(location[-1], int):
        name = f"{location[-2]}[]"  # an item of a list: the list's item rule
    kind = error.get("type")
    if kind == "json_invalid":
        return "is not valid JSON"
    if kind == "missing":
        return "is required" if len(location) > 1 else "is required: send a JSON object"
    if kind == "extra_forbidden":
        return "is not a field of this request; remove it"
    if kind in ("model_attributes_type", "dict_type"):
        return "must be a JSON object"
    if name in PARAMETER_RULES:
        return f"must be {PARAMETER_RULES[name]}"
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ")


def _invalid_params(error: RequestValidationError) -> tuple[list[InvalidParam], str]:
    """Each bad parameter with what it accepts, and all of them in one sentence."""
    invalid = [
        InvalidParam(
            # a body that is not JSON at all is reported at ("body", position)
            name="body" if entry.get("type") == "json_invalid" else _parameter_name(entry.get("loc", ())),
            reason=_reason(entry),
        )
        for entry in error.errors()
    ]
    detail = "; ".join(f"'{param.name}' {param.reason}" for param in invalid) or "The request is not valid."
    return invalid, detail


def validation_problem(error: RequestValidationError) -> Response[str]:
    """A 400 naming each bad parameter and what it accepts (instead of Powertools' bare 422)."""
    invalid, detail = _invalid_params(error)
    return problem(HTTPStatus.BAD_REQUEST, "invalid-request", detail, invalid)


# The domain errors whose problem is their message, with the status and problem type they answer.
PLAIN_PROBLEMS: tuple[tuple[type[Exception], HTTPStatus, str], ...] = (
    (NotFoundError, HTTPStatus.NOT_FOUND, "not-found"),
    (ForbiddenError, HTTPStatus.FORBIDDEN, "forbidden"),
    (ConflictError, HTTPStatus.CONFLICT, "conflict"),
    (PreconditionFailedError, HTTPStatus.PRECONDITION_FAILED, "stale-version"),
    (PreconditionRequiredError, HTTPStatus.PRECONDITION_REQUIRED, "precondition-required"),
)


def _plain(status: HTTPStatus, kind: str) -> Callable[[Exception], Response[str]]:
    return lambda error: problem(status, kind, str(error))


def _invalid_parameter(error: InvalidParameterError) -> Response[str]:
    invalid = [InvalidParam(name=error.parameter, reason=error.reason)]
    if isinstance(error, TooLargeError):
        return problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload-too-large", str(error), invalid)
    return problem(HTTPStatus.BAD_REQUEST, "invalid-parameter", str(error), invalid)


def _unauthorized(error: UnauthorizedError) -> Response[str]:
    return problem(
        HTTPStatus.UNAUTHORIZED, "unauthorized", str(error), headers={"WWW-Authenticate": "Bearer"}
    )


def _too_many(error: TooManyRequestsError) -> Response[str]:
    return problem(
        HTTPStatus.TOO_MANY_REQUESTS,
        "too-many-requests",
        f"{error} Try again in {error.retry_after} seconds.",
        headers={"Retry-After": str(error.retry_after)},
    )


def _upstream(error: UpstreamError) -> Response[str]:
    if error.timed_out:
        return problem(HTTPStatus.GATEWAY_TIMEOUT, "upstream-timeout", str(error))
    return problem(HTTPStatus.BAD_GATEWAY, "upstream-failed", str(error))


def _bug(error: Exception) -> Response[str]:
    logger.exception("Unhandled error")
    return problem(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "internal-error",
        "Something went wrong on our side. It has been logged; please try again later.",
    )


# How a function whose routes answer images (paths ending in .svg) answers a request it cannot read:
# an image saying so, with this status and detail, because an embedded image cannot show a problem.
ImageRefusal = Callable[[HTTPStatus, str], Response[str]]


def _register_problems(app: APIGatewayRestResolver, refuse_image: ImageRefusal | None = None) -> None:
    """Every error raised below a route becomes its problem document here."""
    for error_type, status, kind in PLAIN_PROBLEMS:
        app.exception_handler(error_type)(_plain(status, kind))

    def invalid(error: RequestValidationError) -> Response[str]:
        if refuse_image is not None and app.current_event.path.endswith(".svg"):
            return refuse_image(HTTPStatus.BAD_REQUEST, _invalid_params(error)[1])
        return validation_problem(error)

    app.exception_handler(RequestValidationError)(invalid)
    app.exception_handler(InvalidParameterError)(_invalid_parameter)
    app.exception_handler(UnauthorizedError)(_unauthorized)
    app.exception_handler(TooManyRequestsError)(_too_many)
    app.exception_handler(UpstreamError)(_upstream)
    app.exception_handler(Exception)(_bug)

    def no_route(_: RouteNotFoundError) -> Response[str]:
        event = app.current_event
        if refuse_image is not None and event.path.endswith(".svg"):
            return refuse_image(HTTPStatus.NOT_FOUND, "There is no such image: check the address.")
        return problem(
            HTTPStatus.NOT_FOUND,
            "no-such-route",
            f"There is no route {event.http_method} {event.path}. GET /openapi.json lists every route.",
        )

    app.not_found(no_route)


def cors_config() -> CORSConfig | None:
    """CORS for the origins the template allows; none when it allows none."""
    origins = settings().origins
    if not origins:
        return None
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=origins[1:],
        allow_headers=["Authorization", "Content-Type", "If-Match"],
        expose_headers=["ETag", "Location", "Retry-After"],
        max_age=600,
    )


def build_resolver(*routers: Router, refuse_image: ImageRefusal | None = None) -> APIGatewayRestResolver:
    """A validating REST resolver serving `routers`, with problem documents for every error (images,
    made by `refuse_image`, for the requests to an image it cannot read)."""
    app = APIGatewayRestResolver(enable_validation=True, cors=cors_config())
    for router in routers:
        app.include_router(router)
    _register_problems(app, refuse_image)
    return app


def _body_size(event: dict[str, Any]) -> int:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return len(body) * 3 // 4
    return len(body.encode("utf-8"))


def _content_type(event: dict[str, Any]) -> str:
    headers = event.get("headers") or {}
    for name, value in headers.items():
        if name.lower() == "content-type":
            return str(value).split(";")[0].strip().lower()
    return ""


def _early_problem(event: dict[str, Any], max_body_bytes: int) -> dict[str, Any] | None:
    """A problem for a body no route should even parse: too large, or not JSON.

    Checked before the resolver, not as a Powertools middleware (`app.use`): Powertools runs its
    request validation, which parses the body, before every user middleware (its route's middleware
    stack puts OpenAPIRequestValidationMiddleware first), and no middleware runs for an unknown route.
    """
    if _body_size(event) > max_body_bytes:
        return problem_result(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            "payload-too-large",
            f"The request body is over {max_body_bytes // 1024} KB; send at most {max_body_bytes} bytes.",
        )
    if event.get("body") and event.get("isBase64Encoded"):
        try:
            base64.b64decode(event["body"]).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return problem_result(
                HTTPStatus.BAD_REQUEST,
                "invalid-request",
                "The body is not UTF-8 text; send JSON encoded as UTF-8.",
            )
    content_type = _content_type(event)
    # Only application/json: the request validation parses no other type (a +json one reached the
    # route unparsed), and no route takes a JSON merge patch or the like.
    if event.get("body") and content_type and content_type != "application/json":
        return problem_result(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            f"The body is {content_type}; send JSON with 'Content-Type: application/json'.",
        )
    if event.get("body") and _too_deep(_body_text(event)):
        return problem_result(
            HTTPStatus.BAD_REQUEST,
            "invalid-request",
            f"The body's JSON is nested over {MAX_JSON_DEPTH} levels deep; no request needs more than a few.",
        )
    return None


MAX_JSON_DEPTH = 32


def _body_text(event: dict[str, Any]) -> str:
    body = str(event.get("body") or "")
    return base64.b64decode(body).decode("utf-8") if event.get("isBase64Encoded") else body


def _too_deep(text: str) -> bool:
    """Whether JSON `text` nests arrays or objects over MAX_JSON_DEPTH levels (brackets inside
    strings do not count). Checked before any parser recurses into it."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False
    depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def problem_result(status: HTTPStatus, kind: str, detail: str) -> dict[str, Any]:
    body = problem_of(status.value, status.phrase, kind, detail)
    return {
        "statusCode": body.status,
        "headers": {"Content-Type": PROBLEM_CONTENT_TYPE},
        "body": body.model_dump_json(exclude_none=True),
        "isBase64Encoded": False,
    }


def _traced(handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]]) -> Any:
    """`handler` with X-Ray subsegments for its calls to AWS, for a function that makes several."""
    from aws_lambda_powertools import Tracer

    # Responses (e-mail addresses in /me and /me/export) never go to X-Ray, where DELETE /me cannot reach.
    return Tracer().capture_lambda_handler(capture_response=False)(handler)


# What every API function needs: where its CORS answers may point.
API_ENVIRONMENT = ("ALLOWED_ORIGINS",)


def lambda_handler_for(
    build: Callable[[], APIGatewayRestResolver],
    max_body_bytes: int = MAX_BODY_BYTES,
    *,
    needs: tuple[str, ...] = (),
    traced: bool = False,
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda entry point for the resolver `build` makes, on first use (not at import time).

    A resolver (and its routers) keeps the current request on itself, so it handles one event at a
    time: as in a Lambda container, and as the local runtime runs each function. `needs` names the
    environment variables the function needs besides ALLOWED_ORIGINS (checked as it starts); `traced`
    adds the X-Ray SDK's subsegments (the Lambda service traces every invocation of every function).
    """
    resolver = functools.cache(build)

    @requires(*API_ENVIRONMENT, *needs)
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        _current_event.set(event)
        early = _early_problem(event, max_body_bytes)
        if early is not None:
            return with_cache_headers(event, early)
        return with_cache_headers(event, resolver().resolve(event, context))

    return _traced(lambda_handler) if traced else lambda_handler
