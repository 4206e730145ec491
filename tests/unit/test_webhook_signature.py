"""The webhook signature, checked against the example in GitHub's documentation."""

from __future__ import annotations

import pytest

from hdoc.logic.webhook_signature import signature, signed_by

# "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!"
DOCUMENTED_SECRET = "It's a Secret to Everybody"
DOCUMENTED_BODY = b"Hello, World!"
DOCUMENTED_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_the_signature_is_the_one_github_documents():
    assert signature(DOCUMENTED_SECRET, DOCUMENTED_BODY) == DOCUMENTED_SIGNATURE
    assert signed_by(DOCUMENTED_SECRET, DOCUMENTED_BODY, DOCUMENTED_SIGNATURE)


@pytest.mark.parametrize(
    ("secret", "body", "header"),
    [
        (DOCUMENTED_SECRET, DOCUMENTED_BODY, None),  # unsigned
        (DOCUMENTED_SECRET, DOCUMENTED_BODY, ""),
        (DOCUMENTED_SECRET, DOCUMENTED_BODY, DOCUMENTED_SIGNATURE.removeprefix("sha256=")),  # no scheme
        (DOCUMENTED_SECRET, DOCUMENTED_BODY, "sha1=" + "0" * 40),
        ("another secret", DOCUMENTED_BODY, DOCUMENTED_SIGNATURE),
        (DOCUMENTED_SECRET, b"Hello, World?", DOCUMENTED_SIGNATURE),  # the body changed after signing
        (DOCUMENTED_SECRET, DOCUMENTED_BODY, DOCUMENTED_SIGNATURE[:-1] + "f"),
        (DOCUMENTED_SECRET, DOCUMENTED_BODY, "sha256=ünicode"),
        ("", DOCUMENTED_BODY, signature("", DOCUMENTED_BODY)),  # no secret configured signs nothing
    ],
)
def test_anything_else_is_not_signed(secret: str, body: bytes, header: str | None):
    assert not signed_by(secret, body, header)
