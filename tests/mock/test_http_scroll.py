"""Scrolling over real HTTP (F8-F12, A4-A10, A13), TTLs on the mock's virtual clock."""

from __future__ import annotations

import re

import httpx
import pytest

from conformance.mock.clock import VirtualClock
from conformance.mock.server import EmbeddedMock

Auth = dict[str, str]
SCROLLABLE = ["/visits", "/connections", "/troubleshooting/auth_error_logs", "/troubleshooting/auth_results"]
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def call(client: httpx.Client, path: str, params: Auth, status: int = 200) -> dict[str, object]:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, object] = response.json()
    if status != 200:
        assert set(body) == {"status", "code", "message"}
    return body


def ids(body: dict[str, object]) -> list[str]:
    data = body["data"]
    assert isinstance(data, list)
    return [r["id"] for r in data]


def token(body: dict[str, object]) -> str:
    value = body["scrollId"]
    assert isinstance(value, str) and TOKEN.fullmatch(value)
    return value


def walk(client: httpx.Client, path: str, auth: Auth, **first: str) -> list[list[str]]:
    """Every page of a scroll, from the first call to the empty end (A9)."""
    body = call(client, path, {**auth, **first})
    pages = [ids(body)]
    while pages[-1]:
        body = call(client, path, {**auth, "scrollId": token(body)})
        pages.append(ids(body))
    return pages


@pytest.mark.parametrize("path", SCROLLABLE)
def test_F8_A4_scroll_capable_endpoints_return_a_scrollId(
    client: httpx.Client, alpha_auth: Auth, path: str
) -> None:
    body = call(client, path, {**alpha_auth, "limit": "5"})
    assert set(body) == {"status", "count", "data", "scrollId"} and len(ids(body)) == 5
    token(body)


def test_F8_users_has_no_scrollId(client: httpx.Client, alpha_auth: Auth) -> None:
    assert "scrollId" not in call(client, "/users", alpha_auth)


def test_A5_scroll_continues_after_the_offset_page_in_chunks_of_its_limit(
    client: httpx.Client, alpha_auth: Auth
) -> None:
    pages = walk(client, "/troubleshooting/auth_error_logs", alpha_auth, limit="1000", offset="500")
    assert [len(p) for p in pages] == [1000, 1000, 625, 0]  # 3,125 records from offset 500
    offset_order = ids(call(client, "/troubleshooting/auth_error_logs", {**alpha_auth, "limit": "1000"}))
    walked = [i for p in pages for i in p]
    assert len(set(walked)) == 2_625
    assert (
        walked[:500]
        == [
            *offset_order[500:],
            *ids(
                call(
                    client, "/troubleshooting/auth_error_logs", {**alpha_auth, "offset": "1000", "limit": "1"}
                )
            ),
        ][:500]
    )


def test_F10_A6_scroll_chunks_are_capped_at_9999_on_a_large_endpoint(
    client: httpx.Client, alpha_auth: Auth
) -> None:
    pages = walk(client, "/connections", alpha_auth, limit="50000")
    assert [len(p) for p in pages] == [9_999, 9_999, 5_002, 0]
    assert len({i for p in pages for i in p}) == 25_000


def test_F11_visits_ignores_offset_and_starts_at_the_first_record(
    client: httpx.Client, alpha_auth: Auth
) -> None:
    plain = call(client, "/visits", {**alpha_auth, "limit": "3"})
    for offset in ("10", "-5", "junk"):
        assert ids(call(client, "/visits", {**alpha_auth, "limit": "3", "offset": offset})) == ids(plain)


def test_F12_limit_and_offset_are_ignored_with_scrollId(client: httpx.Client, alpha_auth: Auth) -> None:
    first = call(client, "/connections", {**alpha_auth, "limit": "4"})
    second = call(
        client, "/connections", {**alpha_auth, "scrollId": token(first), "limit": "0", "offset": "abc"}
    )
    expected = ids(call(client, "/connections", {**alpha_auth, "limit": "4", "offset": "4"}))
    assert ids(second) == expected and second["count"] == 25_000


def test_A7_every_call_gives_a_new_token_and_retires_the_old_one(
    client: httpx.Client, alpha_auth: Auth
) -> None:
    first = call(client, "/visits", {**alpha_auth, "limit": "2"})
    second = call(client, "/visits", {**alpha_auth, "scrollId": token(first)})
    assert token(second) != token(first)
    call(client, "/visits", {**alpha_auth, "scrollId": token(first)}, status=404)
    third = call(client, "/visits", {**alpha_auth, "scrollId": token(second)})
    assert len(ids(third)) == 2 and set(ids(third)).isdisjoint(ids(second))


def test_A7_F9_each_new_token_gets_a_fresh_ttl(
    client: httpx.Client, clock: VirtualClock, alpha_auth: Auth
) -> None:
    body = call(client, "/visits", {**alpha_auth, "limit": "2"})
    for _ in range(3):  # 3 x 100 s > 120 s: works only because each token is fresh
        clock.advance(100)
        body = call(client, "/visits", {**alpha_auth, "scrollId": token(body)})


