"""Text a person sends: what no field may hold, because it breaks what is made from it (the Atom
feed, XML 1.0, refuses control characters and lone surrogates)."""

from __future__ import annotations

import re

CONTROL_RULE = "no control characters (U+0000 to U+001F, other than tab and line breaks) or lone surrogates"
# Tab, line feed and carriage return are the only C0 characters XML 1.0 allows; lone surrogates
# (U+D800–U+DFFF) are not characters at all.
_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_REFUSED_ON_ONE_LINE = re.compile(r"[\x00-\x1f\ud800-\udfff]")


def plain_text(value: str) -> str:
    """`value`, if it holds no control character but tab and line breaks, and no lone surrogate."""
    if _REFUSED.search(value):
        raise ValueError(f"must have {CONTROL_RULE}")
    return value


def one_line(value: str) -> str:
    """`value`, if it holds no control character at all (not even a line break)."""
    if _REFUSED_ON_ONE_LINE.search(value):
        raise ValueError("must be one line, with no control characters or lone surrogates")
    return value


# What XML 1.0 cannot hold at all (its Char production): C0 controls but tab and line breaks, lone
# surrogates, and U+FFFE and U+FFFF. Whatever was stored, text on its way into SVG or XML loses them.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters no XML 1.0 document may contain."""
    return _NOT_XML.sub("", value)
