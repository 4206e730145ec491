"""What in an entry's Markdown is the participant's own: counted lines, social proof posts, words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_SETEXT_OR_RULE = re.compile(r"^\s{0,3}([-=*_]\s*){3,}$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\([^)]*\)")
_URL = re.compile(r"https?://[^\s)<>\]\"']+", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_MARKERS = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)?(?:\[[ xX]\]\s+)?")
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+(?:['\u2019][^\W_]+)*")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)")

SOCIAL_POST = re.compile(
    r"""^https?://(?:
        (?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/\d+
      | (?:[\w-]+\.)?linkedin\.com/(?:posts/[^/?\#\s]+|pulse/[^/?\#\s]+
                                  |feed/update/urn:li:(?:activity|share|ugcPost):\d+)
      | bsky\.app/profile/[^/\s]+/post/[a-z0-9]+
      | (?:www\.)?threads\.(?:net|com)/@[\w.]+/post/[\w-]+
      | [a-z0-9.-]+\.[a-z]{2,}/@\w+(?:@[\w.-]+)?/\d+
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def normalized(line: str) -> str:
    """A line without list, quote and task markers, emphasis or extra spaces, case-folded."""
    line = _MARKERS.sub("", line).strip().strip("*_").strip()
    return " ".join(line.split()).casefold()


@cache
def template_lines() -> frozenset[str]:
    """Every line of the challenge's day templates (Micro, Short, Long), normalized."""
    folder = resources.files("hdoc.journeys") / "day_templates"
    lines: set[str] = set()
    for template in folder.iterdir():
        if template.name.endswith(".md"):
            text = _COMMENT.sub("", template.read_text(encoding="utf-8"))
            lines.update(normalized(line) for line in text.splitlines())
    lines.discard("")
    return frozenset(lines)


def _is_own(line: str) -> bool:
    if not line.strip() or _HEADING.match(line) or _SETEXT_OR_RULE.match(line):
        return False
    if normalized(line) in template_lines():
        return False  # the templates' own lines; a kept ✍️ or 🖼️ before the participant's words is theirs
    rest = _TAG.sub(" ", _URL.sub(" ", _LINK.sub(" ", _IMAGE.sub(" ", line))))
    if not _WORD.search(rest):
        return False  # an image, a link, a bare URL or markup alone
    # "Twitter: <link>" is a link with a label, not a sentence.
    return not (rest.rstrip().endswith(":") and len(_WORD.findall(rest)) <= 3)


def is_written_text(content: str) -> bool:
    """Whether a file is text someone wrote, not a program or binary data: no NUL byte, and no
    "#!" interpreter line first (a day file without an extension can be a script or a build)."""
    return "\x00" not in content and not content.lstrip("\ufeff").startswith("#!")


def own_lines(markdown: str) -> tuple[str, ...]:
    """The lines the participant wrote: not headings, images, links alone, comments or template text.

    Code in fenced blocks is the participant's own too. A script or binary data has none.
    """
    if not is_written_text(markdown):
        return ()
    lines: list[str] = []
    in_code = False
    for line in _COMMENT.sub("", markdown).splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if (in_code and line.strip()) or (not in_code and _is_own(line)):
            lines.append(" ".join(line.split()))
    return tuple(lines)


def links(markdown: str) -> list[str]:
    """Every link target and bare URL, in order, once each."""
    text = _COMMENT.sub("", markdown)
    found = [*_LINK_TARGET.findall(text), *_URL.findall(text)]
    return list(dict.fromkeys(url.rstrip(".,;") for url in found if url.lower().startswith("http")))


def social_posts(markdown: str) -> tuple[str, ...]:
    """Links to posts on Twitter/X, LinkedIn, Bluesky, Threads or a Mastodon-style instance."""
    if not is_written_text(markdown):
        return ()
    return tuple(url for url in links(markdown) if SOCIAL_POST.match(url))


def word_count(lines: Iterable[str]) -> int:
    """Words in the given lines, without their links; a CJK character is a word."""
    return sum(len(_WORD.findall(_URL.sub(" ", _LINK.sub(" ", line)))) for line in lines)


def title(markdown: str) -> str | None:
    """The entry's first heading that the participant wrote (not the template's)."""
    for line in _COMMENT.sub("", markdown).splitlines():
        if _HEADING.match(line):
            heading = line.strip().lstrip("#").strip().strip("#").strip()
            if heading and normalized(heading) not in template_lines():
                return heading
    return None
