"""A served mock on real time, and the fault proxy in front of it: a live target on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping

import pytest

from conformance.faultproxy import FaultProxy
from conformance.mock.clock import MonotonicClock
from conformance.mock.server import EmbeddedMock
from conformance.mock.state import MockConfig

RECORDS = 2000
SCROLL_TTL = 3.0
CREDENTIAL_VARS = ("C4W_API_KEY", "C4W_API_SECRET", "C4W_OTHER_API_KEY", "C4W_OTHER_API_SECRET")

Cli = Callable[..., "subprocess.CompletedProcess[str]"]
Spawn = Callable[..., "subprocess.Popen[str]"]


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


# -- the command as a user runs it: its own process, environment without stray credentials ------


def _environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in CREDENTIAL_VARS}
    env.update(extra or {})
    return env


def _command(args: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-m", "conformance", *args]


@pytest.fixture
def cli() -> Cli:
    """``cli("run", ..., env={...})``: run c4w-conformance to the end; exit status, stdout, stderr."""

    def run(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            _command(args), env=_environment(env), capture_output=True, text=True, timeout=60, check=False
        )

    return run


@pytest.fixture
def spawn() -> Spawn:
    """``spawn("run", ..., env={...})``: start c4w-conformance and return the running process."""

    def start(*args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            _command(args), env=_environment(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    return start
