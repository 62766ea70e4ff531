"""The terminal summary: counts, failed properties, the baseline diff, where the reports are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conformance.reporting.baseline import compare
from conformance.results import RunRecord
from conformance.summary import summary_lines
from conformance.verdicts import Outcome, Verdict


def test_the_summary_counts_names_failures_and_points_to_every_report(record: RunRecord) -> None:
    reports = [Path("out/results.json"), Path("out/junit.xml"), Path("out/report.html")]
    lines = summary_lines(record, Path("out"), reports)
    assert lines[0].startswith("c4w-conformance: 2 passed, 1 failed, 1 skipped, 1 inconclusive (seed 42")
    assert "  FAILED auth.wrong_secret /users: wrong_secret (truncate): expected 401, got 200" in lines
    assert "  failed properties: auth.wrong_secret" in lines
    assert lines[-3:] == [
        "  results: out/results.json",
        "  junit: out/junit.xml",
        "  report: out/report.html",
    ]


def test_the_summary_lists_the_regression_when_there_is_a_baseline(record: RunRecord) -> None:
    baseline = {"results": [{"property": "auth.valid_accepted", "endpoint": "/users", "outcome": "failed"}]}
    record.regression = compare([v.as_dict() for v in record.verdicts], baseline, "old.json").as_dict()
    lines = summary_lines(record, Path("out"))
    assert "  compared with old.json: 1 new, 1 fixed, 0 still failing" in lines
    assert "    NEW auth.wrong_secret /users" in lines
    assert "    FIXED auth.valid_accepted /users" in lines
    assert lines[-1] == "  results: out/results.json"


def test_a_long_list_of_failures_is_cut(record_of: Callable[[list[Verdict] | None], RunRecord]) -> None:
    verdicts = [Verdict("offset.partition", f"/e{i}", Outcome.FAILED, message="x") for i in range(40)]
    lines = summary_lines(record_of(verdicts), Path("out"))
    assert sum(line.startswith("  FAILED ") for line in lines) == 30
    assert "  ... and 10 more failed checks (see the report)" in lines
