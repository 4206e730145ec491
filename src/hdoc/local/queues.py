"""SQS queues delivered to functions as Lambda's event source mapping delivers them.

For each `Type: SQS` event of a function, messages are received from the queue with the function's
role, in batches of the declared BatchSize, and handed to the function as an SQS event. Those the
function handled are deleted; with FunctionResponseTypes [ReportBatchItemFailures] the ones it
reports stay, and a function error leaves the whole batch. What stays comes back after the queue's
visibility timeout, and the queue's redrive policy moves it to its dead-letter queue (the embedded
SQS does both, as SQS does). A FIFO queue hands out no message of a group while one is in flight.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hdoc.local.cfn import REGION

log = logging.getLogger("hdoc-local")

# Batches one delivery round takes at most, so that a round ends even while messages keep coming.
MAX_BATCHES_PER_ROUND = 20


@dataclass
class QueueSubscription:
    """One function's event source mapping on one queue."""

    function_name: str
    invoke: Callable[[dict[str, Any]], Any]
    sqs: Any  # a client with the function's role
    queue_url: str
    queue_arn: str
    batch_size: int = 10
    report_batch_item_failures: bool = False
    delivered_batches: int = 0
    failed_messages: int = field(default=0)

    @classmethod
    def from_event(
        cls,
        function: Any,  # a LocalFunction
        properties: dict[str, Any],
        sqs: Any,
        queue_url: Callable[[str], str],
    ) -> QueueSubscription:
        """The mapping a `Type: SQS` event declares; `queue_url` finds the queue's URL from its ARN (as
        Lambda does, without the role's rights), `sqs` reads it with the function's role."""
        arn = str(properties["Queue"])
        return cls(
            function_name=function.logical_id,
            invoke=function.invoke,
            sqs=sqs,
            queue_url=queue_url(arn),
            queue_arn=arn,
            batch_size=int(properties.get("BatchSize", 10)),
            report_batch_item_failures="ReportBatchItemFailures"
            in (properties.get("FunctionResponseTypes") or []),
        )

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        body = message["Body"]
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": body,
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody") or hashlib.md5(body.encode("utf-8")).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": REGION,
        }

    def deliver_pending(self) -> int:
        """Hand every message that is visible now to the function; how many were handed over."""
        handed = 0
        for _ in range(MAX_BATCHES_PER_ROUND):
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(self.batch_size, 10),
                MessageSystemAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not messages:
                break
            handed += len(messages)
            self._deliver(messages)
        return handed

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        try:
            result = self.invoke({"Records": [self._record(message) for message in messages]})
        except Exception:
            log.exception("%s failed on a batch of %d queue messages", self.function_name, len(messages))
            self.failed_messages += len(messages)
            return  # every message comes back after the visibility timeout
        failed: set[str] = set()
        if self.report_batch_item_failures and isinstance(result, dict):
            failed = {str(failure.get("itemIdentifier")) for failure in result.get("batchItemFailures") or []}
        done = [message for message in messages if message["MessageId"] not in failed]
        self.failed_messages += len(messages) - len(done)
        self.delivered_batches += 1
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(done)
                ],
            )
