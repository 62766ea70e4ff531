"""The suite through the fault proxy: no false failure, only GETs, the rate kept.

The proxy sits in front of a faithful target (the mock) and injects 429 with Retry-After, 503,
connection resets before and after the target answered, and slow answers. Every property must
come out passed, skipped or inconclusive with a reason; none failed.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from conformance import session
from conformance.cli import main
from conformance.client import Politeness
from conformance.faultproxy import Fault, FaultProxy, Seen, max_rate

pytestmark = pytest.mark.e2e

MAX_RPS = 400


def flaky(seen: Seen) -> Fault | None:
    """A fixed pattern, so the run is reproducible: about one request in nine is troubled."""
    i = seen.index
    for every, offset, kind in ((20, 3, "429"), (23, 5, "503"), (89, 7, "reset"), (131, 11, "reset_after"),
                                (97, 13, "slow"), (41, 17, "502"), (43, 19, "504")):  # fmt: skip
        if i % every == offset:
            return Fault(kind)
    return None


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same retries, with backoffs in tens of milliseconds (Retry-After is the proxy's 0.05 s)."""
    monkeypatch.setattr(session, "Politeness", partial(Politeness, backoff_base=0.02, backoff_max=0.2))


def run(proxy: FaultProxy, report_dir: Path, *args: str) -> tuple[int, dict[str, Any]]:
    proxy.decide, proxy.retry_after, proxy.slow_seconds = flaky, 0.02, 0.1
    code = main(
        ["run", "--target", proxy.base_url, "--max-examples", "3", "--seed", "4", "--max-rps", str(MAX_RPS),
         "--scroll-ttl", "3", "--report-dir", str(report_dir), "-q", *args]
    )  # fmt: skip
    return code, json.loads((report_dir / "results.json").read_text())


def assert_no_false_failure(code: int, results: dict[str, Any]) -> None:
    failed = [
        (row["property"], row["endpoint"], row["message"])
        for row in results["results"]
        if row["outcome"] == "failed"
    ]
    assert failed == []
    assert code != 1
    for row in results["results"]:
        if row["outcome"] == "inconclusive":
            assert row["message"], row  # always with the reason


def assert_polite(proxy: FaultProxy) -> None:
    assert proxy.methods() == {"GET"}
    assert max_rate(proxy.arrivals(), window=1.0) <= MAX_RPS


def test_auth_and_offset_through_faults(
    proxy: FaultProxy, credentials: dict[str, str], tmp_path: Path
) -> None:
    code, results = run(proxy, tmp_path, "--only", "auth,offset")
    assert_no_false_failure(code, results)
    assert_polite(proxy)
    assert set(proxy.faults()) >= {"429", "503", "reset", "reset_after", "slow"}
    assert results["summary"]["passed"] > results["summary"]["inconclusive"]


def test_scrolls_through_faults_are_never_failed(
    proxy: FaultProxy, credentials: dict[str, str], tmp_path: Path
) -> None:
    code, results = run(proxy, tmp_path, "--only", "scroll,equivalence")
    assert_no_false_failure(code, results)
    assert_polite(proxy)
    assert set(proxy.faults()) >= {"503", "reset_after"}
    assert results["summary"]["passed"] > results["summary"]["inconclusive"]


def test_a_token_delayed_past_its_ttl_is_not_judged_alive_and_expiry_still_is(
    proxy: FaultProxy, credentials: dict[str, str], tmp_path: Path
) -> None:
    """The 'alive' call of /visits is held by a slow network, that of /connections by a 429 with
    Retry-After: both reach the target past the 3 s TTL, so their 404 proves nothing."""
    calls = {"/v2/visits": 0, "/v2/connections": 0}
    third = {"/v2/visits": Fault("slow"), "/v2/connections": Fault("429")}  # after two scroll opens

    def hold_the_alive_calls(seen: Seen) -> Fault | None:
        if seen.path in calls:
            calls[seen.path] += 1
            return third[seen.path] if calls[seen.path] == 3 else None
        return None

    proxy.decide, proxy.retry_after, proxy.slow_seconds = hold_the_alive_calls, 0.7, 0.8  # margin 0.5 s
    only = ["--only", "scroll.alive_within_ttl,scroll.expiry"]
    code = main(
        ["run", "--target", proxy.base_url, "--scroll-ttl", "3", *only, "--report-dir", str(tmp_path), "-q"]
    )
    rows = json.loads((tmp_path / "results.json").read_text())["results"]
    assert code != 1 and all(row["outcome"] != "failed" for row in rows)
    alive = {row["endpoint"]: row for row in rows if row["property"] == "scroll.alive_within_ttl"}
    for endpoint in ("/visits", "/connections"):
        assert alive[endpoint]["outcome"] == "inconclusive"
        assert "may have reached the target" in alive[endpoint]["message"]
        assert "past the 3s TTL" in alive[endpoint]["message"]
    assert all(row["outcome"] == "passed" for row in rows if row["property"] == "scroll.expiry")


def test_network_faults_do_not_hide_a_faulty_target(tmp_path: Path) -> None:
    """Behind the same flaky proxy, a mock whose chunks overlap still fails scroll.traversal."""
    from conformance.mock.clock import MonotonicClock
    from conformance.mock.server import EmbeddedMock
    from conformance.mock.state import MockConfig

    config = MockConfig(records=2000, scroll_ttl=3.0, faults=frozenset({"scroll_chunk_overlap"}))
    with EmbeddedMock(config, clock=MonotonicClock()) as faulty:
        first, second = faulty.tenants[0], faulty.tenants[1]
        env = {"C4W_API_KEY": first.api_key, "C4W_API_SECRET": first.api_secret}
        env |= {"C4W_OTHER_API_KEY": second.api_key, "C4W_OTHER_API_SECRET": second.api_secret}
        with pytest.MonkeyPatch.context() as patch, FaultProxy(faulty.base_url) as proxy:
            for name, value in env.items():
                patch.setenv(name, value)
            code, results = run(proxy, tmp_path, "--only", "scroll.traversal")
    outcomes = {row["endpoint"]: row["outcome"] for row in results["results"]}
    assert code == 1
    assert "failed" in outcomes.values() and "passed" not in outcomes.values()
