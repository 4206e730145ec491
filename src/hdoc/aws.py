"""AWS clients, built lazily on first use so that importing hdoc needs no AWS.

They are botocore's own clients: the functions never load boto3 (its resource layer, documentation
and S3 transfer code cost a public read function about a tenth of a second at every cold start);
dal/dynamo.py gives DynamoDB's values as plain Python instead."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import botocore.session
from botocore.config import Config

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


@lru_cache(maxsize=1)
def dynamodb() -> Any:
    """The DynamoDB client (dal/dynamo.py's Table speaks plain Python to it)."""
    return session().create_client("dynamodb", config=_CONFIG)


@lru_cache(maxsize=1)
def cognito() -> Any:
    """The Cognito user pools client."""
    return session().create_client("cognito-idp", config=_CONFIG)


@lru_cache(maxsize=1)
def stepfunctions() -> Any:
    """The Step Functions client."""
    return session().create_client("stepfunctions", config=_CONFIG)


@lru_cache(maxsize=1)
def secretsmanager() -> Any:
    """The Secrets Manager client."""
    return session().create_client("secretsmanager", config=_CONFIG)


SECRET_CACHE_SECONDS = 300
_secret_cache: dict[str, tuple[float, str]] = {}


def secret_text(name: str, json_field: str) -> str:
    """A secret from Secrets Manager (cached for a few minutes): its text, or `json_field` of it
    when it holds a JSON object."""
    cached = _secret_cache.get(name)
    if cached is None or time.monotonic() - cached[0] > SECRET_CACHE_SECONDS:
        cached = (time.monotonic(), str(secretsmanager().get_secret_value(SecretId=name)["SecretString"]))
        _secret_cache[name] = cached
    value = cached[1]
    if value.lstrip().startswith("{"):
        return str(json.loads(value)[json_field])
    return value.strip()


def reset() -> None:
    """Forget cached clients, e.g. after the endpoint in the environment changed."""
    _secret_cache.clear()
    secretsmanager.cache_clear()
    dynamodb.cache_clear()
    cognito.cache_clear()
    stepfunctions.cache_clear()
    session.cache_clear()
