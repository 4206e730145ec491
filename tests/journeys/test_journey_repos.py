"""The counting rules on real git repositories, built the way participants build theirs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hdoc.journeys.report import COPIED, read_journey
from hdoc.journeys.snapshot import line_of_commits
from hdoc.models.journey import JourneyReport
from tests.journeys.repos import LONG_TEMPLATE, JourneyRepo, filled

TODAY = date(2026, 3, 10)


def report(repo: JourneyRepo, created_at: str | None = None, today: date = TODAY) -> JourneyReport:
    """What `hdoc journey` reports on the clone, checked equal, field by field, to what the statistics
    pipeline reports reading the same repository from (the fake) GitHub."""
    local = read_journey(repo.snapshot(created_at), today=today, timezone=UTC)
    from_github = read_journey(repo.through_github(created_at), today=today, timezone=UTC)
    assert from_github.model_dump() == local.model_dump()
    return local


def counted(result: JourneyReport) -> dict[int, str]:
    return {entry.day: entry.date.isoformat() for entry in result.entries if entry.counts and entry.date}


@pytest.fixture
def repo(tmp_path) -> JourneyRepo:
    return JourneyRepo(tmp_path / "journey", from_template=True).commit(
        "2026-03-01T09:00:00+00:00", "template"
    )


def test_the_untouched_template_counts_nothing(repo):
    result = report(repo)

    assert [entry.day for entry in result.entries] == [1]
    assert result.entries[0].counts is False
    assert result.totals.days_completed == 0
    assert result.totals.score == 0


def test_standard_layout_days_on_consecutive_dates_make_a_streak(repo):
    repo.write("Journey/001/Readme.md", filled("I created my first S3 bucket and a lifecycle rule."))
    repo.commit("2026-03-02T20:00:00+00:00")
    repo.write("Journey/002/Readme.md", filled("Today I wrote a Lambda function that resizes images."))
    repo.commit("2026-03-03T21:00:00+00:00")

    result = report(repo, today=date(2026, 3, 4))

    assert counted(result) == {1: "2026-03-02", 2: "2026-03-03"}
    assert result.streaks.current is not None
    assert result.streaks.current.length == 2
    assert result.totals.score == 2 * 10 + 2 * 2
    assert result.entries[0].title == "My First Day"  # the template's heading is not a title; the README's is


def test_renamed_day_files_and_several_files_in_one_day(repo):
    repo.write("Journey/002/README.md", "# VPC day\n\nI built a VPC with two subnets.\n")
    repo.write("Journey/003/Day3.md", "Set up CloudWatch alarms for the instance.\n")
    repo.write("Journey/003/notes.md", "Alarms need a metric with data first.\n")
    repo.commit("2026-03-02T10:00:00+00:00")

    entries = {entry.day: entry for entry in report(repo).entries}

    assert entries[2].counts
    assert entries[2].title == "VPC day"
    assert entries[3].paths == ["Journey/003/Day3.md", "Journey/003/notes.md"]
    assert entries[3].words == 7 + 7


def test_flat_day_files_with_and_without_an_extension(tmp_path):
    repo = JourneyRepo(tmp_path / "flat")
    repo.write("day-7.md", "Learned about IAM roles.\n")
    repo.write("notes/Day _10", "Deployed with SAM.\n")
    repo.write("azure_day8.md", "Azure Functions cold starts.\n")
    repo.write("Templates/day-9.md", "A template, not a day.\n")
    repo.commit("2026-03-05T08:00:00+00:00")

    assert sorted(counted(report(repo))) == [7, 8, 10]


def test_untouched_emptied_stub_and_half_filled_days(repo):
    repo.write("Journey/002/Readme.md", repo.path.joinpath("Journey/001/Readme.md").read_text())  # untouched
    repo.write("Journey/003/Readme.md", "")  # emptied
    repo.write(
        "Journey/004/Readme.md", "# Day 4\n\n![diagram](diagram.png)\n\n[my notes](https://example.com)\n"
    )
    repo.write("Journey/005/Readme.md", filled("Half done, but this line is mine."))
    repo.commit("2026-03-02T10:00:00+00:00")

    result = report(repo)

    assert sorted(counted(result)) == [5]
    assert {entry.day for entry in result.entries if not entry.counts} == {1, 2, 3, 4}


def test_a_social_proof_post_alone_completes_a_day(repo):
    repo.write("Journey/002/Readme.md", "# Day 2\n\n[link](https://twitter.com/someone/status/1234567890)\n")
    repo.write("Journey/003/Readme.md", "# Day 3\n\n[me](https://www.linkedin.com/in/someone)\n")  # a profile
    repo.commit("2026-03-02T10:00:00+00:00")

    result = report(repo)

    assert sorted(counted(result)) == [2]
    assert result.totals.twitter_score == 5 + 1


def test_a_nested_readme_is_an_attachment_not_an_entry(repo):
    repo.write("Journey/001/lambda/README.md", "This folder holds the function's code, with a long README.\n")
    repo.commit("2026-03-02T10:00:00+00:00")

    result = report(repo)

    assert result.entries[0].paths == ["Journey/001/Readme.md"]
    assert counted(result) == {}


def test_day_zero_counts_like_any_day(repo):
    repo.write("Journey/000/Readme.md", "Day zero: I planned the next hundred days.\n")
    repo.commit("2026-03-02T10:00:00+00:00")

    assert counted(report(repo)) == {0: "2026-03-02"}


def test_a_ticked_box_or_a_readme_title_alone_never_counts(repo):
    readme = repo.path.joinpath("README.md").read_text()
    readme = readme.replace(
        "- [ ] ☁️ 2 > [](Journey/002/Readme.md)", "- [x] ☁️ 2 > [S3](Journey/002/Readme.md)"
    )
    readme = readme.replace(
        "- [ ] ☁️ 3 > [](Journey/003/Readme.md)", "- [ ] ☁️ 3 > [IAM](Journey/003/Readme.md)"
    )
    repo.write("README.md", readme)
    repo.write("Journey/002/Readme.md", "")
    repo.commit("2026-03-02T10:00:00+00:00")

    result = report(repo)

    assert counted(result) == {}
    assert result.checklist.ticked_but_not_counted == [2]
    assert 3 in result.checklist.titled_only


def test_days_backfilled_in_one_commit_share_its_date_and_out_of_order_days_keep_theirs(repo):
    repo.write("Journey/005/Readme.md", "Started with day five: EKS.\n")
    repo.commit("2026-03-02T10:00:00+00:00")
    for day in (2, 3, 4):
        repo.write(f"Journey/00{day}/Readme.md", f"Catching up on day {day}.\n")
    repo.commit("2026-03-06T22:00:00+00:00")

    assert counted(report(repo)) == {2: "2026-03-06", 3: "2026-03-06", 4: "2026-03-06", 5: "2026-03-02"}


def test_text_written_into_the_wrong_day_then_moved_keeps_its_date(repo):
    repo.write("Journey/002/Readme.md", "Networking: route tables and gateways.\n")
    repo.commit("2026-03-02T10:00:00+00:00")
    repo.move("Journey/002/Readme.md", "Journey/003/Readme.md")
    repo.commit("2026-03-08T10:00:00+00:00", "oops, that was day 3")

    assert counted(report(repo)) == {3: "2026-03-02"}


def test_a_later_edit_does_not_move_a_day(repo):
    repo.write("Journey/002/Readme.md", "Frist try at Terraform.\n")
    repo.commit("2026-03-02T10:00:00+00:00")
    repo.write("Journey/002/Readme.md", "First try at Terraform.\n")
    repo.commit("2026-03-09T10:00:00+00:00", "typo")

    assert counted(report(repo)) == {2: "2026-03-02"}


def test_dates_are_in_the_authors_own_offset_across_zones_and_a_daylight_saving_change(repo):
    # 23:30 in New York is already the next day in UTC; the day counts where it was written.
    repo.write("Journey/002/Readme.md", "Late-night DynamoDB session.\n").commit("2026-03-07T23:30:00-05:00")
    # The clocks change on 8 March in New York: -05:00 becomes -04:00; the streak is unbroken.
    repo.write("Journey/003/Readme.md", "More DynamoDB: streams.\n").commit("2026-03-08T23:30:00-04:00")
    # Then a trip to Tokyo: written on 10 March there, 9 March in UTC.
    repo.write("Journey/004/Readme.md", "Written on a plane to Tokyo.\n").commit("2026-03-10T07:00:00+09:00")

    result = report(repo, today=date(2026, 3, 10))

    assert counted(result) == {2: "2026-03-07", 3: "2026-03-08", 4: "2026-03-10"}
    assert result.entries[1].first_written_at is not None
    assert result.entries[1].first_written_at.utcoffset().total_seconds() == -5 * 3600
    assert result.streaks.longest is not None
    assert result.streaks.longest.length == 2


def test_non_english_text_counts_and_its_words_are_counted(repo):
    repo.write("Journey/002/Readme.md", "今天我学习了 Lambda。\n").write(
        "Journey/003/Readme.md", "Hoy aprendí a usar CloudFront con un dominio propio.\n"
    )
    repo.commit("2026-03-02T10:00:00+00:00")

    entries = {entry.day: entry for entry in report(repo).entries}

    assert entries[2].counts
    assert entries[2].words == 6 + 1
    assert entries[3].counts
    assert entries[3].words == 9


def test_a_copied_history_does_not_count(repo):
    repo.write("Journey/002/Readme.md", "Someone else's day two.\n").commit("2025-01-02T10:00:00+00:00")
    repo.write("Journey/003/Readme.md", "My own day three.\n").commit("2026-03-03T10:00:00+00:00")

    result = report(repo, created_at="2026-03-01T00:00:00+00:00")

    assert counted(result) == {3: "2026-03-03"}
    assert next(entry for entry in result.entries if entry.day == 2).reason == COPIED


def test_each_day_links_to_its_file_on_github_when_the_clone_comes_from_there(repo):
    repo.git("remote", "add", "origin", "git@github.com:someone/100DaysOfCloud.git")

    result = report(repo)

    assert result.entries[0].urls == [
        "https://github.com/someone/100DaysOfCloud/blob/main/Journey/001/Readme.md"
    ]


def test_a_source_that_lost_offsets_dates_days_in_the_participants_time_zone():
    from zoneinfo import ZoneInfo

    written = datetime(2026, 3, 2, 23, 30)  # UTC, offset unknown
    snapshot = line_of_commits([(written, {"day-2.md": "Wrote this late."})])

    in_tokyo = read_journey(snapshot, today=TODAY, timezone=ZoneInfo("Asia/Tokyo"))
    in_utc = read_journey(snapshot, today=TODAY, timezone=UTC)

    assert counted(in_tokyo) == {2: "2026-03-03"}
    assert counted(in_utc) == {2: "2026-03-02"}


def test_a_day_written_on_a_branch_and_merged_the_next_day_is_dated_when_it_was_written(repo):
    repo.write("Journey/001/Readme.md", "Day one: IAM users and roles.\n").commit("2026-03-02T20:00:00+00:00")
    repo.write("Journey/002/Readme.md", "Day two: S3 and its storage classes.\n").commit(
        "2026-03-03T20:00:00+00:00"
    )
    repo.branch("day-3")
    repo.write("Journey/003/Readme.md", "Day three: a VPC of my own.\n").commit("2026-03-04T21:00:00+00:00")
    repo.switch("main").merge("day-3", "2026-03-05T08:00:00+00:00")
    repo.write("Journey/004/Readme.md", "Day four: security groups.\n").commit("2026-03-05T20:00:00+00:00")
    repo.write("Journey/005/Readme.md", "Day five: a load balancer.\n").commit("2026-03-06T20:00:00+00:00")

    result = report(repo, today=date(2026, 3, 6))

    assert counted(result) == {
        1: "2026-03-02",
        2: "2026-03-03",
        3: "2026-03-04",
        4: "2026-03-05",
        5: "2026-03-06",
    }
    assert result.streaks.longest is not None
    assert result.streaks.longest.length == 5


def test_a_merge_commit_made_days_later_does_not_move_the_days_it_brings(repo):
    repo.branch("journey")
    repo.write("Journey/002/Readme.md", "Lambda layers, at last.\n").commit("2026-03-02T10:00:00+00:00")
    repo.write("Journey/003/Readme.md", "Step Functions with a retry.\n").commit("2026-03-03T10:00:00+00:00")
    repo.switch("main").write("Journey/004/Readme.md", "Written on main meanwhile.\n")
    repo.commit("2026-03-04T10:00:00+00:00")
    repo.merge("journey", "2026-03-09T10:00:00+00:00")

    assert counted(report(repo)) == {2: "2026-03-02", 3: "2026-03-03", 4: "2026-03-04"}


def test_a_moved_day_file_keeps_its_date(repo):
    repo.write("Journey/001/Readme.md", "Day one: the console tour.\n").commit("2026-03-01T10:00:00+00:00")
    repo.move("Journey/001/Readme.md", "Journey/1/README.md").commit("2026-03-05T10:00:00+00:00", "rename")

    result = report(repo)

    assert counted(result) == {1: "2026-03-01"}
    assert result.entries[0].paths == ["Journey/1/README.md"]


def test_a_renamed_folder_layout_keeps_every_date(tmp_path):
    repo = JourneyRepo(tmp_path / "flat")
    repo.write("day-1.md", "Day one on Azure: resource groups.\n").commit("2026-03-01T10:00:00+00:00")
    repo.write("day-2.md", "Day two: blob storage tiers.\n").commit("2026-03-02T10:00:00+00:00")
    repo.move("day-1.md", "Journey/001/Readme.md").move("day-2.md", "Journey/002/Readme.md")
    repo.commit("2026-03-08T10:00:00+00:00", "use the template's layout")

    assert counted(report(repo)) == {1: "2026-03-01", 2: "2026-03-02"}


def test_a_file_edited_150_times_dates_from_its_first_text(repo):
    repo.write("Journey/002/Readme.md", "Notes on CloudWatch.\n").commit("2026-03-02T10:00:00+00:00")
    for edit in range(150):
        repo.write("Journey/002/Readme.md", f"Notes on CloudWatch.\nRevision {edit} of the details.\n")
        repo.commit(f"2026-03-03T10:{edit // 60:02d}:{edit % 60:02d}+00:00", f"edit {edit}")

    assert counted(report(repo)) == {2: "2026-03-02"}


def test_a_kept_prompt_mark_before_the_participants_own_words_counts(repo):
    template = LONG_TEMPLATE.read_text(encoding="utf-8")
    prompt = (
        "✍️ (Why) Explain in one or two sentences why you choose to do this project or cloud topic "
        "for your day's study."
    )
    assert prompt in template
    own = "✍️ Trusted Advisor gives recommendations for security, cost and limits"
    repo.write("Journey/001/Readme.md", template.replace(prompt, own)).commit("2026-03-02T10:00:00+00:00")

    result = report(repo)

    assert counted(result) == {1: "2026-03-02"}
    assert result.entries[0].words == 9
