"""Opaque pagination cursors, signed.

A cursor is the page's resume state, as JSON, base64url-encoded, then the id of the key that signed
it and an HMAC-SHA256 of both under that key. A truncated, edited or forged cursor (say, one that
claims a better leaderboard rank) is refused with a 400 instead of reaching DynamoDB or a page.
Every cursor names the listing it belongs to; one listing's cursor is refused by another.

The keys live outside the code (a secret per stage); the key id lets them rotate: the current key
signs, and the previous one still verifies the cursors it signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from hdoc.errors import InvalidParameterError

MAX_CURSOR_LENGTH = 1024
CURSOR_RULE = "the nextCursor of a previous page of this same listing, unchanged"
MAC_BYTES = 16
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")

State = TypeVar("State", bound=BaseModel)


class InvalidCursorError(InvalidParameterError):
    """The cursor was not issued by this listing, or was altered."""

    def __init__(self) -> None:
        super().__init__("cursor", f"must be {CURSOR_RULE}; start again without a cursor")


class CursorKeys(Protocol):
    """Where the signing keys come from."""

    def signing_key(self) -> tuple[str, bytes]:
        """The id and secret of the key new cursors are signed with."""
        ...

    def verifying_key(self, key_id: str) -> bytes | None:
        """The secret of key `key_id`, if cursors signed with it are still accepted."""
        ...


@dataclass(frozen=True)
class StaticCursorKeys:
    """Keys held in memory: `current` signs, every key in `keys` verifies."""

    current: str
    keys: Mapping[str, bytes]

    def signing_key(self) -> tuple[str, bytes]:
        return self.current, self.keys[self.current]

    def verifying_key(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, key_id: str, body: str) -> str:
    signed = f"hdoc-cursor.{key_id}.{body}".encode()
    return _b64encode(hmac.new(secret, signed, hashlib.sha256).digest()[:MAC_BYTES])


def encode_cursor(listing: str, state: BaseModel, keys: CursorKeys) -> str:
    """The cursor that resumes `listing` after `state`, signed with the current key."""
    payload = json.dumps(
        {"l": listing, "s": state.model_dump(mode="json")}, separators=(",", ":"), sort_keys=True
    ).encode()
    key_id, secret = keys.signing_key()
    body = _b64encode(payload)
    return f"{body}.{key_id}.{_mac(secret, key_id, body)}"


def decode_cursor(cursor: str, listing: str, model: type[State], keys: CursorKeys) -> State:
    """The state inside `cursor`; InvalidCursorError unless this listing issued it, unaltered."""
    if len(cursor) > MAX_CURSOR_LENGTH or cursor.count(".") != 2:
        raise InvalidCursorError()
    body, key_id, mac = cursor.split(".")
    secret = keys.verifying_key(key_id) if KEY_ID.fullmatch(key_id) else None
    if secret is None or not hmac.compare_digest(mac, _mac(secret, key_id, body)):
        raise InvalidCursorError()
    try:
        document = json.loads(_b64decode(body))
        if not isinstance(document, dict) or document.get("l") != listing:
            raise InvalidCursorError()
        return model.model_validate(document.get("s"))
    except (binascii.Error, ValueError, ValidationError) as error:
        raise InvalidCursorError() from error
