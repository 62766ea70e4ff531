"""`c4w-conformance run` writes report.html, junit.xml and results.json, and compares with a baseline."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.reporting.scrub import external_references

pytestmark = pytest.mark.e2e

SMALL = ["--only", "auth.wrong_secret,auth.valid_accepted", "--max-examples", "2", "--records", "200", "-q"]
Parse = Callable[[str], Any]


def run(report_dir: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["run", "--report-dir", str(report_dir), "--seed", "5", *SMALL, *args])
    return code, json.loads((report_dir / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def strict_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "strict.toml"
    path.write_text("[auth]\nwrong_status = 403\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def failing_run(
    tmp_path_factory: pytest.TempPathFactory, strict_profile: Path
) -> tuple[Path, dict[str, Any]]:
    report_dir = tmp_path_factory.mktemp("failing")
    code, results = run(report_dir, "--profile", str(strict_profile))
    assert code == 1
    return report_dir, results


def test_the_report_is_one_self_contained_page_with_header_matrix_and_evidence(
    failing_run: tuple[Path, dict[str, Any]], parse: Parse
) -> None:
    report_dir, results = failing_run
    page_html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert external_references(page_html) == [], "no src/href leaves the file"
    assert "<link" not in page_html and "<script src" not in page_html
    page = parse(page_html)
    assert {"c4w-header", "c4w-matrix", "c4w-failures", "c4w-observed", "c4w-checks"} <= set(page.ids)
    text = page.text
    assert "NOT CONFORMANT: 1 property failed" in text
    assert "Seed 5 (--seed reproduces the run)" in text
    failures = page.classes["c4w-failure"]
    assert len(failures) == results["summary"]["failed"] == 6
    assert "$C4W_API_KEY" in text and "${C4W_API_SECRET" in text
    cell_links = {link for link in page.internal_links() if link.startswith("v-")}
    assert len(cell_links) == len(results["results"]) and cell_links <= set(page.ids)


def test_junit_has_exactly_one_testcase_per_verdict(failing_run: tuple[Path, dict[str, Any]]) -> None:
    report_dir, results = failing_run
    root = ET.parse(report_dir / "junit.xml").getroot()
    cases = [(case.get("classname"), case.get("name")) for case in root.iter("testcase")]
    assert cases == [(r["property"], r["endpoint"]) for r in results["results"]]
    assert len(root.findall(".//failure")) == results["summary"]["failed"]
    assert "c4w_verdict" not in (report_dir / "junit.xml").read_text(encoding="utf-8")


def test_results_record_tool_and_library_versions(failing_run: tuple[Path, dict[str, Any]]) -> None:
    _, results = failing_run
    assert {"name", "version", "python", "pytest", "pytest-html", "hypothesis", "schemathesis"} <= set(
        results["tool"]
    )
    assert "regression" not in results


def test_a_baseline_run_names_new_failures_and_fail_on_new_fails(
    tmp_path: Path, strict_profile: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(tmp_path / "before")
    assert code == 0
    baseline = tmp_path / "before" / "results.json"
    code, after = run(
        tmp_path / "after", "--profile", str(strict_profile), "--baseline", str(baseline), "--fail-on", "new"
    )
    assert code == 1
    diff = after["regression"]
    assert {(i["property"], i["endpoint"]) for i in diff["new_failures"]} == {
        (r["property"], r["endpoint"]) for r in after["results"] if r["outcome"] == "failed"
    }
    assert diff["fixed"] == [] and diff["still_failing"] == []
    out = capfd.readouterr().out
    assert "NEW auth.wrong_secret /users" in out
    assert "Newly failing (6)" in (tmp_path / "after" / "report.html").read_text(encoding="utf-8")


def test_known_failures_pass_fail_on_new_but_not_fail_on_any(
    failing_run: tuple[Path, dict[str, Any]], tmp_path: Path, strict_profile: Path
) -> None:
    baseline = str(failing_run[0] / "results.json")
    code, again = run(
        tmp_path / "new", "--profile", str(strict_profile), "--baseline", baseline, "--fail-on", "new"
    )
    assert code == 0
    assert len(again["regression"]["still_failing"]) == 6 and again["regression"]["new_failures"] == []
    code, _ = run(tmp_path / "any", "--profile", str(strict_profile), "--baseline", baseline)
    assert code == 1


def test_a_fixed_target_lists_the_fixes(failing_run: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    code, fixed = run(tmp_path, "--baseline", str(failing_run[0] / "results.json"), "--fail-on", "new")
    assert code == 0
    assert {i["property"] for i in fixed["regression"]["fixed"]} == {"auth.wrong_secret"}
    assert len(fixed["regression"]["fixed"]) == 6


def test_the_previous_run_in_the_same_directory_can_be_the_baseline(
    failing_run: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    (tmp_path / "results.json").write_bytes((failing_run[0] / "results.json").read_bytes())
    code, results = run(tmp_path, "--baseline", str(tmp_path / "results.json"))
    assert code == 0
    assert len(results["regression"]["fixed"]) == 6
    assert results["regression"]["baseline"] == str(tmp_path / "baseline.json")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--baseline", "/nonexistent/results.json"], "/nonexistent/results.json: cannot read results"),
        (["--fail-on", "new"], "--fail-on new needs --baseline FILE"),
        (["--fail-on", "sometimes"], "invalid choice: 'sometimes'"),
        (
            ["--mock-tenants", "/nonexistent/tenants.toml"],
            "/nonexistent/tenants.toml: cannot read tenants file",
        ),
        (
            ["--mock-tenants", "t.toml", "--target", "https://api.example.test/v2"],
            "--mock-tenants applies to the embedded mock only",
        ),
    ],
)
def test_baseline_and_tenants_problems_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: list[str],
    says: str,
) -> None:
    monkeypatch.setenv("C4W_API_KEY", "k" * 32)
    monkeypatch.setenv("C4W_API_SECRET", "s" * 32)
    try:
        code: object = main(["run", "--report-dir", str(tmp_path), *args])
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert says in err and err.count("\n") == 1


def test_the_pytest_plugin_writes_the_same_reports(tmp_path: Path, parse: Parse) -> None:
    """`pytest --pyargs conformance.suite --html ...`: users who fold the suite into their runs."""
    report_dir = tmp_path / "reports"
    options = ["--c4w-only", "auth.valid_accepted", "--c4w-seed", "3", "--c4w-report-dir", str(report_dir)]
    page_options = ["--html", str(tmp_path / "page.html"), "--self-contained-html"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "conformance.suite", "-q", *options, *page_options],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    results = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    cases = ET.parse(report_dir / "junit.xml").getroot().findall(".//testcase")
    assert len(cases) == len(results["results"]) == 6
    page = parse((tmp_path / "page.html").read_text(encoding="utf-8"))
    assert "c4w-matrix" in page.ids
    assert f"junit: {report_dir / 'junit.xml'}" in done.stdout
