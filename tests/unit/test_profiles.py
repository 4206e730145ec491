"""What a participant may put on their profile."""

import pytest
from pydantic import ValidationError

from hdoc.handlers.accounts import expected_version
from hdoc.models.account_api import ProfilePatch, SignupRequest

BASE = {"githubUsername": "octocat", "name": "Octo Cat"}


def signup(**fields) -> SignupRequest:
    return SignupRequest.model_validate({**BASE, **fields})


def test_defaults_and_a_stripped_at_sign():
    request = signup(twitterProfile="@octo_cat")
    assert request.twitter_profile == "octo_cat"
    assert request.timezone == "UTC"
    assert request.journey_repo is None


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "   "},
        {"name": "tab\there"},
        {"twitterProfile": "has-hyphen"},
        {"twitterProfile": "a" * 16},
        {"linkedinProfile": "in/octo"},
        {"timezone": "Europe/Atlantis"},
        {"timezone": "../../etc/passwd"},
        {"journeyRepo": "octocat"},
        {"journeyRepo": "-octocat/journey"},
        {"journeyRepo": "octocat/.."},
        {"avatarImage": "javascript:alert(1)"},
        {"avatarImage": "https://" + "a" * 2050 + ".example"},
        {"githubUsername": "octo--cat"},
        {"role": "admin"},
    ],
)
def test_refused(fields):
    with pytest.raises(ValidationError):
        signup(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Zoë Ōkubo-Núñez"},
        {"linkedinProfile": "octo-cat-123"},
        {"timezone": "Asia/Kolkata"},
        {"journeyRepo": "octo-org/my.journey_2026"},
        {"avatarImage": "https://github.com/octocat.png"},
    ],
)
def test_accepted(fields):
    signup(**fields)


def test_a_patch_knows_which_fields_were_sent():
    patch = ProfilePatch.model_validate({"twitterProfile": None, "name": "New"})
    assert patch.model_fields_set == {"twitter_profile", "name"}


@pytest.mark.parametrize(
    ("header", "version"),
    [(None, None), ("*", None), ('"3"', 3), ('W/"7"', 7), ("3", 3), ('"abc"', -1), ('"99999999999999"', -1)],
)
def test_if_match_headers(header, version):
    assert expected_version(header) == version
