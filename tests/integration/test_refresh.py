"""Refreshing journeys into STATISTICS: after every GitHub failure, nothing stored is lost and the
journey's status says what happened."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from hdoc.dal.statistics import RULES_VERSION, StatisticsTable
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.runtime import LocalRuntime
from hdoc.logic.refresh import JourneyTarget, refresh_journey, refresh_journeys
from hdoc.sources.github import GitHubClient, RateLimitedError
from tests.conftest import TEMPLATE, emptied
from tests.fixtures.journeys import add_day, journey

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    with LocalRuntime(TEMPLATE, poll_streams=False) as started:
        yield started


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server


@pytest.fixture
def statistics(runtime: LocalRuntime) -> StatisticsTable:
    return StatisticsTable(emptied(runtime, "StatisticsTable"))


def source(github: FakeGitHub, timeout_seconds: float = 10.0) -> GitHubClient:
    return GitHubClient(
        lambda: github.token, github.url, sleep=lambda _: None, timeout_seconds=timeout_seconds
    )


def target(name: str) -> JourneyTarget:
    return JourneyTarget(name, f"{name}/100DaysOfCloud", "Europe/Paris")


def test_a_first_refresh_stores_the_report_totals_and_what_to_fetch_next_time(github, statistics):
    github.add(journey("ana/100DaysOfCloud", 5))
    assert refresh_journey(source(github), statistics, target("ana"), NOW) == "changed"
    stored = statistics.get("ana")
    assert stored is not None
    assert stored.status == "ok"
    assert stored.version == 1
    assert stored.report is not None
    assert stored.report.totals.days_completed == 5
    assert stored.known.head == github.repositories["ana/100daysofcloud"].head()[0]
    assert stored.known.etag
    assert set(stored.known.blobs) == {"README.md", *(f"Journey/{d:03d}/Readme.md" for d in range(1, 6))}


def test_an_unchanged_journey_the_same_day_writes_nothing(github, statistics):
    github.add(journey("ana/100DaysOfCloud", 5))
    refresh_journey(source(github), statistics, target("ana"), NOW)
    assert refresh_journey(source(github), statistics, target("ana"), NOW + timedelta(hours=1)) == "unchanged"
    stored = statistics.get("ana")
    assert stored is not None
    assert stored.version == 1


def test_an_unchanged_journey_on_a_later_day_is_re_dated_so_its_current_streak_can_end(github, statistics):
    github.add(journey("ana/100DaysOfCloud", 5))
    refresh_journey(source(github), statistics, target("ana"), datetime(2026, 3, 5, 20, tzinfo=UTC))
    before = statistics.get("ana")
    assert before is not None
    assert before.report is not None
    assert before.report.totals.github_streak == 5
    assert refresh_journey(source(github), statistics, target("ana"), NOW) == "re-dated"
    after = statistics.get("ana")
    assert after is not None
    assert after.report is not None
    assert after.report.totals.github_streak == 0  # five days without an entry
    assert after.report.totals.score == before.report.totals.score
    assert after.score_reached_at == before.score_reached_at  # same score: same place among equals
    assert github.cost == 2  # the second refresh was a free 304


def test_a_new_day_changes_the_statistics_and_bumps_the_version(github, statistics):
    repository = github.add(journey("ana/100DaysOfCloud", 5))
    refresh_journey(source(github), statistics, target("ana"), NOW)
    add_day(repository, 6)
    assert refresh_journey(source(github), statistics, target("ana"), NOW) == "changed"
    stored = statistics.get("ana")
    assert stored is not None
    assert stored.report is not None
    assert stored.report.totals.days_completed == 6
    assert stored.version == 2


@pytest.mark.parametrize(
    ("failure", "attempts", "status"),
    [
        ("404", 1, "not-found"),
        ("moved", 1, "moved"),
        ("500", 3, "unavailable"),
        ("slow", 3, "unavailable"),
    ],
)
def test_a_failed_fetch_keeps_the_statistics_and_records_why(github, statistics, failure, attempts, status):
    # Given a journey read once, which then gains a day
    repository = github.add(journey("ana/100DaysOfCloud", 5))
    refresh_journey(source(github), statistics, target("ana"), NOW)
    good = statistics.get("ana")
    add_day(repository, 6)
    # When GitHub fails every attempt of the next refresh (a slow answer: past the client's timeout,
    # which a loaded machine only makes slower)
    github.slow_seconds = 1.0
    github.fail(failure, times=attempts)
    impatient = source(github, timeout_seconds=0.3)
    assert refresh_journey(impatient, statistics, target("ana"), NOW + timedelta(days=1)) == status
    # Then what was stored is still there, and the status says what happened
    after = statistics.get("ana")
    assert good is not None
    assert after is not None
    assert after.report == good.report
    assert after.known == good.known
    assert after.last_refreshed_at == good.last_refreshed_at
    assert (after.status, after.version) == (status, 2)
    assert after.status_detail
    # And the next good refresh reads the new day
    assert refresh_journey(source(github), statistics, target("ana"), NOW + timedelta(days=1)) == "changed"
    fixed = statistics.get("ana")
    assert fixed is not None
    assert fixed.report is not None
    assert (fixed.status, fixed.report.totals.days_completed) == ("ok", 6)


def test_a_journey_that_was_never_readable_has_a_status_and_no_statistics(github, statistics):
    assert refresh_journey(source(github), statistics, target("nobody"), NOW) == "not-found"
    stored = statistics.get("nobody")
    assert stored is not None
    assert (stored.status, stored.report) == ("not-found", None)


@pytest.mark.parametrize("failure", ["rate-limit", "429"])
def test_a_rate_limit_stops_the_batch_keeps_what_is_done_and_stops_later_batches_until_the_reset(
    github, statistics, failure
):
    for name in ("ana", "bo", "cy"):
        github.add(journey(f"{name}/100DaysOfCloud", 3))
    client = source(github)
    refresh_journey(client, statistics, target("ana"), NOW)
    github.fail(failure, repo="bo/100DaysOfCloud")
    tally = refresh_journeys(client, statistics, [target("ana"), target("bo"), target("cy")], NOW)
    assert tally.outcomes == {"unchanged": 1, "skipped": 2}
    assert tally.rate_limited_until is not None
    assert statistics.get("bo") is None  # nothing stored for the one that hit the limit
    assert statistics.get("cy") is None
    stored = statistics.get("ana")
    assert stored is not None
    assert stored.status == "ok"
    # Another batch before the reset asks GitHub nothing
    github.reset_counters()
    later = refresh_journeys(client, statistics, [target("cy")], NOW)
    assert later.outcomes == {"skipped": 1}
    assert github.total_requests == 0


def test_a_rate_limit_on_a_single_refresh_raises_and_stores_nothing(github, statistics):
    github.add(journey("ana/100DaysOfCloud", 3))
    github.fail("rate-limit")
    with pytest.raises(RateLimitedError):
        refresh_journey(source(github), statistics, target("ana"), NOW)
    assert statistics.get("ana") is None


def test_a_batch_defers_what_it_has_no_time_left_for(github, statistics):
    for name in ("ana", "bo", "cy"):
        github.add(journey(f"{name}/100DaysOfCloud", 2))
    seconds = iter([600.0, 30.0])  # plenty for the first, then under a minute before the timeout
    tally = refresh_journeys(
        source(github), statistics, [target("ana"), target("bo"), target("cy")], NOW, lambda: next(seconds)
    )
    assert tally.outcomes == {"changed": 1, "deferred": 2}
    assert statistics.get("bo") is None


def test_an_unexpected_failure_costs_only_that_journey_its_refresh(github, statistics):
    for name in ("ana", "bo"):
        github.add(journey(f"{name}/100DaysOfCloud", 2))

    class Broken(GitHubClient):
        def fetch_journey(self, repo, known=None, owner_id=None):
            if repo.startswith("ana/"):
                raise RuntimeError("a bug")
            return super().fetch_journey(repo, known, owner_id)

    broken = Broken(lambda: github.token, github.url)
    tally = refresh_journeys(broken, statistics, [target("ana"), target("bo")], NOW)
    assert tally.outcomes == {"failed": 1, "changed": 1}
    stored = statistics.get("bo")
    assert stored is not None
    assert stored.status == "ok"


def test_participants_are_listed_a_page_at_a_time_by_username(runtime):
    from hdoc.dal.users import UsersTable
    from tests.conftest import make_participant

    users = UsersTable(runtime.table_name("UsersTable"))
    names = [f"walker-{number}" for number in range(7)]
    users.put_many((make_participant(name), NOW) for name in names)
    pages, cursor = [], None
    for _ in range(10):
        page, cursor = users.usernames_page(3, cursor)
        pages.append(page)
        if cursor is None:
            break
    listed = [name for page in pages for name in page if name.startswith("walker-")]
    assert listed == names
    assert all(len(page) <= 3 for page in pages)


@pytest.mark.parametrize("failure", ["rate-limit", "secondary-rate-limit", "429"])
def test_a_rate_limited_refresh_keeps_the_stored_statistics_as_they_were(github, statistics, failure):
    repository = github.add(journey("ana/100DaysOfCloud", 3))
    refresh_journey(source(github), statistics, target("ana"), NOW)
    good = statistics.get("ana")
    add_day(repository, 4)
    github.fail(failure)
    with pytest.raises(RateLimitedError):
        refresh_journey(source(github), statistics, target("ana"), NOW + timedelta(days=1))
    # The run pauses for GitHub, not for the participant: their statistics and status stay as they were
    assert statistics.get("ana") == good


def test_a_report_stored_in_an_older_shape_reads_as_none_and_is_read_afresh(github, statistics, runtime):
    github.add(journey("ana/100DaysOfCloud", 3))
    refresh_journey(source(github), statistics, target("ana"), NOW)
    # Given a report stored by an older hdoc, in a shape this one cannot read
    runtime.client("dynamodb").update_item(
        TableName=runtime.table_name("StatisticsTable"),
        Key={"pk": {"S": "ana"}, "sk": {"S": "github"}},
        UpdateExpression="SET report = :old",
        ExpressionAttributeValues={":old": {"B": zlib.compress(b'{"days": "an older shape"}')}},
    )
    stored = statistics.get("ana")
    assert stored is not None
    assert (stored.report, stored.status) == (None, "ok")
    # Then the next refresh reads the whole journey again instead of trusting what it knew
    github.reset_counters()
    assert refresh_journey(source(github), statistics, target("ana"), NOW) == "changed"
    assert github.requests["repository"] == 1


def test_a_journey_read_under_older_rules_is_read_afresh_with_the_new_ones(github, statistics, runtime):
    repository = journey("ana/100DaysOfCloud", 3)
    github.add(repository)
    refresh_journey(source(github), statistics, target("ana"), NOW)
    runtime.client("dynamodb").update_item(
        TableName=runtime.table_name("StatisticsTable"),
        Key={"pk": {"S": "ana"}, "sk": {"S": "github"}},
        UpdateExpression="SET rulesVersion = :old",
        ExpressionAttributeValues={":old": {"N": str(RULES_VERSION - 1)}},
    )
    github.reset_counters()
    # Nothing was pushed: with the same rules this is a free 304; with older ones, a whole read
    assert refresh_journey(source(github), statistics, target("ana"), NOW) == "changed"
    assert github.requests["repository"] == 1
    stored = statistics.get("ana")
    assert stored is not None
    assert stored.rules_version == RULES_VERSION


def test_a_refresh_overlapping_the_participants_deletion_leaves_no_statistics(github, runtime):
    from hdoc.dal.users import UsersTable
    from tests.conftest import make_participant

    github.add(journey("gone-soon/100DaysOfCloud", 2))
    github.add(journey("still-here/100DaysOfCloud", 2))
    users = UsersTable(runtime.table_name("UsersTable"))
    users.put_many([(make_participant("still-here"), NOW)])
    guarded = StatisticsTable(emptied(runtime, "StatisticsTable"), runtime.table_name("UsersTable"))
    # "gone-soon" was listed, then deleted (DELETE /me) before its first statistics were written
    assert refresh_journey(source(github), guarded, target("gone-soon"), NOW) == "superseded"
    assert guarded.get("gone-soon") is None
    assert refresh_journey(source(github), guarded, target("still-here"), NOW) == "changed"
    assert guarded.get("still-here") is not None


def test_a_journey_is_read_only_when_its_repository_is_the_verified_participants_github_account(
    github, statistics
):
    """A login can pass to someone else on GitHub: a participant verified as the GitHub account
    with id N reads only a repository whose owner is N, whatever its name says."""
    github.add(journey("kept/100DaysOfCloud", 3))
    github.add(journey("taken/100DaysOfCloud", 3))
    holder = github.oauth.account("kept").id
    # the participant verified as "taken" renamed on GitHub; someone else holds "taken" now
    github.oauth.rename("taken", "moved-on")
    stale_id = github.oauth.account("moved-on").id
    assert github.oauth.account("taken").id != stale_id

    owner = JourneyTarget("kept", "kept/100DaysOfCloud", "UTC", github_id=holder)
    stale = JourneyTarget("taken", "taken/100DaysOfCloud", "UTC", github_id=stale_id)
    assert refresh_journey(source(github), statistics, owner, NOW) == "changed"
    assert refresh_journey(source(github), statistics, stale, NOW) == "not-owner"
    stored = statistics.get("taken")
    assert stored is not None
    assert stored.status == "not-owner"
    assert stored.report is None
    assert "links GitHub again" in (stored.status_detail or "")


def test_a_refresh_that_loses_the_race_to_an_earlier_pushs_refresh_reads_again_and_wins(runtime):
    """Two pushes a second apart: the later push's refresh read first, the earlier one's wrote first.
    The journey must end as the later push left it (five days), not the earlier (four)."""
    table = emptied(runtime, "StatisticsTable")
    with FakeGitHub() as earlier, FakeGitHub() as later:
        earlier.add(journey("ana/100DaysOfCloud", 3))  # before either push
        later.add(journey("ana/100DaysOfCloud", 5))  # GitHub as the later push's refresh saw it
        plain = StatisticsTable(table)
        refresh_journey(source(earlier), plain, target("ana"), NOW - timedelta(hours=1))
        first_version = plain.get("ana").version

        class EarlierWritesFirst(StatisticsTable):
            raced = False

            def save_report(self, **fields):
                if not self.raced:
                    self.raced = True
                    earlier.add(journey("ana/100DaysOfCloud", 4))  # a new head: the earlier push
                    assert refresh_journey(source(earlier), plain, target("ana"), NOW) == "changed"
                return super().save_report(**fields)

        assert refresh_journey(source(later), EarlierWritesFirst(table), target("ana"), NOW) == "changed"

    stored = plain.get("ana")
    assert stored is not None
    assert stored.report is not None
    assert stored.report.totals.days_completed == 5
    assert stored.version == first_version + 2  # the earlier push's write, then the later one's
