"""Journeys in the layouts participants really use (docs/journey-rules.md, 1), each built commit by
commit and read both from the clone and through (the fake) GitHub, whose reports must be equal."""

from __future__ import annotations

from datetime import date

from hdoc.journeys.places import day_of, unread_day_of
from hdoc.journeys.report import NOT_READ, TABLE_ROW
from hdoc.models.journey import JourneyReport
from tests.journeys.repos import JourneyRepo, filled
from tests.journeys.test_journey_repos import counted, report

TODAY = date(2026, 3, 10)


def entries(result: JourneyReport) -> dict:
    return {entry.day: entry for entry in result.entries}


def test_day_folders_outside_journey_hold_a_readme_or_another_markdown_file(tmp_path):
    repo = JourneyRepo(tmp_path / "folders")
    repo.write("README.md", "# My #100DaysOfCloud\n")
    repo.write("Day001/README.md", "# Day 1\n\nI made an AWS account and turned on MFA.\n")
    repo.commit("2026-03-01T20:00:00+01:00")
    repo.write("Day-2/Readme.md", "Created an S3 bucket with versioning.\n")
    repo.write("Day-2/main.tf", 'resource "aws_s3_bucket" "b" {}\n')  # code beside it: not an entry
    repo.commit("2026-03-02T21:00:00+01:00")
    repo.write("days/day3/README.md", "Wrote a Lambda function in Python.\n")
    repo.write("days/day3/handler.py", "def handler(event, context):\n    return 1\n")
    repo.write("days/day3/lambda/README.md", "How to deploy the function.\n")  # an attachment
    repo.commit("2026-03-03T19:00:00+01:00")
    repo.write("Day 4 - VPC basics/notes.md", "Two subnets and a route table.\n")
    repo.write("Day 5/Dockerfile", "FROM python:3.11\n")  # tooling only: day 5 has no entry
    repo.commit("2026-03-04T18:00:00+01:00")

    result = report(repo, today=date(2026, 3, 4))

    assert counted(result) == {1: "2026-03-01", 2: "2026-03-02", 3: "2026-03-03", 4: "2026-03-04"}
    assert entries(result)[2].paths == ["Day-2/Readme.md"]
    assert entries(result)[3].paths == ["days/day3/README.md"]
    assert result.streaks.current is not None
    assert result.streaks.current.length == 4
    assert entries(result)[5].counts is False
    assert entries(result)[5].reason == NOT_READ.format(kinds="files hdoc does not read", names="Dockerfile")


def test_day_files_in_plain_text_count_and_other_text_files_do_not(tmp_path):
    repo = JourneyRepo(tmp_path / "text")
    repo.write("Days/day008.txt", "Learned how Route 53 health checks fail over.\n")
    repo.commit("2026-03-08T09:00:00+00:00")
    repo.write("Days/Day 9.txt", "CloudFront in front of an S3 website.\n")
    repo.write("Days/requirements.txt", "boto3==1.35.0\n")  # not a day's
    repo.write("Journey/010/day10.txt", "Spent the day on IAM policy conditions.\n")
    repo.write("Journey/011/requirements.txt", "boto3==1.35.0\n")  # beside code in a day folder
    repo.commit("2026-03-09T09:00:00+00:00")

    result = report(repo)

    assert counted(result) == {8: "2026-03-08", 9: "2026-03-09", 10: "2026-03-09"}
    assert entries(result)[11].counts is False  # said why, not silently dropped
    assert "requirements.txt" in (entries(result)[11].reason or "")


