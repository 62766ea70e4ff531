"""Live data moves: growth during a check is reported as drift, never as a failure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance import drift
from conformance.cli import main
from conformance.context import SuiteContext
from conformance.drift import Mark, guarded
from conformance.faultproxy import Fault, FaultProxy, Seen
from conformance.mock.server import EmbeddedMock
from conformance.options import RunOptions
from conformance.session import open_context
from conformance.verdicts import Inconclusive, Violation


@pytest.fixture(scope="module")
def ctx() -> Iterator[SuiteContext]:
    with open_context(RunOptions(mock_records=200, seed=1)) as context:
        yield context


@pytest.fixture
def marks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The counts successive marks will see (the data's history, scripted)."""
    history: list[int] = []
    monkeypatch.setattr(drift, "mark", lambda ctx, endpoint: Mark(history.pop(0), "first"))
    return history


def checks(*outcomes: str) -> tuple[list[str], object]:
    """A check that passes or raises a violation, in the order given."""
    ran: list[str] = []
    queue = list(outcomes)

    def check() -> dict[str, object]:
        outcome = queue.pop(0)
        ran.append(outcome)
        if outcome == "violation":
            raise Violation("record 3 of the page is x, the traversal has y there")
        return {}

    return ran, check


def test_a_pass_on_still_data_says_nothing_about_drift(ctx: SuiteContext, marks: list[int]) -> None:
    marks[:] = [200, 200]
    _, check = checks("pass")
    observed = guarded("offset.page_window", ctx, ctx.spec.endpoint("/connections"), check)  # type: ignore[arg-type]
    assert "drift" not in observed and "message" not in observed


def test_a_pass_while_data_grew_passes_with_a_drift_note(ctx: SuiteContext, marks: list[int]) -> None:
    marks[:] = [200, 210]
    _, check = checks("pass")
    observed = guarded("offset.partition", ctx, ctx.spec.endpoint("/connections"), check)  # type: ignore[arg-type]
    assert observed["drift"] == "count 200 -> 210, new records at the end of the order"
    assert "data moved during the check" in observed["message"]


def test_a_violation_while_data_grew_is_rechecked_and_passes_with_a_note(
    ctx: SuiteContext, marks: list[int]
) -> None:
    marks[:] = [200, 210]
    ran, check = checks("violation", "pass")
    observed = guarded("offset.page_window", ctx, ctx.spec.endpoint("/connections"), check)  # type: ignore[arg-type]
    assert ran == ["violation", "pass"]
    assert "passed when re-checked" in observed["message"]


def test_a_violation_while_data_keeps_moving_is_inconclusive_with_the_counts(
    ctx: SuiteContext, marks: list[int]
) -> None:
    marks[:] = [25000, 25010, 25020]
    _, check = checks("violation", "violation")
    with pytest.raises(Inconclusive, match=r"data moved during the traversal: count 25000 -> 25010"):
        guarded("offset.page_window", ctx, ctx.spec.endpoint("/connections"), check)  # type: ignore[arg-type]


def test_a_violation_that_repeats_on_still_data_is_a_failure(ctx: SuiteContext, marks: list[int]) -> None:
    marks[:] = [200, 210, 210]
    _, check = checks("violation", "violation")
    with pytest.raises(Violation):
        guarded("offset.page_window", ctx, ctx.spec.endpoint("/connections"), check)  # type: ignore[arg-type]


def test_a_violation_on_still_data_is_a_failure_at_once(ctx: SuiteContext, marks: list[int]) -> None:
    marks[:] = [200, 200]
    ran, check = checks("violation")
    with pytest.raises(Violation):
        guarded("offset.deterministic", ctx, ctx.spec.endpoint("/connections"), check)  # type: ignore[arg-type]
    assert ran == ["violation"]


def test_properties_that_compare_nothing_over_time_are_not_guarded(
    ctx: SuiteContext, marks: list[int]
) -> None:
    _, check = checks("violation")
    with pytest.raises(Violation):
        guarded("auth.wrong_secret", ctx, ctx.spec.endpoint("/connections"), check)  # type: ignore[arg-type]
    assert marks == []  # not even a mark was taken


# -- end to end: records arrive while the suite walks /connections ----------------------------


def inserting(mock: EmbeddedMock, every: int, count: int, times: int) -> object:
    """A proxy hook that inserts ``count`` records every ``every`` requests to /connections."""
    seen = [0, 0]  # requests to /connections, inserts done

    def decide(request: Seen) -> Fault | None:
        if request.path.endswith("/connections"):
            seen[0] += 1
            if seen[0] % every == 0 and seen[1] < times:
                seen[1] += 1
                mock.state.insert(mock.tenants[0].name, "connections", count)
        return None

    return decide


def run_offset_suite(proxy: FaultProxy, report_dir: Path) -> tuple[int, list[dict[str, str]]]:
    only = [
        "--only",
        "offset.page_window,offset.partition,offset.count_consistent,offset.past_end,equivalence",
    ]
    budget = ["--max-examples", "3", "--seed", "5"]
    code = main(["run", "--target", proxy.base_url, *only, *budget, "--report-dir", str(report_dir), "-q"])
    rows = json.loads((report_dir / "results.json").read_text())["results"]
    return code, [row for row in rows if row["endpoint"] == "/connections"]


@pytest.mark.e2e
def test_growth_during_an_offset_traversal_is_drift_not_failure(
    mock: EmbeddedMock, proxy: FaultProxy, credentials: dict[str, str], tmp_path: Path
) -> None:
    proxy.decide = inserting(mock, every=15, count=10, times=3)  # type: ignore[assignment]
    code, rows = run_offset_suite(proxy, tmp_path)
    assert code != 1
    assert [row for row in rows if row["outcome"] == "failed"] == []
    noted = [row for row in rows if "data moved" in row["message"]]
    assert noted, [(row["property"], row["outcome"], row["message"]) for row in rows]
    assert all(row["outcome"] in ("passed", "inconclusive") for row in noted)


@pytest.mark.e2e
def test_steady_growth_never_fails_and_says_why_when_inconclusive(
    mock: EmbeddedMock, proxy: FaultProxy, credentials: dict[str, str], tmp_path: Path
) -> None:
    proxy.decide = inserting(mock, every=4, count=3, times=10_000)  # type: ignore[assignment]
    code, rows = run_offset_suite(proxy, tmp_path)
    assert [row for row in rows if row["outcome"] == "failed"] == []
    inconclusive = [row for row in rows if row["outcome"] == "inconclusive"]
    assert all("data moved" in row["message"] for row in inconclusive), inconclusive
    assert code in (0, 3)
