"""A participant's progress as images for a README: the card (about 495×195) and the one-line badge.

Self-contained SVG, as GitHub's image proxy wants it: no script, no external font, image or
stylesheet (system fonts only, by name). Accessible: `role="img"`, a `<title>` and a `<desc>` that
say in words what the picture shows. Everything a participant wrote is escaped; a long name is
shortened with an ellipsis and, whatever the font, clipped to its place, so nothing leaves the card.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from html import escape

from hdoc.models.text import xml_text

WIDTH, HEIGHT = 495, 195
PADDING = 25
FONT = "'Segoe UI', Ubuntu, 'Helvetica Neue', Helvetica, Arial, sans-serif"
BADGE_FONT = "Verdana, Geneva, 'DejaVu Sans', sans-serif"
HASHTAG = "#100DaysOfCloud"
DAYS = 100
# Bidirectional embeddings, overrides and isolates: a name must not reorder the card's other text.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


@dataclass(frozen=True)
class Theme:
    background: str
    border: str
    title: str
    text: str
    muted: str
    accent: str
    track: str


THEMES = {
    "light": Theme("#ffffff", "#d0d7de", "#1f2328", "#1f2328", "#59636e", "#0969da", "#eaeef2"),
    "dark": Theme("#0d1117", "#30363d", "#f0f6fc", "#e6edf3", "#9198a1", "#4493f8", "#21262d"),
}


@dataclass(frozen=True)
class Streak:
    length: int
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class CardData:
    """What a card shows: the participant's numbers, as `GET /users/{username}` gives them."""

    name: str
    days: int
    current: Streak
    longest: Streak
    score: int


def _text(value: str) -> str:
    """Text as it may stand in SVG: escaped, without controls XML refuses or bidi overrides."""
    cleaned = "".join(
        char
        for char in xml_text(value).translate(_BIDI_CONTROLS)
        if char in "\t\n" or unicodedata.category(char) != "Cc"
    )
    return escape(cleaned, quote=True)


def _width(value: str, size: float, bold: bool = False) -> float:
    """The text's width in pixels, estimated: wide characters (CJK, emoji) take a whole em."""
    em = 0.0
    for char in value:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Cf"):
            continue
        em += 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else (0.62 if bold else 0.56)
    return em * size


def fit(value: str, size: float, width: float, *, bold: bool = False) -> str:
    """`value`, shortened with an ellipsis until its estimated width fits `width`."""
    if _width(value, size, bold) <= width:
        return value
    shortened = value
    while shortened and _width(shortened + "…", size, bold) > width:
        shortened = shortened[:-1]
    return shortened.rstrip() + "…"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _dates(streak: Streak) -> str:
    if streak.start is None or streak.end is None or streak.length == 0:
        return ""
    end = f"{streak.end.day} {streak.end:%b %Y}"
    if streak.start == streak.end:
        return end
    start = f"{streak.start.day} {streak.start:%b}"
    return f"{start if streak.start.year == streak.end.year else f'{start} {streak.start.year}'} – {end}"


def _streak_words(label: str, streak: Streak) -> str:
    dates = _dates(streak)
    return f"{label}: {_days(streak.length)}" + (f" ({dates})" if dates else "")


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc">',
            f'<title id="title">{_text(title)}</title>',
            f'<desc id="desc">{_text(desc)}</desc>',
            *body,
            "</svg>",
            "",
        ]
    )


def _frame(theme: Theme) -> str:
    return (
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" rx="6" '
        f'fill="{theme.background}" stroke="{theme.border}"/>'
    )


