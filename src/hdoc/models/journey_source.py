"""What hdoc keeps of where a journey was read from, between two reads of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Known:
    """What the last refresh of a journey stored, to fetch only what changed next time."""

    etag: str | None = None
    head: str | None = None
    blobs: Mapping[str, str] = field(default_factory=dict)  # journey file or README path -> blob SHA
