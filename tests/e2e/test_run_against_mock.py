"""`c4w-conformance run` end to end: the README's main command against the embedded mock."""

import json
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.properties import CATALOGUE

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def faithful_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, object]]:
    report_dir = tmp_path_factory.mktemp("reports")
    code = main(["run", "--report-dir", str(report_dir), "--seed", "7", "--budget", "quick", "-q"])
    return code, json.loads((report_dir / "results.json").read_text())


def test_the_faithful_mock_passes_with_exit_0(faithful_run: tuple[int, dict[str, object]]) -> None:
    code, results = faithful_run
    assert code == 0
    summary = results["summary"]
    assert isinstance(summary, dict)
    assert summary["failed"] == 0 and summary["inconclusive"] == 0
    assert summary["passed"] > 100


def test_every_property_id_appears_in_the_results(faithful_run: tuple[int, dict[str, object]]) -> None:
    _, results = faithful_run
    rows = results["results"]
    assert isinstance(rows, list)
    assert {row["property"] for row in rows} == {prop.id for prop in CATALOGUE}
    assert all(row["outcome"] in ("passed", "skipped") for row in rows)
    assert all(row["outcome"] != "skipped" or row["message"] for row in rows)


def test_results_record_the_seed_and_the_schema_version(faithful_run: tuple[int, dict[str, object]]) -> None:
    _, results = faithful_run
    assert results["schema_version"] == 1
    assert results["seed"] == 7
    assert results["profile"] == "cloud4wi-v2"


def test_a_profile_expecting_other_statuses_fails_with_exit_1(tmp_path: Path) -> None:
    profile = tmp_path / "strict.toml"
    profile.write_text("[auth]\nwrong_status = 403\n", encoding="utf-8")
    code = main(
        [
            "run",
            "--report-dir",
            str(tmp_path),
            "--profile",
            str(profile),
            "--only",
            "auth.wrong_secret",
            "--seed",
            "1",
            "--max-examples",
            "2",
            "-q",
        ]
    )
    results = json.loads((tmp_path / "results.json").read_text())
    assert code == 1
    failed = [row for row in results["results"] if row["outcome"] == "failed"]
    assert {row["property"] for row in failed} == {"auth.wrong_secret"}
    assert all("expected 403, got 401" in row["message"] for row in failed)
    assert all(row["evidence"] and "$C4W_API_KEY" in row["evidence"][0]["request"] for row in failed)


def test_only_restricts_the_run_to_a_group(tmp_path: Path) -> None:
    code = main(["run", "--report-dir", str(tmp_path), "--only", "equivalence", "-q"])
    results = json.loads((tmp_path / "results.json").read_text())
    assert code == 0
    assert {row["property"] for row in results["results"]} == {"equivalence.offset_scroll"}
    assert {row["endpoint"] for row in results["results"]} == {
        "/connections",
        "/troubleshooting/auth_error_logs",
        "/troubleshooting/auth_results",
    }
