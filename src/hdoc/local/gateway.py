"""The local API Gateway: HTTP requests in, REST proxy events (v1) to the declared handler, HTTP out."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from hdoc.local.cfn import ACCOUNT_ID
from hdoc.local.cognito import AuthorizationError
from hdoc.local.functions import Route
from hdoc.local.hosted_ui import HostedUi
from hdoc.local.runtime import LocalRuntime
from hdoc.models.problem import PROBLEM_CONTENT_TYPE, problem_of
from hdoc.models.usernames import USERNAME_RULE, is_valid_username

log = logging.getLogger("hdoc-local")

# Local-only diagnostics, never part of the API: what a request cost in DynamoDB.
ITEMS_READ_HEADER = "X-Hdoc-Items-Read"
READ_UNITS_HEADER = "X-Hdoc-Read-Units"
ITEMS_WRITTEN_HEADER = "X-Hdoc-Items-Written"
CALLS_HEADER = "X-Hdoc-Dynamodb-Calls"
RESOURCES_PATH = "/_local/resources"
TOKEN_PATH = "/_local/token"
REFRESH_PATH = "/_local/refresh"
SEED_PATH = "/_local/seed"
MAX_SEEDED = 100_000


def proxy_event(
    request: Request, route: Route, path_parameters: dict[str, str], claims: dict[str, str] | None = None
) -> dict[str, Any]:
    """The event API Gateway's REST proxy integration gives Lambda for this request."""
    headers: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        headers.setdefault(name, []).append(value)
    # API Gateway says which scheme the client used; locally that is plain HTTP.
    headers["X-Forwarded-Proto"] = [request.scheme]
    query: dict[str, list[str]] = {name: request.args.getlist(name) for name in request.args}
    raw = request.get_data(cache=True)
    try:
        body: str | None = raw.decode("utf-8") if raw else None
        encoded = False
    except UnicodeDecodeError:
        body, encoded = base64.b64encode(raw).decode("ascii"), True
    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    return {
        "resource": route.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": {name: values[-1] for name, values in headers.items()} or None,
        "multiValueHeaders": headers or None,
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "local",
            "resourceId": "local",
            "resourcePath": route.path,
            "httpMethod": request.method,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "stage": route.stage,
            # The local server answers at its root, as a custom domain mapped to the stage does, so
            # the path the client used has no stage in it.
            "path": request.path,
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "domainName": request.host,
            "identity": {
                "sourceIp": request.remote_addr or "127.0.0.1",
                "userAgent": request.headers.get("User-Agent"),
            },
            **({"authorizer": {"claims": claims}} if claims is not None else {}),
        },
        "body": body,
        "isBase64Encoded": encoded,
    }


def link_local_github(runtime: LocalRuntime, id_token: str, login: str) -> None:
    """Link the token's account to the GitHub login, with the id the fake GitHub gives that login:
    what GitHub's OAuth flow does, for scripts and tests that have no browser."""
    from hdoc.dal.users import UsersTable
    from hdoc.local.fake_github_oauth import stable_id

    payload = id_token.split(".")[1]
    sub = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
    users = UsersTable(runtime.table_name("UsersTable"))
    users.link_github(sub, stable_id(login), login, datetime.now(UTC))


