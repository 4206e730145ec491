"""A journey repository as the fake GitHub holds it: commits of whole files, with GitHub's blob ids."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


def blob_sha(text: str) -> str:
    """Git's blob id for a file's text."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class FakeCommit:
    sha: str
    authored_at: datetime
    tree: Mapping[str, str]  # every file after this commit
    changed: frozenset[str]


@dataclass
class FakeRepository:
    """A repository as GitHub holds it: a line of commits on the default branch."""

    full_name: str
    created_at: datetime
    default_branch: str = "main"
    commits: list[FakeCommit] = field(default_factory=list)  # oldest first

    def commit(self, when: datetime, files: Mapping[str, str | None]) -> FakeCommit:
        """Commit `files` (None deletes) on top of the head, authored at `when`."""
        tree = dict(self.commits[-1].tree) if self.commits else {}
        for path, text in files.items():
            if text is None:
                tree.pop(path, None)
            else:
                tree[path] = text
        parent = self.commits[-1].sha if self.commits else ""
        digest = hashlib.sha1(
            json.dumps([parent, when.isoformat(), sorted(tree.items())]).encode(), usedforsecurity=False
        )
        made = FakeCommit(digest.hexdigest(), when, tree, frozenset(files))
        self.commits.append(made)
        return made

    @property
    def head(self) -> FakeCommit | None:
        return self.commits[-1] if self.commits else None

    def find(self, sha: str) -> FakeCommit | None:
        return next((made for made in self.commits if made.sha == sha), None)

    def history(self, sha: str, path: str | None) -> list[FakeCommit]:
        """Commits up to `sha`, newest first, touching `path` (all without one)."""
        end = next((index for index, made in enumerate(self.commits) if made.sha == sha), -1)
        line = self.commits[: end + 1][::-1]
        return [made for made in line if path is None or path in made.changed]