def test_A8_expired_token_is_404_without_records(
    client: httpx.Client, clock: VirtualClock, alpha_auth: Auth
) -> None:
    body = call(client, "/connections", {**alpha_auth, "limit": "2"})
    clock.advance(120)
    error = call(client, "/connections", {**alpha_auth, "scrollId": token(body)}, status=404)
    assert error["code"] == 404


def test_A8_unknown_token_is_404_and_malformed_is_400(client: httpx.Client, alpha_auth: Auth) -> None:
    call(client, "/connections", {**alpha_auth, "scrollId": "A" * 43}, status=404)
    for bad in ("", "A" * 42, "A" * 44, "A" * 42 + "=", "A" * 42 + "é", " " + "A" * 42):
        call(client, "/connections", {**alpha_auth, "scrollId": bad}, status=400)


def test_A8_token_of_another_endpoint_is_unknown(client: httpx.Client, alpha_auth: Auth) -> None:
    body = call(client, "/connections", {**alpha_auth, "limit": "2"})
    call(client, "/visits", {**alpha_auth, "scrollId": token(body)}, status=404)
    call(client, "/connections", {**alpha_auth, "scrollId": token(body)})


def test_A9_end_of_scroll_is_empty_data_with_a_fresh_scrollId(client: httpx.Client, alpha_auth: Auth) -> None:
    first = call(client, "/troubleshooting/auth_results", {**alpha_auth, "offset": "4998", "limit": "5"})
    assert len(ids(first)) == 2
    end = call(client, "/troubleshooting/auth_results", {**alpha_auth, "scrollId": token(first)})
    assert ids(end) == [] and token(end) != token(first)
    again = call(client, "/troubleshooting/auth_results", {**alpha_auth, "scrollId": token(end)})
    assert ids(again) == []


def test_A11_offset_past_end_on_scroll_endpoint_is_200_empty_with_scrollId(
    client: httpx.Client, alpha_auth: Auth
) -> None:
    body = call(client, "/connections", {**alpha_auth, "offset": "25000"})
    assert ids(body) == [] and body["count"] == 25_000
    assert ids(call(client, "/connections", {**alpha_auth, "scrollId": token(body)})) == []


def test_A10_scroll_sees_snapshot(client: httpx.Client, mock: EmbeddedMock, alpha_auth: Auth) -> None:
    first = call(client, "/troubleshooting/auth_results", {**alpha_auth, "limit": "2000"})
    mock.state.insert("alpha", "auth_results", 7)
    pages = [ids(first)]
    body = first
    while pages[-1]:
        body = call(client, "/troubleshooting/auth_results", {**alpha_auth, "scrollId": token(body)})
        assert body["count"] == 5_000
        pages.append(ids(body))
    assert sum(map(len, pages)) == 5_000
    fresh = call(client, "/troubleshooting/auth_results", {**alpha_auth, "offset": "5000"})
    assert fresh["count"] == 5_007 and len(ids(fresh)) == 7


def test_A13_foreign_tenant_cannot_continue_scroll(
    client: httpx.Client, alpha_auth: Auth, beta_auth: Auth
) -> None:
    body = call(client, "/connections", {**alpha_auth, "limit": "3"})
    foreign = call(client, "/connections", {**beta_auth, "scrollId": token(body)}, status=404)
    assert foreign["code"] == 404
    call(client, "/connections", {"scrollId": token(body)}, status=401)
    wrong = {"api_key": alpha_auth["api_key"], "api_secret": beta_auth["api_secret"]}
    call(client, "/connections", {**wrong, "scrollId": token(body)}, status=401)
    # none of this retired the owner's token
    follow = call(client, "/connections", {**alpha_auth, "scrollId": token(body)})
    assert len(ids(follow)) == 3


def test_open_scroll_contexts_are_bounded_per_tenant() -> None:
    from conformance.mock.state import MockConfig

    with (
        EmbeddedMock(MockConfig(records=100, max_scroll_contexts=3)) as mock,
        httpx.Client(base_url=mock.base_url) as client,
    ):
        alpha, beta = mock.tenants
        auth = {"api_key": alpha.api_key, "api_secret": alpha.api_secret}
        bodies = [call(client, "/visits", {**auth, "limit": "1"}) for _ in range(3)]
        error = call(client, "/visits", auth, status=429)
        assert error["message"] == "too many open scroll contexts (limit 3)"
        call(client, "/visits", {**auth, "scrollId": token(bodies[0])})  # continuing opens nothing
        call(client, "/visits", {"api_key": beta.api_key, "api_secret": beta.api_secret})
        assert isinstance(mock.clock, VirtualClock)
        mock.clock.advance(121)
        call(client, "/visits", auth)
