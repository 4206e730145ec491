"""boto3 clients, built lazily on first use so that importing hdoc needs no AWS."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


_session_hooks: list[Callable[[boto3.session.Session], None]] = []


def add_session_hook(hook: Callable[[boto3.session.Session], None]) -> None:
    """Run `hook` on the session now and on every later one (the local runtime counts items read)."""
    if hook not in _session_hooks:
        _session_hooks.append(hook)
        hook(session())


@lru_cache(maxsize=1)
def session() -> boto3.session.Session:
    """The process-wide boto3 session."""
    created = boto3.session.Session()
    for hook in _session_hooks:
        hook(created)
    return created


@lru_cache(maxsize=1)
def dynamodb() -> Any:
    """The DynamoDB service resource."""
    return session().resource("dynamodb", config=_CONFIG)


@lru_cache(maxsize=1)
def cognito() -> Any:
    """The Cognito user pools client."""
    return session().client("cognito-idp", config=_CONFIG)


@lru_cache(maxsize=1)
def stepfunctions() -> Any:
    """The Step Functions client."""
    return session().client("stepfunctions", config=_CONFIG)


@lru_cache(maxsize=1)
def secretsmanager() -> Any:
    """The Secrets Manager client."""
    return session().client("secretsmanager", config=_CONFIG)


@lru_cache(maxsize=1)
def _secrets() -> Any:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=secretsmanager())


SECRET_CACHE_SECONDS = 300


def secret_text(name: str, json_field: str) -> str:
    """A secret from Secrets Manager (cached for a few minutes): its text, or `json_field` of it
    when it holds a JSON object."""
    value = str(_secrets().get(name, max_age=SECRET_CACHE_SECONDS))
    if value.lstrip().startswith("{"):
        return str(json.loads(value)[json_field])
    return value.strip()


def reset() -> None:
    """Forget cached clients, e.g. after the endpoint in the environment changed."""
    _secrets.cache_clear()
    secretsmanager.cache_clear()
    dynamodb.cache_clear()
    cognito.cache_clear()
    stepfunctions.cache_clear()
    session.cache_clear()
