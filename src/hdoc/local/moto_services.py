"""moto's Lambda and Step Functions, wired to the local runtime's functions.

- Step Functions runs state machines: moto's own ASL interpreter executes the definition from the
  template, with its retries, Map concurrency, Choice and Wait states.
- Lambda's Invoke runs the local function with that name or ARN in this process (moto's would need
  Docker). An exception becomes a FunctionError with the exception's type as errorType, as Lambda
  reports an unhandled error, so a state's Retry and Catch see what AWS would show them.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from typing import Any

from moto.awslambda.models import LambdaBackend
from moto.core.config import default_user_config

Handler = Callable[[dict[str, Any]], Any]

_functions: dict[str, Handler] = {}
_lock = threading.Lock()
_original_invoke = LambdaBackend.invoke


def register(arn: str, name: str, handler: Handler) -> None:
    """Let Invoke (by ARN or by name) run `handler`."""
    with _lock:
        _functions[arn] = _functions[name] = handler


def unregister(arn: str, name: str) -> None:
    with _lock:
        _functions.pop(arn, None)
        _functions.pop(name, None)


def _invoke(  # noqa: PLR0917  (moto's signature)
    self: LambdaBackend,
    function_name: str,
    qualifier: str | None,
    body: Any,
    headers: Any,
    response_headers: Any,
) -> str | bytes | None:
    with _lock:
        handler = _functions.get(function_name)
    if handler is None:
        return _original_invoke(self, function_name, qualifier, body, headers, response_headers)
    event = json.loads(body) if body else {}
    try:
        result = handler(event)
    except Exception as error:
        response_headers["x-amz-function-error"] = "Unhandled"
        payload = {
            "errorType": type(error).__name__,
            "errorMessage": str(error),
            "stackTrace": traceback.format_exception(error)[-3:],
        }
        return json.dumps(payload).encode("utf-8")
    return json.dumps(result, default=str).encode("utf-8")


def install() -> None:
    """Execute state machines, and run registered functions on Invoke (once per process)."""
    default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
    if LambdaBackend.invoke is _original_invoke:
        LambdaBackend.invoke = _invoke  # type: ignore[method-assign]
