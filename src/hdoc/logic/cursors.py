"""Opaque pagination cursors.

A cursor is the page's resume state, as JSON, base64url-encoded, followed by a short checksum, so a
truncated or edited cursor is refused with a 400 instead of reaching DynamoDB. Every cursor names the
listing it belongs to; one listing's cursor is refused by another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from hdoc.logic.errors import InvalidParameterError

MAX_CURSOR_LENGTH = 1024
CURSOR_RULE = "the nextCursor of a previous page of this same listing, unchanged"

State = TypeVar("State", bound=BaseModel)


class InvalidCursorError(InvalidParameterError):
    """The cursor was not issued by this listing, or was altered."""

    def __init__(self) -> None:
        super().__init__("cursor", f"must be {CURSOR_RULE}; start again without a cursor")


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _checksum(payload: bytes) -> str:
    return _b64encode(hashlib.blake2b(payload, digest_size=9, person=b"hdoc-cursor").digest())


def encode_cursor(listing: str, state: BaseModel) -> str:
    """The cursor that resumes `listing` after `state`."""
    payload = json.dumps(
        {"l": listing, "s": state.model_dump(mode="json")}, separators=(",", ":"), sort_keys=True
    ).encode()
    return f"{_b64encode(payload)}.{_checksum(payload)}"


def decode_cursor(cursor: str, listing: str, model: type[State]) -> State:
    """The state inside `cursor`; InvalidCursorError unless this listing issued it, unaltered."""
    if len(cursor) > MAX_CURSOR_LENGTH or cursor.count(".") != 1:
        raise InvalidCursorError()
    body, checksum = cursor.split(".")
    try:
        payload = _b64decode(body)
    except (binascii.Error, ValueError) as error:
        raise InvalidCursorError() from error
    if checksum != _checksum(payload):
        raise InvalidCursorError()
    try:
        document = json.loads(payload)
        if not isinstance(document, dict) or document.get("l") != listing:
            raise InvalidCursorError()
        return model.model_validate(document.get("s"))
    except (ValueError, ValidationError) as error:
        raise InvalidCursorError() from error
