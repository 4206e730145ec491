"""What a request costs in DynamoDB, counted from boto3's own events (the local runtime's meter)."""

from __future__ import annotations

import contextvars
import math
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
    read_units: float = 0.0  # DynamoDB read request units, as on-demand bills them
    calls: list[str] = field(default_factory=list)
    consistent: bool = False  # whether the call under way asked for a strongly consistent read


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
    stats.consistent = bool(params.get("ConsistentRead"))
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
    per_unit = 1.0 if stats.consistent else 0.5  # an eventually consistent read costs half a unit
    if operation in ("Query", "Scan"):
        stats.items_read += int(parsed.get("ScannedCount", parsed.get("Count", 0)))
        size = sum(item_size(item) for item in parsed.get("Items", []))
        stats.read_units += max(1, math.ceil(size / READ_UNIT_BYTES)) * per_unit
    elif operation == "GetItem":
        stats.items_read += 1 if "Item" in parsed else 0
        stats.read_units += max(1, math.ceil(item_size(parsed.get("Item", {})) / READ_UNIT_BYTES)) * per_unit
    elif operation == "BatchGetItem":
        found = [item for items in parsed.get("Responses", {}).values() for item in items]
        stats.items_read += len(found)
        stats.read_units += sum(math.ceil(item_size(item) / READ_UNIT_BYTES) * per_unit for item in found)


READ_UNIT_BYTES = 4096


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: each attribute's name and value (botocore's shapes)."""
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 1
    if kind == "B":
        return len(inner)
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: member}) for member in inner)
    if kind == "L":
        return 3 + sum(1 + _value_size(member) for member in inner)
    if kind == "M":
        return 3 + sum(1 + len(name.encode("utf-8")) + _value_size(member) for name, member in inner.items())
    return 1  # BOOL, NULL
