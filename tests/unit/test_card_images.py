"""The progress card and badge as SVG: well-formed, accessible, self-contained, and safe with any name."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from hdoc.logic.card_images import (
    HEIGHT,
    THEMES,
    WIDTH,
    CardData,
    Streak,
    _width,
    badge_value,
    fit,
    render_badge,
    render_card,
    render_error_card,
)
from hdoc.logic.cards import CardOptionsError, card_options

SVG = "{http://www.w3.org/2000/svg}"
ANA = CardData(
    name="Ana Lovelace",
    days=42,
    current=Streak(5, date(2026, 3, 3), date(2026, 3, 7)),
    longest=Streak(12, date(2026, 1, 28), date(2026, 2, 8)),
    score=532,
)


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}desc") is not None
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def self_contained(svg: str) -> bool:
    lowered = svg.lower()
    return not any(
        word in lowered for word in ("<script", "href", "<image", "<style", "@import", "url(http", "<foreign")
    )


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_a_card_shows_the_numbers_in_pictures_and_in_words(theme):
    svg = render_card(ANA, THEMES[theme])
    root = parsed(svg)
    assert (root.get("width"), root.get("height")) == (str(WIDTH), str(HEIGHT))
    shown = texts(root)
    assert "Ana Lovelace" in shown
    assert "42 of 100 days" in shown
    assert {"5", "12", "532", "3 Mar – 7 Mar 2026", "28 Jan – 8 Feb 2026", "#100DaysOfCloud"} <= set(shown)
    desc = root.findtext(f"{SVG}desc")
    assert desc == (
        "Ana Lovelace's #100DaysOfCloud journey. 42 of 100 days done. Current streak: 5 days "
        "(3 Mar – 7 Mar 2026). Longest streak: 12 days (28 Jan – 8 Feb 2026). Score: 532 CloudCoins."
    )
    assert self_contained(svg)


def test_hidden_parts_are_neither_drawn_nor_described():
    root = parsed(render_card(ANA, THEMES["light"], frozenset({"score", "name", "hashtag"})))
    shown = texts(root)
    assert "Ana Lovelace" not in shown
    assert "532" not in shown
    assert "#100DaysOfCloud" not in shown
    assert "Score" not in (root.findtext(f"{SVG}desc") or "")
    assert {"5", "12"} <= set(shown)


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script>&\"'",
        "]]><svg onload=alert(1)>",
        "\u202eevil\u202c name",
        "مرحبا \u200f بالعالم",
        "🚀☁️ Cloud 🌩️",
        "王小明的云端旅程",
        "A" * 200,
        "W" * 60,
    ],
)
def test_any_name_stays_text_inside_the_card(name):
    data = CardData(name, 3, Streak(1), Streak(2), 22)
    svg = render_card(data, THEMES["light"])
    root = parsed(svg)  # well-formed: the name could not break out of its element
    assert self_contained(svg)
    assert all(element.tag != f"{SVG}script" for element in root.iter())
    title_text = texts(root)[0]
    assert "\u202e" not in title_text
    assert _width(title_text, 18, bold=True) <= WIDTH - 2 * 25 - 130
    assert root.find(f"{SVG}clipPath") is not None  # and, whatever the font, clipped to its place


def test_a_long_name_is_shortened_with_an_ellipsis():
    assert fit("Short", 18, 300) == "Short"
    shortened = fit("An extremely long name that would never fit on the card at all", 18, 200)
    assert shortened.endswith("…")
    assert _width(shortened, 18) <= 200


def test_a_streak_without_dates_is_shown_without_them():
    data = CardData("Bo", 0, Streak(0), Streak(0), 0)
    root = parsed(render_card(data, THEMES["dark"]))
    assert "0 of 100 days" in texts(root)
    assert "Current streak: 0 days." in (root.findtext(f"{SVG}desc") or "")


@pytest.mark.parametrize(
    ("days", "value"),
    [(0, "not started"), (1, "day 1/100"), (42, "day 42/100"), (100, "done"), (104, "done")],
)
def test_the_badge_says_how_far_the_journey_is(days, value):
    shown, colour = badge_value(days)
    assert shown == value
    root = parsed(render_badge(shown, colour))
    assert texts(root) == ["100DaysOfCloud", value]
    assert root.findtext(f"{SVG}title") == f"100DaysOfCloud: {value}"
    assert root.get("height") == "20"


def test_an_error_card_says_what_went_wrong_and_stays_an_image():
    svg = render_error_card("No such participant", "hdoc has no participant <named> 'x'.", THEMES["light"])
    root = parsed(svg)
    assert root.findtext(f"{SVG}title") == "No such participant"
    assert "hdoc has no participant <named> 'x'." in " ".join(texts(root))
    assert self_contained(svg)


def test_card_options_name_what_is_allowed():
    assert card_options(None, None) == ("light", frozenset())
    assert card_options("dark", "score, name") == ("dark", frozenset({"score", "name"}))
    with pytest.raises(CardOptionsError, match="light or dark"):
        card_options("blue", None)
    with pytest.raises(CardOptionsError, match="name, days, current, longest, score, hashtag"):
        card_options(None, "score,avatar")
