"""The PostConfirmation trigger: one account record per confirmed sign-up, however often it runs."""

from __future__ import annotations

import uuid

import pytest

from hdoc.dal.user_items import account_key


def confirmation(source: str, sub: str) -> dict:
    return {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": "us-east-1_local",
        "userName": sub,
        "callerContext": {"awsSdkVersion": "test", "clientId": "client"},
        "triggerSource": source,
        "request": {"userAttributes": {"sub": sub, "email": "person@example.com", "email_verified": "true"}},
        "response": {},
    }


@pytest.fixture
def trigger(runtime):
    (function,) = [
        function for function in runtime.functions if function.logical_id == "PostConfirmationFunction"
    ]
    return function


def stored(users, sub: str) -> dict | None:
    return users._table.get_item(Key={"pk": account_key(sub)}).get("Item")


def test_a_confirmed_sign_up_gets_an_account_record(users, trigger):
    sub = str(uuid.uuid4())
    event = confirmation("PostConfirmation_ConfirmSignUp", sub)

    assert trigger.invoke(event) == event  # Cognito needs the event back
    assert stored(users, sub)["email"] == "person@example.com"


def test_a_retry_or_a_second_confirmation_changes_nothing(users, trigger):
    sub = str(uuid.uuid4())
    trigger.invoke(confirmation("PostConfirmation_ConfirmSignUp", sub))
    first = stored(users, sub)

    trigger.invoke(confirmation("PostConfirmation_ConfirmSignUp", sub))

    assert stored(users, sub) == first


def test_a_forgotten_password_confirmation_writes_nothing(users, trigger):
    sub = str(uuid.uuid4())

    trigger.invoke(confirmation("PostConfirmation_ConfirmForgotPassword", sub))

    assert stored(users, sub) is None


def test_the_trigger_keeps_an_existing_link_to_a_participant(users, trigger):
    sub = str(uuid.uuid4())
    users._table.put_item(
        Item={
            "pk": account_key(sub),
            "email": "person@example.com",
            "createdAt": "2026-01-01T00:00:00.000000Z",
            "participant": "octocat",
        }
    )

    trigger.invoke(confirmation("PostConfirmation_ConfirmSignUp", sub))

    assert stored(users, sub)["participant"] == "octocat"