def render_card(data: CardData, theme: Theme, hidden: frozenset[str] = frozenset()) -> str:
    """The progress card; `hidden` names the parts (PARTS) left out."""
    body = [_frame(theme)]
    said: list[str] = []
    name_width = WIDTH - 2 * PADDING - (0 if "hashtag" in hidden else 130)
    if "name" not in hidden:
        name = fit(data.name, 18, name_width, bold=True)
        body += [
            f'<clipPath id="name-area"><rect x="{PADDING}" y="12" width="{name_width}" height="32"/>'
            "</clipPath>",
            f'<text x="{PADDING}" y="36" clip-path="url(#name-area)" font-family="{FONT}" font-size="18" '
            f'font-weight="700" fill="{theme.title}">{_text(name)}</text>',
        ]
        said.append(f"{data.name}'s #100DaysOfCloud journey.")
    if "hashtag" not in hidden:
        body.append(
            f'<text x="{WIDTH - PADDING}" y="35" text-anchor="end" font-family="{FONT}" font-size="13" '
            f'font-weight="600" fill="{theme.accent}">{HASHTAG}</text>'
        )
    if "days" not in hidden:
        done = max(0, min(DAYS, data.days))
        bar = WIDTH - 2 * PADDING
        body += [
            f'<text x="{PADDING}" y="64" font-family="{FONT}" font-size="13" fill="{theme.text}">'
            f'<tspan font-weight="700">{data.days}</tspan> of {DAYS} days</text>',
            f'<text x="{WIDTH - PADDING}" y="64" text-anchor="end" font-family="{FONT}" font-size="13" '
            f'fill="{theme.muted}">{round(100 * done / DAYS)}%</text>',
            f'<rect x="{PADDING}" y="72" width="{bar}" height="8" rx="4" fill="{theme.track}"/>',
            f'<rect x="{PADDING}" y="72" width="{bar * done / DAYS:.1f}" height="8" rx="4" '
            f'fill="{theme.accent}"/>',
        ]
        said.append(f"{data.days} of {DAYS} days done.")
    stats = [
        (part, number, label, detail)
        for part, number, label, detail in (
            ("current", str(data.current.length), "current streak", _dates(data.current) or "—"),
            ("longest", str(data.longest.length), "longest streak", _dates(data.longest) or "—"),
            ("score", f"{data.score:,}", "score", "CloudCoins"),
        )
        if part not in hidden
    ]
    column = (WIDTH - 2 * PADDING) / max(1, len(stats))
    for index, (_part, number, label, detail) in enumerate(stats):
        middle = PADDING + column * (index + 0.5)
        body += [
            f'<text x="{middle:.1f}" y="126" text-anchor="middle" font-family="{FONT}" font-size="28" '
            f'font-weight="700" fill="{theme.title}">{_text(number)}</text>',
            f'<text x="{middle:.1f}" y="148" text-anchor="middle" font-family="{FONT}" font-size="12" '
            f'fill="{theme.text}">{label}</text>',
            f'<text x="{middle:.1f}" y="168" text-anchor="middle" font-family="{FONT}" font-size="11" '
            f'fill="{theme.muted}">{_text(detail)}</text>',
        ]
    if "current" not in hidden:
        said.append(_streak_words("Current streak", data.current) + ".")
    if "longest" not in hidden:
        said.append(_streak_words("Longest streak", data.longest) + ".")
    if "score" not in hidden:
        said.append(f"Score: {data.score:,} CloudCoins.")
    title = f"{data.name}'s #100DaysOfCloud progress" if "name" not in hidden else "#100DaysOfCloud progress"
    return _svg(WIDTH, HEIGHT, title, " ".join(said) or "#100DaysOfCloud progress", body)


def render_error_card(headline: str, detail: str, theme: Theme) -> str:
    """A card that says what went wrong, in place of the participant's (an image cannot show JSON)."""
    lines = _wrap(detail, 12, WIDTH - 2 * PADDING, 4)
    body = [
        _frame(theme),
        f'<text x="{PADDING}" y="40" font-family="{FONT}" font-size="18" font-weight="700" '
        f'fill="{theme.title}">{_text(headline)}</text>',
        *(
            f'<text x="{PADDING}" y="{72 + 20 * index}" font-family="{FONT}" font-size="12" '
            f'fill="{theme.text}">{_text(line)}</text>'
            for index, line in enumerate(lines)
        ),
        f'<text x="{PADDING}" y="{HEIGHT - 20}" font-family="{FONT}" font-size="12" font-weight="600" '
        f'fill="{theme.accent}">{HASHTAG}</text>',
    ]
    return _svg(WIDTH, HEIGHT, headline, detail, body)


def _wrap(text: str, size: float, width: float, most: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(fit(word, size, width))
    return lines[:most]


def badge_value(days: int) -> tuple[str, str]:
    """The badge's right half and its colour: not started, day N/100, or done."""
    if days <= 0:
        return "not started", "#9f9f9f"
    if days >= DAYS:
        return "done", "#2da44e"
    return f"day {days}/{DAYS}", "#0969da"


def render_badge(value: str, colour: str, *, label: str = "100DaysOfCloud") -> str:
    """A two-part badge, "label | value", in the usual flat style."""
    left = round(_width(label, 11) + 12)
    right = round(_width(value, 11) + 12)
    width = left + right
    body = [
        f'<clipPath id="round"><rect width="{width}" height="20" rx="3"/></clipPath>',
        '<g clip-path="url(#round)">',
        f'<rect width="{left}" height="20" fill="#555"/>',
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>',
        "</g>",
        f'<g fill="#fff" font-family="{BADGE_FONT}" font-size="11" text-anchor="middle">',
        f'<text x="{left / 2:.1f}" y="14" textLength="{left - 12}" lengthAdjust="spacingAndGlyphs">'
        f"{_text(label)}</text>",
        f'<text x="{left + right / 2:.1f}" y="14" textLength="{right - 12}" lengthAdjust="spacingAndGlyphs">'
        f"{_text(value)}</text>",
        "</g>",
    ]
    return _svg(width, 20, f"{label}: {value}", f"{label}: {value}", body)
