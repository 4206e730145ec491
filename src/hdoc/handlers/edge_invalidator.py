"""The edge invalidator: when a participant goes (deleted, or renamed away from a name), the website's
CloudFront forgets what it kept of them, from the USERS table's stream (logic/edge.py)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hdoc import aws
from hdoc.logic.edge import caller_reference, stale_paths
from hdoc.observability import logger
from hdoc.settings import requires, settings


@requires("DISTRIBUTION_ID")
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """One invalidation for the whole batch. A failure (CloudFront's limit of invalidations in
    progress, a throttle) fails the batch, which the event source retries; the retry sends the same
    CallerReference, so CloudFront does the invalidation once."""
    records = event.get("Records", [])
    paths = stale_paths(records)
    if not paths:
        return {"batchItemFailures": []}
    created = aws.cloudfront().create_invalidation(
        DistributionId=settings().distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": caller_reference(records),
        },
    )
    logger.info(
        "edge invalidation",
        extra={"invalidation": created["Invalidation"]["Id"], "paths": paths, "records": len(records)},
    )
    return {"batchItemFailures": []}
