"""What every table's code shares about DynamoDB: stored timestamps and numbers, the one update-
expression builder, and reading why a conditional write or a transaction did not go through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

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
    """Write `items` in one transaction: None when it went through, else each item's cancellation
    reason (CONDITION_FAILED for those whose condition failed). Any other error is raised."""
    try:
        client.transact_write_items(TransactItems=items)
    except ClientError as error:
        if error_code(error) != "TransactionCanceledException":
            raise
        return [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
    return None


@dataclass
class Update:
    """An UpdateExpression being built: SET and REMOVE clauses with their names and values.

    `assign` adds fields under generated placeholders (#f0, :f0…), so that any attribute name is safe;
    the other clauses and the condition use the names and values given to `name` and `value`.
    """

    sets: list[str] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def name(self, placeholder: str, attribute: str) -> Update:
        self.names[placeholder] = attribute
        return self

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
