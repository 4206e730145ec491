"""The README's checklist: which days a participant ticked, and which they gave a title.

A line such as `- [x] ☁️ 12 > [My title](Journey/012/Readme.md)`; titles may hold brackets and run
over several lines. The checklist is what the participant says; the entries are what counts.

Some keep their journey as a table instead, one row per day with its date and a link to a post
elsewhere (`| 12 | 2026-03-12 | [S3](https://dev.to/...) |`): those rows are read too, so that a day
kept only there can say why it does not count (its text is not in the repository).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hdoc.journeys.places import day_of

_ITEM = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s*(.*)$")
_HEADING = re.compile(r"^\s{0,3}#")
_NUMBER = re.compile(r"\d+")
# A table cell that names a day: "12", "Day 12", "day-012", "[12/100]", "12/100".
_DAY_CELL = re.compile(r"^\[?(?:day[\s_-]*)?(\d{1,3})(?:\s*/\s*100)?\]?$", re.IGNORECASE)
_WEB_LINK = re.compile(r"https?://[^\s)<>\]|]+", re.IGNORECASE)


@dataclass(frozen=True)
class ChecklistFacts:
    ticked: frozenset[int] = frozenset()
    titles: dict[int, str] = field(default_factory=dict)
    table: dict[int, str] = field(default_factory=dict)  # day -> the web link of its README table row


def _table_rows(readme: str) -> dict[int, str]:
    """The README's table rows that name a day and link to the web: day -> the row's first link."""
    rows: dict[int, str] = {}
    for line in readme.splitlines():
        if not line.lstrip().startswith("|"):
            continue
        cells = [cell.strip().strip("*_`").strip() for cell in line.strip().strip("|").split("|")]
        day = next((int(found[1]) for cell in cells if (found := _DAY_CELL.match(cell))), None)
        link = _WEB_LINK.search(line)
        if day is not None and link is not None:
            rows.setdefault(day, link[0].rstrip(".,;"))
    return rows


def _link(text: str) -> tuple[str, str] | None:
    """The first Markdown link's text (brackets balanced) and target."""
    start = text.find("[")
    while start != -1:
        depth = 0
        for index in range(start, len(text)):
            if text[index] == "[":
                depth += 1
            elif text[index] == "]":
                depth -= 1
                if depth == 0:
                    rest = text[index + 1 :]
                    if rest.startswith("("):
                        return text[start + 1 : index], rest[1:].split(")", 1)[0].strip()
                    break
        start = text.find("[", start + 1)
    return None


def _items(readme: str) -> list[tuple[bool, str]]:
    items: list[tuple[bool, list[str]]] = []
    for line in readme.splitlines():
        item = _ITEM.match(line)
        if item:
            items.append((item[1] != " ", [item[2]]))
        elif items and line.strip() and not _HEADING.match(line) and not line.lstrip().startswith(("-", "*")):
            items[-1][1].append(line.strip())  # a title running over several lines
        elif items and not line.strip():
            items.append((False, []))  # a blank line ends the item
    return [(ticked, " ".join(parts)) for ticked, parts in items if parts]


def read_checklist(readme: str | None) -> ChecklistFacts:
    """Ticked days and titled days from the README's checklist."""
    ticked: set[int] = set()
    titles: dict[int, str] = {}
    for is_ticked, text in _items(readme or ""):
        link = _link(text)
        day = day_of(link[1]) if link else None
        if day is None:
            number = _NUMBER.search(text.split("[", 1)[0] if link else text)
            if number is None:
                continue
            day = int(number[0])
        if is_ticked:
            ticked.add(day)
        if link and link[0].strip():
            titles[day] = " ".join(link[0].split())
    return ChecklistFacts(frozenset(ticked), titles, _table_rows(readme or ""))
