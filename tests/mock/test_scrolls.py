"""The scroll context store on a virtual clock."""

from __future__ import annotations

import re
import tracemalloc

import pytest

from conformance.mock.clock import VirtualClock
from conformance.mock.scrolls import ScrollStore, TooManyScrolls, well_formed


def store(clock: VirtualClock, limit: int = 10_000) -> ScrollStore:
    return ScrollStore(clock, 120.0, limit)


def test_tokens_are_43_url_safe_characters() -> None:
    token = store(VirtualClock()).open("alpha", "visits", 0, 10, 100)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token) and well_formed(token)
    assert not well_formed("") and not well_formed(token[:-1]) and not well_formed(token[:-1] + "=")


def test_A7_take_retires_and_reissue_gives_a_fresh_ttl() -> None:
    clock = VirtualClock()
    s = store(clock)
    token = s.open("alpha", "visits", 0, 10, 100)
    clock.advance(100)
    context = s.take("alpha", "visits", token)
    assert context is not None and s.take("alpha", "visits", token) is None
    new = s.reissue(context, 10)
    clock.advance(100)  # 200 s after the first token, 100 s after the new one
    again = s.take("alpha", "visits", new)
    assert again is not None and again.position == 10


def test_F9_token_expires_after_ttl() -> None:
    clock = VirtualClock()
    s = store(clock)
    token = s.open("alpha", "visits", 0, 10, 100)
    clock.advance(120)
    assert s.take("alpha", "visits", token) is None
    assert s.live_count("alpha") == 0


def test_A13_context_is_bound_to_tenant_and_endpoint() -> None:
    s = store(VirtualClock())
    token = s.open("alpha", "visits", 0, 10, 100)
    assert s.take("beta", "visits", token) is None
    assert s.take("alpha", "connections", token) is None
    assert s.take("alpha", "visits", token) is not None


def test_at_most_max_live_contexts_per_tenant_and_expired_ones_free_room() -> None:
    clock = VirtualClock()
    s = store(clock, limit=3)
    for _ in range(3):
        s.open("alpha", "visits", 0, 10, 100)
    with pytest.raises(TooManyScrolls, match=r"^too many open scroll contexts \(limit 3\)$"):
        s.open("alpha", "visits", 0, 10, 100)
    s.open("beta", "visits", 0, 10, 100)  # another tenant has its own budget
    clock.advance(121)
    s.open("alpha", "visits", 0, 10, 100)
    assert s.live_count("alpha") == 1


def test_ten_thousand_contexts_stay_small() -> None:
    s = store(VirtualClock())
    tracemalloc.start()
    for _ in range(10_000):
        s.open("alpha", "connections", 0, 9_999, 25_000)
    used, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert used < 10_000 * 400  # bytes per context, token and dict slot included
