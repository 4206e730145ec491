"""boto3 clients, built lazily on first use so that importing hdoc needs no AWS."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


@lru_cache(maxsize=1)
def session() -> boto3.session.Session:
    """The process-wide boto3 session (the local runtime hooks its events to count items read)."""
    return boto3.session.Session()


@lru_cache(maxsize=1)
def dynamodb() -> Any:
    """The DynamoDB service resource."""
    return session().resource("dynamodb", config=_CONFIG)


def reset() -> None:
    """Forget cached clients, e.g. after the endpoint in the environment changed."""
    dynamodb.cache_clear()
    session.cache_clear()
