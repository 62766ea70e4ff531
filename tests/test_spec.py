"""The shipped OpenAPI document is valid, and ``load_spec`` reads its extensions correctly."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

from conformance.errors import ConfigError
from conformance.resources import default_spec_path
from conformance.spec import ApiSpec, load_spec

EVIDENCE = re.compile(r"^(F([1-9]|1[0-4])|A([1-9]|1[0-7]))$")  # F1-F14, A1-A17
RECORDS = ["User", "Visit", "Connection", "AuthErrorLog", "AuthResult"]


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return load_spec()


@pytest.fixture
def document(spec: ApiSpec) -> dict[str, Any]:
    return copy.deepcopy(spec.document)


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["get"] for item in document["paths"].values()]


def test_the_document_is_valid_openapi(spec: ApiSpec) -> None:
    validate(spec.document)


def test_the_default_path_is_the_shipped_document(spec: ApiSpec) -> None:
    assert spec.path == default_spec_path()
    assert spec.document["servers"][0]["url"] == "https://api.cloud4wi.com/v2"


def test_the_six_endpoints_page_as_the_contract_says(spec: ApiSpec) -> None:
    modes = {e.path: sorted(e.pagination.modes) if e.pagination else [] for e in spec.endpoints}
    assert modes == {
        "/users": ["offset"],
        "/users/findById": [],
        "/visits": ["scroll"],
        "/connections": ["offset", "scroll"],
        "/troubleshooting/auth_error_logs": ["offset", "scroll"],
        "/troubleshooting/auth_results": ["offset", "scroll"],
    }


def test_paginated_lists_the_endpoints_offering_a_mode(spec: ApiSpec) -> None:
    troubleshooting = ["/troubleshooting/auth_error_logs", "/troubleshooting/auth_results"]
    assert [e.path for e in spec.paginated("scroll")] == ["/visits", "/connections", *troubleshooting]
    assert [e.path for e in spec.paginated("offset")] == ["/users", "/connections", *troubleshooting]


def test_pagination_names_fields_parameters_and_order(spec: ApiSpec) -> None:
    connections = spec.endpoint("/connections").pagination
    assert connections is not None
    assert connections.offset and connections.scroll
    assert (connections.items_field, connections.count_field, connections.id_field) == ("data", "count", "id")
    assert (connections.token_field, connections.token_param) == ("scrollId", "scrollId")
    assert (connections.limit_param, connections.offset_param) == ("limit", "offset")
    assert connections.order_by == ("start", "id")
    users = spec.endpoint("/users").pagination
    assert users is not None
    assert users.offset and not users.scroll
    assert (users.token_field, users.token_param) == (None, None)
    assert users.order_by == ("created", "id")
    assert spec.endpoint("/users/findById").pagination is None
    assert spec.endpoint("/users/findById").operation_id == "findUserById"


def test_every_operation_carries_evidence_and_pagination(spec: ApiSpec) -> None:
    for operation in operations(spec.document):
        assert "x-c4w-pagination" in operation, operation["operationId"]
        assert operation["x-c4w-evidence"], operation["operationId"]


def test_every_evidence_note_names_known_facts_or_assumptions(spec: ApiSpec) -> None:
    notes: list[Any] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "x-c4w-evidence" in node:
                notes.append(node["x-c4w-evidence"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec.document)
    assert len(notes) > 30
    for note in notes:
        assert isinstance(note, list) and note
        assert all(EVIDENCE.match(item) for item in note), note


def test_credentials_are_two_query_keys_required_together(spec: ApiSpec) -> None:
    schemes = spec.document["components"]["securitySchemes"]
    assert {name: (s["type"], s["in"], s["name"]) for name, s in schemes.items()} == {
        "api_key": ("apiKey", "query", "api_key"),
        "api_secret": ("apiKey", "query", "api_secret"),
    }
    assert spec.document["security"] == [{"api_key": [], "api_secret": []}]


@pytest.mark.parametrize("name", RECORDS)
def test_every_record_field_is_required_and_extra_fields_are_tolerated(spec: ApiSpec, name: str) -> None:
    # A renamed field is caught by `required`; an added one is not a violation of the evidence.
    record = spec.document["components"]["schemas"][name]
    assert "additionalProperties" not in record
    assert sorted(record["required"]) == sorted(record["properties"])


def schema_validator(document: dict[str, Any], name: str) -> jsonschema.Draft4Validator:
    root = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft4Validator(root)


CONNECTION = {
    "id": "0123456789abcdef0123456789abcdef",
    "userId": "fedcba9876543210fedcba9876543210",
    "mac": "AA:BB:CC:DD:EE:FF",
    "hotspotId": "00112233445566778899aabbccddeeff",
    "start": "2024-01-01T00:00:00Z",
    "stop": "2024-01-01T00:05:00Z",
    "sessionTime": 300,
    "bytesDown": 1,
    "bytesUp": 2,
}


@pytest.mark.parametrize(
    "drift",
    [
        pytest.param(lambda r: r.update(bytesDownloaded=r.pop("bytesDown")), id="renamed-field"),
        pytest.param(lambda r: r.update(sessionTime="300"), id="changed-type"),
        pytest.param(lambda r: r.update(start="01/01/2024 00:00"), id="timestamp-format"),
        pytest.param(lambda r: r.pop("bytesUp") and r.update(bytesUpload=1), id="renamed-field"),
        pytest.param(lambda r: r.update(id="0123456789ABCDEF0123456789ABCDEF"), id="uppercase-id"),
    ],
)
def test_record_schemas_catch_drift(spec: ApiSpec, drift: Any) -> None:
    validator = schema_validator(spec.document, "Connection")
    validator.validate(CONNECTION)
    record = dict(CONNECTION)
    drift(record)
    assert not validator.is_valid(record)


def test_the_error_envelope_carries_no_records(spec: ApiSpec) -> None:
    validator = schema_validator(spec.document, "ErrorEnvelope")
    validator.validate({"status": "error", "code": 401, "message": "invalid credentials"})
    validator.validate({"status": "error", "code": 401, "message": "x", "data": []})
    assert not validator.is_valid({"status": "error", "code": 401, "message": "x", "data": [{"id": "1"}]})
    assert not validator.is_valid({"status": "error", "code": 401, "message": "x", "data": {"id": "1"}})
    assert not validator.is_valid({"status": "success", "code": 401, "message": "x"})


def test_scroll_pages_carry_an_opaque_token_which_may_be_absent_at_the_end(spec: ApiSpec) -> None:
    validator = schema_validator(spec.document, "VisitsPage")
    page = {"status": "success", "count": 0, "data": [], "scrollId": "a" * 43}
    validator.validate(page)
    validator.validate({**page, "scrollId": "0f" * 20})  # the evidence fixes no token format
    validator.validate({k: v for k, v in page.items() if k != "scrollId"})  # A9
    assert not validator.is_valid({**page, "scrollId": ""})
    assert not validator.is_valid({**page, "scrollId": 42})


def assert_one_line_config_error(excinfo: pytest.ExceptionInfo[ConfigError], path: Path, *words: str) -> None:
    message = str(excinfo.value)
    assert "\n" not in message
    assert str(path) in message
    for word in words:
        assert word in message


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(ConfigError) as excinfo:
        load_spec(path)
    assert_one_line_config_error(excinfo, path, "cannot read")


def test_bad_yaml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("paths: {\n  /users: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_spec(str(path))
    assert_one_line_config_error(excinfo, path, "not valid YAML")


def test_a_document_without_paths_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, ["not", "a", "mapping"])
    with pytest.raises(ConfigError) as excinfo:
        load_spec(path)
    assert_one_line_config_error(excinfo, path, "paths")


def test_missing_pagination_is_a_config_error(tmp_path: Path, document: dict[str, Any]) -> None:
    del document["paths"]["/visits"]["get"]["x-c4w-pagination"]
    path = write(tmp_path, document)
    with pytest.raises(ConfigError) as excinfo:
        load_spec(path)
    assert_one_line_config_error(excinfo, path, "GET /visits", "x-c4w-pagination")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        pytest.param(lambda p: p.update(modes=["cursor"]), ["modes"], id="unknown-mode"),
        pytest.param(lambda p: p.update(modes="scroll"), ["modes"], id="modes-not-a-list"),
        pytest.param(lambda p: p.pop("token_param"), ["token_param"], id="scroll-without-token"),
        pytest.param(lambda p: p.update(items=""), ["items"], id="empty-items-field"),
        pytest.param(lambda p: p.update(order_by=[]), ["order_by"], id="empty-order"),
    ],
)
def test_invalid_pagination_is_a_config_error(
    tmp_path: Path, document: dict[str, Any], change: Any, words: list[str]
) -> None:
    change(document["paths"]["/connections"]["get"]["x-c4w-pagination"])
    path = write(tmp_path, document)
    with pytest.raises(ConfigError) as excinfo:
        load_spec(path)
    assert_one_line_config_error(excinfo, path, "GET /connections", *words)


def test_missing_evidence_is_a_config_error(tmp_path: Path, document: dict[str, Any]) -> None:
    del document["paths"]["/users"]["get"]["x-c4w-evidence"]
    path = write(tmp_path, document)
    with pytest.raises(ConfigError) as excinfo:
        load_spec(path)
    assert_one_line_config_error(excinfo, path, "GET /users", "x-c4w-evidence")


def test_an_unknown_endpoint_is_a_config_error(spec: ApiSpec) -> None:
    with pytest.raises(ConfigError, match="/hotspots"):
        spec.endpoint("/hotspots")


def test_a_binary_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"\xff\xfe\x00paths")
    with pytest.raises(ConfigError) as excinfo:
        load_spec(path)
    assert_one_line_config_error(excinfo, path, "UTF-8")
