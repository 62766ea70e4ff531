"""Surface, check order, credentials and envelopes, over real HTTP (A1-A3, A14-A17, F2-F6)."""

from __future__ import annotations

import httpx
import pytest

from conformance.mock.server import EmbeddedMock
from conformance.mock.tenants import Tenant

PATHS = [
    "/users",
    "/users/findById",
    "/visits",
    "/connections",
    "/troubleshooting/auth_error_logs",
    "/troubleshooting/auth_results",
]


def assert_error(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "code", "message"}
    assert body["status"] == "error" and body["code"] == status and isinstance(body["message"], str)
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", ["/nope", "/users/", "/v1/users", "/troubleshooting", "/users/findById/x"])
def test_A17_unknown_path_is_404_before_auth_and_method(client: httpx.Client, path: str) -> None:
    assert_error(client.get(path), 404)
    assert_error(client.post(path), 404)
    assert_error(client.get("http://" + client.base_url.host + f":{client.base_url.port}/users"), 404)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_A17_any_method_but_get_is_405_before_auth(client: httpx.Client, method: str) -> None:
    response = client.request(method, "/users")
    assert response.status_code == 405 and response.headers["allow"] == "GET"
    if method != "HEAD":
        assert_error(response, 405)


@pytest.mark.parametrize("path", PATHS)
def test_A3_missing_or_empty_credentials_are_401_before_parameter_checks(
    client: httpx.Client, alpha: Tenant, path: str
) -> None:
    bad = {"limit": "0", "scrollId": "!", "deleted": "maybe"}
    assert_error(client.get(path, params=bad), 401)
    assert_error(client.get(path, params={**bad, "api_key": alpha.api_key}), 401)
    assert_error(client.get(path, params={**bad, "api_secret": alpha.api_secret}), 401)
    assert_error(client.get(path, params={**bad, "api_key": alpha.api_key, "api_secret": ""}), 401)


def test_A3_wrong_unknown_or_cross_tenant_credentials_are_401(
    client: httpx.Client, alpha: Tenant, beta: Tenant
) -> None:
    for key, secret in [
        (alpha.api_key, beta.api_secret),
        (alpha.api_key, alpha.api_secret[:-1]),
        ("0" * 32, alpha.api_secret),
        (alpha.api_secret, alpha.api_key),
    ]:
        body = assert_error(client.get("/users", params={"api_key": key, "api_secret": secret}), 401)
        assert key not in str(body["message"]) and secret not in str(body["message"])


def test_F4_key_with_trailing_space_is_not_trimmed(client: httpx.Client, alpha: Tenant) -> None:
    response = client.get(f"/users?api_key={alpha.api_key}%20&api_secret={alpha.api_secret}")
    assert_error(response, 401)


def test_A15_api_version_is_optional_and_any_value_is_accepted(
    client: httpx.Client, alpha_auth: dict[str, str]
) -> None:
    for version in [None, "v2.0", "", "banana"]:
        params = alpha_auth if version is None else {**alpha_auth, "api_version": version}
        assert client.get("/users", params={**params, "limit": 1}).status_code == 200


def test_A14_renewed_secret_stops_the_old_one_at_once(
    client: httpx.Client, mock: EmbeddedMock, alpha: Tenant
) -> None:
    old = {"api_key": alpha.api_key, "api_secret": alpha.api_secret}
    assert client.get("/users", params=old).status_code == 200
    new_secret = mock.state.renew_secret("alpha")
    assert_error(client.get("/users", params=old), 401)
    assert client.get("/users", params={**old, "api_secret": new_secret}).status_code == 200


def test_A1_success_envelope_and_F5_users_fields(client: httpx.Client, alpha_auth: dict[str, str]) -> None:
    response = client.get("/users", params={**alpha_auth, "limit": 2})
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "count", "data"} and body["status"] == "success"
    assert body["count"] == 2_500 and len(body["data"]) == 2
    assert {"firstName", "lastName", "email", "username", "personalId"} <= set(body["data"][0])


def test_A17_unknown_parameters_are_ignored(client: httpx.Client, alpha_auth: dict[str, str]) -> None:
    plain = client.get("/users", params={**alpha_auth, "limit": 3}).json()
    extra = client.get("/users", params={**alpha_auth, "limit": 3, "colour": "red", "Limit": "x"}).json()
    assert extra == plain


def test_F6_find_by_id_returns_one_record(
    client: httpx.Client, alpha_auth: dict[str, str], beta_auth: dict[str, str]
) -> None:
    user = client.get("/users", params={**alpha_auth, "offset": 17, "limit": 1}).json()["data"][0]
    response = client.get("/users/findById", params={**alpha_auth, "id": user["id"]})
    assert response.status_code == 200 and response.json() == {"status": "success", "data": user}
    assert_error(client.get("/users/findById", params={**beta_auth, "id": user["id"]}), 404)
    assert_error(client.get("/users/findById", params={**alpha_auth, "id": "f" * 32}), 404)
    assert_error(client.get("/users/findById", params={**alpha_auth, "id": ""}), 400)
    assert_error(client.get("/users/findById", params=alpha_auth), 400)


def test_A2_error_bodies_echo_no_credentials_or_records(
    client: httpx.Client, alpha: Tenant, alpha_auth: dict[str, str]
) -> None:
    responses = [
        client.get("/users", params={**alpha_auth, "limit": alpha.api_secret}),
        client.get("/users", params={**alpha_auth, "offset": alpha.api_key}),
        client.get("/users", params={**alpha_auth, "deleted": alpha.api_secret}),
        client.get("/connections", params={**alpha_auth, "scrollId": alpha.api_secret}),
        client.get("/users/findById", params={**alpha_auth, "id": alpha.api_secret}),
    ]
    for response in responses:
        assert response.status_code in (400, 404)
        assert alpha.api_secret not in response.text and alpha.api_key not in response.text
        assert '"data"' not in response.text
