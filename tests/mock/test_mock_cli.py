"""``c4w-conformance mock``: one-line errors with exit 2, and a serving foreground process."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from conformance.mock.tenants import demo_tenants


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize("port", ["abc", "-1", "65536", "1e3", ""])
def test_bad_port_is_one_line_exit_2(one_line_exit_2: Callable[[list[str]], str], port: str) -> None:
    assert "--port" in one_line_exit_2(["mock", "--port", port])


def test_port_in_use_is_one_line_exit_2(one_line_exit_2: Callable[[list[str]], str], busy_port: int) -> None:
    err = one_line_exit_2(["mock", "--port", str(busy_port)])
    assert f"cannot listen on 127.0.0.1:{busy_port}" in err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--records", "-5"), ("--scroll-ttl", "-1"), ("--scroll-ttl", "0"), ("--scroll-ttl", "nan")],
)
def test_negative_records_or_ttl_is_one_line_exit_2(
    one_line_exit_2: Callable[[list[str]], str], option: str, value: str
) -> None:
    assert option in one_line_exit_2(["mock", option, value])


def test_zero_scroll_contexts_is_one_line_exit_2(one_line_exit_2: Callable[[list[str]], str]) -> None:
    assert "scroll contexts" in one_line_exit_2(["mock", "--port", "0", "--max-scroll-contexts", "0"])


def test_malformed_tenants_file_is_one_line_exit_2(
    one_line_exit_2: Callable[[list[str]], str], tmp_path: Path
) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[[tenant]]\nname = "solo"\napi_key = "k"\napi_secret = "hush-secret"\n')
    err = one_line_exit_2(["mock", "--port", "0", "--tenants", str(path)])
    assert str(path) in err and "hush-secret" not in err
    err = one_line_exit_2(["mock", "--port", "0", "--tenants", str(tmp_path / "missing.toml")])
    assert "missing.toml" in err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_mock_command_prints_exports_and_serves(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance", "mock", "--port", str(port), "--records", "500"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().rstrip("\n") for _ in range(6)]
        exports = dict(line.removeprefix("export ").split("=", 1) for line in lines[:5])
        alpha, beta = demo_tenants()
        assert exports == {
            "C4W_BASE_URL": f"http://127.0.0.1:{port}/v2",
            "C4W_API_KEY": alpha.api_key,
            "C4W_API_SECRET": alpha.api_secret,
            "C4W_OTHER_API_KEY": beta.api_key,
            "C4W_OTHER_API_SECRET": beta.api_secret,
        }
        assert lines[5] == (
            f"# mock v2 ready on http://127.0.0.1:{port}/v2 (tenants: alpha, beta; seed 0; "
            "scroll TTL 120s) - Ctrl-C to stop"
        )
        response = httpx.get(
            exports["C4W_BASE_URL"] + "/users",
            params={"api_key": exports["C4W_API_KEY"], "api_secret": exports["C4W_API_SECRET"], "limit": 2},
        )
        assert response.status_code == 200 and response.json()["count"] == 50
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=10)
    assert process.returncode in (0, 130)
    assert "Traceback" not in err
