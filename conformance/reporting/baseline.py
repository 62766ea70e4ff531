"""Regression runs: what newly fails, what was fixed and what stayed broken since a baseline.

A check is keyed by (property, endpoint), the pair that is stable between runs. "New" means
failed now and not failed in the baseline (passed, skipped, inconclusive or absent there), so
``--fail-on new`` lets a CI job accept known breakage while it is being fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.errors import ConfigError
from conformance.results import load_results

Key = tuple[str, str]
FAIL_ON = ("any", "new")


def load_baseline(path: str | Path) -> dict[str, Any]:
    """An earlier results.json; any problem is one ``ConfigError`` line (exit 2)."""
    data = load_results(Path(path))
    results = data.get("results")
    if not isinstance(results, list) or not all(_is_result(item) for item in results):
        raise ConfigError(f"{path}: baseline has no valid `results` list")
    return data


def _is_result(item: object) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("property"), str)
        and isinstance(item.get("endpoint"), str)
        and isinstance(item.get("outcome"), str)
    )


@dataclass
class Regression:
    """The comparison of this run's results with a baseline's, each list sorted by key."""

    baseline: str
    baseline_started_at: str = ""
    new_failures: list[dict[str, str]] = field(default_factory=list)
    fixed: list[dict[str, str]] = field(default_factory=list)
    still_failing: list[dict[str, str]] = field(default_factory=list)
    not_rechecked: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "baseline_started_at": self.baseline_started_at,
            "new_failures": self.new_failures,
            "fixed": self.fixed,
            "still_failing": self.still_failing,
            "not_rechecked": self.not_rechecked,
        }


def _by_key(results: Iterable[dict[str, Any]]) -> dict[Key, dict[str, Any]]:
    return {(item["property"], item["endpoint"]): item for item in results}


def _entry(key: Key, message: str, **extra: str) -> dict[str, str]:
    return {"property": key[0], "endpoint": key[1], "message": message, **extra}


def compare(current: Iterable[dict[str, Any]], baseline: dict[str, Any], source: str) -> Regression:
    """Compare result dicts (results.json ``results`` items) with a loaded baseline."""
    now, before = _by_key(current), _by_key(baseline.get("results", []))
    regression = Regression(baseline=source, baseline_started_at=str(baseline.get("started_at", "")))
    for key in sorted(set(now) | set(before)):
        new, old = now.get(key), before.get(key)
        failed_before = old is not None and old["outcome"] == "failed"
        if new is not None and new["outcome"] == "failed":
            message = new.get("message", "")
            if failed_before:
                regression.still_failing.append(_entry(key, message))
            else:
                was = old["outcome"] if old is not None else "absent"
                regression.new_failures.append(_entry(key, message, baseline_outcome=was))
        elif old is not None and failed_before:
            outcome = new["outcome"] if new is not None else "absent"
            entry = _entry(key, old.get("message", ""), outcome=outcome)
            (regression.fixed if outcome == "passed" else regression.not_rechecked).append(entry)
    return regression


def exit_status(summary: dict[str, int], regression: dict[str, Any] | None, fail_on: str) -> int | None:
    """1 when the policy sees a failure, else None (the caller decides between 0 and 3)."""
    if fail_on == "new":
        return 1 if regression is not None and regression.get("new_failures") else None
    return 1 if summary.get("failed") else None


def summary_lines(regression: dict[str, Any], limit: int = 20) -> list[str]:
    """The terminal's account of a comparison: counts, then the keys of each list."""
    lines = [
        f"  compared with {regression['baseline']}: {len(regression['new_failures'])} new, "
        f"{len(regression['fixed'])} fixed, {len(regression['still_failing'])} still failing"
        + (f", {len(regression['not_rechecked'])} not rechecked" if regression["not_rechecked"] else "")
    ]
    for title, name in (("NEW", "new_failures"), ("FIXED", "fixed"), ("STILL FAILING", "still_failing")):
        items = regression[name]
        for item in items[:limit]:
            lines.append(f"    {title} {item['property']} {item['endpoint']}")
        if len(items) > limit:
            lines.append(f"    ... and {len(items) - limit} more {title.lower()} (see the report)")
    return lines
