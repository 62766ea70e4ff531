"""Polite by default: the request rate measured at a loopback server, the cap on requests in flight."""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conformance.client import Politeness, V2Client
from conformance.faultproxy import FaultProxy, max_rate
from conformance.options import RunOptions
from conformance.session import LIVE_DEFAULT_RPS, is_loopback, politeness_for


def test_the_rate_measured_at_the_server_stays_at_or_below_max_rps(proxy: FaultProxy) -> None:
    with V2Client(proxy.base_url, Politeness(max_rps=10)) as client:
        started = time.monotonic()
        for _ in range(21):
            client.get("/users")
        elapsed = time.monotonic() - started
    arrivals = proxy.arrivals()
    assert len(arrivals) == 21
    assert (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) <= 10
    assert max_rate(arrivals, window=1.0) <= 10
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= 0.05  # never bunched (arrivals jitter when the machine is busy)
    assert elapsed >= 2.0


def test_retries_count_against_the_rate_too(proxy: FaultProxy) -> None:
    from conformance.faultproxy import Fault

    proxy.retry_after = 0.0
    proxy.decide = lambda seen: Fault("429") if seen.index % 2 == 0 else None
    with V2Client(proxy.base_url, Politeness(max_rps=20)) as client:
        for _ in range(10):
            client.get("/users")
    assert len(proxy.seen) == 20
    assert max_rate(proxy.arrivals(), window=1.0) <= 20


def test_requests_in_flight_are_capped_whatever_the_callers_do() -> None:
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most

    def slow(request: httpx.Request) -> httpx.Response:
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
        return httpx.Response(200, json={})

    client = V2Client(
        "https://t.example/v2", Politeness(max_in_flight=2), transport=httpx.MockTransport(slow)
    )
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: client.get("/users"), range(16)))
    assert in_flight[1] == 2


def test_the_default_rate_is_conservative_off_loopback_and_unlimited_on_it() -> None:
    assert politeness_for(RunOptions(), "https://api.cloud4wi.com/v2").max_rps == LIVE_DEFAULT_RPS == 5.0
    assert politeness_for(RunOptions(), "http://127.0.0.1:8080/v2").max_rps is None
    assert politeness_for(RunOptions(max_rps=2), "http://127.0.0.1:8080/v2").max_rps == 2


def test_workers_share_the_rate_and_the_request_budget_instead_of_multiplying_them() -> None:
    shared = politeness_for(RunOptions(max_rps=8, max_requests=101, rate_share=4), "https://x.example/v2")
    assert shared.max_rps == 2.0
    assert shared.max_requests == 26


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8080/v2", True),
        ("http://127.1.2.3/v2", True),
        ("http://localhost/v2", True),
        ("http://[::1]:80/v2", True),
        ("http://127.0.0.1.attacker.example/v2", False),
        ("http://localhost.attacker.example/v2", False),
        ("http://10.0.0.1/v2", False),
        ("https://api.cloud4wi.com/v2", False),
    ],
)
def test_only_real_loopback_hosts_count_as_loopback(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback


def test_the_environment_proxy_is_used_for_a_remote_target_and_never_for_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from conformance.client import proxy_for

    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    assert proxy_for("https://api.cloud4wi.com/v2") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    assert proxy_for("https://api.cloud4wi.com/v2") == "http://proxy.corp.example:3128"
    assert proxy_for("http://127.0.0.1:8080/v2") is None
    monkeypatch.setenv("NO_PROXY", "cloud4wi.com")
    assert proxy_for("https://api.cloud4wi.com/v2") is None
