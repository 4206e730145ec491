"""Article bodies: Markdown rendered to HTML once, when an article is written, and sanitized so the
website can insert it as it is (no scripts, event handlers, `javascript:` URLs, iframes or styles)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# What an article may contain once rendered: text structure, links, images, code and tables.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},  # language-python, from a fenced block
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _parser() -> MarkdownIt:
    # Imported here: only a write renders Markdown, and the articles function's reads (most of its
    # cold starts) should not load a parser they never run (about 40 ms of its import time).
    from markdown_it import MarkdownIt

    # CommonMark with tables and strikethrough; raw HTML is parsed, then sanitized below.
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["table", "strikethrough"])


def render_markdown(markdown: str) -> str:
    """The article's Markdown as safe HTML. Headings move one level down (# is an h2), since the
    article's title is the page's h1."""
    parser = _parser()
    tokens = parser.parse(markdown)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
    html = parser.renderer.render(tokens, parser.options, {})
    import nh3

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
