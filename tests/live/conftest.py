"""A served mock on real time, and the fault proxy in front of it: a live target on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.faultproxy import FaultProxy
from conformance.mock.clock import MonotonicClock
from conformance.mock.server import EmbeddedMock
from conformance.mock.state import MockConfig

RECORDS = 2000
SCROLL_TTL = 3.0


@pytest.fixture(scope="session")
def live_mock() -> Iterator[EmbeddedMock]:
    """The mock as a live target sees it: its own clock runs in real time."""
    config = MockConfig(records=RECORDS, scroll_ttl=SCROLL_TTL)
    with EmbeddedMock(config, clock=MonotonicClock()) as mock:
        yield mock


@pytest.fixture
def mock(live_mock: EmbeddedMock) -> Iterator[EmbeddedMock]:
    yield live_mock
    live_mock.state.reset()


@pytest.fixture
def credentials(mock: EmbeddedMock, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Both tenants' credentials, in the environment as a user would set them."""
    first, second = mock.tenants[0], mock.tenants[1]
    env = {
        "C4W_API_KEY": first.api_key,
        "C4W_API_SECRET": first.api_secret,
        "C4W_OTHER_API_KEY": second.api_key,
        "C4W_OTHER_API_SECRET": second.api_secret,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def proxy(mock: EmbeddedMock) -> Iterator[FaultProxy]:
    """A fault proxy with no faults yet: set ``proxy.decide`` in the test."""
    with FaultProxy(mock.base_url, retry_after=0.05, slow_seconds=0.3) as running:
        yield running
