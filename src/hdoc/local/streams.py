"""DynamoDB Streams delivered to functions as Lambda's event source mapping delivers them.

For each `Type: DynamoDB` event of a function, records are read from the table's stream in order,
in batches of the declared BatchSize. A batch is retried when the function fails; with
FunctionResponseTypes [ReportBatchItemFailures], only from the first reported failure onwards. With
BisectBatchOnFunctionError a failing batch is split in two. After MaximumRetryAttempts the batch's
description goes to the OnFailure destination (an SQS queue) and delivery moves on. With
FilterCriteria, only the records one of its patterns matches reach the function (the others are
passed over, as Lambda drops them); the patterns' exact-value lists and nested keys are understood.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

log = logging.getLogger("hdoc-local")

# Lambda retries a failing stream batch until the records expire (-1). Locally, a bound keeps a
# poison record from looping forever when the template leaves the number unset.
LOCAL_RETRY_CEILING = 3


def lambda_record(value: Any) -> Any:
    """A stream record as Lambda's event carries it: epoch seconds for times, base64 for binaries."""
    if isinstance(value, dict):
        return {key: lambda_record(item) for key, item in value.items()}
    if isinstance(value, list):
        return [lambda_record(item) for item in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return value


def matches_pattern(pattern: dict[str, Any], event: Any) -> bool:
    """Whether an event filter pattern (Lambda's FilterCriteria) matches `event`: every key of the
    pattern is present, a nested pattern matches its value, a list holds the value."""
    if not isinstance(event, dict):
        return False
    for key, wanted in pattern.items():
        if key not in event:
            return False
        if isinstance(wanted, dict):
            if not matches_pattern(wanted, event[key]):
                return False
        elif isinstance(wanted, list):
            if any(isinstance(value, dict) for value in wanted):
                raise ValueError(f"filter operators such as {wanted} are not emulated here: use exact values")
            if event[key] not in wanted:
                return False
        else:
            raise ValueError(f"a filter pattern's value must be a list or an object, not {wanted!r}")
    return True


@dataclass
class StreamSubscription:
    """One function consuming one table stream."""

    function_name: str
    invoke: Callable[[dict[str, Any]], Any]
    stream_arn: str
    streams: Any  # a boto3 dynamodbstreams client
    send_to_destination: Callable[[str, dict[str, Any]], None] | None
    batch_size: int = 100
    starting_position: str = "TRIM_HORIZON"
    report_batch_item_failures: bool = False
    bisect_on_error: bool = False
    maximum_retry_attempts: int = LOCAL_RETRY_CEILING
    on_failure: str | None = None
    filters: list[dict[str, Any]] = field(default_factory=list)  # FilterCriteria's patterns (none: all)
    checkpoints: dict[str, str | None] = field(default_factory=dict)  # shard -> last sequence done
    delivered_batches: int = 0
    failed_batches: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_event(
        cls,
        function_name: str,
        invoke: Callable[[dict[str, Any]], Any],
        properties: dict[str, Any],
        streams: Any,
        send_to_destination: Callable[[str, dict[str, Any]], None] | None,
    ) -> StreamSubscription:
        """A subscription from the evaluated Properties of a `Type: DynamoDB` event."""
        retries = int(properties.get("MaximumRetryAttempts", -1))
        subscription = cls(
            function_name=function_name,
            invoke=invoke,
            stream_arn=properties["Stream"],
            streams=streams,
            send_to_destination=send_to_destination,
            batch_size=int(properties.get("BatchSize", 100)),
            starting_position=properties.get("StartingPosition", "TRIM_HORIZON"),
            report_batch_item_failures="ReportBatchItemFailures"
            in properties.get("FunctionResponseTypes", []),
            bisect_on_error=bool(properties.get("BisectBatchOnFunctionError", False)),
            maximum_retry_attempts=LOCAL_RETRY_CEILING if retries < 0 else retries,
            on_failure=properties.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"),
            filters=[
                json.loads(entry["Pattern"])
                for entry in properties.get("FilterCriteria", {}).get("Filters", [])
            ],
        )
        if subscription.starting_position == "LATEST":
            for shard in subscription._shards():
                records = subscription._records_after(shard, None)
                subscription.checkpoints[shard] = (
                    records[-1]["dynamodb"]["SequenceNumber"] if records else None
                )
        return subscription

    def _shards(self) -> list[str]:
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        return [shard["ShardId"] for shard in description.get("Shards", [])]

    def _records_after(self, shard: str, sequence: str | None) -> list[dict[str, Any]]:
        if sequence is None:
            request = {"ShardIteratorType": "TRIM_HORIZON"}
        else:
            request = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": sequence}
        iterator = self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard, **request)
        records = self.streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
        return list(records)

    def deliver_pending(self) -> int:
        """Deliver every record written so far; how many records were handled (or given up on)."""
        handled = 0
        with self._lock:
            for shard in self._shards():
                while True:
                    records = self._records_after(shard, self.checkpoints.get(shard))
                    if not records:
                        break
                    wanted = [record for record in records if self._wanted(record)]
                    for start in range(0, len(wanted), self.batch_size):
                        batch = wanted[start : start + self.batch_size]
                        self._deliver(batch)
                        self.checkpoints[shard] = batch[-1]["dynamodb"]["SequenceNumber"]
                        handled += len(batch)
                    self.checkpoints[shard] = records[-1]["dynamodb"]["SequenceNumber"]
        return handled

    def _wanted(self, record: dict[str, Any]) -> bool:
        if not self.filters:
            return True
        seen = lambda_record(record)
        return any(matches_pattern(pattern, seen) for pattern in self.filters)

    def _event(self, batch: list[dict[str, Any]]) -> dict[str, Any]:
        return {"Records": [{**lambda_record(record), "eventSourceARN": self.stream_arn} for record in batch]}

    def _deliver(self, batch: list[dict[str, Any]], attempts_left: int | None = None) -> None:
        """Invoke until the batch succeeds, retrying failed parts; give up after the retries."""
        attempts_left = self.maximum_retry_attempts if attempts_left is None else attempts_left
        pending = batch
        while pending:
            failed_from, crashed = self._invoke(pending)
            if failed_from is None:
                self.delivered_batches += 1
                return
            if attempts_left <= 0:
                self._give_up(pending)
                return
            attempts_left -= 1
            # A function error splits the batch in two; a reported failure resumes from that record.
            if crashed and self.bisect_on_error and len(pending) > 1:
                middle = len(pending) // 2
                self._deliver(pending[:middle], attempts_left)
                self._deliver(pending[middle:], attempts_left)
                return
            pending = pending[failed_from:]

    def _invoke(self, batch: list[dict[str, Any]]) -> tuple[int | None, bool]:
        """Where delivery must resume from (None: the batch succeeded), and whether the function failed."""
        try:
            result = self.invoke(self._event(batch))
        except Exception:
            log.exception("%s failed on a batch of %d stream records", self.function_name, len(batch))
            return 0, True
        if not self.report_batch_item_failures or not isinstance(result, dict):
            return None, False
        failures = result.get("batchItemFailures") or []
        if not failures:
            return None, False
        sequences = [record["dynamodb"]["SequenceNumber"] for record in batch]
        identifiers = [failure.get("itemIdentifier") for failure in failures]
        if any(identifier not in sequences for identifier in identifiers):
            return 0, False  # an unknown identifier fails the whole batch, as in Lambda
        return min(sequences.index(identifier) for identifier in identifiers), False

    def _give_up(self, batch: list[dict[str, Any]]) -> None:
        self.failed_batches += 1
        first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
        log.error("%s: giving up on %d stream records after retries", self.function_name, len(batch))
        if self.on_failure and self.send_to_destination:
            self.send_to_destination(
                self.on_failure,
                {
                    "requestContext": {
                        "functionArn": self.function_name,
                        "condition": "RetryAttemptsExhausted",
                    },
                    "timestamp": datetime.now(UTC).isoformat(),
                    "DDBStreamBatchInfo": {
                        "streamArn": self.stream_arn,
                        "startSequenceNumber": first["SequenceNumber"],
                        "endSequenceNumber": last["SequenceNumber"],
                        "batchSize": len(batch),
                    },
                },
            )


class Subscription(Protocol):
    """An event source mapping: a stream's (StreamSubscription) or a queue's (queues.QueueSubscription)."""

    function_name: str

    def deliver_pending(self) -> int: ...


class StreamPoller:
    """Delivers every subscription's new records in a background thread until stopped."""

    def __init__(self, subscriptions: list[Subscription], interval_seconds: float = 0.25) -> None:
        self.subscriptions = subscriptions
        self.interval_seconds = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hdoc-streams", daemon=True)

    def start(self) -> None:
        if self.subscriptions:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            for subscription in self.subscriptions:
                try:
                    subscription.deliver_pending()
                except Exception:  # keep polling: one broken consumer must not stop the others
                    log.exception("stream delivery to %s failed", subscription.function_name)
