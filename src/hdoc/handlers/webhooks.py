"""POST /webhooks/github: the GitHub App's webhook deliveries (push, installation events).

No Cognito: the X-Hub-Signature-256 header is the authentication, checked against the raw body with
the webhook secret before anything else is read. The work a push asks for is queued (the push queue,
which the stats stack's push refresher reads), so that GitHub has its answer, 202, within its 10 s.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from hdoc import aws
from hdoc.errors import InvalidParameterError, UpstreamError
from hdoc.handlers.api import (
    API_ENVIRONMENT,
    build_resolver,
    current_event,
    documented_responses,
    lambda_handler_for,
)
from hdoc.handlers.api import problem_result as _problem_result
from hdoc.handlers.tables import users_table
from hdoc.logic.webhook_signature import SIGNATURE_HEADER, signed_by
from hdoc.logic.webhooks import Delivery, PushRefresh, take
from hdoc.models.base import ApiModel
from hdoc.observability import logger
from hdoc.settings import requires, settings

WEBHOOK_PATH = "/webhooks/github"
# GitHub sends no payload over 25 MB (API Gateway itself refuses a request over 10 MB).
MAX_WEBHOOK_BYTES = 25 * 1024 * 1024
EVENT_HEADER, DELIVERY_HEADER = "X-GitHub-Event", "X-GitHub-Delivery"
NEEDS = ("USERS_TABLE_NAME", "GITHUB_WEBHOOK_SECRET", "PUSH_QUEUE_URL")

router = Router()


class WebhookAnswer(ApiModel):
    """What hdoc did with a delivery (GitHub shows it in the App's delivery log)."""

    action: str
    detail: str


def _header(event: dict[str, Any], name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else str(body).encode("utf-8")


def queue_refresh(refresh: PushRefresh) -> None:
    """Queue the journey's refresh: one message group per participant (their pushes are read in
    order, one at a time), deduplicated by delivery id (GitHub sending one delivery twice at once)."""
    try:
        aws.sqs().send_message(
            QueueUrl=settings().push_queue_url,
            MessageBody=json.dumps(refresh.message()),
            MessageGroupId=refresh.username.lower(),
            MessageDeduplicationId=refresh.delivery_id,
        )
    except (ClientError, BotoCoreError) as error:
        logger.exception("the push queue refused a refresh")
        raise UpstreamError("The refresh could not be queued; GitHub may redeliver this push.") from error


@router.post(
    WEBHOOK_PATH,
    summary="GitHub App webhook deliveries",
    description=(
        "Where GitHub sends the hdoc GitHub App's events: a push to the default branch of a verified "
        "participant's journey repository queues a refresh of that journey; installation and "
        "installation_repositories keep which repositories the App reads. Signed with the webhook "
        f"secret ({SIGNATURE_HEADER}; 401 when unsigned or wrong); a redelivery ({DELIVERY_HEADER}) "
        "is done once; any other event or repository is acknowledged (202) and left alone."
    ),
    tags=["webhooks"],
    responses=documented_responses(WebhookAnswer, 400, 401, 413, status=202),
)
def github_webhook() -> Response[WebhookAnswer]:
    event = current_event()
    try:
        payload = json.loads(_raw_body(event))
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameterError("body", "is not JSON: GitHub Apps send application/json") from None
    if not isinstance(payload, dict):
        raise InvalidParameterError("body", "must be a JSON object")
    delivery = Delivery(
        event=(_header(event, EVENT_HEADER) or "").strip(),
        delivery_id=(_header(event, DELIVERY_HEADER) or "").strip()[:100],
        payload=payload,
    )
    if not delivery.event or not delivery.delivery_id:
        raise InvalidParameterError("headers", f"a delivery names its {EVENT_HEADER} and {DELIVERY_HEADER}")
    outcome = take(users_table(), delivery, queue_refresh, datetime.now(UTC))
    logger.info(
        "webhook delivery",
        extra={"event": delivery.event, "delivery": delivery.delivery_id, "action": outcome.action},
    )
    return Response(
        status_code=HTTPStatus.ACCEPTED.value,
        content_type=content_types.APPLICATION_JSON,
        body=WebhookAnswer(action=outcome.action, detail=outcome.detail),
    )


_resolved = lambda_handler_for(lambda: build_resolver(router), MAX_WEBHOOK_BYTES, needs=NEEDS)


@requires(*API_ENVIRONMENT, *NEEDS)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The signature first: an unsigned or wrongly signed delivery is refused before its body is
    parsed or anything is read or written."""
    if event.get("httpMethod") == "POST" and (event.get("path") or "").endswith(WEBHOOK_PATH):
        body = _raw_body(event)
        if len(body) > MAX_WEBHOOK_BYTES:
            return _problem_result(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "payload-too-large",
                f"A webhook delivery is at most {MAX_WEBHOOK_BYTES // 1024 // 1024} MB.",
            )
        secret = aws.secret_text(settings().github_webhook_secret, "secret")
        if not signed_by(secret, body, _header(event, SIGNATURE_HEADER)):
            logger.warning(
                "webhook refused: bad signature", extra={"delivery": _header(event, DELIVERY_HEADER)}
            )
            return _problem_result(
                HTTPStatus.UNAUTHORIZED,
                "unauthorized",
                f"The delivery is not signed with this App's webhook secret ({SIGNATURE_HEADER}).",
            )
    return _resolved(event, context)
