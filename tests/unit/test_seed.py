"""Demo participants look like the real site's, and follow the scoring rules."""

from hdoc.local.seed import demo_participants
from hdoc.models.usernames import is_valid_username


def test_demo_participants_are_plausible_and_distinct():
    participants = [participant for participant, _ in demo_participants(500, seed=7)]

    assert len({participant.id.lower() for participant in participants}) == 500
    assert all(is_valid_username(participant.id) for participant in participants)
    assert all(
        participant.score == participant.github_score + participant.twitter_score
        for participant in participants
    )
    assert all(0 <= participant.days_completed <= 100 for participant in participants)
    assert all(participant.longest_streak <= participant.days_completed for participant in participants)
    assert len({participant.score for participant in participants}) > 100


def test_the_same_random_seed_gives_the_same_participants():
    first = [participant.id for participant, _ in demo_participants(20, seed=3)]
    again = [participant.id for participant, _ in demo_participants(20, seed=3)]
    assert first == again


def test_the_demo_includes_a_participant_the_readme_looks_up():
    assert "daniel99" in [participant.id for participant, _ in demo_participants(120, seed=100)]
