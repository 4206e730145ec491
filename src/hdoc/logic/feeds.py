"""The articles feed as Atom 1.0 (RFC 4287)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import unescape
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from hdoc.models.article import Article
from hdoc.models.text import xml_text

ATOM = "http://www.w3.org/2005/Atom"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# An entry's content as the feed carries it (escaped once more for XML) is at most this much; a
# longer article is there as its summary and a link. Twenty entries then stay near 1 MB, far under
# Lambda's 6 MB response, whatever the articles hold.
ENTRY_CONTENT_MAX_BYTES = 48 * 1024
SUMMARY_CHARACTERS = 300


def _xml_size(text: str) -> int:
    return len(escape(text, {'"': "&quot;"}).encode("utf-8", errors="replace"))


def entry_content(article: Article, link: str) -> str:
    """The article's HTML, or, past ENTRY_CONTENT_MAX_BYTES, its summary and a link to the rest."""
    if _xml_size(article.body_html) <= ENTRY_CONTENT_MAX_BYTES:
        return article.body_html
    summary = article.description or _excerpt(article.body_html)
    return (
        f"<p>{escape(summary)}</p>"
        f'<p><a href="{escape(link, {chr(34): "&quot;"})}">Read the whole article</a></p>'
    )


def _excerpt(html: str) -> str:
    """The first words of an HTML body, as text."""
    import nh3

    text = unescape(nh3.clean(html, tags=set()))
    words = " ".join(text.split())
    if len(words) <= SUMMARY_CHARACTERS:
        return words
    return words[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0] + " …"


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(articles: Sequence[Article], site: str, feed_url: str, tag: str | None) -> str:
    """The feed document; every piece of user text is escaped by the XML writer, and anything XML
    cannot hold (control characters, lone surrogates) is left out, whatever was stored."""
    ElementTree.register_namespace("", ATOM)

    def element(
        parent: ElementTree.Element, name: str, text: str | None = None, **attributes: str
    ) -> ElementTree.Element:
        safe = {key: xml_text(value) for key, value in attributes.items()}
        child = ElementTree.SubElement(parent, f"{{{ATOM}}}{name}", safe)
        if text is not None:
            child.text = xml_text(text)
        return child

    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    element(feed, "id", feed_url)
    element(feed, "title", f"#100DaysOfCloud articles{f' tagged {tag}' if tag else ''}")
    element(
        feed,
        "updated",
        _timestamp(max((a.updated_at for a in articles), default=datetime(2020, 1, 1, tzinfo=UTC))),
    )
    element(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    element(feed, "link", rel="alternate", href=site)
    element(feed, "generator", "hdoc")
    for article in articles:
        entry = element(feed, "entry")
        page = f"{site.rstrip('/')}/articles/{article.id}"
        element(entry, "id", page)
        element(entry, "title", article.title)
        element(entry, "published", _timestamp(article.created_at))
        element(entry, "updated", _timestamp(article.updated_at))
        element(entry, "link", rel="alternate", href=article.canonical_url or page)
        author = element(entry, "author")
        element(author, "name", article.author)
        element(author, "uri", f"https://github.com/{article.author}")
        if article.description:
            element(entry, "summary", article.description)
        element(entry, "content", entry_content(article, page), type="html")
        for tag_name in article.tags:
            element(entry, "category", term=tag_name)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="unicode")
