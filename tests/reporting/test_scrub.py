"""The last pass over report files: credentials, whole scroll tokens and external links go."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from conformance.redaction import Redactor
from conformance.reporting.scrub import Scrubber, external_references, without_external_links

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE"


@pytest.fixture
def scrub() -> Scrubber:
    return Scrubber(Redactor([(SECRET, "$C4W_API_SECRET")]), ["scrollId"])


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"scrollId": TOKEN}),
        json.dumps({"response_excerpt": json.dumps({"scrollId": TOKEN})}),  # JSON inside JSON
        html.escape(json.dumps({"scrollId": TOKEN}), quote=True),  # in an HTML attribute
        f"curl -sS 'http://x/v2/visits?scrollId={TOKEN}&api_version=v2.0'",
    ],
)
def test_a_scroll_token_is_cut_to_its_prefix_in_any_encoding(scrub: Scrubber, text: str) -> None:
    clean = scrub(text)
    assert TOKEN not in clean and TOKEN[:12] not in clean
    assert "AbCdEf..." in clean


def test_a_token_already_shown_as_a_prefix_is_left_alone(scrub: Scrubber) -> None:
    text = "curl -sS 'http://x/v2/visits?scrollId=AbCdEf...'"
    assert scrub(text) == text


def test_credentials_and_pieces_of_them_become_placeholders(scrub: Scrubber) -> None:
    clean = scrub(f"key={SECRET} near={SECRET[:20]}x upper={SECRET.upper()}")
    assert SECRET[:12] not in clean.lower() and SECRET[-12:] not in clean.lower()
    assert "$C4W_API_SECRET" in clean


def test_a_file_is_rewritten_only_when_it_held_something(scrub: Scrubber, tmp_path: Path) -> None:
    dirty, clean = tmp_path / "dirty.json", tmp_path / "clean.json"
    dirty.write_text(json.dumps({"message": SECRET}), encoding="utf-8")
    clean.write_text(json.dumps({"message": "fine"}), encoding="utf-8")
    assert scrub.file(dirty) is True and scrub.file(clean) is False
    assert SECRET not in dirty.read_text(encoding="utf-8")
    assert json.loads(dirty.read_text(encoding="utf-8"))["message"] == "$C4W_API_SECRET"


def test_links_and_sources_leaving_the_file_are_dropped() -> None:
    page = (
        '<p>by <a href="https://pypi.python.org/pypi/pytest-html">pytest-html</a></p>'
        "<script src='//cdn.example/x.js'></script><img src=http://x/y.png>"
        '<a href="#v-auth">in page</a><link href="style.css">'
    )
    assert len(external_references(page)) == 3
    clean = without_external_links(page)
    assert external_references(clean) == []
    assert '<a href="#v-auth">in page</a>' in clean and "pytest-html</a>" in clean
