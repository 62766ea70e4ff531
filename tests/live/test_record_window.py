"""The record budget: traversals cover a declared window of the collection, and verdicts say so."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.context import SuiteContext
from conformance.exchange import Exchange
from conformance.options import RunOptions
from conformance.session import LIVE_DEFAULT_MAX_RECORDS, open_context, record_window_for
from conformance.traversal import offset_pages, scroll_chunks


@pytest.fixture(scope="module")
def ctx() -> Iterator[SuiteContext]:
    with open_context(RunOptions(mock_records=2000, max_records=300, seed=1)) as context:
        yield context


@pytest.fixture
def sent(ctx: SuiteContext, monkeypatch: pytest.MonkeyPatch) -> list[Exchange]:
    exchanges: list[Exchange] = []
    real = ctx.client.get

    def recording(*args: object, **kwargs: object) -> Exchange:
        exchange = real(*args, **kwargs)  # type: ignore[arg-type]
        exchanges.append(exchange)
        return exchange

    monkeypatch.setattr(ctx.client, "get", recording)
    return exchanges


def test_an_offset_walk_stops_exactly_at_the_window(ctx: SuiteContext, sent: list[Exchange]) -> None:
    pages = list(offset_pages(ctx, ctx.spec.endpoint("/connections"), 128))
    assert sum(len(page.records) for page in pages) == 300
    limits = [dict((k, str(v)) for k, v in exchange.params)["limit"] for exchange in sent]
    assert limits == ["128", "128", "44"]  # the last call asks only for what the window still holds


def test_a_scroll_walk_stops_once_the_window_is_reached(ctx: SuiteContext, sent: list[Exchange]) -> None:
    pages = list(scroll_chunks(ctx, ctx.spec.endpoint("/connections"), 128))
    assert sum(len(page.records) for page in pages) == 384  # chunks are the target's: not cut
    assert len(sent) == 3


def test_live_targets_get_a_window_by_default_and_zero_lifts_it() -> None:
    live = "https://api.cloud4wi.com/v2"
    assert record_window_for(RunOptions(), live) == LIVE_DEFAULT_MAX_RECORDS
    assert record_window_for(RunOptions(), "http://127.0.0.1:9/v2") is None
    assert record_window_for(RunOptions(max_records=0), live) is None
    assert record_window_for(RunOptions(max_records=500), "http://127.0.0.1:9/v2") == 500


@pytest.mark.e2e
def test_windowed_properties_pass_and_state_the_window(tmp_path: Path) -> None:
    only = ["--only", "offset,scroll.traversal,equivalence,auth.tenant_isolation"]
    budget = ["--records", "2000", "--max-records", "300", "--max-examples", "3", "--seed", "2"]
    code = main(["run", *only, *budget, "--report-dir", str(tmp_path), "-q"])
    results = json.loads((tmp_path / "results.json").read_text())
    assert code == 0, [row["message"] for row in results["results"] if row["outcome"] != "passed"]
    assert results["target"]["record_window"] == 300
    rows = {(row["property"], row["endpoint"]): row for row in results["results"]}
    for prop in ("offset.page_window", "offset.partition", "offset.count_consistent", "scroll.traversal",
                 "equivalence.offset_scroll", "auth.tenant_isolation"):  # fmt: skip
        row = rows[(prop, "/connections")]
        assert "checked on the first 300 of 2000 records" in row["message"], row
        assert row["observed"]["record_window"] == 300
    # /users holds 200 records: inside the window, nothing to declare
    assert "checked on the first" not in rows[("offset.partition", "/users")]["message"]


def test_a_negative_record_budget_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--max-records", "-1"]) == 2
    assert (
        capsys.readouterr().err.strip()
        == "c4w-conformance: error: --max-records must be 0 (no window) or more"
    )
