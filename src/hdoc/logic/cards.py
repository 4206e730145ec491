"""The progress card and badge of a participant: what they show, which options they take, and the
image answer (errors are images too: an embedded image cannot show a problem document).

A card reads two items (the participant, and their journey's statistics for the streaks' dates), a
badge one; neither ever asks GitHub. Images are cached as GitHub's image proxy expects (public for an
hour, with an ETag, so an unchanged card is a 304): handlers/caching.py says so for every answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from hdoc.dal.statistics import StatisticsTable
from hdoc.dal.users import UsersTable
from hdoc.logic.card_images import (
    THEMES,
    CardData,
    Streak,
    badge_value,
    render_badge,
    render_card,
    render_error_card,
)
from hdoc.models.journey import StreakReport
from hdoc.models.usernames import is_valid_username, username_key

PARTS = ("name", "days", "current", "longest", "score", "hashtag")
IMAGE_CONTENT_TYPE = "image/svg+xml; charset=utf-8"


@dataclass(frozen=True)
class Image:
    """An SVG answer: its status and body."""

    status: int
    svg: str


class CardOptionsError(ValueError):
    """A `theme` or `hide` the card does not take; the message says what it takes."""


def card_options(theme: str | None, hide: str | None) -> tuple[str, frozenset[str]]:
    """The theme's name and the parts to hide, or CardOptionsError."""
    chosen = theme or "light"
    if chosen not in THEMES:
        raise CardOptionsError(f"theme must be light or dark, not '{chosen[:40]}'.")
    hidden = frozenset(part.strip() for part in (hide or "").split(",") if part.strip())
    unknown = sorted(hidden - set(PARTS))
    if unknown:
        raise CardOptionsError(
            f"hide takes a comma-separated list of {', '.join(PARTS)}; not '{unknown[0][:40]}'."
        )
    return chosen, hidden


def _streak(length: int, report: StreakReport | None) -> Streak:
    """The participant's streak, dated by the stored report when it tells the same streak."""
    if report is not None and report.length == length:
        return Streak(length, report.start, report.end)
    return Streak(length)


def card(
    users: UsersTable, statistics: StatisticsTable, username: str, theme: str | None, hide: str | None
) -> Image:
    """The participant's card, or a card saying why there is none (400 or 404)."""
    try:
        theme_name, hidden = card_options(theme, hide)
    except CardOptionsError as error:
        return Image(400, render_error_card("Card options not understood", str(error), THEMES["light"]))
    colours = THEMES[theme_name]
    record = users.get(username_key(username)) if is_valid_username(username) else None
    if record is None:
        return Image(404, render_error_card("No such participant", _unknown(username), colours))
    participant = record.participant
    stored = statistics.get(record.pk)
    streaks = stored.report.streaks if stored is not None and stored.report is not None else None
    data = CardData(
        name=participant.name,
        days=participant.days_completed,
        current=_streak(participant.github_streak, streaks.current if streaks else None),
        longest=_streak(participant.longest_streak, streaks.longest if streaks else None),
        score=participant.score,
    )
    return Image(200, render_card(data, colours, hidden))


def badge(users: UsersTable, username: str) -> Image:
    """The participant's one-line badge: day N/100, not started, or done (or not found)."""
    record = users.get(username_key(username)) if is_valid_username(username) else None
    if record is None:
        return Image(404, render_badge("not found", "#cf222e"))
    return Image(200, render_badge(*badge_value(record.participant.days_completed)))


def refused(status: int, detail: str) -> Image:
    """A request for an image that could not be read at all (parameters, or not a route)."""
    headline = "Card options not understood" if status == 400 else "No such image"
    return Image(status, render_error_card(headline, detail, THEMES["light"]))


def _unknown(username: str) -> str:
    shown = username if len(username) <= 39 else username[:38] + "…"
    return (
        f"hdoc has no participant with the GitHub username '{shown}'. Check the name in the image's address."
    )
