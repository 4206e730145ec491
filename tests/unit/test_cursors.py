"""Signed cursors: they round-trip, and anything else (edited, forged, another listing's, signed
with an unknown key) is refused as a 400-worthy error; keys rotate without breaking cursors."""

from __future__ import annotations

import base64
import json

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st
from moto import mock_aws
from pydantic import BaseModel

from hdoc import aws
from hdoc.dal.cursor_keys import REFRESH_SECONDS, RELOAD_AT_MOST_EVERY_SECONDS, SecretCursorKeys
from hdoc.logic.cursors import InvalidCursorError, StaticCursorKeys, decode_cursor, encode_cursor

KEYS = StaticCursorKeys(current="k1", keys={"k1": b"first secret key"})


class State(BaseModel):
    pk: str
    position: int


def test_a_cursor_round_trips():
    state = State(pk="octocat", position=20)
    assert decode_cursor(encode_cursor("users", state, KEYS), "users", State, KEYS) == state


def test_a_cursor_is_opaque():
    cursor = encode_cursor("users", State(pk="octocat", position=20), KEYS)
    assert "octocat" not in cursor


def test_another_listings_cursor_is_refused():
    cursor = encode_cursor("leaderboard", State(pk="octocat", position=20), KEYS)
    with pytest.raises(InvalidCursorError):
        decode_cursor(cursor, "users", State, KEYS)


@given(st.integers(min_value=0, max_value=200), st.characters(codec="ascii", categories=["L", "N"]))
def test_a_changed_character_is_refused(index, replacement):
    cursor = encode_cursor("users", State(pk="octocat", position=20), KEYS)
    index %= len(cursor)
    tampered = cursor[:index] + replacement + cursor[index + 1 :]
    if tampered == cursor:
        return
    with pytest.raises(InvalidCursorError):
        decode_cursor(tampered, "users", State, KEYS)


def test_a_cursor_forged_without_the_key_is_refused():
    """Whoever reads the code can build a cursor's body; without the key they cannot sign it."""
    genuine = encode_cursor("leaderboard", State(pk="octocat", position=20), KEYS)
    _, key_id, _ = genuine.split(".")
    payload = json.dumps({"l": "leaderboard", "s": {"pk": "mallory", "position": 0}}).encode()
    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    for mac in ("", "AAAAAAAAAAAAAAAAAAAAAA", genuine.split(".")[2]):
        with pytest.raises(InvalidCursorError):
            decode_cursor(f"{body}.{key_id}.{mac}", "leaderboard", State, KEYS)
    other_key = StaticCursorKeys(current="k1", keys={"k1": b"a key the attacker made up"})
    with pytest.raises(InvalidCursorError):
        decode_cursor(
            encode_cursor("leaderboard", State(pk="m", position=0), other_key), "leaderboard", State, KEYS
        )


@pytest.mark.parametrize(
    "garbage", ["", "garbage", "a.b", "a.b.c", "....", "x" * 2000, "eyJ9.k1.AAAA", "%%%.k1.###", "e30.k*1.AA"]
)
def test_garbage_is_refused(garbage):
    with pytest.raises(InvalidCursorError):
        decode_cursor(garbage, "users", State, KEYS)


def test_a_well_signed_cursor_with_the_wrong_shape_is_refused():
    class Other(BaseModel):
        something: str

    cursor = encode_cursor("users", Other(something="else"), KEYS)
    with pytest.raises(InvalidCursorError):
        decode_cursor(cursor, "users", State, KEYS)


def test_after_a_rotation_the_previous_key_still_verifies_and_a_retired_one_does_not():
    state = State(pk="octocat", position=20)
    old = encode_cursor("users", state, KEYS)
    rotated = StaticCursorKeys(current="k2", keys={"k2": b"second secret key", "k1": b"first secret key"})
    assert decode_cursor(old, "users", State, rotated) == state
    assert encode_cursor("users", state, rotated).split(".")[1] == "k2"
    retired = StaticCursorKeys(current="k3", keys={"k3": b"third", "k2": b"second secret key"})
    with pytest.raises(InvalidCursorError):
        decode_cursor(old, "users", State, retired)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        aws.reset()
        client = boto3.client("secretsmanager")
        arn = client.create_secret(Name="hdoc-backend-dev-Api-1-cursor-key", SecretString="k" * 64)["ARN"]
        calls = []

        def count(**_):
            calls.append(1)

        aws.secretsmanager().meta.events.register("before-call.secrets-manager.GetSecretValue", count)
        yield client, arn, calls
    aws.reset()


def test_keys_from_the_secret_sign_verify_and_survive_a_rotation(secret):
    client, arn, calls = secret
    clock = Clock()
    keys = SecretCursorKeys(arn, clock=clock)
    state = State(pk="octocat", position=20)
    old = encode_cursor("users", state, keys)
    assert decode_cursor(old, "users", State, keys) == state
    assert len(calls) == 1  # the current version, once

    client.put_secret_value(SecretId=arn, SecretString="n" * 64)
    fresh = SecretCursorKeys(arn, clock=clock)  # a function started after the rotation
    new = encode_cursor("users", state, fresh)
    assert new.split(".")[1] != old.split(".")[1]
    assert decode_cursor(old, "users", State, fresh) == state  # the previous version still verifies

    # The warm function learns of the new key when a cursor signed with it arrives.
    assert decode_cursor(new, "users", State, keys) == state
    clock.now += REFRESH_SECONDS + 1
    assert encode_cursor("users", state, keys).split(".")[1] == new.split(".")[1]


def test_forged_key_ids_do_not_make_every_request_read_the_secret(secret):
    _, arn, calls = secret
    clock = Clock()
    keys = SecretCursorKeys(arn, clock=clock)
    forged = encode_cursor("users", State(pk="x", position=0), StaticCursorKeys("forged", {"forged": b"x"}))
    for _ in range(50):
        with pytest.raises(InvalidCursorError):
            decode_cursor(forged, "users", State, keys)
    assert len(calls) == 3  # the current version, then both versions once
    clock.now += RELOAD_AT_MOST_EVERY_SECONDS + 1
    with pytest.raises(InvalidCursorError):
        decode_cursor(forged, "users", State, keys)
    assert len(calls) == 5
