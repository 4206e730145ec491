"""Where day entries are: which files of a repository hold which day (docs/journey-rules.md, 1)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIX = ".txt"
# A folder Journey/<digits>/ anywhere, in any case.
_JOURNEY_FOLDER = re.compile(r"(?:^|/)journey/(\d+)/", re.IGNORECASE)
# A name that ends with "day" and a number: day-7, Day 7, day_07, azure_day7, Day _10.
_DAY_NAME = re.compile(r"(?:^|[^a-z])day[\s_.-]*(\d{1,4})$", re.IGNORECASE)
# A folder named for its day: Day001, Day-1, day7, "Day 12 - S3 basics" (not "Days", not "Day12345").
_DAY_FOLDER = re.compile(r"^day[\s_.-]*(\d{1,4})(?![\d])", re.IGNORECASE)
# Files without an extension that are code or tooling, never a day's text.
_TOOLING = frozenset(
    {
        "brewfile",
        "caddyfile",
        "codeowners",
        "containerfile",
        "copying",
        "dockerfile",
        "gemfile",
        "jenkinsfile",
        "justfile",
        "licence",
        "license",
        "makefile",
        "notice",
        "pipfile",
        "procfile",
        "rakefile",
        "vagrantfile",
    }
)


def _no_extension(name: PurePosixPath) -> bool:
    """No extension: "Day _10", "Getting started with S3", "day.7" ("7" is not an extension)."""
    return name.suffix == "" or not name.suffix[1:].isalpha()


def _prose_without_extension(name: PurePosixPath) -> bool:
    """A file without an extension that may be a day's text (a chapter title), not a dotfile or a
    Dockerfile."""
    return _no_extension(name) and not name.name.startswith(".") and name.name.lower() not in _TOOLING


def _named_day(name: PurePosixPath) -> int | None:
    """The day a file's own name gives it: day-7.md, Day _10, day008.txt."""
    if name.suffix.lower() in MARKDOWN_SUFFIXES or name.suffix.lower() == TEXT_SUFFIX:
        stem = name.stem
    elif _no_extension(name):
        stem = name.name
    else:
        return None
    match = _DAY_NAME.search(stem)
    return int(match[1]) if match else None


def _in_templates(parts: tuple[str, ...]) -> bool:
    """Inside the challenge's Templates/ folder, which holds no one's days."""
    return any(part.lower() == "templates" for part in parts[:-1])


def _folder_day(path: str, parts: tuple[str, ...]) -> tuple[int, bool] | None:
    """The day folder a file is in, if any: (its day, whether the file is directly inside it)."""
    folder = _JOURNEY_FOLDER.search(path)
    if folder is not None:
        return int(folder[1]), "/" not in path[folder.end() :]
    for depth, part in enumerate(reversed(parts[:-1]), start=1):
        named = _DAY_FOLDER.match(part)
        if named is not None:
            return int(named[1]), depth == 1
    return None


@lru_cache(maxsize=65536)
def day_of(path: str) -> int | None:
    """The day a file is an entry for, or None if it is not a day entry."""
    name = PurePosixPath(path)
    parts = name.parts
    if _in_templates(parts):
        return None
    if _JOURNEY_FOLDER.search(path) is None:
        named = _named_day(name)
        if named is not None:
            return named
    folder = _folder_day(path, parts)
    if folder is None:
        return None
    day, directly_inside = folder
    if not directly_inside:
        return None  # deeper files are attachments
    if name.suffix.lower() in MARKDOWN_SUFFIXES or _prose_without_extension(name):
        return day
    if name.suffix.lower() == TEXT_SUFFIX and _named_day(name) is not None:
        return day  # Journey/012/day12.txt; a requirements.txt beside code is not an entry
    return None


@lru_cache(maxsize=65536)
def unread_day_of(path: str) -> int | None:
    """The day a file that is not an entry sits at (a PDF or an image in a day's folder, or named for
    the day: `Journey/005/notes.pdf`, `day5.png`), so a day with only such files can say why it does
    not count; None for every other file (an entry, an attachment deeper in, anything else)."""
    if day_of(path) is not None:
        return None
    name = PurePosixPath(path)
    parts = name.parts
    if _in_templates(parts) or name.name.startswith("."):
        return None  # nor is a .gitkeep holding a day's place a day's file
    folder = _folder_day(path, parts)
    if folder is not None:
        return folder[0] if folder[1] else None
    match = _DAY_NAME.search(name.stem)
    return int(match[1]) if match else None


def is_readme(path: str) -> bool:
    """The repository's own README, at its root."""
    return "/" not in path and path.lower() in {"readme.md", "readme.markdown", "readme"}


def matters(path: str) -> bool:
    """Whether a source needs this file's text: a day entry or the README."""
    return is_readme(path) or day_of(path) is not None
