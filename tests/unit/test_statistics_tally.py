"""The statistics parser's Tally step: a page's batch results folded into the run's summary."""

from __future__ import annotations

from hdoc.handlers.statistics import batches, tally


class Context:
    function_name = "tally"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:tally"
    aws_request_id = "local"


def test_counts_add_up_failed_batches_are_counted_and_the_latest_reset_is_kept():
    summary = {
        "outcomes": {"changed": 2},
        "rateLimitedUntil": "2026-03-10T12:00:05Z",
        "failedBatches": 0,
        "pages": 1,
    }
    results = [
        {"outcomes": {"changed": 1, "unchanged": 3}, "rateLimitedUntil": None},
        {"failed": ["ana", "bo"]},  # a batch that failed after its retries (the Catch's Pass)
        {"outcomes": {"skipped": 4}, "rateLimitedUntil": "2026-03-10T12:01:00Z"},
    ]
    assert tally({"summary": summary, "results": results}, Context()) == {
        "outcomes": {"changed": 3, "unchanged": 3, "skipped": 4},
        "rateLimitedUntil": "2026-03-10T12:01:00Z",
        "failedBatches": 1,
        "pages": 2,
    }


def test_the_first_page_starts_from_an_empty_summary():
    assert tally({"summary": {}, "results": []}, Context()) == {
        "outcomes": {},
        "rateLimitedUntil": None,
        "failedBatches": 0,
        "pages": 1,
    }


def test_a_page_is_cut_into_batches_of_the_configured_size():
    assert batches(["a", "b", "c", "d", "e"], 2) == [["a", "b"], ["c", "d"], ["e"]]
    assert batches([], 50) == []
