"""The plugin must load where pytest-xdist is absent: its xdist hooks are optional."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_the_suite_runs_with_xdist_disabled(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "--pyargs",
            "conformance.suite",
            "--c4w-only",
            "equivalence",
            "--c4w-report-dir",
            str(tmp_path),
            "-q",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert (tmp_path / "results.json").exists()
