"""AWS clients, built lazily on first use so that importing hdoc needs no AWS.

They are botocore's own clients: the functions never load boto3 (its resource layer, documentation
and S3 transfer code cost a public read function about a tenth of a second at every cold start);
dal/dynamo.py gives DynamoDB's values as plain Python instead."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

import botocore.session
from botocore.config import Config

from hdoc.settings import execution_environment

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


_session_hooks: list[Callable[[botocore.session.Session], None]] = []


def add_session_hook(hook: Callable[[botocore.session.Session], None]) -> None:
    """Run `hook` on the session now and on every later one (the local runtime counts items read)."""
    if hook not in _session_hooks:
        _session_hooks.append(hook)
        hook(session())


@lru_cache(maxsize=1)
def session() -> botocore.session.Session:
    """The process-wide botocore session."""
    created = botocore.session.get_session()
    for hook in _session_hooks:
        hook(created)
    return created


def _credentials() -> tuple[str, str, str] | None:
    entered = execution_environment()
    return None if entered is None else entered.credentials


@cache
def _client(service: str, credentials: tuple[str, str, str] | None) -> Any:
    """One client per service and credentials: the process's own (the function's role, in AWS), or
    those of the execution environment the local runtime entered (settings.ExecutionEnvironment)."""
    if credentials is None:
        return session().create_client(service, config=_CONFIG)
    key, secret, token = credentials
    return session().create_client(
        service, config=_CONFIG, aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token
    )


def dynamodb() -> Any:
    """The DynamoDB client (dal/dynamo.py's Table speaks plain Python to it)."""
    return _client("dynamodb", _credentials())


def cognito() -> Any:
    """The Cognito user pools client."""
    return _client("cognito-idp", _credentials())


def stepfunctions() -> Any:
    """The Step Functions client."""
    return _client("stepfunctions", _credentials())


def cloudfront() -> Any:
    """The CloudFront client (the website's cache, for invalidations)."""
    return _client("cloudfront", _credentials())


def sqs() -> Any:
    """The SQS client."""
    return _client("sqs", _credentials())


def secretsmanager() -> Any:
    """The Secrets Manager client."""
    return _client("secretsmanager", _credentials())


SECRET_CACHE_SECONDS = 300
# By the credentials that read it: a function never sees what another read with its own rights.
_secret_cache: dict[tuple[tuple[str, str, str] | None, str], tuple[float, str]] = {}


def secret_text(name: str, json_field: str) -> str:
    """A secret from Secrets Manager (cached for a few minutes): its text, or `json_field` of it
    when it holds a JSON object."""
    key = (_credentials(), name)
    cached = _secret_cache.get(key)
    if cached is None or time.monotonic() - cached[0] > SECRET_CACHE_SECONDS:
        cached = (time.monotonic(), str(secretsmanager().get_secret_value(SecretId=name)["SecretString"]))
        _secret_cache[key] = cached
    value = cached[1]
    if value.lstrip().startswith("{"):
        return str(json.loads(value)[json_field])
    return value.strip()


def reset() -> None:
    """Forget cached clients, e.g. after the endpoint in the environment changed."""
    _secret_cache.clear()
    _client.cache_clear()
    session.cache_clear()
