"""Two changes to moto's DynamoDB for the local runtime: one makes it behave as DynamoDB does, one
makes it faster. Neither changes a result.

- Atomic writes. DynamoDB applies each write (and each transaction) atomically, conditions
  included. moto's server answers requests in threads and checks a condition, then writes, with
  nothing in between to stop another thread: two concurrent conditional writes could both pass.
  The local runtime serves concurrent requests, so its writes are serialized here.
- Faster sorting. moto sorts a Query's candidates with DynamoType comparisons, each recomputing
  `cast_value` through five type checks. For a string, `cast_value` is the string itself.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_write_lock = threading.RLock()
_original_cast_value = DynamoType.cast_value


def _cast_value(self: DynamoType) -> Any:
    if self.type == "S":
        return self.value
    return _original_cast_value.fget(self)  # type: ignore[attr-defined]


def _serialized(write: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write)
    def serialized_write(*args: Any, **kwargs: Any) -> Any:
        with _write_lock:
            return write(*args, **kwargs)

    return serialized_write


def install() -> None:
    """Apply both changes (once per process)."""
    if DynamoType.cast_value is not _original_cast_value:
        return
    DynamoType.cast_value = property(_cast_value)  # type: ignore[assignment,method-assign]
    for name in _WRITES:
        setattr(DynamoDBBackend, name, _serialized(getattr(DynamoDBBackend, name)))
