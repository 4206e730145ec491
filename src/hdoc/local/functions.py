"""The functions and routes of the local runtime: a function invoked as Lambda would (one event at a
time, with a context of its own), and an API route it serves."""

from __future__ import annotations

import contextvars
import importlib
import logging
import re
import threading
import time
import tracemalloc
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hdoc import settings
from hdoc.local.cfn import ACCOUNT_ID, REGION
from hdoc.local.cognito import Authorizer

log = logging.getLogger("hdoc-local")

# The context of the function running in this thread (functions run in threads of one process here).
_invoked: contextvars.ContextVar[LocalContext | None] = contextvars.ContextVar("hdoc_invoked", default=None)


class FunctionLogContext(logging.Filter):
    """The local runtime's one seam in logging. In AWS each function has a process of its own, and
    Powertools' logger holds that function's Lambda context; here every function shares one process
    and one logger, so a record would carry the context of whichever function was invoked last (the
    refresh batch's lines would name the tag counter). This stamps each record with the context of
    the function that logged it, which Powertools prints in place of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _invoked.get()
        if context is not None:
            record.function_name = context.function_name
            record.function_arn = context.invoked_function_arn
            record.function_request_id = context.aws_request_id
            record.function_memory_size = context.memory_limit_in_mb
        return True


def stamp_function_context(logger: logging.Logger) -> None:
    """Have `logger`'s records carry the context of the function that logged them (once)."""
    if not any(isinstance(existing, FunctionLogContext) for existing in logger.filters):
        logger.addFilter(FunctionLogContext())


class LocalContext:
    """The parts of Lambda's context object that handlers use."""

    def __init__(self, function: LocalFunction) -> None:
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.arn
        self.memory_limit_in_mb = function.memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = f"local/{self.aws_request_id}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + function.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class Invocation:
    duration_ms: float
    peak_bytes: int | None  # allocated at the most during the invocation, when traced


@dataclass
class LocalFunction:
    """A Lambda function declared in a template."""

    logical_id: str
    name: str
    handler: str
    environment: dict[str, str]
    timeout_seconds: int
    memory_mb: int
    events: dict[str, Any]
    role_arn: str = ""  # its execution role in the embedded IAM
    # Its own variables and its role's credentials, entered for each invocation (once the runtime
    # has assumed the role); what the embedded AWS refused it during an invocation is read back here.
    execution: settings.ExecutionEnvironment | None = field(default=None, repr=False)
    refusals: Callable[[str], list[Any]] | None = field(default=None, repr=False)
    refused: deque[Any] = field(default_factory=lambda: deque(maxlen=1000), repr=False)  # every refusal
    # One warm container per function: Lambda never runs two events at once in one container, and
    # handlers (Powertools routers among them) keep per-request state in module objects.
    _container: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # What each recent invocation took: the handler's own time, and (while tracemalloc traces, as
    # `make bench` has it) the most memory it allocated beyond what was held before it ran.
    invocations: int = 0
    recent: deque[Invocation] = field(default_factory=lambda: deque(maxlen=10_000), repr=False)

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.name}"

    def entry_point(self) -> Callable[[dict[str, Any], Any], Any]:
        module_name, _, attribute = self.handler.rpartition(".")
        handler: Callable[[dict[str, Any], Any], Any] = getattr(
            importlib.import_module(module_name), attribute
        )
        return handler

    def invoke(self, event: dict[str, Any]) -> Any:
        """Call the handler as Lambda would, with a fresh context, one event at a time."""
        return self.run(event)[0]

    def run(self, event: dict[str, Any]) -> tuple[Any, list[Any]]:
        """`invoke`, and what the embedded AWS refused the function's role meanwhile (enforcement.Denial).
        An exception of the handler is raised with the refusals as its `refusals` attribute."""
        context = LocalContext(self)
        with self._container:
            refused: list[Any] = []
            entered = settings.enter(self.execution) if self.execution is not None else None
            token = _invoked.set(context)
            self.invocations += 1
            tracing = tracemalloc.is_tracing()
            if tracing:
                tracemalloc.reset_peak()
                held = tracemalloc.get_traced_memory()[0]
            started = time.perf_counter()
            try:
                result = self.entry_point()(event, context)
            except Exception as error:
                error.refusals = refused  # type: ignore[attr-defined]
                raise
            finally:
                elapsed_ms = (time.perf_counter() - started) * 1000
                peak = tracemalloc.get_traced_memory()[1] - held if tracing else None
                self.recent.append(Invocation(elapsed_ms, peak))
                _invoked.reset(token)
                if entered is not None:
                    settings.leave(entered)
                refused.extend(self._refused())
            return result, refused

    def _refused(self) -> list[Any]:
        if self.refusals is None or self.execution is None or self.execution.credentials is None:
            return []
        refused = self.refusals(self.execution.credentials[0])
        for denial in refused:
            log.error("%s was refused %s", self.logical_id, denial)
        self.refused.extend(refused)
        return refused


_PATH_PARAMETER = re.compile(r"^\{([A-Za-z0-9_]+)(\+?)\}$")


@dataclass
class Route:
    """An API event: a method and path template served by a function."""

    method: str
    path: str
    function: LocalFunction
    stage: str
    properties: dict[str, Any]
    authorizer: Authorizer | None = None

    def match(self, path: str) -> tuple[dict[str, str], tuple[int, ...]] | None:
        """Path parameters and a specificity (literal beats parameter beats greedy), or None."""
        wanted = [segment for segment in self.path.strip("/").split("/") if segment]
        given = [segment for segment in path.strip("/").split("/") if segment]
        parameters: dict[str, str] = {}
        rank: list[int] = []
        for index, segment in enumerate(wanted):
            parameter = _PATH_PARAMETER.match(segment)
            if parameter and parameter.group(2):  # {proxy+}: the rest of the path, at least one segment
                if len(given) <= index:
                    return None
                parameters[parameter.group(1)] = "/".join(given[index:])
                rank.append(0)
                return parameters, tuple(rank)
            if index >= len(given):
                return None
            if parameter:
                parameters[parameter.group(1)] = given[index]
                rank.append(1)
            elif segment == given[index]:
                rank.append(2)
            else:
                return None
        if len(given) != len(wanted):
            return None
        return parameters, tuple(rank)
