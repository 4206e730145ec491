"""A journey snapshot from a local git checkout, in three git commands whatever its size.

`git log --raw` lists, along the default branch (first parents), every commit with its author date
and offset and the blobs it gave each journey file; one `git cat-file --batch` then reads every
needed blob at once. Nothing runs git once per file or per commit.
"""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path

from hdoc.journeys.places import is_readme, matters
from hdoc.journeys.snapshot import Commit, Snapshot

NO_BLOB = "0" * 40


class NotAJourney(Exception):
    """The path cannot be read as a journey; the message says why, for the participant."""


def _git(checkout: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(checkout), *args], input=stdin, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError as error:
        raise NotAJourney("git is not installed (hdoc journey reads the repository with git)") from error
    if done.returncode != 0:
        raise NotAJourney(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


def _check(checkout: Path) -> None:
    if not checkout.is_dir():
        raise NotAJourney(f"{checkout} is not a directory")
    try:
        flags = _git(checkout, "rev-parse", "--is-bare-repository", "--is-shallow-repository").split()
    except NotAJourney as error:
        raise NotAJourney(f"{checkout} is not a git repository") from error
    if flags[0] == b"true":
        raise NotAJourney(f"{checkout} is a bare repository: clone it to a working copy and run this there")
    if flags[1] == b"true":
        raise NotAJourney(
            f"{checkout} is a shallow clone, so the dates of your days are missing: "
            "run `git fetch --unshallow` there first"
        )
    try:
        _git(checkout, "rev-parse", "--verify", "--quiet", "HEAD")
    except NotAJourney as error:
        raise NotAJourney(f"{checkout} has no commits yet") from error


def _log(checkout: Path) -> list[tuple[str, datetime, dict[str, str]]]:
    """(sha, author date, {path: blob or NO_BLOB}) for each first-parent commit, oldest first."""
    raw = _git(
        checkout,
        "log",
        "--first-parent",
        "--reverse",
        "--format=%x01%H %aI",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--diff-merges=first-parent",
        "-z",
    )
    commits = []
    for record in raw.split(b"\x01")[1:]:
        header, _, rest = record.partition(b"\0")
        sha, authored = header.decode().split(" ", 1)
        fields = rest.lstrip(b"\n").split(b"\0")
        blobs: dict[str, str] = {}
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            if not meta.startswith(b":"):
                continue
            name = path.decode("utf-8", "replace")
            if matters(name):
                blobs[name] = meta.split()[3].decode()
        commits.append((sha, datetime.fromisoformat(authored), blobs))
    return commits


def _read_blobs(checkout: Path, shas: set[str]) -> dict[str, str]:
    if not shas:
        return {}
    ordered = sorted(shas)
    out = _git(checkout, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha in ordered).encode())
    texts: dict[str, str] = {}
    position = 0
    for sha in ordered:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        start = header_end + 1
        texts[sha] = out[start : start + size].decode("utf-8", "replace")
        position = start + size + 1
    return texts


_GITHUB_REMOTE = re.compile(
    r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([\w.-]+/[\w.-]+?)(?:\.git)?/?$"
)


def _github_url(checkout: Path) -> str | None:
    """The repository's page on GitHub, when its `origin` is there (for links to each day's file)."""
    try:
        origin = _git(checkout, "remote", "get-url", "origin").decode().strip()
    except NotAJourney:
        return None
    match = _GITHUB_REMOTE.match(origin)
    return f"https://github.com/{match[1]}" if match else None


def read_checkout(checkout: Path) -> Snapshot:
    """The journey in a local clone: its files at HEAD, their history and the README."""
    _check(checkout)
    log = _log(checkout)
    texts = _read_blobs(checkout, {blob for _, _, blobs in log for blob in blobs.values() if blob != NO_BLOB})
    commits = []
    files: dict[str, str] = {}
    for sha, authored_at, blobs in log:
        changes = {path: (texts[blob] if blob != NO_BLOB else None) for path, blob in blobs.items()}
        for path, markdown in changes.items():
            if markdown is None:
                files.pop(path, None)
            else:
                files[path] = markdown
        commits.append(Commit(sha=sha, authored_at=authored_at, changes=changes))
    readme = next((files[path] for path in sorted(files) if is_readme(path)), None)
    branch = _git(checkout, "rev-parse", "--abbrev-ref", "HEAD").decode().strip()
    return Snapshot(
        web_url=_github_url(checkout),
        files={path: markdown for path, markdown in files.items() if not is_readme(path)},
        readme=readme,
        commits=commits,
        default_branch=branch,
    )
