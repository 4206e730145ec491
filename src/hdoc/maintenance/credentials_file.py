"""The AWS shared credentials file, edited one profile at a time.

configparser would rewrite the whole file and drop its comments, so this edits lines: the target
profile's section (from its `[name]` header to the next header) is replaced or appended, and every
other line stays byte for byte as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$")


class CredentialsFileError(Exception):
    """The file cannot be read or written; the message says which and why."""


def credentials_path() -> Path:
    """Where the AWS CLI and SDKs look: $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials."""
    configured = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    return Path(configured).expanduser() if configured else Path.home() / ".aws" / "credentials"


def with_profile(text: str, profile: str, values: Mapping[str, str]) -> str:
    """`text` with the section of `profile` set to exactly `values` (added at the end if absent)."""
    lines = text.splitlines(keepends=True)
    section = [f"[{profile}]\n", *(f"{key} = {value}\n" for key, value in values.items())]
    start = next(
        (index for index, line in enumerate(lines) if (found := _HEADER.match(line)) and found[1] == profile),
        None,
    )
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        separator = ["\n"] if lines and lines[-1].strip() else []
        return "".join([*lines, *separator, *section])
    end = next((index for index in range(start + 1, len(lines)) if _HEADER.match(lines[index])), len(lines))
    # Keep the blank lines and comments that lead into the next section where they were.
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(("#", ";"))):
        end -= 1
    return "".join([*lines[:start], *section, *lines[end:]])


def read(path: Path) -> str:
    """The file's text ("" if it does not exist yet); CredentialsFileError if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise CredentialsFileError(
            f"cannot read {path}: {getattr(error, 'strerror', None) or error}"
        ) from error


def write_profile(path: Path, profile: str, values: Mapping[str, str]) -> None:
    """Set one profile in the credentials file at `path`, atomically; the file stays readable by its
    owner only."""
    updated = with_profile(read(path), profile, values)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".credentials-")
        with os.fdopen(handle, "w", encoding="utf-8") as written:
            written.write(updated)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError as error:
        raise CredentialsFileError(f"cannot write {path}: {error.strerror or error}") from error
