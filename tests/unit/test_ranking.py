"""Leaderboard ranks: standard competition ranking, page by page."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from hdoc.logic.ranking import RankState, competition_ranks, state_after

descending_scores = st.lists(st.integers(min_value=0, max_value=50), max_size=60).map(
    lambda scores: sorted(scores, reverse=True)
)


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks([90, 80, 80, 70]) == [1, 2, 2, 4]


def test_a_page_continues_the_ranks_of_the_previous_one():
    first = competition_ranks([90, 80])
    second = competition_ranks([80, 70], state_after([90, 80], first, RankState()))
    assert first + second == [1, 2, 2, 4]


@given(descending_scores)
def test_ranks_never_decrease(scores):
    ranks = competition_ranks(scores)
    assert all(earlier <= later for earlier, later in itertools.pairwise(ranks))


@given(descending_scores)
def test_equal_scores_share_a_rank(scores):
    ranks = competition_ranks(scores)
    for i in range(1, len(scores)):
        if scores[i] == scores[i - 1]:
            assert ranks[i] == ranks[i - 1]


@given(descending_scores)
def test_a_rank_is_one_plus_the_number_of_strictly_higher_scores(scores):
    for score, rank in zip(scores, competition_ranks(scores), strict=True):
        assert rank == 1 + sum(1 for other in scores if other > score)


@given(descending_scores, st.integers(min_value=1, max_value=7))
def test_paging_gives_the_same_ranks_as_one_long_page(scores, page_size):
    state, paged = RankState(), []
    for start in range(0, len(scores), page_size):
        page = scores[start : start + page_size]
        ranks = competition_ranks(page, state)
        paged += ranks
        state = state_after(page, ranks, state)
    assert paged == competition_ranks(scores)
