"""Three changes to moto's DynamoDB for the local runtime: one makes it behave as DynamoDB does, two
make it faster. None changes a result.

- Atomic operations. DynamoDB applies each write (and each transaction) atomically, conditions
  included. moto's server answers requests in threads and checks a condition, then writes, with
  nothing in between to stop another thread: two concurrent conditional writes could both pass, and
  a transaction's snapshot can be taken while another request changes the table under it. The
  local runtime serves concurrent requests, so every DynamoDB operation is serialized here.
- Faster sorting. moto sorts a Query's candidates with DynamoType comparisons, each recomputing
  `cast_value` through five type checks. For a string, `cast_value` is the string itself.
- Cheap transaction rollback. moto's TransactWriteItems deep-copies every table a transaction names,
  once per action, to roll back on failure: seconds per transaction on a table of 10,000 items.
  Here it keeps a copy of only the items the transaction names (at most 100) and the length of each
  table's stream, and on failure puts those items back and forgets the stream records written since,
  so a cancelled transaction leaves neither items nor stream records behind, as in DynamoDB.
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any

import moto.dynamodb.models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

_lock = threading.RLock()
_original_cast_value = DynamoType.cast_value
_original_transact_write_items = DynamoDBBackend.transact_write_items


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


class _CopyKeepingTables:
    """What moto's DynamoDB backend sees as the `copy` module: a table "copy" is the table itself
    (the transaction below rolls back item by item instead); everything else is deep-copied."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


_Snapshot = tuple[Table, DynamoType, DynamoType | None, Item | None]


def _snapshot(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[_Snapshot]:
    snapshots: list[_Snapshot] = []
    for action in transact_items:
        for op_type, op in action.items():
            table = backend.tables.get(op.get("TableName", ""))
            key = op.get("Item") if op_type == "Put" else op.get("Key")
            if table is None or not isinstance(key, dict):
                continue
            range_attr = table.range_key_attr
            if table.hash_key_attr not in key or (range_attr is not None and range_attr not in key):
                continue  # moto refuses the transaction before it writes anything
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = DynamoType(key[range_attr]) if range_attr is not None else None
            current = table.get_item(hash_value, range_value)
            snapshots.append((table, hash_value, range_value, copy.deepcopy(current)))
    return snapshots


def _restore(snapshots: list[_Snapshot]) -> None:
    for table, hash_value, range_value, item in reversed(snapshots):
        if range_value is None:
            table.items.pop(hash_value, None)
            if item is not None:
                table.items[hash_value] = item  # type: ignore[assignment]  # moto: hash -> item
        else:
            table.items[hash_value].pop(range_value, None)
            if item is not None:
                table.items[hash_value][range_value] = item


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    snapshots = _snapshot(self, transact_items)
    shards = {table.stream_shard for table, *_ in snapshots if table.stream_shard is not None}
    streams = {shard: len(shard.items) for shard in shards}
    try:
        _original_transact_write_items(self, transact_items)
    except BaseException:
        _restore(snapshots)
        for shard, length in streams.items():
            del shard.items[length:]
        raise


def install() -> None:
    """Apply the three changes (once per process)."""
    if DynamoType.cast_value is not _original_cast_value:
        return
    DynamoType.cast_value = property(_cast_value)  # type: ignore[assignment,method-assign]
    moto.dynamodb.models.copy = _CopyKeepingTables  # type: ignore[assignment,attr-defined]
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    for name, member in list(vars(DynamoDBBackend).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(DynamoDBBackend, name, _serialized(member))
