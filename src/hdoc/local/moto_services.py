"""moto's Lambda and Step Functions, wired to the local runtime's functions.

- Step Functions runs state machines: moto's own ASL interpreter executes the definition from the
  template, with its retries, Map concurrency, Choice and Wait states.
- Lambda's Invoke runs the local function with that name or ARN in this process (moto's would need
  Docker). An exception becomes a FunctionError with the exception's type as errorType, as Lambda
  reports an unhandled error, so a state's Retry and Catch see what AWS would show them.
- A state machine's tasks call Lambda with the state machine's role (moto's interpreter signs with
  made-up credentials), so its policies decide which functions it may invoke, as in AWS.
- CloudFront's CreateInvalidation also tells whoever stands for that distribution on this machine
  (the local site's edge cache) which paths to forget.
"""

from __future__ import annotations

import json
import threading
import traceback
import uuid
from collections.abc import Callable
from typing import Any

import boto3
from moto.awslambda.models import LambdaBackend
from moto.cloudfront.models import CloudFrontBackend
from moto.core.config import default_user_config
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

Handler = Callable[[dict[str, Any]], Any]

_functions: dict[str, Handler] = {}
_lock = threading.Lock()
_original_invoke = LambdaBackend.invoke
_original_client_for = lambda_eval_utils.boto_client_for  # type: ignore[attr-defined]
_role_credentials: dict[str, tuple[str, str, str]] = {}  # state machine role ARN -> its session
_original_create_invalidation = CloudFrontBackend.create_invalidation
_invalidation_listeners: dict[str, Callable[[list[str]], object]] = {}  # distribution id -> listener


def on_invalidation(distribution_id: str, listener: Callable[[list[str]], object]) -> None:
    """Call `listener` with the paths of every invalidation of this distribution, once it is created."""
    with _lock:
        _invalidation_listeners[distribution_id] = listener


def forget_invalidations(distribution_id: str) -> None:
    with _lock:
        _invalidation_listeners.pop(distribution_id, None)


def website_distribution(cloudfront: Any, stage: str) -> str:
    """A CloudFront distribution in the embedded AWS standing for the website's (hdoc-frontend-{stage},
    which the local site plays): the backend's DistributionId, whose invalidations the local site's
    edge cache follows."""
    origin = {
        "Id": "site",
        "DomainName": "localhost",
        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"},
    }
    created = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": f"hdoc-frontend-{stage}-{uuid.uuid4().hex}",
            "Comment": f"hdoc-frontend-{stage}, played by the local site",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "allow-all"},
        }
    )
    return str(created["Distribution"]["Id"])


def _create_invalidation(self: CloudFrontBackend, dist_id: str, paths: list[str], caller_ref: str) -> Any:
    created = _original_create_invalidation(self, dist_id, paths, caller_ref)
    with _lock:
        listener = _invalidation_listeners.get(dist_id)
    if listener is not None:
        listener(list(paths))
    return created


def use_role(role_arn: str, credentials: tuple[str, str, str]) -> None:
    """Have the tasks of state machines running as `role_arn` call Lambda with `credentials`."""
    with _lock:
        _role_credentials[role_arn] = credentials


def forget_role(role_arn: str) -> None:
    with _lock:
        _role_credentials.pop(role_arn, None)


def _client_for(region: str, service: str, state_credentials: Any = None) -> Any:
    with _lock:
        credentials = _role_credentials.get(getattr(state_credentials, "role_arn", ""))
    client = _original_client_for(region, service, state_credentials)
    if credentials is None:
        return client
    key, secret, token = credentials
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=client.meta.endpoint_url,
        config=client.meta.config,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
    )


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
        lambda_eval_utils.boto_client_for = _client_for  # type: ignore[attr-defined]
        CloudFrontBackend.create_invalidation = _create_invalidation  # type: ignore[method-assign]
