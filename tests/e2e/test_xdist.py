"""Parallel runs: pytest-xdist workers each start an embedded mock; results merge into one file."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.errors import ConfigError
from conformance.run import SUITE_DIR, worker_args

pytestmark = pytest.mark.e2e

ONLY = ("auth.valid_accepted", "offset.past_end", "scroll.cap")  # cheap: the merge is the point
needs_xdist = pytest.mark.skipif(importlib.util.find_spec("xdist") is None, reason="needs pytest-xdist")


def _pytest_suite(report_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "--pyargs", "conformance.suite"]
    command += ["-c", str(SUITE_DIR / "pytest.ini"), "--rootdir", str(SUITE_DIR), "-p", "no:cacheprovider"]
    command += ["-q", "--c4w-report-dir", str(report_dir), "--c4w-seed", "5", "--c4w-max-examples", "3"]
    for choice in ONLY:
        command += ["--c4w-only", choice]
    return subprocess.run([*command, *extra], capture_output=True, text=True, timeout=120, check=False)


def _results(report_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    return data


def _pairs(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(row["property"], row["endpoint"]) for row in data["results"]]


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report_dir = tmp_path_factory.mktemp("serial")
    done = _pytest_suite(report_dir)
    assert done.returncode == 0, done.stdout[-2000:]
    return _results(report_dir)


@needs_xdist
def test_two_workers_merge_into_one_results_file_like_a_serial_run(
    serial: dict[str, Any], tmp_path: Path
) -> None:
    done = _pytest_suite(tmp_path, "-n", "2")
    assert done.returncode == 0, done.stdout[-2000:]
    parallel = _results(tmp_path)
    assert _pairs(parallel) == _pairs(serial)  # one verdict per (property, endpoint), in the same order
    assert len(set(_pairs(parallel))) == len(_pairs(parallel))
    assert parallel["summary"] == serial["summary"]
    assert parallel["seed"] == 5
    assert parallel["profile"] == serial["profile"] == "cloud4wi-v2"
    assert parallel["target"]["embedded_mock"] is True  # learnt from a worker


@needs_xdist
def test_the_run_command_passes_its_options_to_the_workers(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "conformance", "run", "--workers", "2", "--report-dir", str(tmp_path)]
    command += ["--only", "scroll.cap,auth.valid_accepted", "--max-examples", "2", "--seed", "9", "-q"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    data = _results(tmp_path)
    # --only reached the workers (they were not given it on a command line): no other property ran
    assert {row["property"] for row in data["results"]} == {"scroll.cap", "auth.valid_accepted"}
    assert data["seed"] == 9


def test_workers_become_an_xdist_option() -> None:
    assert worker_args(None) == []
    if importlib.util.find_spec("xdist") is not None:
        assert worker_args("auto") == ["-n", "auto"]


def test_workers_without_xdist_are_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match="pytest-xdist"):
        worker_args("2")


def test_a_worker_count_that_is_not_a_number_is_a_usage_error() -> None:
    command = [sys.executable, "-m", "conformance", "run", "--workers", "many"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "number of workers" in done.stderr
