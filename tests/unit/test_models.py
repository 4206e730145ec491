"""The participant as the website reads it, and how it is stored."""

from datetime import UTC, datetime

from hdoc.dal.user_items import PARTICIPANT_LIST, _to_record, leaderboard_key, to_item
from hdoc.models.participant import Participant

WEBSITE_FIELDS = {
    "id",
    "name",
    "daysCompleted",
    "githubProfile",
    "githubScore",
    "githubStreak",
    "twitterProfile",
    "twitterScore",
    "twitterStreak",
    "linkedinProfile",
    "status",
    "avatarImage",
    "dateJoined",
}


def participant(**changes):
    fields = {
        "id": "OctoCat",
        "name": "Octo Cat",
        "github_profile": "https://github.com/OctoCat",
        "date_joined": datetime(2026, 3, 1, 12, tzinfo=UTC),
        "score": 120,
        "longest_streak": 4,
    }
    return Participant(**{**fields, **changes})


def test_a_participant_has_every_field_the_website_reads_in_camel_case():
    document = participant().model_dump(by_alias=True, mode="json")
    assert WEBSITE_FIELDS | {"score", "longestStreak"} <= set(document)
    assert document["dateJoined"] == "2026-03-01T12:00:00Z"


def test_scores_start_at_zero():
    document = participant(score=0, longest_streak=0).model_dump(by_alias=True)
    assert document["githubScore"] == document["twitterScore"] == document["score"] == 0


def test_storage_keys_the_participant_by_lower_cased_username_and_keeps_the_typed_case():
    item = to_item(participant(), datetime(2026, 3, 2, tzinfo=UTC))
    assert item["pk"] == "octocat"
    assert item["username"] == "OctoCat"
    assert item["participantList"] == PARTICIPANT_LIST
    assert _to_record(item).participant == participant()


def test_leaderboard_keys_sort_by_score_then_streak_then_who_was_first_then_username():
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    ordered = [
        leaderboard_key(500, 1, late, "zed"),
        leaderboard_key(300, 9, late, "zed"),
        leaderboard_key(300, 2, early, "zed"),
        leaderboard_key(300, 2, late, "amy"),
        leaderboard_key(300, 2, late, "bob"),
        leaderboard_key(0, 0, early, "amy"),
    ]
    assert sorted(ordered) == ordered


def test_every_profile_field_is_stored_under_a_name_of_the_tables_own():
    """Renaming an API field must not rename a DynamoDB attribute: the USERS table maps each field."""
    from hdoc.dal.user_items import PROFILE_ATTRIBUTES
    from hdoc.models.account import Profile

    assert set(PROFILE_ATTRIBUTES) == set(Profile.model_fields) - {"id"}
    assert len(set(PROFILE_ATTRIBUTES.values())) == len(PROFILE_ATTRIBUTES)
