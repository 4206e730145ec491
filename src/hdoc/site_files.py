"""The website's files that are made, not written: `config.json` (where the API and the sign-in
are, per stage) and `rules.html` (docs/journey-rules.md as a page, so the profile's "how days count"
links land on the rules hdoc actually applies). `hdoc serve` serves them; `hdoc site deploy` uploads them."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

RULES_DOCUMENT = Path("docs") / "journey-rules.md"
_NOT_IN_ANCHOR = re.compile(r"[^\w\- ]", re.UNICODE)


def site_config(*, api_base_url: str, auth_domain: str, client_id: str, stage: str) -> dict[str, Any]:
    """config.json: the API's base URL (`/api` on the site's own origin), the hosted sign-in's base
    URL and the website's app client."""
    return {
        "apiBaseUrl": api_base_url.rstrip("/"),
        "stage": stage,
        "auth": {"domain": auth_domain.rstrip("/"), "clientId": client_id},
    }


def anchor(heading: str) -> str:
    """The id GitHub gives a Markdown heading: "2. When a day is completed" -> 2-when-a-day-is-completed."""
    return _NOT_IN_ANCHOR.sub("", heading.strip().lower()).replace(" ", "-")


def rules_page(markdown: str) -> str:
    """The journey rules as a whole page in the site's style, headings anchored as on GitHub."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(markdown)
    title = "How hdoc counts a journey"
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            text = tokens[index + 1].content
            token.attrSet("id", anchor(text))
            if token.tag == "h1":
                title = text
    body = parser.renderer.render(tokens, parser.options, {})
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(title)} · #100DaysOfCloud</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/css/site.css">
</head>
<body>
  <a class="skip-link" href="#main">Skip to main content</a>
  <header class="site-header"><div class="bar"><a class="brand" href="/">#100DaysOfCloud</a>
    <nav aria-label="Main"><ul><li><a href="/leaderboard">Leaderboard</a></li>
    <li><a href="/participants">Participants</a></li>
    <li><a href="/articles">Articles</a></li></ul></nav></div>
  </header>
  <main id="main" class="article-body rules">
{body}  </main>
</body>
</html>
"""


def rules_markdown(root: Path) -> str:
    return (root / RULES_DOCUMENT).read_text(encoding="utf-8")
