"""GitHub's username rules."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hdoc.models.usernames import USERNAME_PATTERN, is_valid_username, username_key


@pytest.mark.parametrize("username", ["a", "octocat", "Octo-Cat", "a1-b2-c3", "x" * 39, "100daysofcloud"])
def test_valid_usernames(username):
    assert is_valid_username(username)


@pytest.mark.parametrize(
    "username",
    ["", "-octocat", "octocat-", "octo--cat", "octo_cat", "octo.cat", "x" * 40, "öctocat", "octo cat"],
)
def test_invalid_usernames(username):
    assert not is_valid_username(username)


@given(st.from_regex(USERNAME_PATTERN, fullmatch=True).filter(lambda name: len(name) <= 39))
def test_every_username_the_pattern_admits_is_valid(username):
    assert is_valid_username(username)
    assert "--" not in username
    assert not username.startswith("-")
    assert not username.endswith("-")


def test_usernames_are_keyed_without_case():
    assert username_key("OctoCat") == username_key("octocat") == "octocat"
