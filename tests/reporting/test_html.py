"""The report's sections, read structurally: header, matrix, evidence, every check, regression."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conformance.evidence import ITEMS
from conformance.reporting import html, observed
from conformance.reporting.baseline import compare
from conformance.reporting.scrub import external_references
from conformance.results import RunRecord
from conformance.verdicts import Outcome, Verdict

Parse = Callable[[str], Any]
RecordOf = Callable[[list[Verdict] | None], RunRecord]


def whole_page(data: dict[str, Any]) -> str:
    return "".join(
        [
            html.style(),
            html.header(data),
            html.regression(data),
            html.matrix(data, {"auth.wrong_secret": "rejects random and near-miss secrets"}),
            html.failures(data),
            observed.section(data),
            html.all_checks(data),
        ]
    )


def test_the_header_gives_target_profile_seed_versions_time_and_the_verdict(
    data: dict[str, Any], parse: Parse
) -> None:
    text = parse(html.header(data)).text
    assert "NOT CONFORMANT: 1 property failed (1 of 5 checks)" in text
    for expected in (
        "https://api.example.test/v2",
        "cloud4wi-v2",
        "specs/profiles/cloud4wi-v2.toml",
        "Seed 42",
        f"c4w-conformance {data['tool']['version']}",
        f"pytest {data['tool']['pytest']}",
        f"hypothesis {data['tool']['hypothesis']}",
        "2026-01-02T03:04:05Z",
        "1 min 10 s",
        "2 passed, 1 failed, 1 skipped, 1 inconclusive",
    ):
        assert expected in text


@pytest.mark.parametrize(
    ("outcomes", "complete", "line"),
    [
        (["passed", "passed"], True, "CONFORMANT: all 2 checks passed"),
        (["passed", "skipped"], True, "CONFORMANT WHERE CHECKED: 1 checks passed, 1 skipped, 0 inconclusive"),
        (["inconclusive"], True, "NO VERDICT: none of the 1 checks could conclude"),
        (["failed", "failed"], True, "NOT CONFORMANT: 1 property failed (2 of 2 checks)"),
        (["passed"], False, "INCOMPLETE: the run was interrupted after 1 checks"),
    ],
)
def test_the_verdict_is_one_line_for_every_kind_of_run(
    record_of: RecordOf, outcomes: list[str], complete: bool, line: str
) -> None:
    record = record_of([Verdict("auth.no_leak", f"/e{i}", Outcome(o)) for i, o in enumerate(outcomes)])
    record.complete = complete
    assert html.verdict_line(record.as_dict())[1] == line


def test_the_matrix_has_endpoints_as_rows_and_property_ids_as_columns(
    data: dict[str, Any], parse: Parse
) -> None:
    page = parse(html.matrix(data))
    columns = [cell.get("title", "").split(":")[0] for cell in page.classes["c4w-prop"]]
    assert columns == ["auth.valid_accepted", "auth.wrong_secret", "auth.cross_tenant", "scroll.expiry"]
    rows = [cell for cell in page.classes["c4w-ep"]]
    assert len(rows) == 2 and "/users" in page.text and "/visits" in page.text
    outcomes = {name: len(page.classes.get(f"c4w-{name}", [])) for name in html.SYMBOLS}
    # one coloured cell per verdict, plus one sample in the legend
    assert outcomes == {"passed": 3, "failed": 2, "skipped": 2, "inconclusive": 2}
    assert len(page.classes["c4w-na"]) == 8 - 5 + 1  # 2 x 4 grid, 5 verdicts, + legend


def test_every_cell_links_to_a_detail_that_exists(data: dict[str, Any], parse: Parse) -> None:
    page = parse(whole_page(data))
    cell_links = [link for link in page.internal_links() if link.startswith("v-")]
    assert len(set(cell_links)) == len(data["results"])
    assert set(cell_links) <= set(page.ids)
    assert len(page.ids) == len(set(page.ids)), "ids are unique"


def test_a_failure_shows_its_evidence(data: dict[str, Any], parse: Parse) -> None:
    section = html.failures(data)
    page = parse(section)
    assert len(page.classes["c4w-failure"]) == 1
    assert page.classes["c4w-failure"][0]["id"] == "v-auth.wrong_secret-users"
    text = page.text
    assert "wrong_secret (truncate): expected 401, got 200" in text
    assert "Expected 401 (A3)" in text
    assert f"A3 {ITEMS['A3']}" in text, "the evidence item with its sentence"
    assert "Minimal failing example ('truncate', 31, '')" in text
    assert (
        'curl -sS "http://127.0.0.1:8080/v2/users?api_key=$C4W_API_KEY&api_secret=${C4W_API_SECRET:0:31}'
        in text
    )
    assert "status 200" in text
    assert '{"status":"success","count":2500' in text


def test_a_long_response_excerpt_is_bounded(record_of: RecordOf, parse: Parse) -> None:
    evidence = [{"request": "curl -sS x", "status": 500, "response_excerpt": "x" * 5000}]
    record = record_of([Verdict("schema.no_server_errors", "/users", Outcome.FAILED, evidence=evidence)])
    excerpt = parse(html.failures(record.as_dict())).text
    assert 600 <= excerpt.count("x") < 700


def test_values_from_the_target_are_escaped(record_of: RecordOf) -> None:
    nasty = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    evidence = [{"request": "curl -sS x", "status": 401, "response_excerpt": nasty}]
    record = record_of(
        [Verdict("auth.no_leak", "/users", Outcome.FAILED, message=nasty, example=nasty, evidence=evidence)]
    )
    record.observed = {f"status.{nasty}": [401], nasty: nasty}
    page = whole_page(record.as_dict())
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_passed_skipped_and_inconclusive_checks_have_their_reason_in_the_checks_table(
    data: dict[str, Any], parse: Parse
) -> None:
    page = parse(html.all_checks(data))
    assert len(page.classes["c4w-row-passed"]) == 2
    assert page.classes["c4w-row-skipped"][0]["id"] == "v-auth.cross_tenant-visits"
    assert "needs a second tenant's credentials" in page.text
    assert "target answered 503 on GET /visits after 5 attempts" in page.text
    assert "status=200" in page.text


def test_the_regression_section_lists_new_fixed_and_still_failing(record: RunRecord, parse: Parse) -> None:
    baseline = {
        "results": [
            {
                "property": "auth.valid_accepted",
                "endpoint": "/users",
                "outcome": "failed",
                "message": "was 401",
            },
            {
                "property": "scroll.cap",
                "endpoint": "/visits",
                "outcome": "failed",
                "message": "chunk of 10000",
            },
        ]
    }
    record.regression = compare(
        [v.as_dict() for v in record.verdicts], baseline, "old/results.json"
    ).as_dict()
    data = record.as_dict()
    page = parse(html.regression(data))
    assert "Newly failing (1)" in page.text and "auth.wrong_secret on /users" in page.text
    assert "Fixed (1)" in page.text and "auth.valid_accepted on /users" in page.text
    assert "Still failing (0)" in page.text
    assert (
        "Failed in the baseline, not concluded now (1)" in page.text and "scroll.cap on /visits" in page.text
    )
    assert "old/results.json" in page.text
    assert html.regression({**data, "regression": None}) == ""


def test_no_section_points_outside_the_file(data: dict[str, Any], parse: Parse) -> None:
    page_html = whole_page(data)
    assert external_references(page_html) == []
    page = parse(page_html)
    assert page.sources == []
    assert all(link.startswith("#") for link in page.links)
