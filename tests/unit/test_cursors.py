"""Opaque cursors: they round-trip, and anything else is refused as a 400-worthy error."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from hdoc.logic.cursors import InvalidCursorError, decode_cursor, encode_cursor


class State(BaseModel):
    pk: str
    position: int


def test_a_cursor_round_trips():
    state = State(pk="octocat", position=20)
    assert decode_cursor(encode_cursor("users", state), "users", State) == state


def test_a_cursor_is_opaque():
    cursor = encode_cursor("users", State(pk="octocat", position=20))
    assert "octocat" not in cursor


def test_another_listings_cursor_is_refused():
    cursor = encode_cursor("leaderboard", State(pk="octocat", position=20))
    with pytest.raises(InvalidCursorError):
        decode_cursor(cursor, "users", State)


@given(st.integers(min_value=0, max_value=200), st.characters(codec="ascii", categories=["L", "N"]))
def test_a_changed_character_is_refused(index, replacement):
    cursor = encode_cursor("users", State(pk="octocat", position=20))
    index %= len(cursor)
    tampered = cursor[:index] + replacement + cursor[index + 1 :]
    if tampered == cursor:
        return
    with pytest.raises(InvalidCursorError):
        decode_cursor(tampered, "users", State)


@pytest.mark.parametrize("garbage", ["", "garbage", "a.b", "....", "x" * 2000, "eyJ9.AAAA", "%%%.###"])
def test_garbage_is_refused(garbage):
    with pytest.raises(InvalidCursorError):
        decode_cursor(garbage, "users", State)


def test_a_well_signed_cursor_with_the_wrong_shape_is_refused():
    class Other(BaseModel):
        something: str

    cursor = encode_cursor("users", Other(something="else"))
    with pytest.raises(InvalidCursorError):
        decode_cursor(cursor, "users", State)
