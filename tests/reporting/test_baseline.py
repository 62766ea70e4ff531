"""The regression diff: new failures, fixes and what stayed broken, keyed by (property, endpoint)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.errors import ConfigError
from conformance.reporting.baseline import compare, exit_status, load_baseline, summary_lines


def results(*rows: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"property": p, "endpoint": e, "outcome": o, "message": f"{p} {o}"} for p, e, o in rows]


BASELINE = {
    "schema_version": 1,
    "started_at": "2026-01-01T00:00:00Z",
    "results": results(
        ("auth.wrong_secret", "/users", "failed"),
        ("auth.wrong_key", "/users", "failed"),
        ("scroll.cap", "/visits", "failed"),
        ("offset.partition", "/users", "passed"),
        ("scroll.expiry", "/visits", "inconclusive"),
        ("auth.no_leak", "/users", "failed"),
    ),
}


def keys(items: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(item["property"], item["endpoint"]) for item in items]


def test_a_comparison_names_new_failures_fixes_and_what_stayed_broken() -> None:
    current = results(
        ("auth.wrong_secret", "/users", "failed"),  # still failing
        ("auth.wrong_key", "/users", "passed"),  # fixed
        ("scroll.cap", "/visits", "skipped"),  # not rechecked
        ("offset.partition", "/users", "failed"),  # new: passed before
        ("scroll.expiry", "/visits", "failed"),  # new: inconclusive before
        ("equivalence.offset_scroll", "/connections", "failed"),  # new: absent before
    )
    diff = compare(current, BASELINE, "old.json")
    assert keys(diff.new_failures) == [
        ("equivalence.offset_scroll", "/connections"),
        ("offset.partition", "/users"),
        ("scroll.expiry", "/visits"),
    ]
    assert [item["baseline_outcome"] for item in diff.new_failures] == ["absent", "passed", "inconclusive"]
    assert keys(diff.fixed) == [("auth.wrong_key", "/users")]
    assert keys(diff.still_failing) == [("auth.wrong_secret", "/users")]
    assert keys(diff.not_rechecked) == [("auth.no_leak", "/users"), ("scroll.cap", "/visits")]
    assert [item["outcome"] for item in diff.not_rechecked] == ["absent", "skipped"]
    assert diff.as_dict()["baseline"] == "old.json"


def test_the_same_results_as_the_baseline_have_nothing_new() -> None:
    diff = compare(BASELINE["results"], BASELINE, "old.json")
    assert diff.new_failures == [] and diff.fixed == [] and diff.not_rechecked == []
    assert len(diff.still_failing) == 4


@pytest.mark.parametrize(
    ("failed", "new", "fail_on", "status"),
    [
        (0, [], "any", None),
        (2, [], "any", 1),
        (2, [], "new", None),
        (2, [{"property": "p", "endpoint": "/e"}], "new", 1),
        (0, [], "new", None),
    ],
)
def test_the_exit_policy_follows_fail_on(
    failed: int, new: list[dict[str, str]], fail_on: str, status: int | None
) -> None:
    regression = {"new_failures": new}
    assert exit_status({"failed": failed}, regression, fail_on) == status


def test_the_terminal_lists_each_kind_of_change() -> None:
    diff = compare(results(("offset.partition", "/users", "failed")), BASELINE, "old.json").as_dict()
    lines = summary_lines(diff)
    assert lines[0].strip().startswith("compared with old.json: 1 new, 0 fixed, 0 still failing")
    assert "    NEW offset.partition /users" in lines
    assert "not rechecked" in lines[0]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot read results"),
        ("{not json", "not valid JSON"),
        (json.dumps({"schema_version": 2, "results": []}), "schema version 1"),
        (json.dumps({"schema_version": 1, "results": [{"property": 1}]}), "no valid `results` list"),
    ],
)
def test_a_bad_baseline_is_one_config_error(tmp_path: Path, content: str | None, says: str) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=says) as raised:
        load_baseline(path)
    assert "\n" not in str(raised.value)
    assert str(path) in str(raised.value)
