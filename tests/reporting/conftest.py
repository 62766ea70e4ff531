"""Synthetic runs (a RunRecord with one verdict of each outcome) and a structural HTML reader."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest

from conformance.results import RunRecord
from conformance.verdicts import Outcome, Verdict

PROFILE: dict[str, Any] = {
    "name": "cloud4wi-v2",
    "source": "specs/profiles/cloud4wi-v2.toml",
    "auth": {
        "missing_status": 401,
        "wrong_status": 401,
        "cross_tenant_status": 401,
        "scroll_foreign_status": 0,
    },
    "pagination": {"max_limit": 1000, "invalid_param_status": 400, "past_end_status": 200},
    "scroll": {
        "token_field": "scrollId",
        "token_param": "scrollId",
        "ttl_seconds": 120.0,
        "cap": 9999,
        "first_call_max_limit": 9999,
        "token_changes": True,
        "expired_status": 404,
        "unknown_status": 404,
        "malformed_status": 400,
    },
}

FAILED_EVIDENCE = [
    {
        "request": 'curl -sS "http://127.0.0.1:8080/v2/users?api_key=$C4W_API_KEY'
        '&api_secret=${C4W_API_SECRET:0:31}&api_version=v2.0&limit=1"',
        "status": 200,
        "response_excerpt": '{"status":"success","count":2500,"data":[{"id":"a"}]}',
    }
]


def verdicts() -> list[Verdict]:
    return [
        Verdict("auth.valid_accepted", "/users", Outcome.PASSED, rule="F2, F3", observed={"status": 200}),
        Verdict(
            "auth.wrong_secret",
            "/users",
            Outcome.FAILED,
            message="wrong_secret (truncate): expected 401, got 200",
            rule="A3",
            expected="401 (A3)",
            example="('truncate', 31, '')",
            evidence=FAILED_EVIDENCE,
        ),
        Verdict("auth.valid_accepted", "/visits", Outcome.PASSED, rule="F2, F3"),
        Verdict(
            "auth.cross_tenant",
            "/visits",
            Outcome.SKIPPED,
            message="needs a second tenant's credentials (C4W_OTHER_API_KEY, C4W_OTHER_API_SECRET)",
            rule="A3",
        ),
        Verdict(
            "scroll.expiry",
            "/visits",
            Outcome.INCONCLUSIVE,
            message="target answered 503 on GET /visits after 5 attempts",
            rule="F9, A8",
        ),
    ]


def make_record(items: list[Verdict] | None = None) -> RunRecord:
    record = RunRecord(
        target={"url": "https://api.example.test/v2", "base_url": "https://api.example.test/v2"},
        profile=PROFILE,
        seed=42,
        started_at="2026-01-02T03:04:05Z",
        finished_at="2026-01-02T03:05:15Z",
        verdicts=verdicts() if items is None else items,
        observed={
            "status.wrong_secret (truncate)": [200],
            "status.wrong_secret (random)": [401],
            "status.scroll_token_binding (other tenant)": [404],
            "status.invalid limit='0'": [400],
            "status.invalid limit='abc'": [400],
            "scroll.token_changes_every_call": True,
            "scroll.largest_chunk/visits": 9999,
            "offset.largest_page/users": 1000,
            "something.new": {"seen": [1, 2]},
        },
    )
    return record


@pytest.fixture
def record_of() -> Callable[[list[Verdict] | None], RunRecord]:
    """A synthetic run with the given verdicts (default: one of each outcome)."""
    return make_record


@pytest.fixture
def record() -> RunRecord:
    return make_record()


@pytest.fixture
def data(record: RunRecord) -> dict[str, Any]:
    return record.as_dict()


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.sources: list[str] = []
        self.classes: dict[str, list[dict[str, str]]] = {}
        self.text_parts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        values["<tag>"] = tag
        if "id" in values:
            self.ids.append(values["id"])
        if "href" in values:
            self.links.append(values["href"])
        if "src" in values:
            self.sources.append(values["src"])
        for name in values.get("class", "").split():
            self.classes.setdefault(name, []).append(values)

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        # pieces of text are joined by a space (cells have none between them), not before a comma
        return " ".join(" ".join(self.text_parts).split()).replace(" ,", ",")

    def internal_links(self) -> list[str]:
        return [link[1:] for link in self.links if link.startswith("#")]


@pytest.fixture
def parse() -> type[Page]:
    """``parse(html)``: the page's ids, links, sources, elements by class and text."""
    return Page
