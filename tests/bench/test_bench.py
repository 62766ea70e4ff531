"""The bench's own machinery: starting the mock, timing children, probes, and RESULTS.md."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import report
from bench.processes import parse_exports, probe, served_mock, timed
from bench.run import FULL, QUICK, goals


def test_export_lines_become_a_dict_of_unquoted_values() -> None:
    lines = [
        "export C4W_BASE_URL=http://127.0.0.1:5/v2",
        "export C4W_API_SECRET='a b'",
        "# mock v2 ready",
    ]
    assert parse_exports(lines) == {"C4W_BASE_URL": "http://127.0.0.1:5/v2", "C4W_API_SECRET": "a b"}


def test_a_timed_child_reports_its_own_peak_memory() -> None:
    small = timed([sys.executable, "-c", "print('hi')"])
    big = timed([sys.executable, "-c", "x = bytearray(200 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"])
    assert small.returncode == 0 and small.stdout.strip() == "hi"
    assert small.peak_rss_bytes < 60 * 1024 * 1024  # not the test process's own peak
    assert big.peak_rss_bytes > small.peak_rss_bytes + 150 * 1024 * 1024


def test_the_machine_description_names_cpus_memory_python_and_date() -> None:
    info = report.machine()
    assert {"date", "cpus", "cpu_model", "memory", "python", "commit"} <= set(info)
    assert info["python"].startswith("CPython 3.")


def test_quick_sizes_are_smaller_than_the_full_ones() -> None:
    assert QUICK.records < FULL.records == 1_000_000
    assert FULL.contexts == 10_000 and FULL.suite == ()


@pytest.mark.e2e
def test_probes_measure_a_served_mock(tmp_path: Path) -> None:
    with served_mock("--records", "3000") as mock:
        assert mock.status("VmRSS") > 0
        walked = probe("walk", {"url": mock.url, "kind": "equivalence"}, mock.env)
        overhead = probe("overhead", {"url": mock.url, "records": 3000, "rounds": 1}, mock.env)
    assert walked["records"] == 3000 and walked["outcome"] == "passed"
    assert walked["page_bytes"] > 0 and walked["records_per_second"] > 0
    assert overhead["records"] == 3000 and overhead["ratio"] > 0
    assert any("ncalls" in row for row in overhead["profile"])


def test_results_render_every_section_and_judge_the_goals() -> None:
    data = {
        "quick": False,
        "machine": {"date": "today", "cpus": "2"},
        "suite": {
            "command": "c4w-conformance run",
            "runs": [
                {
                    "label": "serial",
                    "wall_seconds": 20.0,
                    "peak_rss_bytes": 300 * report.MB,
                    "cpu_seconds": 19.0,
                    "returncode": 0,
                    "verdicts": 123,
                    "summary": "123 passed",
                    "all_ids": True,
                }
            ],
        },
        "walks": {
            "records": 1_000_000,
            "smaller": 250_000,
            "rows": [
                {
                    "label": "equivalence",
                    "records": 1_000_000,
                    "seconds": 30.0,
                    "records_per_second": 33_000.0,
                    "cpu_seconds": 10.0,
                    "peak_delta_bytes": 40 * report.MB,
                    "page_bytes": 10 * report.MB,
                    "bytes_per_record_beyond_page": 31.5,
                    "marginal_bytes_per_record": 0.5,
                    "smaller_peak_delta_bytes": 39 * report.MB,
                    "outcome": "passed",
                }
            ],
        },
        "bag": {
            "records": 10,
            "held_bytes": 1,
            "held_bytes_per_record": 1.0,
            "peak_bytes": 1,
            "peak_bytes_per_record": 1.0,
            "seconds": 1.0,
            "changed_found": 1,
            "changed_expected": 1,
        },
        "overhead": {
            "records": 200_000,
            "rounds": 5,
            "suite_seconds": 1.3,
            "bare_seconds": 1.0,
            "ratio": 1.3,
            "suite_cpu_seconds": 0.5,
            "bare_cpu_seconds": 0.4,
            "cpu_ratio": 1.25,
            "all_suite_seconds": [1.3],
            "all_bare_seconds": [1.0],
            "profile": ["ncalls tottime"],
        },
        "mock": {
            "records": 200_000,
            "throughput": {
                "offset_records_per_second": 1.0,
                "offset_requests_per_second": 1.0,
                "scroll_records_per_second": 1.0,
                "scroll_requests_per_second": 1.0,
                "small_requests_per_second": 1.0,
            },
            "scrolls": {
                "opened": 10_000,
                "refused": 0,
                "seconds": 9.0,
                "rss_before": 1,
                "rss_after": 2,
                "bytes_per_context": 300.0,
                "records": 25_000,
            },
        },
        "ttl": {
            "ttl": 3.0,
            "command": "c4w-conformance run --target URL --scroll-ttl 3",
            "full": {"wall_seconds": 24.0, "returncode": 0, "summary": "120 passed"},
            "work": {"wall_seconds": 20.0, "returncode": 0, "summary": "112 passed"},
            "extra_seconds": 4.0,
            "ttl_test_seconds": 3.6,
            "one_wait": 3.5,
            "endpoints": 4,
        },
    }
    judged = goals(data, quick=False)
    text = report.render(data, judged, "python -m bench")
    assert [goal.met for goal in judged] == [True, True, False, True]
    for heading in ("## Machine", "## Goals", "## 1.", "## 2.", "## 3.", "## 4.", "## 5."):
        assert heading in text
    assert (
        "| client overhead: suite walk / bare httpx walk | <= 1.2 | 1.30 (client CPU 1.25) | **not met** |"
        in text
    )
