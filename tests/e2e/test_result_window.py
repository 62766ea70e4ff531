"""A12: a target may refuse `offset + limit` past 10,000; the default profile allows exactly that."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.mock.clock import MonotonicClock
from conformance.mock.server import EmbeddedMock
from conformance.mock.state import MockConfig

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def windowed_target() -> Iterator[EmbeddedMock]:
    with EmbeddedMock(MockConfig(result_window=10_000, scroll_ttl=2.0), clock=MonotonicClock()) as mock:
        yield mock


def run(
    mock: EmbeddedMock, report_dir: Path, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> tuple[int, dict]:
    first, second = mock.tenants[0], mock.tenants[1]
    monkeypatch.setenv("C4W_API_KEY", first.api_key)
    monkeypatch.setenv("C4W_API_SECRET", first.api_secret)
    monkeypatch.setenv("C4W_OTHER_API_KEY", second.api_key)
    monkeypatch.setenv("C4W_OTHER_API_SECRET", second.api_secret)
    args = [
        "run",
        "--target",
        mock.base_url,
        "--scroll-ttl",
        "2",
        "--only",
        "offset,equivalence",
        "--seed",
        "5",
        "--budget",
        "quick",
        "--report-dir",
        str(report_dir),
        "-q",
        *extra,
    ]
    code = main(args)
    return code, json.loads((report_dir / "results.json").read_text())


def test_a_target_refusing_past_its_result_window_conforms(
    windowed_target: EmbeddedMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, results = run(windowed_target, tmp_path, monkeypatch)
    assert code == 0, [r["message"] for r in results["results"] if r["outcome"] == "failed"]
    assert results["observed"]["offset.result_window/connections"] == 10_000
    equivalence = next(
        r
        for r in results["results"]
        if r["property"] == "equivalence.offset_scroll" and r["endpoint"] == "/connections"
    )
    assert equivalence["outcome"] == "passed"
    assert equivalence["observed"]["records_compared"] == 10_000


def test_without_the_window_in_the_profile_the_refusal_is_a_failure(
    windowed_target: EmbeddedMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = tmp_path / "no-window.toml"
    profile.write_text("[pagination]\nmax_result_window = 0\n", encoding="utf-8")
    code, results = run(windowed_target, tmp_path, monkeypatch, "--profile", str(profile))
    assert code == 1
    failed = {r["property"] for r in results["results"] if r["outcome"] == "failed"}
    assert "offset.partition" in failed
