"""Which tag count a change to the ARTICLES table moves: a tag entry appearing or disappearing."""

from __future__ import annotations

from typing import Any


def change_for(record: dict[str, Any]) -> tuple[str, str, int] | None:
    """(tag, article id, +1 or -1) for a tag entry inserted or removed; None for anything else."""
    keys = record.get("dynamodb", {}).get("Keys", {})
    pk = keys.get("pk", {}).get("S", "")
    if not pk.startswith("tag#"):
        return None
    article_id = keys.get("sk", {}).get("S", "").rsplit("#", 1)[-1]
    event = record.get("eventName")
    if event == "INSERT":
        return pk.removeprefix("tag#"), article_id, +1
    if event == "REMOVE":
        return pk.removeprefix("tag#"), article_id, -1
    return None