def test_journey_entries_without_an_extension_count_but_scripts_and_tooling_do_not(tmp_path):
    repo = JourneyRepo(tmp_path / "noext", from_template=True).commit("2026-03-01T09:00:00+00:00")
    repo.move("Journey/001/Readme.md", "Journey/001/Getting started with the AWS CLI")
    repo.write("Journey/001/Getting started with the AWS CLI", filled("I configured two named profiles."))
    repo.commit("2026-03-02T09:00:00+00:00")
    repo.write("Journey/002/Chapter 2. Terraform state", "Remote state in S3 with a DynamoDB lock.\n")
    repo.write("Journey/003/deploy", "#!/bin/sh\naws s3 sync site s3://bucket\n")  # a script
    repo.write("Journey/003/Makefile", "all:\n\techo build\n")
    repo.write("Journey/003/.gitkeep", "")
    repo.commit("2026-03-03T09:00:00+00:00")

    result = report(repo)

    assert counted(result) == {1: "2026-03-02", 2: "2026-03-03"}
    assert entries(result)[1].paths == ["Journey/001/Getting started with the AWS CLI"]
    assert entries(result)[3].counts is False  # the script is read and has no text of the participant's


def test_a_journey_kept_as_readme_table_rows_is_reported_not_counted(tmp_path):
    repo = JourneyRepo(tmp_path / "table")
    repo.write(
        "README.md",
        "# My journey\n\n| Day | Date | Topic | Post |\n|---|---|---|---|\n"
        "| 1 | 2026-03-01 | IAM | [post](https://dev.to/me/day-1-iam) |\n"
        "| Day 2 | 2026-03-02 | S3 | https://medium.com/@me/day-2 |\n"
        "| 3 | 2026-03-03 | EC2 | [post](https://dev.to/me/day-3) |\n",
    )
    repo.commit("2026-03-03T09:00:00+00:00")
    repo.write("Journey/003/Readme.md", "Launched an instance with user data.\n")  # day 3 is written here
    repo.commit("2026-03-03T10:00:00+00:00")

    result = report(repo)

    assert counted(result) == {3: "2026-03-03"}
    assert entries(result)[1].counts is False
    assert entries(result)[1].paths == ["README.md"]
    assert entries(result)[1].reason == TABLE_ROW.format(host="dev.to")
    assert entries(result)[2].reason == TABLE_ROW.format(host="medium.com")
    assert result.totals.days_completed == 1


def test_days_kept_only_as_pdfs_or_images_say_why_they_do_not_count(tmp_path):
    repo = JourneyRepo(tmp_path / "pdf", from_template=True).commit("2026-03-01T09:00:00+00:00")
    repo.write("Journey/002/Day 2 notes.pdf", "%PDF-1.4 not text hdoc reads\n")
    repo.write("Journey/003/architecture.png", "\x89PNG")
    repo.write("Journey/003/console.png", "\x89PNG")
    repo.write("day4.pdf", "%PDF-1.4\n")
    repo.write("Journey/005/Readme.md", "Set up billing alarms.\n")
    repo.write("Journey/005/bill.png", "\x89PNG")  # beside an entry: just an image of it
    repo.commit("2026-03-05T09:00:00+00:00")

    result = report(repo, today=date(2026, 3, 5))
    found = entries(result)

    assert counted(result) == {5: "2026-03-05"}
    assert found[2].reason == NOT_READ.format(kinds="a PDF", names="Day 2 notes.pdf")
    assert found[3].reason == NOT_READ.format(kinds="images", names="architecture.png, console.png")
    assert found[4].reason == NOT_READ.format(kinds="a PDF", names="day4.pdf")
    assert found[5].paths == ["Journey/005/Readme.md"]


def test_every_layout_that_counted_before_still_counts_the_same():
    """The rules only add places: each path that was a day's entry is the same day's entry still."""
    before = {
        "Journey/012/Readme.md": 12,
        "journey/12/README.md": 12,
        "Journey/012/012-notes.md": 12,
        "day-7.md": 7,
        "Day 7.md": 7,
        "day_07.md": 7,
        "notes/azure_day7.md": 7,
        "notes/Day _10": 10,
        "Day001/lambda/day-3.md": 3,
        "Journey/000/Readme.md": 0,
    }
    assert {path: day_of(path) for path in before} == before
    for not_entries in ("Templates/day-1.md", "day-7.png", "birthday.md", "Journey/012/lambda/README.md"):
        assert day_of(not_entries) is None
    assert unread_day_of("Journey/012/lambda/README.md") is None  # an attachment, not a day's file
    assert unread_day_of("Templates/day-1.pdf") is None
