"""The fault proxy itself: what it injects, what it passes, what it records, how it is started."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from conformance.errors import ConfigError
from conformance.faultproxy import Fault, FaultProxy, RandomFaults, Seen, max_rate, parse_inject
from conformance.mock.server import EmbeddedMock

Cli = Callable[..., "subprocess.CompletedProcess[str]"]


def test_inject_lists_parse_into_rates() -> None:
    assert parse_inject("429:0.1, 503:0.05,reset:0.02,reset-after:0.01,slow:0.05") == {
        "429": 0.1,
        "503": 0.05,
        "reset": 0.02,
        "reset_after": 0.01,
        "slow": 0.05,
    }


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("teapot:0.1", "unknown fault 'teapot'"),
        ("200:0.1", "unknown fault '200'"),
        ("503:lots", "503 needs a probability from 0 to 1"),
        ("503:1.5", "503 needs a probability from 0 to 1"),
        ("503:0.6,429:0.6", "add up to more than 1"),
    ],
)
def test_bad_inject_lists_are_config_errors(text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        parse_inject(text)


def test_random_faults_are_reproducible_from_the_seed_and_near_their_rates() -> None:
    def draw(seed: int) -> list[str]:
        decide = RandomFaults({"429": 0.2, "reset": 0.1}, seed)
        return [getattr(decide(Seen(i, 0.0, "GET", "/")), "kind", "") for i in range(2000)]

    first = draw(3)
    assert first == draw(3) != draw(4)
    assert 300 < first.count("429") < 500 and 120 < first.count("reset") < 280


def test_max_rate_counts_the_busiest_second() -> None:
    assert max_rate([0.0, 0.5, 0.99, 1.0, 1.2, 5.0]) == 4  # [0.5, 1.5) holds 0.5, 0.99, 1.0, 1.2
    assert max_rate([]) == 0


def test_the_proxy_passes_answers_through_and_records_no_query(proxy: FaultProxy, mock: EmbeddedMock) -> None:
    tenant = mock.tenants[0]
    params = {"api_key": tenant.api_key, "api_secret": tenant.api_secret, "limit": 2}
    direct = httpx.get(mock.base_url + "/users", params=params)
    proxied = httpx.get(proxy.base_url + "/users", params=params)
    assert (proxied.status_code, proxied.json()) == (direct.status_code, direct.json())
    assert [(seen.method, seen.path, seen.status) for seen in proxy.seen] == [("GET", "/v2/users", 200)]
    assert tenant.api_secret not in repr(proxy.seen)


def test_the_proxy_refuses_other_methods_and_never_forwards_them(proxy: FaultProxy) -> None:
    answer = httpx.post(proxy.base_url + "/users", content=b"{}")
    assert answer.status_code == 405
    assert proxy.methods() == {"POST"} and proxy.seen[0].fault == "refused"


def test_injected_statuses_carry_retry_after(proxy: FaultProxy) -> None:
    proxy.decide = lambda seen: Fault("429") if seen.index == 0 else Fault("503")
    proxy.retry_after = 2
    first, second = httpx.get(proxy.base_url + "/users"), httpx.get(proxy.base_url + "/users")
    assert (first.status_code, first.headers["retry-after"]) == (429, "2")
    assert (second.status_code, second.headers["retry-after"]) == (503, "2")
    assert proxy.faults() == {"429": 1, "503": 1}


@pytest.mark.parametrize("kind", ["reset", "reset_after"])
def test_a_reset_is_a_transport_error_for_the_client(proxy: FaultProxy, kind: str) -> None:
    proxy.decide = lambda seen: Fault(kind)
    with pytest.raises(httpx.TransportError):
        httpx.get(proxy.base_url + "/users")


def test_the_proxy_command_refuses_a_bad_inject_list_in_one_line(cli: Cli) -> None:
    result = cli("proxy", "--upstream", "http://127.0.0.1:9/v2", "--inject", "teapot:1")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "c4w-conformance: error: --inject: unknown fault 'teapot' "
        "(a 4xx/5xx status or reset, reset_after, slow)"
    ]


def test_the_proxy_command_prints_its_url_serves_logs_and_stops_on_sigterm(
    mock: EmbeddedMock, tmp_path: Path
) -> None:
    log = tmp_path / "proxy.jsonl"
    args = ["--upstream", mock.base_url, "--port", "0", "--inject", "503:1", "--log", str(log)]
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance", "proxy", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.startswith("export C4W_BASE_URL=http://127.0.0.1:")
    url = line.split("=", 1)[1].strip("'")
    assert httpx.get(url + "/users").status_code == 503
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 130
    assert "fault proxy: 1 requests (methods: GET" in stderr
    assert json.loads(log.read_text())["fault"] == "503"
