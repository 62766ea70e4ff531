"""One real mock server per session; each test gets it back in its starting state."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from conformance.mock.clock import VirtualClock
from conformance.mock.server import EmbeddedMock
from conformance.mock.state import MockConfig
from conformance.mock.tenants import Tenant

RECORDS = 25_000  # connections 25,000 (> 2 x 9,999), visits 12,500, users 2,500


@pytest.fixture(scope="session")
def session_mock() -> Iterator[EmbeddedMock]:
    with EmbeddedMock(MockConfig(records=RECORDS)) as mock:
        yield mock


@pytest.fixture
def mock(session_mock: EmbeddedMock) -> Iterator[EmbeddedMock]:
    yield session_mock
    session_mock.state.reset()


@pytest.fixture
def clock(mock: EmbeddedMock) -> VirtualClock:
    assert isinstance(mock.clock, VirtualClock)
    return mock.clock


@pytest.fixture
def client(mock: EmbeddedMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock.base_url, timeout=10) as c:
        yield c


@pytest.fixture
def alpha(mock: EmbeddedMock) -> Tenant:
    return mock.state.registry.get("alpha")


@pytest.fixture
def beta(mock: EmbeddedMock) -> Tenant:
    return mock.state.registry.get("beta")


@pytest.fixture
def alpha_auth(alpha: Tenant) -> dict[str, str]:
    """Query parameters carrying alpha's credentials (merge more in with ``{**alpha_auth, ...}``)."""
    return {"api_key": alpha.api_key, "api_secret": alpha.api_secret}


@pytest.fixture
def beta_auth(beta: Tenant) -> dict[str, str]:
    return {"api_key": beta.api_key, "api_secret": beta.api_secret}
