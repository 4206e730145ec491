"""A journey repository as the rules read it, whatever it was read from (a local clone, GitHub)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Commit:
    """One commit of the default branch, and what it did to the journey's files."""

    sha: str
    authored_at: datetime  # in the author's own UTC offset; naive (UTC) when the source lost it
    changes: Mapping[str, str | None]  # path -> its text after this commit, None if deleted


@dataclass(frozen=True)
class Snapshot:
    """The journey's files at the head of the default branch, their history, and the README."""

    files: Mapping[str, str]  # path -> text, for the files that can hold day entries
    readme: str | None
    commits: Sequence[Commit] = ()  # oldest first, along the default branch
    created_at: datetime | None = None  # when the repository was created, if the source knows
    default_branch: str = "main"
    web_url: str | None = None  # where a file is shown: f"{web_url}/blob/{branch}/{path}"
