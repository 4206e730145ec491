"""The keys pagination cursors are signed with, kept in a Secrets Manager secret of the stage.

The secret's current version signs; its previous version still verifies, so a key rotates by
putting a new value in the secret (Secrets Manager moves the old one to AWSPREVIOUS) and cursors
already handed out keep working. A key is known by the first characters of its version id.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from botocore.exceptions import ClientError

from hdoc import aws

REFRESH_SECONDS = 300  # a rotation reaches every running function within this
RELOAD_AT_MOST_EVERY_SECONDS = (
    60  # an unknown key id (a forged cursor) cannot make every request call Secrets Manager
)
KEY_ID_LENGTH = 12


class SecretCursorKeys:
    """Cursor keys read from the secret `secret_id`, cached for a few minutes."""

    def __init__(self, secret_id: str, clock: Callable[[], float] = time.monotonic) -> None:
        if not secret_id:
            raise ValueError("no cursor key secret: the function's environment lacks CURSOR_KEY_SECRET")
        self._secret_id = secret_id
        self._clock = clock
        self._current: tuple[str, bytes] | None = None
        self._previous: tuple[str, bytes] | None = None
        self._current_read_at = float("-inf")
        self._previous_read_at = float("-inf")

    def _version(self, stage: str) -> tuple[str, bytes] | None:
        try:
            found = aws.secretsmanager().get_secret_value(SecretId=self._secret_id, VersionStage=stage)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException" and stage == "AWSPREVIOUS":
                return None  # never rotated
            raise
        return found["VersionId"].replace("-", "")[:KEY_ID_LENGTH], found["SecretString"].encode()

    def _signing(self) -> tuple[str, bytes]:
        if self._current is None or self._clock() - self._current_read_at > REFRESH_SECONDS:
            self._current = self._version("AWSCURRENT")
            self._current_read_at = self._clock()
        assert self._current is not None
        return self._current

    def signing_key(self) -> tuple[str, bytes]:
        return self._signing()

    def verifying_key(self, key_id: str) -> bytes | None:
        current = self._signing()
        if key_id == current[0]:
            return current[1]
        if self._previous is not None and self._previous[0] == key_id:
            return self._previous[1]
        # A key this process has not seen: read both versions again (a rotation since the last read),
        # at most once a minute, so that forged key ids cannot make every request call Secrets Manager.
        if self._clock() - self._previous_read_at <= RELOAD_AT_MOST_EVERY_SECONDS:
            return None
        self._previous, self._previous_read_at = self._version("AWSPREVIOUS"), self._clock()
        self._current, self._current_read_at = self._version("AWSCURRENT"), self._clock()
        for known in (self._current, self._previous):
            if known is not None and known[0] == key_id:
                return known[1]
        return None
