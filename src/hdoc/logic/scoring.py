"""The CloudCoins formula, in one place."""

from __future__ import annotations

from dataclasses import dataclass

POINTS_PER_DAY = 10
POINTS_PER_LONGEST_STREAK_DAY = 2
POINTS_PER_SOCIAL_DAY = 5
POINTS_PER_LONGEST_SOCIAL_STREAK_DAY = 1


@dataclass(frozen=True)
class Score:
    """A participant's score and its two halves."""

    github: int
    twitter: int

    @property
    def total(self) -> int:
        return self.github + self.twitter


def score(days_completed: int, longest_streak: int, social_days: int, longest_social_streak: int) -> Score:
    """githubScore = 10 × days + 2 × longest streak;
    twitterScore = 5 × social days + 1 × longest social streak."""
    return Score(
        github=POINTS_PER_DAY * days_completed + POINTS_PER_LONGEST_STREAK_DAY * longest_streak,
        twitter=POINTS_PER_SOCIAL_DAY * social_days
        + POINTS_PER_LONGEST_SOCIAL_STREAK_DAY * longest_social_streak,
    )
