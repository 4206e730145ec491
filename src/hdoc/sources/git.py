"""A journey from git's own objects: a local clone's, or those fetched from GitHub (github.py).

Both read the history the same way, here, with dulwich (git in pure Python; no git program needed):
every commit the head descends from, merges and branches included, each with the blob ids of its
day files; then the text of every blob any of them names, once each. The rules (journeys/) get the
same Snapshot from a clone and from GitHub, so `hdoc journey` and the website agree.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from dulwich.errors import NotGitRepository
from dulwich.object_store import BaseObjectStore
from dulwich.objects import Commit as GitCommit
from dulwich.objects import ObjectID, Tree
from dulwich.refs import Ref
from dulwich.repo import Repo

from hdoc.journeys.places import day_of, is_readme, unread_day_of
from hdoc.journeys.snapshot import Commit, Snapshot

MAX_COMMITS = 20_000  # far beyond any journey; a repository with more is not read


class NotAJourney(Exception):
    """The path cannot be read as a journey; the message says why, for the participant."""


@dataclass(frozen=True)
class History:
    """What a head's history names: its commits (parents first) and the README at the head."""

    commits: list[Commit]
    readme: tuple[str, str] | None  # (path, blob id)
    unread: tuple[str, ...] = ()  # files at the head at a day's place that are not read (PDFs, images)

    @property
    def blobs(self) -> set[str]:
        """Every blob the rules read: each commit's day files, and the README."""
        named = {blob for commit in self.commits for blob in commit.files.values()}
        return named | ({self.readme[1]} if self.readme else set())

    @property
    def head_blobs(self) -> dict[str, str]:
        """The day files and README at the head: path -> blob id."""
        files = dict(self.commits[-1].files)
        if self.readme:
            files[self.readme[0]] = self.readme[1]
        return files


def _authored_at(commit: GitCommit) -> datetime:
    moment = datetime.fromtimestamp(commit.author_time, UTC)
    try:
        return moment.astimezone(timezone(timedelta(seconds=commit.author_timezone)))
    except ValueError:  # an offset Python cannot hold (git accepts any): the instant, in UTC
        return moment


class _Trees:
    """The day files under each tree, read once per (tree, folder) however many commits share it."""

    def __init__(self, store: BaseObjectStore) -> None:
        self._store = store
        self._seen: dict[tuple[ObjectID, str], dict[str, str]] = {}

    def day_files(self, tree_id: ObjectID, folder: str = "") -> dict[str, str]:
        key = (tree_id, folder)
        if key not in self._seen:
            files: dict[str, str] = {}
            tree = self._store[tree_id]
            assert isinstance(tree, Tree)
            for entry in tree.iteritems():
                path = folder + entry.path.decode("utf-8", "replace")
                if stat.S_ISDIR(entry.mode):
                    files.update(self.day_files(entry.sha, path + "/"))
                elif stat.S_ISREG(entry.mode) and day_of(path) is not None:
                    files[path] = entry.sha.decode()
            self._seen[key] = files
        return self._seen[key]

    def unread(self, tree_id: ObjectID, folder: str = "") -> list[str]:
        """The files under a tree that sit at a day's place but are not entries (names only)."""
        found: list[str] = []
        tree = self._store[tree_id]
        assert isinstance(tree, Tree)
        for entry in tree.iteritems():
            path = folder + entry.path.decode("utf-8", "replace")
            if stat.S_ISDIR(entry.mode):
                found += self.unread(entry.sha, path + "/")
            elif stat.S_ISREG(entry.mode) and unread_day_of(path) is not None:
                found.append(path)
        return found

    def readme(self, tree_id: ObjectID) -> tuple[str, str] | None:
        tree = self._store[tree_id]
        assert isinstance(tree, Tree)
        found = sorted(
            (entry.path.decode("utf-8", "replace"), entry.sha.decode())
            for entry in tree.iteritems()
            if stat.S_ISREG(entry.mode) and is_readme(entry.path.decode("utf-8", "replace"))
        )
        return found[0] if found else None


