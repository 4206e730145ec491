"""The GitHub source against the fake GitHub: what it costs, what it reads, and each bad answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from hdoc.journeys.report import read_journey
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.fake_repository import FakeRepository
from hdoc.sources.github import GitHubClient, JourneyUnavailableError, RateLimitedError
from tests.fixtures.journeys import TODAY, add_day, entry, journey
from tests.journeys.repos import JourneyRepo

REPO = "Ana/100DaysOfCloud"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add(journey(REPO, 5))
        yield server


def client(github: FakeGitHub, **options) -> GitHubClient:
    options.setdefault("sleep", lambda _seconds: None)
    return GitHubClient(lambda: github.token, github.url, **options)


def test_a_changed_journey_costs_two_points_and_an_unchanged_one_a_free_304(github):
    source = client(github)
    first = source.fetch_journey(REPO)
    assert first.snapshot is not None
    assert github.cost == 2
    assert (github.requests["commits"], github.requests["repository"]) == (1, 1)
    assert github.requests["git"] > 0  # git's own traffic, which spends no API rate limit

    github.reset_counters()
    again = source.fetch_journey(REPO, first.known)
    assert again.snapshot is None
    assert (github.total_requests, github.cost, github.requests["304"]) == (1, 0, 1)


def test_a_journey_of_many_days_costs_the_same_requests_as_a_small_one(github):
    client(github).fetch_journey(REPO)
    small = dict(github.requests)
    github.reset_counters()
    github.add(journey("Big/100DaysOfCloud", 100))
    fetched = client(github).fetch_journey("Big/100DaysOfCloud")
    assert fetched.snapshot is not None
    assert len(fetched.snapshot.files) == 100
    assert github.cost == 2
    assert dict(github.requests) == small


def test_a_push_that_changes_no_journey_file_fetches_no_text_and_gives_no_snapshot(github):
    source = client(github)
    first = source.fetch_journey(REPO)
    changed = dict(github.requests)
    repository = github.repositories[REPO.lower()]
    head = repository.head()
    assert head is not None
    repository.commit(head[1] + timedelta(hours=1), {"images/vpc.png": "PNG"})
    github.reset_counters()
    second = source.fetch_journey(REPO, first.known)
    assert second.snapshot is None
    assert second.known.head != first.known.head
    assert github.cost == 2
    assert github.requests["git"] < changed["git"]  # the blobs were not fetched


def test_images_are_never_fetched(github):
    repository = github.repositories[REPO.lower()]
    head = repository.head()
    assert head is not None
    repository.commit(head[1] + timedelta(hours=1), {"images/vpc.png": "P" * 500_000})
    client(github).fetch_journey(REPO)
    assert github.bytes_sent < 100_000


def test_a_new_day_is_read_with_the_date_it_was_written(github):
    source = client(github)
    first = source.fetch_journey(REPO)
    add_day(github.repositories[REPO.lower()], 6)
    second = source.fetch_journey(REPO, first.known)
    assert second.snapshot is not None
    report = read_journey(second.snapshot, today=TODAY, timezone=UTC)
    assert report.totals.days_completed == 6
    assert [entry.date.isoformat() for entry in report.entries if entry.date][-1] == "2026-03-06"


def test_github_and_a_local_clone_of_the_same_history_give_the_same_report(github, tmp_path):
    # Given the same journey as a git clone and on the fake GitHub, with one edit and one day off
    clone = JourneyRepo(tmp_path / "clone")
    clone.write("README.md", "# 100 Days Of Cloud\n").commit("2026-02-28T09:00:00+02:00")
    remote = github.add(journey("Bo/100DaysOfCloud", 0))
    times = ["2026-03-01T09:00:00+02:00", "2026-03-02T23:30:00-05:00", "2026-03-04T08:00:00+02:00"]
    for day, when in enumerate(times, start=1):
        clone.write(f"Journey/{day:03d}/Readme.md", entry(day)).commit(when)
        remote.commit(datetime.fromisoformat(when), {f"Journey/{day:03d}/Readme.md": entry(day)})
    edited = entry(1) + "\nLater I added a line about costs.\n"
    clone.write("Journey/001/Readme.md", edited).commit("2026-03-05T10:00:00+02:00")
    remote.commit(datetime.fromisoformat("2026-03-05T10:00:00+02:00"), {"Journey/001/Readme.md": edited})

    # When both are read
    from_github = client(github).fetch_journey("Bo/100DaysOfCloud").snapshot
    assert from_github is not None
    github_report = read_journey(from_github, today=TODAY, timezone=UTC)
    local_report = read_journey(clone.snapshot(), today=TODAY, timezone=UTC)

    # Then the days, their dates and the score agree
    assert [(e.day, e.date, e.words) for e in github_report.entries] == [
        (e.day, e.date, e.words) for e in local_report.entries
    ]
    assert github_report.totals == local_report.totals
    assert github_report.entries[0].urls == [
        "https://github.com/Bo/100DaysOfCloud/blob/main/Journey/001/Readme.md"
    ]


def test_commits_from_before_the_repository_was_created_do_not_count(github):
    copied = github.add(journey("Cy/100DaysOfCloud", 3))
    copied.created_at = datetime(2026, 3, 2, 12, tzinfo=UTC)  # after day 1 and 2 were written
    snapshot = client(github).fetch_journey("Cy/100DaysOfCloud").snapshot
    assert snapshot is not None
    report = read_journey(snapshot, today=TODAY, timezone=UTC)
    assert [entry.counts for entry in report.entries] == [False, False, True]
    assert report.totals.days_completed == 1


@pytest.mark.parametrize(
    ("failure", "status"),
    [("404", "not-found"), ("moved", "moved")],
)
def test_a_repository_that_cannot_be_read_says_why(github, failure, status):
    github.fail(failure)
    with pytest.raises(JourneyUnavailableError) as raised:
        client(github).fetch_journey(REPO)
    assert raised.value.status == status
    assert raised.value.detail


def test_an_empty_repository_is_reported_as_empty(github):
    github.add(FakeRepository("Empty/100DaysOfCloud", created_at=datetime(2026, 3, 1, tzinfo=UTC)))
    with pytest.raises(JourneyUnavailableError) as raised:
        client(github).fetch_journey("Empty/100DaysOfCloud")
    assert raised.value.status == "empty"


def test_a_wrong_token_is_refused_access(github):
    source = GitHubClient(lambda: "not-the-token", github.url)
    with pytest.raises(JourneyUnavailableError) as raised:
        source.fetch_journey(REPO)
    assert raised.value.status == "forbidden"


def test_server_errors_are_retried_with_growing_jittered_backoff_and_then_succeed(github):
    waits: list[float] = []
    github.fail("500", times=2)
    fetched = client(github, attempts=3, backoff_seconds=1.0, sleep=waits.append).fetch_journey(REPO)
    assert fetched.snapshot is not None
    assert len(waits) == 2
    assert 0 <= waits[0] <= 1.0
    assert 0 <= waits[1] <= 2.0


def test_server_errors_beyond_the_retries_make_the_journey_unavailable(github):
    github.fail("500", times=3)
    with pytest.raises(JourneyUnavailableError) as raised:
        client(github, attempts=3).fetch_journey(REPO)
    assert raised.value.status == "unavailable"
    assert github.requests["500"] == 3


def test_a_slow_github_times_out_and_is_retried_a_bounded_number_of_times(github):
    github.slow_seconds = 1.0
    github.fail("slow", times=2)
    with pytest.raises(JourneyUnavailableError) as raised:
        client(github, attempts=2, timeout_seconds=0.2).fetch_journey(REPO)
    assert raised.value.status == "unavailable"
    assert "no answer" in raised.value.detail


@pytest.mark.parametrize(
    "failure", ["rate-limit", "secondary-rate-limit", "secondary-rate-limit-unsaid", "429"]
)
def test_a_rate_limit_stops_with_the_time_to_resume(github, failure):
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    github.fail(failure)
    with pytest.raises(RateLimitedError) as raised:
        client(github, clock=lambda: now).fetch_journey(REPO)
    if failure == "rate-limit":
        # X-RateLimit-Reset is a real epoch time, about reset_in from now
        assert raised.value.reset_at > datetime.now(UTC) + timedelta(minutes=29)
    elif failure == "secondary-rate-limit-unsaid":
        assert raised.value.reset_at == now + timedelta(minutes=1)
    else:
        assert raised.value.reset_at == now + timedelta(seconds=github.retry_after_seconds)
    assert github.total_requests == 1  # a rate limit is never retried on the spot


def test_spending_the_whole_rate_limit_answers_403_with_the_reset(github):
    github.remaining = 1
    with pytest.raises(RateLimitedError):
        client(github).fetch_journey(REPO)
    assert github.cost == 1


def test_a_clone_url_over_another_scheme_than_the_apis_is_not_fetched(github):
    source = GitHubClient(lambda: github.token, github.url.replace("http://", "https://", 1))
    assert source.api_url.startswith("https://")
    with pytest.raises(JourneyUnavailableError) as raised:
        source._clone_url({"clone_url": f"{github.url}/{REPO}.git"})  # http, where the API is https
    assert raised.value.status == "unavailable"
    assert client(github)._clone_url({"clone_url": f"{github.url}/{REPO}.git"}).endswith(".git")


def test_a_repository_too_large_to_be_a_journey_is_not_fetched(github):
    with pytest.raises(JourneyUnavailableError) as raised:
        client(github, max_repository_kb=0).fetch_journey(REPO)
    assert raised.value.status == "too-large"
    assert "repository of its own" in raised.value.detail
    assert github.requests["git"] == 0
