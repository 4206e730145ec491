"""The tag counter: keeps each tag's article count from the ARTICLES table's stream."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from hdoc.dal.articles import tag_change
from hdoc.handlers.tables import articles_table
from hdoc.observability import logger
from hdoc.settings import requires

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def count_record(record: DynamoDBRecord) -> None:
    """Apply one stream record's effect on a tag count (none for most records)."""
    change = tag_change(record.raw_event)
    if change is not None:
        tag, article_id, delta = change
        applied = articles_table().apply_tag_change(tag, article_id, delta)
        logger.debug("tag count", extra={"tag": tag, "delta": delta, "applied": applied})


@requires("ARTICLES_TABLE_NAME")
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(
        process_partial_response(
            event=event, record_handler=count_record, processor=processor, context=context
        )
    )
