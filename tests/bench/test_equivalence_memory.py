"""The equivalence check compares in lock-step, and out of step in compact fingerprint bags."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from conformance.exchange import Exchange
from conformance.mock.server import EmbeddedMock
from conformance.mock.state import MockConfig
from conformance.options import RunOptions
from conformance.properties import equivalence
from conformance.records import FingerprintBag, digest
from conformance.session import open_context
from conformance.traversal import Page
from conformance.verdicts import Violation


def record(n: int, **changes: Any) -> dict[str, Any]:
    return {"id": f"{n:032x}", "mac": "00:11:22:33:44:55", "sessionTime": n, **changes}


def pages(records: list[dict[str, Any]], size: int) -> Iterator[Page]:
    exchange = Exchange("http://target/v2", "/connections", [], 200, b"{}", 0.0)
    for start in range(0, len(records), size):
        yield Page(exchange, records[start : start + size], len(records), "token")
    yield Page(exchange, [], len(records), None)


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Replace both walks with given records: ``walks(by_offset, by_scroll)``."""

    def install(by_offset: list[dict[str, Any]], by_scroll: list[dict[str, Any]]) -> None:
        monkeypatch.setattr(equivalence, "offset_pages", lambda *a, **k: pages(by_offset, 7))
        monkeypatch.setattr(equivalence, "scroll_chunks", lambda *a, **k: pages(by_scroll, 10))

    return install


@pytest.fixture(scope="module")
def ctx_and_endpoint() -> Iterator[tuple[Any, Any]]:
    with EmbeddedMock(MockConfig(records=100)) as mock:
        tenant = mock.tenants[0]
        options = RunOptions(target=mock.base_url, api_key=tenant.api_key, api_secret=tenant.api_secret)
        with open_context(options) as ctx:
            yield ctx, ctx.spec.endpoint("/connections")


def test_walks_in_step_compare_every_record(walks: Any, ctx_and_endpoint: tuple[Any, Any]) -> None:
    records = [record(n) for n in range(95)]
    walks(records, [dict(reversed(r.items())) for r in records])  # key order does not matter
    assert equivalence.offset_scroll(*ctx_and_endpoint) == {"records_compared": 95}


def test_the_same_records_in_another_order_pass_with_a_note(
    walks: Any, ctx_and_endpoint: tuple[Any, Any]
) -> None:
    records = [record(n) for n in range(95)]
    walks(records, records[:40] + records[40:][::-1])
    observed = equivalence.offset_scroll(*ctx_and_endpoint)
    assert observed["records_compared"] == 95
    assert "different order from record 40" in observed["message"]


def test_missing_extra_and_changed_records_are_named(walks: Any, ctx_and_endpoint: tuple[Any, Any]) -> None:
    records = [record(n) for n in range(95)]
    by_scroll = records[:30] + records[31:60] + [record(60, sessionTime=-1)] + records[61:] + [record(500)]
    walks(records, by_scroll)
    with pytest.raises(Violation) as caught:
        equivalence.offset_scroll(*ctx_and_endpoint)
    message = str(caught.value)
    assert f"1 only through offset (e.g. {30:032x})" in message
    assert f"1 only through scroll (e.g. {500:032x})" in message
    assert f"1 differ in content (e.g. {60:032x})" in message


def test_a_mock_skipping_a_record_fails_equivalence() -> None:
    with EmbeddedMock(MockConfig(records=12_000, faults=frozenset({"deep_offset_skips_one"}))) as mock:
        tenant = mock.tenants[0]
        options = RunOptions(target=mock.base_url, api_key=tenant.api_key, api_secret=tenant.api_secret)
        with open_context(options) as ctx, pytest.raises(Violation, match="only through scroll"):
            equivalence.offset_scroll(ctx, ctx.spec.endpoint("/connections"))


def test_fingerprint_bags_hold_no_object_per_record() -> None:
    count = 50_000
    ids = [f"{n:032x}" for n in range(count)]  # made before measuring: only the bags count
    tracemalloc.start()
    left, right = FingerprintBag(), FingerprintBag()
    for n, value in enumerate(ids):
        left.add(value, n)
        right.add(value, n)
    held = tracemalloc.get_traced_memory()[0]
    difference = left.difference(right)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert held / count < 48  # two bags: 16 bytes a record each, plus array growth and a few names
    assert peak / count < 64
    assert not (difference.only_left or difference.only_right or difference.changed)


def test_fingerprint_bags_find_what_differs() -> None:
    left, right = FingerprintBag(), FingerprintBag()
    for n in range(2_000):
        left.add(f"id{n}", digest(record(n)))
    for n in range(1, 2_001):
        right.add(f"id{n}", digest(record(n, sessionTime=0) if n == 7 else record(n)))
    difference = left.difference(right)
    assert difference.example(difference.only_left) == "id0"
    assert len(difference.only_right) == 1
    assert difference.example(difference.changed) == "id7"
