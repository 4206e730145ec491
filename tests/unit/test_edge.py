"""What the edge invalidator asks CloudFront to forget, from USERS stream records."""

from __future__ import annotations

from hdoc.logic.edge import caller_reference, stale_paths


def removal(pk: str, username: str, sequence: str = "1") -> dict:
    return {
        "eventID": f"event-{sequence}",
        "eventName": "REMOVE",
        "dynamodb": {
            "SequenceNumber": sequence,
            "Keys": {"pk": {"S": pk}},
            "OldImage": {
                "pk": {"S": pk},
                "username": {"S": username},
                "participantList": {"S": "participants"},
            },
        },
    }


def test_a_participant_removed_by_a_delete_or_a_rename_makes_the_participant_reads_stale():
    assert stale_paths([removal("ada", "Ada")]) == ["/api/users*", "/api/leaderboard*"]


def test_several_removals_in_a_batch_make_one_set_of_paths():
    batch = [removal("ada", "Ada", "1"), removal("bea", "Bea", "2"), removal("cyd", "Cyd", "3")]
    assert stale_paths(batch) == ["/api/users*", "/api/leaderboard*"]


def test_records_that_remove_no_participant_make_nothing_stale():
    account = removal("account#sub-1", "x")
    del account["dynamodb"]["OldImage"]["participantList"]
    modify = {**removal("ada", "Ada"), "eventName": "MODIFY"}
    insert = {"eventName": "INSERT", "dynamodb": {"NewImage": {"pk": {"S": "ada"}}}}
    assert stale_paths([account, modify, insert]) == []
    assert stale_paths([]) == []


def test_a_retried_batch_has_the_same_caller_reference_and_another_batch_another():
    batch = [removal("ada", "Ada", "1"), removal("bea", "Bea", "2")]
    assert caller_reference(batch) == caller_reference([dict(record) for record in batch])
    assert caller_reference(batch) != caller_reference(batch[:1])
    assert len(caller_reference(batch)) <= 128  # CloudFront's limit
