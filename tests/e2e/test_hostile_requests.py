"""Requests no client of hdoc sends, each answered with a clear 4xx that changes nothing: bodies of a
type the API does not read, JSON nested thousands deep, and text XML cannot hold in an image."""

from __future__ import annotations

import json
import uuid
from xml.etree import ElementTree

import pytest
import requests

from hdoc.local.gateway import link_local_github

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def api():
    from tests.conftest import serving

    with serving([]) as served:
        yield served


def signed_in(api) -> tuple[dict[str, str], str]:
    bearer = api.runtime.cognito.id_token(f"{uuid.uuid4().hex[:10]}@example.com")
    name = f"Hostile-{uuid.uuid4().hex[:6]}"
    link_local_github(api.runtime, bearer, name)
    return {"Authorization": f"Bearer {bearer}"}, name


@pytest.mark.parametrize(
    "content_type",
    ["application/merge-patch+json", "application/vnd.api+json", "text/plain", "application/xml"],
)
def test_a_body_of_any_type_but_json_is_a_415_on_every_body_route(api, content_type):
    headers, name = signed_in(api)
    body = json.dumps({"githubUsername": name, "name": "A"})
    for method, path in [("POST", "/signup"), ("PATCH", "/me"), ("POST", f"/users/{name}/articles")]:
        answer = requests.request(
            method,
            f"{api.url}{path}",
            headers={**headers, "Content-Type": content_type},
            data=body,
            timeout=30,
        )
        assert answer.status_code == 415, (method, path, answer.text)
        assert answer.headers["Content-Type"] == PROBLEM
    me = requests.get(f"{api.url}/me", headers=headers, timeout=30)
    assert me.status_code == 404  # no signup happened


@pytest.mark.parametrize(
    "body",
    ["[" * 5000 + "]" * 5000, '{"name": ' + "[" * 5000 + "]" * 5000 + "}", "{" * 40],
    ids=["arrays-5000-deep", "a-field-5000-deep", "unclosed-objects"],
)
def test_json_nested_deeply_is_a_400(api, body):
    headers, _ = signed_in(api)
    answer = requests.post(
        f"{api.url}/signup", headers={**headers, "Content-Type": "application/json"}, data=body, timeout=30
    )
    assert answer.status_code == 400, answer.text
    assert answer.headers["Content-Type"] == PROBLEM


def test_brackets_inside_strings_are_text_not_nesting(api):
    headers, name = signed_in(api)
    answer = requests.post(
        f"{api.url}/signup",
        headers=headers,
        json={"githubUsername": name, "name": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text


def test_a_body_that_is_not_json_names_the_body(api):
    headers, _ = signed_in(api)
    answer = requests.post(
        f"{api.url}/signup",
        headers={**headers, "Content-Type": "application/json"},
        data='{"name": ',
        timeout=30,
    )
    assert answer.status_code == 400
    assert answer.json()["invalidParams"] == [{"name": "body", "reason": "is not valid JSON"}]


@pytest.mark.parametrize(
    "path",
    [
        "/users/x%EF%BF%BE/card.svg",
        "/users/x%EF%BF%BF/badge.svg",
        "/users/demo/card.svg?theme=%EF%BF%BE",
        "/users/demo/card.svg?hide=%EF%BF%BF%01",
    ],
)
def test_every_image_is_xml_whatever_the_request_holds(api, path):
    answer = requests.get(f"{api.url}{path}", timeout=30)
    assert 400 <= answer.status_code < 500
    assert answer.headers["Content-Type"].startswith("image/svg+xml")
    ElementTree.fromstring(answer.content)  # raises on any character XML 1.0 cannot hold
    assert "\ufffe" not in answer.text
    assert "\uffff" not in answer.text
