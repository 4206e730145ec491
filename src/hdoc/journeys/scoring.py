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
    days, streak, social, social_streak = breakdown(
        days_completed, longest_streak, social_days, longest_social_streak
    )
    return Score(github=days.points + streak.points, twitter=social.points + social_streak.points)


@dataclass(frozen=True)
class Rule:
    """One line of a score's breakdown."""

    rule: str
    count: int
    points_each: int

    @property
    def points(self) -> int:
        return self.count * self.points_each


def breakdown(
    days_completed: int, longest_streak: int, social_days: int, longest_social_streak: int
) -> list[Rule]:
    """Each rule of the formula, its count and its points; they add up to `score(...)`."""
    return [
        Rule("day completed", days_completed, POINTS_PER_DAY),
        Rule("day of the longest streak", longest_streak, POINTS_PER_LONGEST_STREAK_DAY),
        Rule("day with social proof", social_days, POINTS_PER_SOCIAL_DAY),
        Rule("day of the longest social streak", longest_social_streak, POINTS_PER_LONGEST_SOCIAL_STREAK_DAY),
    ]
