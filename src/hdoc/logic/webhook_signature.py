"""GitHub's webhook signature: the X-Hub-Signature-256 header is "sha256=" and the hex HMAC-SHA256 of
the raw body, keyed with the webhook's secret. Checked in constant time, before anything is parsed."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="


def signature(secret: str, body: bytes) -> str:
    """The header value GitHub sends with `body` for a webhook whose secret is `secret`."""
    return _PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signed_by(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` is `body`'s signature with `secret` (False for none, or for an empty secret)."""
    if not secret or not header or not header.startswith(_PREFIX):
        return False
    return hmac.compare_digest(
        signature(secret, body).encode("ascii"), header.strip().encode("ascii", "replace")
    )
