"""The Lambda entry point of a DynamoDB stream consumer (the score calculator, the tag counter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from hdoc.observability import logger
from hdoc.settings import requires


def stream_consumer(
    record_handler: Callable[[DynamoDBRecord], None], *needs: str
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """An entry point that hands each record of a batch to `record_handler`, on its own: a record that
    fails is reported back (a partial batch response), so only it is retried. `needs` names the
    environment variables the function needs (checked as it starts)."""
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    @requires(*needs)
    @logger.inject_lambda_context
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return dict(
            process_partial_response(
                event=event, record_handler=record_handler, processor=processor, context=context
            )
        )

    return lambda_handler
