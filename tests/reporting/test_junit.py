"""junit.xml: one readable testcase per (property, endpoint), with the failure's evidence."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.reporting import junit
from conformance.results import RunRecord
from conformance.verdicts import Outcome, Verdict


def written(data: dict[str, Any], tmp_path: Path) -> ET.Element:
    path = junit.write(data, tmp_path / "junit.xml")
    return ET.parse(path).getroot()


def test_there_is_one_testcase_per_verdict_named_for_what_it_checks(
    data: dict[str, Any], tmp_path: Path
) -> None:
    root = written(data, tmp_path)
    cases = root.findall("./testsuite/testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        (r["property"], r["endpoint"]) for r in data["results"]
    ]
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("5", "1", "2")


def test_a_failure_carries_its_message_expectation_and_curl_lines(
    data: dict[str, Any], tmp_path: Path
) -> None:
    root = written(data, tmp_path)
    failure = root.find("./testsuite/testcase[@classname='auth.wrong_secret']/failure")
    assert failure is not None and failure.text is not None
    assert failure.get("message") == "wrong_secret (truncate): expected 401, got 200"
    assert "expected: 401 (A3)" in failure.text
    assert "minimal example: ('truncate', 31, '')" in failure.text
    assert "curl -sS" in failure.text and "$C4W_API_KEY" in failure.text and "-> 200" in failure.text


def test_skipped_and_inconclusive_are_skips_told_apart_by_type(data: dict[str, Any], tmp_path: Path) -> None:
    root = written(data, tmp_path)
    skips = {
        case.get("classname"): case.find("skipped")
        for case in root.iter("testcase")
        if case.find("skipped") is not None
    }
    assert skips["auth.cross_tenant"] is not None and skips["auth.cross_tenant"].get("type") == "skipped"
    inconclusive = skips["scroll.expiry"]
    assert inconclusive is not None and inconclusive.get("type") == "inconclusive"
    assert (inconclusive.get("message") or "").startswith("inconclusive: target answered 503")


def test_the_run_is_described_in_properties_not_the_verdict_json(
    data: dict[str, Any], tmp_path: Path
) -> None:
    root = written(data, tmp_path)
    names = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert names == {
        "target": "https://api.example.test/v2",
        "profile": "cloud4wi-v2",
        "seed": "42",
        "tool_version": data["tool"]["version"],
        "complete": "true",
    }


def test_characters_xml_cannot_carry_are_escaped_not_fatal(
    tmp_path: Path, record_of: Callable[[list[Verdict] | None], RunRecord]
) -> None:
    verdict = Verdict(
        "offset.invalid_params", "/users", Outcome.FAILED, message="limit='\x06\x00\ud800': 500"
    )
    root = written(record_of([verdict]).as_dict(), tmp_path)
    failure = root.find(".//failure")
    assert failure is not None
    assert failure.get("message") == "limit='\\x06\\x00\\xd800': 500"
