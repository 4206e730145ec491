"""Where day entries are: which files of a repository hold which day."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
# A folder Journey/<digits>/ anywhere, in any case.
_JOURNEY_FOLDER = re.compile(r"(?:^|/)journey/(\d+)/", re.IGNORECASE)
# A name that ends with "day" and a number: day-7, Day 7, day_07, azure_day7, Day _10.
_DAY_NAME = re.compile(r"(?:^|[^a-z])day[\s_.-]*(\d{1,4})$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def day_of(path: str) -> int | None:
    """The day a file is an entry for, or None if it is not a day entry."""
    parts = PurePosixPath(path).parts
    if any(part.lower() == "templates" for part in parts[:-1]):
        return None
    name = PurePosixPath(path)
    folder = _JOURNEY_FOLDER.search(path)
    if folder is not None:
        # Only Markdown files directly inside the day folder; deeper files are attachments.
        directly_inside = "/" not in path[folder.end() :]
        if directly_inside and name.suffix.lower() in MARKDOWN_SUFFIXES:
            return int(folder[1])
        return None
    if name.suffix.lower() in MARKDOWN_SUFFIXES:
        stem = name.stem
    elif name.suffix == "" or not name.suffix[1:].isalpha():  # no extension ("Day _10", "day.7")
        stem = name.name
    else:
        return None
    match = _DAY_NAME.search(stem)
    return int(match[1]) if match else None


def is_readme(path: str) -> bool:
    """The repository's own README, at its root."""
    return "/" not in path and path.lower() in {"readme.md", "readme.markdown", "readme"}


def matters(path: str) -> bool:
    """Whether a source needs this file's text: a day entry or the README."""
    return is_readme(path) or day_of(path) is not None
