"""Fixtures shared by every test folder."""

from collections.abc import Callable

import pytest

from conformance.cli import main


@pytest.fixture
def one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> Callable[[list[str]], str]:
    """Run the CLI and assert it failed the way a user must see: one stderr line, exit 2."""

    def run(argv: list[str]) -> str:
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse's own usage errors
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        assert status == 2 and out == ""
        assert err.startswith("c4w-conformance: error: ") and err.count("\n") == 1
        return err

    return run
