"""A journey repository as the fake GitHub holds it: a real git repository.

Either made here, commit by commit with the author dates a test or the demo gives (`commit`), or a
participant's clone loaded as it is (`load`: merges, moves, author dates and offsets, everything).
The fake serves it with git's own `git http-backend`, so the statistics pipeline fetches it exactly
as it fetches a repository from github.com.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from dulwich.object_store import MemoryObjectStore
from dulwich.objects import Blob, Commit, ObjectID, ShaFile, Tree
from dulwich.refs import Ref
from dulwich.repo import Repo

AUTHOR = b"Participant <participant@example.com>"
FILE_MODE = 0o100644
TREE_MODE = 0o040000


def _tree(files: Mapping[str, str], objects: list[ShaFile]) -> Tree:
    """The tree of `files` (path -> text), its subtrees and blobs appended to `objects`."""
    tree = Tree()
    folders: dict[str, dict[str, str]] = {}
    for path, text in files.items():
        folder, slash, rest = path.partition("/")
        if slash:
            folders.setdefault(folder, {})[rest] = text
        else:
            blob = Blob.from_string(text.encode("utf-8"))
            objects.append(blob)
            tree.add(folder.encode(), FILE_MODE, blob.id)
    for folder, inside in folders.items():
        subtree = _tree(inside, objects)
        tree.add(folder.encode(), TREE_MODE, subtree.id)
    objects.append(tree)
    return tree


def _offset_seconds(when: datetime) -> int:
    offset = when.utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


class FakeRepository:
    """A repository as GitHub holds it: its name, when it was created, its default branch, its git."""

    def __init__(
        self,
        full_name: str,
        created_at: datetime | None,
        default_branch: str = "main",
        *,
        html_url: str | None = "",
    ) -> None:
        self.full_name = full_name
        self.created_at = created_at
        self.default_branch = default_branch
        self.html_url = f"https://github.com/{full_name}" if html_url == "" else html_url
        self._objects = MemoryObjectStore()
        self._pending: list[ShaFile] = []
        self._files: dict[str, str] = {}
        self._head: str | None = None
        self._served: Path | None = None  # a bare repository on disk, once served
        self._loaded = False  # a clone served as it is

    @classmethod
    def load(
        cls,
        checkout: Path,
        full_name: str,
        *,
        created_at: datetime | None = None,
        html_url: str | None = None,
    ) -> FakeRepository:
        """A local clone, served as it is (no copy): its current branch is the default branch."""
        repo = Repo.discover(str(checkout))
        names, _ = repo.refs.follow(Ref(b"HEAD"))
        branch = names[-1].decode().removeprefix("refs/heads/") if len(names) > 1 else "HEAD"
        loaded = cls(full_name, created_at, branch, html_url=html_url)
        loaded._served = Path(repo.controldir())
        loaded._loaded = True
        repo.close()
        return loaded

    # -- writing -----------------------------------------------------------------------------------

    def commit(self, when: datetime, files: Mapping[str, str | None]) -> str:
        """Commit `files` (None deletes) on top of the head, authored and committed at `when`."""
        if self._loaded:
            raise RuntimeError("a loaded clone is served as it is; commit to it with git")
        for path, text in files.items():
            if text is None:
                self._files.pop(path, None)
            else:
                self._files[path] = text
        tree = _tree(self._files, self._pending)
        commit = Commit()
        commit.tree = tree.id
        commit.parents = [ObjectID(self._head.encode())] if self._head else []
        commit.author = commit.committer = AUTHOR
        moment = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        commit.author_time = commit.commit_time = int(moment.timestamp())
        commit.author_timezone = commit.commit_timezone = _offset_seconds(moment)
        commit.encoding = b"UTF-8"
        commit.message = b"journey\n"
        self._pending.append(commit)
        self._head = commit.id.decode()
        return self._head

    @property
    def files(self) -> Mapping[str, str]:
        """Every file at the head of a repository made here (path -> text)."""
        return dict(self._files)

    # -- reading -----------------------------------------------------------------------------------

    def _repo(self) -> Repo:
        """The repository on disk, with every commit made so far (written as one pack)."""
        if self._served is None:
            folder = tempfile.mkdtemp(prefix="hdoc-fake-repository-")
            weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
            Repo.init_bare(folder).close()
            self._served = Path(folder)
        repo = Repo(str(self._served))
        if self._pending:
            repo.object_store.add_objects([(made, None) for made in self._pending])
            self._pending = []
            branch = Ref(f"refs/heads/{self.default_branch}".encode())
            assert self._head is not None
            repo.refs[branch] = ObjectID(self._head.encode())
            repo.refs.set_symbolic_ref(Ref(b"HEAD"), branch)
        return repo

    def git_dir(self) -> Path:
        """Where `git http-backend` finds the repository."""
        self._repo().close()
        assert self._served is not None
        return self._served

    def head(self) -> tuple[str, datetime] | None:
        """The default branch's head commit and its author date, or None for an empty repository."""
        with self._repo() as repo:
            _, sha = repo.refs.follow(Ref(b"HEAD"))
            if sha is None:
                return None
            commit = repo[sha]
            assert isinstance(commit, Commit)
            authored = datetime.fromtimestamp(commit.author_time, UTC)
            return sha.decode(), authored.astimezone(timezone(timedelta(seconds=commit.author_timezone)))
