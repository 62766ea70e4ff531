"""Schemathesis, fed the shipped OpenAPI document, finds nothing wrong with the embedded mock.

Positive and negative cases for every operation, sent with valid credentials: no 5xx, no
undocumented status code, no body off its schema. The records are closed schemas, so a renamed
field or a changed type on either side (spec or mock) fails this test; the last test proves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import yaml
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from conformance.mock.server import EmbeddedMock
from conformance.resources import default_spec_path

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# The CLI default: reaches every status each operation documents, in about 8 s for all six.
MAX_EXAMPLES = 100


@pytest.fixture(scope="module")
def mock() -> Iterator[EmbeddedMock]:
    with EmbeddedMock() as mock:
        yield mock


def load(document: dict[str, Any] | None, mock: EmbeddedMock) -> Any:
    tenant = mock.tenants[0]
    config = SchemathesisConfig.from_dict(
        {
            # The security schemes name the query parameters; schemathesis fills both on every case.
            "auth": {
                "openapi": {
                    "api_key": {"api_key": tenant.api_key},
                    "api_secret": {"api_key": tenant.api_secret},
                }
            },
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
        }
    )
    if document is None:
        schema = schemathesis.openapi.from_path(default_spec_path(), config=config)
    else:
        schema = schemathesis.openapi.from_dict(document, config=config)
    schema.config.update(base_url=mock.base_url)
    return schema


@pytest.fixture(scope="module")
def api_schema(mock: EmbeddedMock) -> Any:
    return load(None, mock)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_the_mock_conforms_to_the_spec(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)


def test_a_found_user_conforms_to_the_spec(api_schema: Any, mock: EmbeddedMock) -> None:
    # Generated ids are never a tenant's real ones, so the 200 of findById needs a listed id.
    tenant = mock.tenants[0]
    credentials = {"api_key": tenant.api_key, "api_secret": tenant.api_secret}
    users = (
        api_schema["/users"]["GET"].Case(query={**credentials, "limit": 1}).call_and_validate(checks=CHECKS)
    )
    user = users.json()["data"][0]
    case = api_schema["/users/findById"]["GET"].Case(query={**credentials, "id": user["id"]})
    found = case.call_and_validate(checks=CHECKS)
    assert (found.status_code, found.json()["data"]) == (200, user)


def test_a_drifted_record_schema_is_caught(mock: EmbeddedMock) -> None:
    document = yaml.safe_load(default_spec_path().read_text(encoding="utf-8"))
    user = document["components"]["schemas"]["User"]
    user["properties"]["mail"] = user["properties"].pop("email")
    user["required"] = [("mail" if name == "email" else name) for name in user["required"]]
    operation = load(document, mock)["/users"]["GET"]
    tenant = mock.tenants[0]
    case = operation.Case(query={"api_key": tenant.api_key, "api_secret": tenant.api_secret, "limit": 3})
    with pytest.raises(FailureGroup, match="Response violates schema"):
        case.call_and_validate(checks=CHECKS)
