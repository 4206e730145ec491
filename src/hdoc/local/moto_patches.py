"""Two changes to moto's DynamoDB for the local runtime: one makes it behave as DynamoDB does, one
makes it faster. Neither changes a result.

- Atomic operations. DynamoDB applies each write (and each transaction) atomically, conditions
  included. moto's server answers requests in threads and checks a condition, then writes, with
  nothing in between to stop another thread: two concurrent conditional writes could both pass, and
  a transaction's snapshot can be taken while another request changes the table under it. The
  local runtime serves concurrent requests, so every DynamoDB operation is serialized here.
- Faster sorting. moto sorts a Query's candidates with DynamoType comparisons, each recomputing
  `cast_value` through five type checks. For a string, `cast_value` is the string itself.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType

_lock = threading.RLock()
_original_cast_value = DynamoType.cast_value


def _cast_value(self: DynamoType) -> Any:
    if self.type == "S":
        return self.value
    return _original_cast_value.fget(self)  # type: ignore[attr-defined]


def _serialized(write: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write)
    def serialized_write(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return write(*args, **kwargs)

    return serialized_write


def install() -> None:
    """Apply both changes (once per process)."""
    if DynamoType.cast_value is not _original_cast_value:
        return
    DynamoType.cast_value = property(_cast_value)  # type: ignore[assignment,method-assign]
    for name, member in list(vars(DynamoDBBackend).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(DynamoDBBackend, name, _serialized(member))
