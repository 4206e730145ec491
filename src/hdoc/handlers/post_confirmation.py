"""Cognito's PostConfirmation trigger: a confirmed sign-up gets its account record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import PostConfirmationTriggerEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from hdoc.handlers.tables import users_table
from hdoc.observability import logger
from hdoc.settings import requires

CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"


@requires("USERS_TABLE_NAME")
@logger.inject_lambda_context
@event_source(data_class=PostConfirmationTriggerEvent)
def lambda_handler(event: PostConfirmationTriggerEvent, context: LambdaContext) -> dict[str, Any]:
    """Write the account record (once: a retry or a second confirmation changes nothing).

    Cognito also calls this trigger after a forgotten password is reset; that changes nothing here.
    """
    if event.trigger_source == CONFIRM_SIGN_UP:
        attributes = event.request.user_attributes
        account_created = users_table().put_account(
            attributes["sub"], attributes.get("email", ""), datetime.now(UTC)
        )
        logger.info("account record", extra={"account_created": account_created})
    return event.raw_event
