"""Retries with backoff and jitter, Retry-After honoured, scroll calls never retried blindly."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from email.utils import formatdate

import httpx
import pytest

from conformance.client import Politeness, TransportTrouble, V2Client, retry_after_seconds
from conformance.faultproxy import Fault, FaultProxy, Seen
from conformance.mock.server import EmbeddedMock
from conformance.verdicts import Inconclusive

Answer = Callable[[httpx.Request], httpx.Response]


def scripted(
    *answers: int | Exception, retry_after: str | None = None
) -> tuple[httpx.MockTransport, list[int]]:
    """A transport that plays ``answers`` in order (a status, or an exception to raise), then 200s."""
    queue = list(answers)
    calls: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(len(calls))
        item = queue.pop(0) if queue else 200
        if isinstance(item, Exception):
            raise item
        headers = {"retry-after": retry_after} if retry_after is not None and item != 200 else {}
        return httpx.Response(item, headers=headers, json={"status": "success", "count": 0, "data": []})

    return httpx.MockTransport(handle), calls


def client_with(transport: httpx.BaseTransport, sleeps: list[float], **politeness: float) -> V2Client:
    return V2Client(
        "https://target.example/v2",
        Politeness(**politeness),  # type: ignore[arg-type]
        transport=transport,
        sleep=sleeps.append,
    )


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_a_transient_status_is_retried_until_an_answer(status: int) -> None:
    transport, calls = scripted(status, status)
    sleeps: list[float] = []
    assert client_with(transport, sleeps).get("/users").status == 200
    assert len(calls) == 3 and len(sleeps) == 2


def test_retry_after_in_seconds_is_honoured_exactly() -> None:
    transport, _ = scripted(429, 429, retry_after="7")
    sleeps: list[float] = []
    client_with(transport, sleeps).get("/users")
    assert sleeps == [7.0, 7.0]


def test_retry_after_as_an_http_date_is_honoured() -> None:
    assert retry_after_seconds(formatdate(1000.0 + 12, usegmt=True), now=lambda: 1000.0) == pytest.approx(12)
    assert retry_after_seconds("not a date") is None


def test_a_retry_after_longer_than_we_wait_gives_up_at_once_instead_of_hammering() -> None:
    transport, calls = scripted(503, retry_after="3600")
    sleeps: list[float] = []
    with pytest.raises(TransportTrouble, match="retry after 3600s"):
        client_with(transport, sleeps).get("/users")
    assert len(calls) == 1 and sleeps == []


def test_backoff_is_exponential_with_jitter_within_bounds() -> None:
    transport, _ = scripted(503, 503, 503, 503)
    sleeps: list[float] = []
    client_with(transport, sleeps, backoff_base=1.0, backoff_max=100.0).get("/users")
    for attempt, slept in enumerate(sleeps):
        ceiling = 2.0**attempt
        assert ceiling / 2 <= slept <= ceiling
    assert len(set(sleeps)) == len(sleeps)  # jittered, not a fixed ladder


def test_connection_errors_are_retried() -> None:
    transport, calls = scripted(httpx.ConnectError("refused"), httpx.ReadError("reset"))
    sleeps: list[float] = []
    assert client_with(transport, sleeps).get("/users").status == 200
    assert len(calls) == 3


def test_when_retries_run_out_the_trouble_is_inconclusive_with_the_reason() -> None:
    transport, calls = scripted(*[503] * 10)
    sleeps: list[float] = []
    with pytest.raises(TransportTrouble) as caught:
        client_with(transport, sleeps, retries=2).get("/users")
    assert isinstance(caught.value, Inconclusive)
    assert "503 on GET /users after 3 attempts" in str(caught.value)
    assert len(calls) == 3


@pytest.mark.parametrize(
    "failure",
    [502, 503, 504, httpx.ReadError("reset"), httpx.RemoteProtocolError("gone"), httpx.ReadTimeout("")],
)
def test_a_scroll_continuation_that_may_have_moved_the_cursor_is_retried_but_its_answer_is_marked(
    failure: int | Exception,
) -> None:
    """Not blindly: whatever violation follows such a retry is not trusted (see test_restarts)."""
    transport, calls = scripted(failure)
    sleeps: list[float] = []
    client = client_with(transport, sleeps)
    exchange = client.get("/visits", [("scrollId", "t")], idempotent=False)
    assert exchange.status == 200 and len(calls) == 2
    assert client.ambiguous_retries == 1
    assert "on GET /visits" in (client.ambiguity_of([exchange]) or "")


@pytest.mark.parametrize("failure", [429, httpx.ConnectError("refused"), httpx.ConnectTimeout("")])
def test_a_scroll_continuation_that_never_reached_the_target_is_marked_only_if_its_token_may_expire(
    failure: int | Exception,
) -> None:
    """The cursor did not move, but the token waited: past half its TTL, a refusal proves nothing."""
    transport, _ = scripted(failure, failure, retry_after="2")
    sleeps: list[float] = []
    patient = client_with(transport, sleeps, token_ttl=120.0)
    assert patient.ambiguity_of([patient.get("/visits", idempotent=False)]) is None
    transport, _ = scripted(failure, failure, retry_after="2")
    hurried = client_with(transport, sleeps, token_ttl=3.0, backoff_base=2.0)
    marked = hurried.ambiguity_of([hurried.get("/visits", idempotent=False)])
    assert marked is not None and marked.endswith("(the token aged)")


def test_a_plain_get_retried_after_a_reset_is_not_marked() -> None:
    transport, _ = scripted(503, httpx.ReadError("reset"))
    sleeps: list[float] = []
    client = client_with(transport, sleeps)
    assert client.ambiguity_of([client.get("/users")]) is None


def test_a_scroll_continuation_out_of_retries_is_restartable_trouble() -> None:
    transport, _ = scripted(*[503] * 10)
    sleeps: list[float] = []
    client = client_with(transport, sleeps, retries=1)
    with pytest.raises(TransportTrouble) as caught:
        client.get("/visits", idempotent=False)
    assert caught.value.restartable and client.last_trouble is caught.value


def test_the_request_budget_ends_in_trouble_not_in_more_requests() -> None:
    transport, calls = scripted()
    sleeps: list[float] = []
    client = client_with(transport, sleeps, max_requests=2)
    client.get("/users")
    client.get("/users")
    with pytest.raises(TransportTrouble, match="request budget of 2 spent"):
        client.get("/users")
    assert len(calls) == 2


# -- through the fault proxy, on real sockets -------------------------------------------------


def first(n: int, kind: str) -> Callable[[Seen], Fault | None]:
    """Fault the first ``n`` requests with ``kind``, then pass everything through."""
    return lambda seen: Fault(kind) if seen.index < n else None


@pytest.fixture
def users_params(mock: EmbeddedMock) -> list[tuple[str, str | int]]:
    tenant = mock.tenants[0]
    return [("api_key", tenant.api_key), ("api_secret", tenant.api_secret), ("limit", 1)]


@pytest.fixture
def live_client(proxy: FaultProxy) -> Iterator[V2Client]:
    client = V2Client(proxy.base_url, Politeness(backoff_base=0.05, timeout=2.0))
    yield client
    client.close()


def test_through_the_proxy_429_with_retry_after_is_waited_out(
    proxy: FaultProxy, live_client: V2Client, users_params: list[tuple[str, str | int]]
) -> None:
    proxy.retry_after = 0.3
    proxy.decide = first(2, "429")
    started = time.monotonic()
    assert live_client.get("/users", users_params).status == 200
    assert time.monotonic() - started >= 0.6
    assert [seen.status for seen in proxy.seen] == [429, 429, 200]


@pytest.mark.parametrize("kind", ["503", "reset", "reset_after"])
def test_through_the_proxy_a_plain_get_survives_each_fault(
    proxy: FaultProxy, live_client: V2Client, users_params: list[tuple[str, str | int]], kind: str
) -> None:
    proxy.decide = first(2, kind)
    assert live_client.get("/users", users_params).status == 200
    assert len(proxy.seen) == 3


def test_through_the_proxy_a_slow_answer_past_the_timeout_is_retried(
    proxy: FaultProxy, users_params: list[tuple[str, str | int]]
) -> None:
    proxy.decide = first(1, "slow")
    proxy.slow_seconds = 1.0
    with V2Client(proxy.base_url, Politeness(backoff_base=0.05, timeout=0.3)) as client:
        assert client.get("/users", users_params).status == 200
    assert len(proxy.seen) == 2


def test_through_the_proxy_a_reset_after_a_scroll_continuation_is_retried_and_marked(
    proxy: FaultProxy, live_client: V2Client, users_params: list[tuple[str, str | int]]
) -> None:
    proxy.decide = first(1, "reset_after")
    exchange = live_client.get("/visits", [*users_params[:2], ("scrollId", "whatever")], idempotent=False)
    assert len(proxy.seen) == 2
    assert live_client.ambiguity_of([exchange]) in (
        "RemoteProtocolError on GET /visits",  # the reset came before any byte of the answer
        "ReadError on GET /visits",
    )
