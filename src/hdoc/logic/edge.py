"""What the website's CloudFront must forget when a participant goes.

A participant's profile, journey, card and badge are public reads that the edge keeps (a card for up
to a day, handlers/caching.py). When a participant is deleted, or moves to a new name, the edge must
stop answering for the name that is gone: the USERS stream's REMOVE of a participant item says so,
and one invalidation per stream batch sends CloudFront the paths to forget.

The paths are wildcards over every participant read, because the API answers a username in any case
(`/users/Alice` and `/users/ALICE` are two cache entries) and with any query string (a card's theme):
only a prefix reaches every copy. The listings that name participants (the directory, the newest, the
leaderboard) go with them. Two wildcard paths per invalidation keep far within CloudFront's 15
wildcard paths in progress at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from hdoc.dal.user_items import removed_participant

# Where the website's CloudFront serves the API (frontend/template.yaml's `/api/*` behaviour; the
# local site the same).
SITE_API_PATH = "/api"
PARTICIPANT_READS = ("/users*", "/leaderboard*")


def stale_paths(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """The site paths to invalidate after these USERS stream records (none when no participant went)."""
    if not any(removed_participant(record) for record in records):
        return []
    return [f"{SITE_API_PATH}{path}" for path in PARTICIPANT_READS]


def caller_reference(records: Iterable[Mapping[str, Any]]) -> str:
    """The invalidation's CallerReference: the same for a retried batch (so CloudFront does it once),
    another for any other batch."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(str(record.get("eventID") or record.get("dynamodb", {}).get("SequenceNumber")).encode())
        digest.update(b"\n")
    return f"hdoc-users-{digest.hexdigest()[:32]}"
