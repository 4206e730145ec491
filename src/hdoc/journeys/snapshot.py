"""A journey repository as the rules read it, whatever it was read from (a local clone, GitHub)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Commit:
    """One commit of the history that leads to the head, and the journey's files in it."""

    sha: str
    authored_at: datetime  # in the author's own UTC offset; naive (UTC) when the source lost it
    files: Mapping[str, str]  # every file that can hold a day entry (path -> blob id) after this commit
    parents: tuple[str, ...] = ()  # merges have several; every parent comes before its children


@dataclass(frozen=True)
class Snapshot:
    """The journey's files at the head of the default branch, their history, and the README."""

    files: Mapping[str, str]  # path -> text, for the files that can hold day entries
    readme: str | None
    commits: Sequence[Commit] = ()  # every commit the head descends from, parents before children
    texts: Mapping[str, str] = field(default_factory=dict)  # blob id -> text, for every blob `commits` name
    created_at: datetime | None = None  # when the repository was created, if the source knows
    default_branch: str = "main"
    web_url: str | None = None  # where a file is shown: f"{web_url}/blob/{branch}/{path}"
    readme_path: str = "README.md"  # the README's own name at the head, when there is one
    # Files at the head that sit where a day's entry would but are not read (a PDF, images): names
    # only, so that a day with nothing else can say why it does not count (places.unread_day_of).
    unread: tuple[str, ...] = ()


def blob_id(text: str) -> str:
    """Git's blob id for a file's text."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def line_of_commits(changes: Sequence[tuple[datetime, Mapping[str, str | None]]]) -> Snapshot:
    """A Snapshot of one line of commits, each writing whole day files (None deletes one): journeys
    made in memory, for tests and benchmarks."""
    files: dict[str, str] = {}
    texts: dict[str, str] = {}
    commits: list[Commit] = []
    for number, (when, changed) in enumerate(changes, start=1):
        for path, markdown in changed.items():
            if markdown is None:
                files.pop(path, None)
            else:
                files[path] = markdown
                texts[blob_id(markdown)] = markdown
        parents = (commits[-1].sha,) if commits else ()
        blobs = {path: blob_id(markdown) for path, markdown in files.items()}
        commits.append(Commit(sha=f"{number:040x}", authored_at=when, files=blobs, parents=parents))
    return Snapshot(files=dict(files), readme=None, commits=commits, texts=texts)
