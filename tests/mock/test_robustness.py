"""No query string, however odd, gives a 5xx (CONTRACT, "Checks, in order")."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.mock.app import respond
from conformance.mock.clock import VirtualClock
from conformance.mock.handlers import ROUTES
from conformance.mock.server import EmbeddedMock
from conformance.mock.state import MockConfig, MockState

STATE = MockState(MockConfig(records=2_000), VirtualClock())
ALPHA = STATE.registry.get("alpha")
CREDS = f"api_key={ALPHA.api_key}&api_secret={ALPHA.api_secret}".encode()
NAMES = [b"limit", b"offset", b"scrollId", b"deleted", b"id", b"api_key", b"api_secret", b"api_version"]
ODD = [b"%", b"%zz", b"%0", b"%00", b"\x00", b"&", b"=", b"+", b"%ff%fe", "é".encode(), b"\xff", b";", b"#"]

raw_bytes = st.binary(max_size=200)
# query-shaped strings: known names with odd values, so parsing code is exercised past the auth check
pairs = st.lists(
    st.tuples(
        st.sampled_from(NAMES) | st.binary(max_size=8),
        st.lists(
            st.sampled_from(ODD) | st.binary(max_size=6) | st.integers().map(lambda i: str(i).encode())
        ).map(b"".join),
    ).map(lambda kv: kv[0] + b"=" + kv[1]),
    max_size=6,
).map(b"&".join)
queries = st.tuples(st.sampled_from([b"", CREDS + b"&"]), raw_bytes | pairs).map(b"".join)
paths = st.sampled_from([*ROUTES, "/v2/nope", "/", "/v2/users/"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=paths, query=queries, method=st.sampled_from(["GET", "GET", "GET", "POST", "HEAD"]))
def test_no_raw_query_string_gives_a_5xx(path: str, query: bytes, method: str) -> None:
    response = respond(STATE, path, method, query)
    assert response.status_code in (200, 400, 401, 404, 405, 429)
    assert response.media_type == "application/json"
    body = json.loads(bytes(response.body))
    assert body["status"] in ("success", "error")
    if body["status"] == "error":
        assert set(body) == {"status", "code", "message"} and body["code"] == response.status_code
    STATE.scrolls.clear()


def test_an_unexpected_error_becomes_a_400_envelope(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(raw: bytes) -> dict[str, str]:
        raise UnicodeError("boom")

    monkeypatch.setattr("conformance.mock.app.query_params", broken)
    response = respond(STATE, "/v2/users", "GET", CREDS)
    assert response.status_code == 400
    assert json.loads(bytes(response.body)) == {
        "status": "error",
        "code": 400,
        "message": "malformed request",
    }


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedMock]:
    with EmbeddedMock(MockConfig(records=1_000)) as mock:
        yield mock


@pytest.mark.parametrize(
    "query",
    [
        b"%",
        b"%zz",
        b"limit=%zz",
        b"limit=%ff",
        b"limit=1&limit=%",
        b"scrollId=%00" * 3,
        b"\xc3\xa9=\xff",
        b"a" * 6000,
    ],
    ids=lambda q: repr(q[:20]),
)
def test_odd_raw_query_strings_over_the_wire_get_no_5xx(server: EmbeddedMock, query: bytes) -> None:
    alpha = server.state.registry.get("alpha")
    url = urlsplit(server.base_url)
    target = f"{url.path}/connections?api_key={alpha.api_key}&api_secret={alpha.api_secret}&".encode() + query
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status = int(reply.split(b" ", 2)[1])
    assert 200 <= status < 500, reply[:200]
