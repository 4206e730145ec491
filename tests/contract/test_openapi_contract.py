"""Schemathesis runs every operation of the OpenAPI document against the running local server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from hdoc.handlers.api_docs import openapi_document
from tests.conftest import LocalApi, leaderboard_fixture, serving


@pytest.fixture(scope="module")
def contract_api() -> Iterator[LocalApi]:
    """A backend of its own: the generated requests sign up, edit and delete."""
    with serving(leaderboard_fixture(30)) as api:
        yield api


@pytest.fixture(scope="module")
def bearer(contract_api) -> str:
    return contract_api.runtime.cognito.id_token("contract@example.com")


@pytest.fixture(scope="module")
def api_schema(contract_api):
    return schemathesis.openapi.from_url(f"{contract_api.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx_or_breaks_its_schema(case, bearer):
    # Schema-valid data may rightly be refused where JSON Schema cannot say the whole rule: an
    # opaque cursor this API never issued, or a time zone that does not exist. Such a refusal must
    # still be a documented 4xx problem, which the other checks hold it to.
    opaque = case.query and case.query.get("cursor")
    excluded = [positive_data_acceptance] if opaque or case.body is not None else []
    headers = {"Authorization": f"Bearer {bearer}"}
    response = case.call(timeout=10, headers=headers)
    if response.status_code == 413:
        # Too large is a refusal too, one schemathesis does not count among the 4xx it expects.
        excluded.append(negative_data_rejection)
    case.validate_response(response, excluded_checks=excluded, headers=headers)


def test_the_served_document_is_the_one_hdoc_openapi_prints(contract_api):
    served = requests.get(f"{contract_api.url}/openapi.json", timeout=10).json()
    assert served == openapi_document()
