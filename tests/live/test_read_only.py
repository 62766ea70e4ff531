"""The client can send only GET: any other method is refused before it leaves the process."""

from __future__ import annotations

import httpx
import pytest

from conformance.client import ReadOnlyViolation, V2Client

OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"]


class Recorder(httpx.BaseTransport):
    """A transport that answers 200 and remembers every request that reached it."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"status": "success", "count": 0, "data": []})


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(recorder: Recorder) -> V2Client:
    return V2Client("https://target.example/v2", transport=recorder)


def test_a_get_reaches_the_transport(client: V2Client, recorder: Recorder) -> None:
    exchange = client.get("/users", [("limit", 1)])
    assert exchange.status == 200
    assert [request.method for request in recorder.requests] == ["GET"]


def test_the_client_offers_no_method_but_get(client: V2Client) -> None:
    offered = {name for name in dir(client) if name.lower() in {m.lower() for m in OTHER_METHODS}}
    assert offered == set()


@pytest.mark.parametrize("method", OTHER_METHODS)
def test_another_method_through_the_underlying_httpx_client_is_refused_and_never_sent(
    client: V2Client, recorder: Recorder, method: str
) -> None:
    with pytest.raises(ReadOnlyViolation, match=f"refused to send {method}"):
        client._http.request(method, "https://target.example/v2/users", content=b"x")
    assert recorder.requests == []


def test_a_prepared_request_sent_past_the_client_is_refused_and_never_sent(
    client: V2Client, recorder: Recorder
) -> None:
    request = httpx.Request("DELETE", "https://target.example/v2/users")
    with pytest.raises(ReadOnlyViolation):
        client._http.send(request)
    assert recorder.requests == []


def test_the_transport_itself_refuses_when_the_client_hooks_are_bypassed(
    client: V2Client, recorder: Recorder
) -> None:
    client._http.event_hooks = {"request": [], "response": []}
    with pytest.raises(ReadOnlyViolation):
        client._http.post("https://target.example/v2/users", content=b"x")
    assert recorder.requests == []


def test_redirects_are_not_followed(recorder: Recorder) -> None:
    """A redirect could carry the credentials in the query to another host: it is an answer."""

    def redirect(request: httpx.Request) -> httpx.Response:
        recorder.requests.append(request)
        return httpx.Response(302, headers={"location": "https://elsewhere.example/steal"})

    client = V2Client("https://target.example/v2", transport=httpx.MockTransport(redirect))
    assert client.get("/users").status == 302
    assert [str(request.url.host) for request in recorder.requests] == ["target.example"]