def _parents_first(store: BaseObjectStore, head: ObjectID) -> list[GitCommit]:
    """Every commit `head` descends from, each after all of its parents (head last)."""
    order: list[GitCommit] = []
    done: set[ObjectID] = set()
    stack: list[tuple[ObjectID, bool]] = [(head, False)]
    while stack:
        sha, expanded = stack.pop()
        if sha in done:
            continue
        commit = store[sha]
        if not isinstance(commit, GitCommit):
            raise NotAJourney(f"{sha.decode()} is not a commit")
        if expanded:
            done.add(sha)
            order.append(commit)
            if len(order) > MAX_COMMITS:
                raise NotAJourney(
                    f"the history has more than {MAX_COMMITS} commits; hdoc reads journeys only"
                )
            continue
        stack.append((sha, True))
        stack.extend((parent, False) for parent in reversed(commit.parents) if parent not in done)
    return order


def read_history(store: BaseObjectStore, head: ObjectID) -> History:
    """The commits `head` descends from, with their day files, and the README at the head.

    Reads commits and trees only; blobs are read by `read_snapshot` (a partial fetch has none yet).
    """
    trees = _Trees(store)
    commits = [
        Commit(
            sha=commit.id.decode(),
            authored_at=_authored_at(commit),
            files=trees.day_files(commit.tree),
            parents=tuple(parent.decode() for parent in commit.parents),
        )
        for commit in _parents_first(store, head)
    ]
    head_commit = store[head]
    assert isinstance(head_commit, GitCommit)
    return History(
        commits=commits,
        readme=trees.readme(head_commit.tree),
        unread=tuple(sorted(trees.unread(head_commit.tree))),
    )


def read_texts(store: BaseObjectStore, blobs: Iterable[str]) -> dict[str, str]:
    return {blob: store[ObjectID(blob.encode())].as_raw_string().decode("utf-8", "replace") for blob in blobs}


def read_snapshot(
    store: BaseObjectStore,
    history: History,
    *,
    default_branch: str,
    web_url: str | None = None,
    created_at: datetime | None = None,
) -> Snapshot:
    """The Snapshot the rules read, once every blob of `history.blobs` is in `store`."""
    texts = read_texts(store, history.blobs)
    return Snapshot(
        files={path: texts[blob] for path, blob in history.commits[-1].files.items()},
        readme=texts[history.readme[1]] if history.readme else None,
        commits=history.commits,
        texts=texts,
        created_at=created_at,
        default_branch=default_branch,
        web_url=web_url,
        readme_path=history.readme[0] if history.readme else "README.md",
        unread=history.unread,
    )


_GITHUB_REMOTE = re.compile(
    r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([\w.-]+/[\w.-]+?)(?:\.git)?/?$"
)


def github_page(repo: Repo) -> str | None:
    """The repository's page on GitHub, when its `origin` is there (for links to each day's file)."""
    try:
        origin = repo.get_config().get((b"remote", b"origin"), b"url").decode()
    except KeyError:
        return None
    match = _GITHUB_REMOTE.match(origin)
    return f"https://github.com/{match[1]}" if match else None


def open_checkout(checkout: Path) -> Repo:
    """The clone at `checkout`, or NotAJourney saying why it cannot be read (bare, shallow, ...)."""
    if not checkout.is_dir():
        raise NotAJourney(f"{checkout} is not a directory")
    try:
        repo = Repo.discover(str(checkout))
    except NotGitRepository as error:
        raise NotAJourney(f"{checkout} is not a git repository") from error
    if repo.bare:
        raise NotAJourney(f"{checkout} is a bare repository: clone it to a working copy and run this there")
    if repo.get_shallow():
        raise NotAJourney(
            f"{checkout} is a shallow clone, so the dates of your days are missing: "
            "run `git fetch --unshallow` there first"
        )
    return repo


def read_checkout(checkout: Path) -> Snapshot:
    """The journey in a local clone: its current branch's files, their history and the README."""
    with open_checkout(checkout) as repo:
        names, head = repo.refs.follow(Ref(b"HEAD"))
        if head is None:
            raise NotAJourney(f"{checkout} has no commits yet")
        branch = names[-1].decode().removeprefix("refs/heads/") if len(names) > 1 else "HEAD"
        try:
            history = read_history(repo.object_store, head)
            return read_snapshot(repo.object_store, history, default_branch=branch, web_url=github_page(repo))
        except KeyError as error:
            raise NotAJourney(
                f"{checkout} lacks some of its history's objects (a partial clone?): "
                "run `git fetch --refetch` there first"
            ) from error
