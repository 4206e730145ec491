"""Properties of the rules that must hold for any journey."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from hdoc.journeys import scoring, streaks
from hdoc.journeys.checklist import read_checklist
from hdoc.journeys.report import read_journey
from hdoc.journeys.snapshot import Snapshot, line_of_commits

START = date(2026, 1, 1)
active_dates = st.sets(st.integers(min_value=0, max_value=60).map(lambda n: START + timedelta(days=n)))


@st.composite
def journeys(draw) -> Snapshot:
    """Days written over a few weeks, in any offset, some with text, some with social proof only."""
    commits = []
    for n, day in enumerate(draw(st.lists(st.integers(0, 30), min_size=1, max_size=12, unique=True))):
        offset = timezone(timedelta(hours=draw(st.integers(-11, 13))))
        when = datetime(2026, 1, 1, 12, tzinfo=offset) + timedelta(days=draw(st.integers(0, 40)), minutes=n)
        body = draw(
            st.sampled_from(
                [
                    f"Day {day}: I practised with CloudFormation.",
                    "[post](https://x.com/someone/status/99)",
                    "# Only a heading",
                ]
            )
        )
        commits.append((when, {f"Journey/{day:03d}/Readme.md": body}))
    commits.sort(key=lambda commit: commit[0])
    return line_of_commits(commits)


@settings(max_examples=60, deadline=None)
@given(journeys(), st.randoms(use_true_random=False))
def test_the_order_entries_are_given_in_changes_nothing(snapshot, rng):
    shuffled = list(snapshot.files.items())
    rng.shuffle(shuffled)
    reordered = dataclasses.replace(snapshot, files=dict(shuffled))

    today = date(2026, 3, 1)
    assert read_journey(reordered, today=today, timezone=UTC) == read_journey(
        snapshot, today=today, timezone=UTC
    )


@settings(max_examples=60, deadline=None)
@given(journeys())
def test_the_score_equals_the_sum_of_its_breakdown(snapshot):
    result = read_journey(snapshot, today=date(2026, 3, 1), timezone=UTC)

    assert sum(rule.points for rule in result.breakdown) == result.totals.score
    assert result.totals.github_score + result.totals.twitter_score == result.totals.score


@given(active_dates, st.integers(min_value=0, max_value=70))
def test_adding_an_active_day_never_shortens_the_longest_streak(dates, extra):
    before = streaks.longest(dates)
    after = streaks.longest(dates | {START + timedelta(days=extra)})

    assert after is not None
    assert after.length >= (before.length if before else 0)


@given(active_dates, st.integers(min_value=0, max_value=70))
def test_the_current_streak_is_never_longer_than_the_longest(dates, today_offset):
    today = START + timedelta(days=today_offset)
    current = streaks.current(dates, today)
    longest = streaks.longest(dates)

    assert current is None or (longest is not None and current.length <= longest.length)
    assert current is None or current.end >= today - timedelta(days=1)


@given(active_dates)
def test_streaks_do_not_depend_on_the_order_of_dates(dates):
    shuffled = list(dates)
    random.Random(len(dates)).shuffle(shuffled)

    assert streaks.runs(shuffled) == streaks.runs(sorted(dates))


@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100))
def test_the_formula_is_its_breakdown(days, streak, social, social_streak):
    total = scoring.score(days, streak, social, social_streak).total

    assert total == sum(rule.points for rule in scoring.breakdown(days, streak, social, social_streak))
    assert total == 10 * days + 2 * streak + 5 * social + social_streak


def test_a_day_not_over_yet_breaks_nothing():
    dates = {START, START + timedelta(days=1)}

    assert streaks.current(dates, START + timedelta(days=2)) == streaks.Streak(
        START, START + timedelta(days=1)
    )
    assert streaks.current(dates, START + timedelta(days=3)) is None


def test_checklist_titles_over_several_lines_and_with_nested_brackets():
    facts = read_checklist(
        "- [x] ☁️ 1 > [My First Day](Journey/001/Readme.md)\n"
        "- [X] ☁️ 2 > [Day 2: [AWS] S3 and\n"
        "  lifecycle rules](Journey/002/Readme.md)\n"
        "- [ ] ☁️ 3 > [](Journey/003/Readme.md)\n"
        "- [x] ☁️ 4 > [Serverless (part [1])](day-4.md)\n"
    )

    assert facts.ticked == {1, 2, 4}
    assert facts.titles == {
        1: "My First Day",
        2: "Day 2: [AWS] S3 and lifecycle rules",
        4: "Serverless (part [1])",
    }
