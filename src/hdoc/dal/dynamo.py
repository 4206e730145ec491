"""What every table's code shares about DynamoDB: stored timestamps and numbers, the one update-
expression builder, and reading why a conditional write or a transaction did not go through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from hdoc import aws

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
CONDITION_FAILED = "ConditionalCheckFailed"  # a transaction item's cancellation reason


def timestamp(moment: datetime) -> str:
    """A fixed-width UTC timestamp that sorts as text in time order."""
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def plain(value: Any) -> Any:
    """A value read from DynamoDB as plain Python: its numbers (hdoc stores whole ones) as int."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def condition_failed(error: ClientError) -> bool:
    """Whether a single conditional write was refused by its condition."""
    return error_code(error) == "ConditionalCheckFailedException"


def transact(client: Any, items: list[dict[str, Any]]) -> list[str | None] | None:
    """Write `items` (values as plain Python) in one transaction: None when it went through, else each
    item's cancellation reason (CONDITION_FAILED for those whose condition failed). Any other error
    is raised."""
    try:
        client.transact_write_items(TransactItems=encode_transaction(items))
    except ClientError as error:
        if error_code(error) != "TransactionCanceledException":
            raise
        return [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
    return None


@dataclass
class Update:
    """An UpdateExpression being built: SET and REMOVE clauses with their names and values.

    `assign` adds fields under generated placeholders (#f0, :f0…), so that any attribute name is safe;
    the other clauses and the condition use the names given at construction and the values of `value`.
    """

    sets: list[str] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def value(self, placeholder: str, value: Any) -> Update:
        self.values[placeholder] = value
        return self

    def assign(self, fields: dict[str, Any], prefix: str = "f") -> Update:
        """SET each field to its value (in name order); a None value REMOVEs the attribute."""
        for index, (attribute, value) in enumerate(sorted(fields.items())):
            placeholder = f"{prefix}{index}"
            self.names[f"#{placeholder}"] = attribute
            if value is None:
                self.removes.append(f"#{placeholder}")
            else:
                self.values[f":{placeholder}"] = value
                self.sets.append(f"#{placeholder} = :{placeholder}")
        return self

    def expression(self) -> str:
        clauses = []
        if self.sets:
            clauses.append("SET " + ", ".join(self.sets))
        if self.removes:
            clauses.append("REMOVE " + ", ".join(self.removes))
        return " ".join(clauses)


# -- values as plain Python, on botocore's low-level client ------------------------------------------


def to_attribute(value: Any) -> dict[str, Any]:
    """A Python value as a DynamoDB attribute value (what boto3's TypeSerializer makes)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, float):
        return {"N": str(Decimal(str(value)))}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, dict):
        return {"M": {str(key): to_attribute(item) for key, item in value.items()}}
    if isinstance(value, set | frozenset):
        if value and all(isinstance(item, str) for item in value):
            return {"SS": sorted(value)}
        if value and all(isinstance(item, int | Decimal) and not isinstance(item, bool) for item in value):
            return {"NS": sorted(str(item) for item in value)}
        raise TypeError(f"a set to store must hold strings or numbers alone, not {value!r}")
    if isinstance(value, list | tuple):
        return {"L": [to_attribute(item) for item in value]}
    raise TypeError(f"cannot store a {type(value).__name__} in DynamoDB")


def _number(text: str) -> int | Decimal:
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() and "e" not in text.lower() else number


def from_attribute(attribute: dict[str, Any]) -> Any:
    """A DynamoDB attribute value as Python (whole numbers as int)."""
    ((kind, value),) = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        return _number(value)
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "M":
        return {key: from_attribute(item) for key, item in value.items()}
    if kind == "L":
        return [from_attribute(item) for item in value]
    if kind == "SS":
        return set(value)
    if kind == "NS":
        return {_number(item) for item in value}
    if kind == "B":
        return bytes(value)
    if kind == "BS":
        return {bytes(item) for item in value}
    raise TypeError(f"unknown DynamoDB attribute type {kind}")


def to_attributes(values: dict[str, Any]) -> dict[str, Any]:
    return {name: to_attribute(value) for name, value in values.items()}


def from_attributes(item: dict[str, Any]) -> dict[str, Any]:
    return {name: from_attribute(value) for name, value in item.items()}


_ITEM_PARAMETERS = ("Key", "Item", "ExclusiveStartKey", "ExpressionAttributeValues")


def _encoded(request: dict[str, Any]) -> dict[str, Any]:
    """A request with its keys, items and expression values as attribute values."""
    return {
        name: to_attributes(value) if name in _ITEM_PARAMETERS else value for name, value in request.items()
    }


def _decoded(response: dict[str, Any]) -> dict[str, Any]:
    decoded = dict(response)
    for name in ("Item", "Attributes", "LastEvaluatedKey"):
        if name in decoded:
            decoded[name] = from_attributes(decoded[name])
    if "Items" in decoded:
        decoded["Items"] = [from_attributes(item) for item in decoded["Items"]]
    if "Responses" in decoded:
        decoded["Responses"] = {
            table: [from_attributes(item) for item in items] for table, items in decoded["Responses"].items()
        }
    return decoded


class Table:
    """One DynamoDB table, its keys, items and values as plain Python, through botocore's client."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def client(self) -> Any:
        return aws.dynamodb()

    def _call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        answer = getattr(self.client, operation)(TableName=self.name, **_encoded(request))
        return _decoded(answer)

    def get_item(self, **request: Any) -> dict[str, Any]:
        return self._call("get_item", request)

    def put_item(self, **request: Any) -> dict[str, Any]:
        return self._call("put_item", request)

    def update_item(self, **request: Any) -> dict[str, Any]:
        return self._call("update_item", request)

    def delete_item(self, **request: Any) -> dict[str, Any]:
        return self._call("delete_item", request)

    def query(self, **request: Any) -> dict[str, Any]:
        return self._call("query", request)

    def batch_get(self, keys: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
        """The items at `keys` (at most 100), in no particular order, following unprocessed keys."""
        pending: dict[str, Any] = {self.name: {"Keys": [to_attributes(key) for key in keys], **options}}
        found: list[dict[str, Any]] = []
        for _ in range(10):
            if not pending:
                break
            answer = self.client.batch_get_item(RequestItems=pending)
            found += [from_attributes(item) for item in answer.get("Responses", {}).get(self.name, [])]
            pending = answer.get("UnprocessedKeys") or {}
        if pending:
            raise RuntimeError("DynamoDB left keys unprocessed after 10 attempts; try again later")
        return found

    def batch_put(self, items: list[dict[str, Any]]) -> None:
        """Write `items` 25 at a time, following unprocessed items."""
        for start in range(0, len(items), 25):
            pending: dict[str, Any] = {
                self.name: [
                    {"PutRequest": {"Item": to_attributes(item)}} for item in items[start : start + 25]
                ]
            }
            for _ in range(10):
                if not pending:
                    break
                pending = self.client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if pending:
                raise RuntimeError("DynamoDB left items unwritten after 10 attempts; try again later")


def key_equals(attribute: str, value: Any) -> dict[str, Any]:
    """The parts of a Query whose key condition is `attribute = value`."""
    return {
        "KeyConditionExpression": "#key = :key",
        "ExpressionAttributeNames": {"#key": attribute},
        "ExpressionAttributeValues": {":key": value},
    }


def transact_write(client: Any, items: list[dict[str, Any]]) -> None:
    """Write `items` (values as plain Python) in one transaction; a refused one raises ClientError."""
    client.transact_write_items(TransactItems=encode_transaction(items))


def encode_transaction(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """TransactItems with their keys, items and expression values as attribute values."""
    return [{operation: _encoded(request) for operation, request in item.items()} for item in items]
