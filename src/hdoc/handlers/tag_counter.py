"""The tag counter: keeps each tag's article count from the ARTICLES table's stream."""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from hdoc.dal.articles import tag_change
from hdoc.handlers.streams import stream_consumer
from hdoc.handlers.tables import articles_table
from hdoc.observability import logger


def count_record(record: DynamoDBRecord) -> None:
    """Apply one stream record's effect on a tag count (none for most records)."""
    change = tag_change(record.raw_event)
    if change is not None:
        tag, article_id, delta = change
        applied = articles_table().apply_tag_change(tag, article_id, delta)
        logger.debug("tag count", extra={"tag": tag, "delta": delta, "applied": applied})


lambda_handler = stream_consumer(count_record, "ARTICLES_TABLE_NAME")
