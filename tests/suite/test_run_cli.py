"""`c4w-conformance run` refuses bad input with one line and exit 2, before any request."""

from pathlib import Path

import pytest

from conformance.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["run", *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--only", "nonsense"], "--only: unknown group or property 'nonsense'"),
        (["--target", "ftp://example.com"], "--target must be an http(s) URL"),
        (["--scroll-ttl", "0"], "--scroll-ttl must be a positive number"),
        (["--max-examples", "-1"], "--max-examples must be 0 or more"),
        (["--records", "0"], "--records must be at least 1"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    code, err = run(capsys, *args)
    assert code == 2
    assert says in err
    assert err.count("\n") == 1


def test_a_target_without_credentials_is_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("C4W_API_KEY", "C4W_API_SECRET", "C4W_OTHER_API_KEY", "C4W_OTHER_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    code, err = run(capsys, "--target", "https://api.cloud4wi.com/v2")
    assert code == 2
    assert "needs credentials" in err


def test_a_malformed_profile_is_exit_2_naming_file_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "bad.toml"
    profile.write_text("[scroll]\nttl_seconds = 'two minutes'\n", encoding="utf-8")
    code, err = run(capsys, "--profile", str(profile))
    assert code == 2
    assert str(profile) in err and "[scroll] ttl_seconds" in err
    assert "Traceback" not in err


def test_an_unknown_argparse_option_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["run", "--no-such-option"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
