"""The observed-behaviour section: what the target did next to what the profile assumes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.reporting import observed

Parse = Callable[[str], Any]


def rows_of(html: str) -> list[str]:
    return [" ".join(row.split("<td>")[1:]) for row in html.split("<tr>")[1:]]


def test_each_kind_of_rejection_is_set_against_the_profile(data: dict[str, Any], parse: Parse) -> None:
    rows, used = observed.rejection_rows(data["observed"], data["profile_values"])
    text = [parse(row).text for row in rows_of(rows)]
    assert "wrong_secret truncate 401 (auth.wrong_status) 200 differs" in text
    assert "wrong_secret random 401 (auth.wrong_status) 401 as assumed" in text
    # scroll_foreign_status 0: any 4xx without records
    assert "scroll_token_binding other tenant any 4xx (auth.scroll_foreign_status) 404 as assumed" in text
    assert used == {key for key in data["observed"] if key.startswith("status.")}


def test_generated_inputs_are_grouped_with_a_few_samples(parse: Parse) -> None:
    statuses = {f"status.invalid offset='{-n}'": [400] for n in range(1, 30)}
    statuses["status.invalid offset='x'"] = [500]
    rows, _ = observed.rejection_rows(statuses, {"pagination": {"invalid_param_status": 400}})
    (row,) = [parse(r).text for r in rows_of(rows)]
    assert row.startswith("invalid offset 29 values got 400: '-1', '-2', '-3', '-4' and 25 more")
    assert "1 value got 500: 'x'" in row
    assert row.endswith("400, 500 differs")


def test_tokens_ttl_and_caps_are_compared(data: dict[str, Any], parse: Parse) -> None:
    text = parse(observed.section(data)).text
    assert "Scroll token changes on every call (A7) true true as assumed" in text
    assert "Records per scroll chunk at most (F10) 9999 largest 9999 as assumed" in text
    assert "/visits" in text and "/users" in text


def test_observations_the_report_does_not_know_are_still_shown(data: dict[str, Any], parse: Parse) -> None:
    text = parse(observed.section(data)).text
    assert "Other observations something.new" in text
    assert '{"seen": [1, 2]}' in text


def test_error_bodies_come_from_recorded_bodies_and_failure_evidence(
    data: dict[str, Any], parse: Parse
) -> None:
    data["observed"]["error_body.wrong_secret"] = '{"status":"error","code":401,"message":"invalid"}'
    data["observed"]["error_body.404"] = '{"status":"error","code":404,"message":"unknown scrollId"}'
    data["results"][1]["evidence"][0]["status"] = 403
    text = parse(observed.section(data)).text
    assert 'wrong_secret {"status":"error","code":401,"message":"invalid"}' in text
    assert 'first of its status 404 {"status":"error","code":404,"message":"unknown scrollId"}' in text
    assert "auth.wrong_secret on /users 403" in text
