"""Leaderboard ranks: standard competition ranking (1, 2, 2, 4), computed page by page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RankState:
    """Where the previous page ended: the last position, its score and its rank."""

    position: int = 0
    score: int | None = None
    rank: int = 0


def competition_ranks(scores: Sequence[int], start: RankState = RankState()) -> list[int]:
    """Ranks for `scores` (highest first) continuing after `start`.

    A participant's rank is their 1-based position unless they tie with the one before, in which
    case they share its rank; so the rank is 1 plus the number of strictly higher scores.
    """
    ranks: list[int] = []
    previous_score, previous_rank, position = start.score, start.rank, start.position
    for score in scores:
        position += 1
        rank = previous_rank if score == previous_score else position
        ranks.append(rank)
        previous_score, previous_rank = score, rank
    return ranks


def state_after(scores: Sequence[int], ranks: Sequence[int], start: RankState) -> RankState:
    """The state a following page starts from."""
    if not scores:
        return start
    return RankState(position=start.position + len(scores), score=scores[-1], rank=ranks[-1])
