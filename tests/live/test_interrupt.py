"""An interrupted run (SIGTERM, Ctrl-C) still writes results.json, marked incomplete, and exits 130."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.faultproxy import Fault, FaultProxy

pytestmark = pytest.mark.e2e


def wait_for_requests(proxy: FaultProxy, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while len(proxy.seen) < count:
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, f"only {len(proxy.seen)} requests arrived"
        time.sleep(0.02)


@pytest.mark.parametrize(
    ("signum", "after"),
    [(signal.SIGTERM, 15), (signal.SIGINT, 15), (signal.SIGTERM, 2)],
    ids=["SIGTERM-mid-run", "SIGINT-mid-run", "SIGTERM-before-any-verdict"],
)
def test_an_interrupted_run_writes_an_incomplete_report_and_exits_130(
    spawn: Callable[..., subprocess.Popen[str]],
    proxy: FaultProxy,
    credentials: dict[str, str],
    tmp_path: Path,
    signum: signal.Signals,
    after: int,
) -> None:
    proxy.slow_seconds = 0.05
    proxy.decide = lambda seen: Fault("slow")  # a slow target: every answer takes 0.05 s
    args = ["--only", "auth,offset", "--report-dir", str(tmp_path), "-q"]
    process = spawn("run", "--target", proxy.base_url, *args, env=credentials)
    wait_for_requests(proxy, after, process)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["complete"] is False
    assert all(row["outcome"] != "failed" for row in results["results"])
    if after > 2:
        assert results["results"], "verdicts reached before the interruption are kept"
