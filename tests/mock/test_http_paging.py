"""Offset paging over real HTTP (F5, F7, A6, A11, A16)."""

from __future__ import annotations

import httpx
import pytest

from conformance.mock.server import EmbeddedMock

Auth = dict[str, str]


def get(client: httpx.Client, path: str, params: Auth) -> dict[str, object]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def ids(body: dict[str, object]) -> list[str]:
    data = body["data"]
    assert isinstance(data, list)
    return [r["id"] for r in data]


def test_A16_defaults_are_limit_100_offset_0(client: httpx.Client, alpha_auth: Auth) -> None:
    default = get(client, "/users", alpha_auth)
    explicit = get(client, "/users", {**alpha_auth, "limit": "100", "offset": "0"})
    assert len(ids(default)) == 100 and default == explicit


def test_F5_count_is_total_independent_of_limit_and_offset(client: httpx.Client, alpha_auth: Auth) -> None:
    for path, total in [
        ("/users", 2_500),
        ("/connections", 25_000),
        ("/troubleshooting/auth_results", 5_000),
    ]:
        counts = {
            get(client, path, {**alpha_auth, "limit": limit, "offset": offset})["count"]
            for limit, offset in [("1", "0"), ("7", "13"), ("1000", "0"), ("5", "999999")]
        }
        assert counts == {total}


def test_F7_consecutive_pages_tile_the_collection(client: httpx.Client, alpha_auth: Auth) -> None:
    whole = ids(get(client, "/users", {**alpha_auth, "limit": "30"}))
    pieces = [
        ids(get(client, "/users", {**alpha_auth, "limit": "7", "offset": str(o)})) for o in range(0, 30, 7)
    ]
    assert [i for page in pieces for i in page][:30] == whole
    assert len(set(whole)) == 30


def test_A11_users_limit_is_clamped_to_1000(client: httpx.Client, alpha_auth: Auth) -> None:
    assert len(ids(get(client, "/users", {**alpha_auth, "limit": "1001"}))) == 1_000
    assert len(ids(get(client, "/users", {**alpha_auth, "limit": str(2**63 - 1)}))) == 1_000


def test_A6_scroll_capable_offset_limit_is_clamped_to_9999_on_a_large_endpoint(
    client: httpx.Client, alpha_auth: Auth
) -> None:
    body = get(client, "/connections", {**alpha_auth, "limit": "20000"})
    assert body["count"] == 25_000 and len(ids(body)) == 9_999


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("limit", "0"),
        ("limit", "-1"),
        ("limit", "1.5"),
        ("limit", "abc"),
        ("limit", ""),
        ("limit", "+1"),
        ("limit", " 1"),
        ("limit", "1\n"),
        ("limit", "١٢"),  # non-ASCII digits
        ("limit", str(2**63)),
        ("limit", "9" * 5000),
        ("offset", "-1"),
        ("offset", ""),
        ("offset", "0x10"),
        ("offset", str(2**63)),
    ],
)
@pytest.mark.parametrize("path", ["/users", "/connections", "/troubleshooting/auth_error_logs"])
def test_A11_invalid_limit_or_offset_is_400(
    client: httpx.Client, alpha_auth: Auth, path: str, name: str, value: str
) -> None:
    response = client.get(path, params={**alpha_auth, name: value})
    assert response.status_code == 400 and response.json()["code"] == 400


def test_A11_largest_int64_offset_and_leading_zeros_are_valid(client: httpx.Client, alpha_auth: Auth) -> None:
    assert ids(get(client, "/users", {**alpha_auth, "offset": str(2**63 - 1)})) == []
    padded = get(client, "/users", {**alpha_auth, "limit": "0" * 5000 + "3"})
    assert len(ids(padded)) == 3


def test_A11_offset_past_the_end_is_200_empty(client: httpx.Client, alpha_auth: Auth) -> None:
    for path, total in [("/users", 2_500), ("/connections", 25_000)]:
        for offset in (total, total + 1, 10**12):
            body = get(client, path, {**alpha_auth, "offset": str(offset)})
            assert body["count"] == total and body["data"] == []
    last = get(client, "/users", {**alpha_auth, "offset": "2499"})
    assert len(ids(last)) == 1


def test_F5_deleted_filter_counts_the_filtered_total(client: httpx.Client, alpha_auth: Auth) -> None:
    deleted = get(client, "/users", {**alpha_auth, "deleted": "true", "limit": "1000"})
    live = get(client, "/users", {**alpha_auth, "deleted": "false", "limit": "1000"})
    assert isinstance(deleted["count"], int) and isinstance(live["count"], int)
    assert deleted["count"] + live["count"] == 2_500 and 0 < deleted["count"] < live["count"]
    assert len(ids(deleted)) == deleted["count"]
    assert all(u["deleted"] is True for u in deleted["data"])  # type: ignore[attr-defined]
    assert all(u["deleted"] is False for u in live["data"])  # type: ignore[attr-defined]
    for bad in ("", "True", "1", "yes"):
        assert client.get("/users", params={**alpha_auth, "deleted": bad}).status_code == 400


def test_A17_repeated_parameter_takes_the_last_value(client: httpx.Client, alpha_auth: Auth) -> None:
    response = client.get("/users", params=[*alpha_auth.items(), ("limit", "abc"), ("limit", "4")])
    assert len(ids(response.json())) == 4


def test_A10_offset_paging_reads_live_data(
    client: httpx.Client, mock: EmbeddedMock, alpha_auth: Auth
) -> None:
    before = get(client, "/connections", {**alpha_auth, "offset": "24999"})
    mock.state.insert("alpha", "connections", 3)
    after = get(client, "/connections", {**alpha_auth, "offset": "24999"})
    assert before["count"] == 25_000 and after["count"] == 25_003
    assert ids(after)[0] == ids(before)[0] and len(ids(after)) == 4


def test_tenants_see_only_their_own_records(client: httpx.Client, alpha_auth: Auth, beta_auth: Auth) -> None:
    for path in ("/users", "/connections", "/visits"):
        a = set(ids(get(client, path, {**alpha_auth, "limit": "200"})))
        b = set(ids(get(client, path, {**beta_auth, "limit": "200"})))
        assert len(a) == len(b) == 200 and not a & b
