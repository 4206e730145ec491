"""Schemathesis runs every operation of the OpenAPI document against the running local server."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from hdoc.handlers.api_docs import openapi_document


@pytest.fixture(scope="session")
def api_schema(local_api):
    return schemathesis.openapi.from_url(f"{local_api.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx_or_breaks_its_schema(case):
    # A cursor is opaque: no schema can say which strings this API issued, so a schema-valid cursor
    # may rightly be refused (with a 400 problem, which the other checks still hold to the schema).
    opaque = [positive_data_acceptance] if case.query and case.query.get("cursor") else []
    case.call_and_validate(timeout=10, excluded_checks=opaque)


def test_the_served_document_is_the_one_hdoc_openapi_prints(local_api):
    import requests

    served = requests.get(f"{local_api.url}/openapi.json", timeout=10).json()
    assert served == openapi_document()
