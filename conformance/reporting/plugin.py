"""Wires the reports to pytest: report.html (through pytest-html), junit.xml, the baseline diff.

Registered by ``conformance.plugin`` at configure time, which hands over the run's options, where
the record is kept and how a test report carries its verdict. One wrapper around
``pytest_sessionfinish`` does the ordering: the baseline comparison before results.json is
written, junit.xml and the last scrub of every file after (results.json, junit.xml and the
HTML are all written by then). The pytest-html hooks only add sections; they never run a check.
"""

from __future__ import annotations

import html as html_escape
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from conformance.options import RunOptions
from conformance.reporting import baseline as baseline_diff
from conformance.reporting import html, junit, observed
from conformance.reporting.scrub import Scrubber, without_external_links
from conformance.results import RunRecord
from conformance.verdicts import Verdict

PLUGIN_NAME = "c4w-reporting"
JUNIT_NAME = "junit.xml"


def _summaries() -> dict[str, str]:
    from conformance.properties import CATALOGUE

    return {prop.id: prop.summary for prop in CATALOGUE}


class ReportingPlugin:
    def __init__(
        self,
        config: pytest.Config,
        options: RunOptions,
        record_key: pytest.StashKey[RunRecord],
        verdict_of: Callable[[pytest.TestReport], Verdict | None],
    ) -> None:
        self.config = config
        self.options = options
        self._record_key = record_key
        self._verdict_of = verdict_of
        self.baseline: dict[str, Any] | None = None
        if options.baseline:
            from conformance.errors import ConfigError

            try:
                self.baseline = baseline_diff.load_baseline(options.baseline)
            except ConfigError as exc:
                raise pytest.UsageError(str(exc)) from None

    # -- where things go ------------------------------------------------------------------------

    @property
    def report_dir(self) -> Path:
        return Path(self.options.report_dir)

    @property
    def html_path(self) -> Path | None:
        path = self.config.getoption("htmlpath", None)
        return Path(path) if path else None

    def paths(self) -> list[Path]:
        """The reports of this run that exist, for the terminal summary."""
        candidates = [self.report_dir / "results.json", self.report_dir / JUNIT_NAME, self.html_path]
        return [path for path in candidates if path is not None and path.exists()]

    def _record(self) -> RunRecord | None:
        if hasattr(self.config, "workerinput"):
            return None  # pytest-xdist: the controller writes the reports
        record = self.config.stash.get(self._record_key, None)
        return record if record is not None and record.verdicts else None

    def _scrubber(self, record: RunRecord) -> Scrubber:
        from conformance.session import redactor_for

        # the same object plugin.py keeps: the embedded mock's credentials are filled in by now
        options = self.options
        scroll = record.profile.get("scroll", {}) if isinstance(record.profile, dict) else {}
        fields = [scroll.get("token_field", "scrollId"), scroll.get("token_param", "scrollId")]
        return Scrubber(redactor_for(options), [str(field) for field in fields if field])

    # -- the session ------------------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, None, None]:
        record = self._record()
        if record is not None and self.baseline is not None:
            current = [verdict.as_dict() for verdict in record.verdicts]
            source = str(self.options.baseline)
            record.regression = baseline_diff.compare(current, self.baseline, source).as_dict()
        result = yield  # plugin.py writes results.json, pytest-html writes the page
        if record is not None:
            junit.write(record.as_dict(), self.report_dir / JUNIT_NAME)
            self._finish_files(record)
        return result

    def _finish_files(self, record: RunRecord) -> None:
        scrub = self._scrubber(record)
        for path in (self.report_dir / "results.json", self.report_dir / JUNIT_NAME):
            if path.exists():
                scrub.file(path)
        page = self.html_path
        if page is not None and page.exists():
            text = page.read_text(encoding="utf-8")
            clean = without_external_links(scrub(text))
            if clean != text:
                page.write_text(clean, encoding="utf-8")

    # -- pytest-html --------------------------------------------------------------------------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report: Any) -> None:
        record = self.config.stash.get(self._record_key, None)
        target = record.target.get("url", "") if record is not None else ""
        report.title = f"c4w-conformance report: {target}" if target else "c4w-conformance report"

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(
        self, prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
    ) -> None:
        record = self._record()
        if record is None:
            return
        data = record.as_dict()
        prefix.extend(
            [html.style(), html.header(data), html.regression(data), html.matrix(data, _summaries())]
        )
        postfix.extend([html.failures(data), observed.section(data), html.all_checks(data)])

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        verdict = self._verdict_of(report)
        if verdict is None or len(cells) < 2:
            return
        anchor = html.anchors([verdict.as_dict()])[(verdict.property, verdict.endpoint)]
        label = html_escape.escape(f"{verdict.property} @ {verdict.endpoint}")
        cells[1] = f'<td class="col-testId"><a href="#{anchor}">{label}</a></td>'
        if verdict.outcome.value == "inconclusive":
            cells[0] = '<td class="col-result">Inconclusive</td>'
