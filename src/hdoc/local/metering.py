"""What a request costs in DynamoDB, counted from boto3's own events (the local runtime's meter)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import botocore.session


@dataclass
class RequestStats:
    """What one request cost in DynamoDB."""

    items_read: int = 0
    items_written: int = 0
    calls: list[str] = field(default_factory=list)


_request_stats: contextvars.ContextVar[RequestStats | None] = contextvars.ContextVar(
    "hdoc_request_stats", default=None
)


@contextmanager
def measuring() -> Iterator[RequestStats]:
    """Count the DynamoDB items read and written by whatever runs inside (in this thread)."""
    stats = RequestStats()
    token = _request_stats.set(stats)
    try:
        yield stats
    finally:
        _request_stats.reset(token)


def count_dynamodb_reads(session: botocore.session.Session) -> None:
    session.register("after-call.dynamodb", _count_items_read, unique_id="hdoc-count-items-read")
    session.register(
        "before-parameter-build.dynamodb", _count_items_written, unique_id="hdoc-count-items-written"
    )


_SINGLE_WRITES = ("PutItem", "UpdateItem", "DeleteItem")


def _count_items_written(params: dict[str, Any], model: Any, **_: Any) -> None:
    stats = _request_stats.get()
    if stats is None:
        return
    if model.name in _SINGLE_WRITES:
        stats.items_written += 1
    elif model.name == "TransactWriteItems":
        stats.items_written += len(params.get("TransactItems", []))
    elif model.name == "BatchWriteItem":
        stats.items_written += sum(len(requests) for requests in params.get("RequestItems", {}).values())


def _count_items_read(parsed: dict[str, Any], model: Any, **_: Any) -> None:
    stats = _request_stats.get()
    if stats is None:
        return
    operation = model.name
    stats.calls.append(operation)
    if operation in ("Query", "Scan"):
        stats.items_read += int(parsed.get("ScannedCount", parsed.get("Count", 0)))
    elif operation == "GetItem":
        stats.items_read += 1 if "Item" in parsed else 0
    elif operation == "BatchGetItem":
        stats.items_read += sum(len(items) for items in parsed.get("Responses", {}).values())
