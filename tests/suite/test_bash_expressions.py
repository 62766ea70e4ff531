"""The shell expressions in evidence really evaluate to the values that were sent."""

import shutil
import subprocess

import pytest

from conformance.credentials import mutate
from conformance.redaction import Sensitive

SECRET = "0123456789abcdef0123456789abcdef"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(
    "mutation",
    [
        ("truncate", 31, ""),
        ("replace_char", 0, "f"),
        ("replace_char", 31, "x"),
        ("extend", 0, "ab"),
        ("upper", 0, ""),
    ],
)
def test_a_mutation_shown_in_a_curl_line_expands_to_the_sent_value(mutation: tuple[str, int, str]) -> None:
    mutated = mutate(Sensitive(SECRET, "${C4W_API_SECRET}"), mutation)
    out = subprocess.run(
        ["bash", "-c", f'printf %s "{mutated.shown}"'],
        env={"C4W_API_SECRET": SECRET},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == mutated.actual