def problem_response(
    status: HTTPStatus, kind: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """A problem the gateway answers itself, of one of the kinds API Gateway's responses have (which,
    as the template's GatewayResponses say, no cache keeps)."""
    body = problem_of(status.value, status.phrase, kind, detail)
    return Response(
        body.model_dump_json(exclude_none=True),
        status=status.value,
        headers={"Cache-Control": "private, no-store", **(headers or {})},
        content_type=PROBLEM_CONTENT_TYPE,
    )


def refused_response(status: HTTPStatus, function: str, refused: list[Any]) -> Response:
    """A function's failure that the embedded AWS caused by refusing what its role does not allow,
    said in the problem, so that a permission missing from a template is named where it shows.
    (In AWS the caller sees the function's own 500; the refusal is in its logs.)"""
    detail = (
        f"{function} was refused "
        + "; ".join(str(denial) for denial in refused)
        + (". Its role in the template does not allow this: add the action to the function's Policies.")
    )
    return problem_response(status, "access-denied", detail)


def http_response(result: Any) -> Response:
    """The HTTP response API Gateway makes of a Lambda proxy result."""
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
        raise TypeError(f"the handler returned {type(result).__name__}, not a proxy response")
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
    response = Response(body, status=result["statusCode"])
    response.headers.clear()
    for name, value in (result.get("headers") or {}).items():
        response.headers[name] = str(value)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        response.headers.remove(name)
        for value in values:
            response.headers.add(name, str(value))
    return response


class LocalGateway:
    """A WSGI application that routes as API Gateway does and logs one line per request."""

    def __init__(self, runtime: LocalRuntime) -> None:
        self.runtime = runtime
        assert runtime.cognito is not None, "start the runtime before serving it"
        self.hosted_ui = HostedUi(runtime.cognito)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        started = time.perf_counter()
        with self.runtime.measuring() as stats:
            response = self.respond(request)
        response.headers[ITEMS_READ_HEADER] = str(stats.items_read)
        response.headers[READ_UNITS_HEADER] = f"{stats.read_units:g}"
        response.headers[ITEMS_WRITTEN_HEADER] = str(stats.items_written)
        response.headers[CALLS_HEADER] = ",".join(stats.calls)
        elapsed_ms = (time.perf_counter() - started) * 1000
        query = f"?{request.query_string.decode()}" if request.query_string else ""
        log.info(
            "%s %s%s -> %d in %.1f ms, %d items read",
            request.method,
            request.path,
            query,
            response.status_code,
            elapsed_ms,
            stats.items_read,
        )
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.path == RESOURCES_PATH and request.method == "GET":
            return self.resources()
        if request.path == TOKEN_PATH and request.method == "POST":
            return self.token(request)
        if request.path == REFRESH_PATH and request.method == "POST":
            return self.refresh(request)
        if request.path == SEED_PATH and request.method == "POST":
            return self.seed(request)
        if self.hosted_ui.handles(request.path):
            return self.hosted_ui.respond(request)
        matched = self.runtime.route(request.method, request.path)
        if matched is None:
            allowed = self.runtime.methods_for(request.path)
            if allowed:
                return problem_response(
                    HTTPStatus.METHOD_NOT_ALLOWED,
                    "method-not-allowed",
                    f"{request.path} answers {', '.join(allowed)}, not {request.method}.",
                    {"Allow": ", ".join(allowed)},
                )
            return problem_response(
                HTTPStatus.NOT_FOUND,
                "no-such-route",
                f"There is no route {request.method} {request.path}. GET /openapi.json lists every route.",
            )
        route, path_parameters = matched
        claims = None
        if route.authorizer is not None:
            assert self.runtime.cognito is not None
            try:
                claims = self.runtime.cognito.authorize(
                    request.headers.get(route.authorizer.header), route.authorizer
                )
            except AuthorizationError as error:
                log.info("authorizer refused %s %s: %s", request.method, request.path, error)
                return problem_response(
                    HTTPStatus.UNAUTHORIZED,
                    "unauthorized",
                    "Sign in first: send a valid, unexpired ID token as 'Authorization: Bearer <token>'.",
                    {"WWW-Authenticate": "Bearer"},
                )
        event = proxy_event(request, route, path_parameters, claims)
        try:
            result, refused = route.function.run(event)
        except Exception as error:
            # In AWS a crashed function is a 502 from API Gateway; the traceback goes to its logs.
            log.error("%s failed:\n%s", route.function.logical_id, traceback.format_exc())
            refused = getattr(error, "refusals", [])
            if refused:
                return refused_response(HTTPStatus.BAD_GATEWAY, route.function.logical_id, refused)
            return problem_response(
                HTTPStatus.BAD_GATEWAY, "function-failed", "The function behind this route failed."
            )
        response = http_response(result)
        if refused and response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            return refused_response(HTTPStatus(response.status_code), route.function.logical_id, refused)
        return response

    def token(self, request: Request) -> Response:
        """An ID token for an email, creating and confirming the user if needed, and with `github`,
        its account linked to that GitHub login as the OAuth flow would (hdoc token)."""
        assert self.runtime.cognito is not None
        asked = request.get_json(silent=True) or {}
        login = asked.get("github")
        if login is not None and not (isinstance(login, str) and is_valid_username(login)):
            return problem_response(
                HTTPStatus.BAD_REQUEST, "invalid-request", f"'github' must be {USERNAME_RULE}."
            )
        try:
            token = self.runtime.cognito.id_token(str(asked.get("email", "")), admin=bool(asked.get("admin")))
        except (ValueError, LookupError) as error:
            return problem_response(HTTPStatus.BAD_REQUEST, "invalid-request", str(error))
        if login is not None:
            link_local_github(self.runtime, token, login)
        return Response(json.dumps({"idToken": token}), content_type="application/json")

    def refresh(self, request: Request) -> Response:
        """Run the statistics parser (for some participants, or all) and wait for it (hdoc refresh)."""
        from hdoc.logic.refresh import execution_input

        asked = request.get_json(silent=True) or {}
        usernames = asked.get("usernames")
        if usernames is not None and not (
            isinstance(usernames, list) and all(isinstance(name, str) for name in usernames)
        ):
            return problem_response(
                HTTPStatus.BAD_REQUEST, "invalid-request", "'usernames' must be a list of usernames, or null."
            )
        ended = self.runtime.run_state_machine(execution_input(usernames))
        self.runtime.deliver_streams()  # the score calculator has caught up before the answer
        return Response(json.dumps(ended), content_type="application/json")

    def seed(self, request: Request) -> Response:
        """Add demo participants to the USERS table, through its table code (hdoc seed)."""
        from hdoc.dal.users import UsersTable
        from hdoc.local.seed import demo_participants

        asked = request.get_json(silent=True) or {}
        count, random_seed = asked.get("participants"), asked.get("seed")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_SEEDED:
            return problem_response(
                HTTPStatus.BAD_REQUEST,
                "invalid-request",
                f"'participants' must be a whole number from 1 to {MAX_SEEDED:,}.",
            )
        if random_seed is not None and (not isinstance(random_seed, int) or isinstance(random_seed, bool)):
            return problem_response(
                HTTPStatus.BAD_REQUEST, "invalid-request", "'seed' must be a whole number, or null."
            )
        seeded = list(demo_participants(count, seed=random_seed))
        UsersTable(self.runtime.table_name("UsersTable")).put_many(seeded)
        return Response(json.dumps({"written": len(seeded)}), content_type="application/json")

    def resources(self) -> Response:
        """Where the embedded AWS is and what was created in it, for hdoc's own commands."""
        document = {
            "awsEndpoint": self.runtime.aws_endpoint,
            "dynamodbEndpoint": self.runtime.dynamodb_endpoint,
            "tables": self.runtime.tables,
            "routes": [f"{route.method} {route.path}" for route in self.runtime.routes],
        }
        return Response(json.dumps(document), content_type="application/json")


class HttpServer:
    """A WSGI application served over HTTP on loopback, in the foreground or in a background thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self._thread: threading.Thread | None = None
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    @property
    def url(self) -> str:
        return f"http://{self._server.host}:{self._server.port}"

    @property
    def port(self) -> int:
        return int(self._server.port)

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="hdoc-local", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class LocalServer(HttpServer):
    """The local gateway served over HTTP."""

    def __init__(self, runtime: LocalRuntime, host: str = "127.0.0.1", port: int = 3000) -> None:
        self.runtime = runtime
        self.gateway = LocalGateway(runtime)
        super().__init__(self.gateway, host, port)

    def start(self) -> LocalServer:
        super().start()
        return self
