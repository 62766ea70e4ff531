"""The lines printed at the end of a run: counts, what failed, where the reports are."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from conformance.reporting.baseline import summary_lines as regression_lines
from conformance.results import RunRecord
from conformance.verdicts import Outcome

MAX_FAILED_LINES = 30
_KINDS = {".json": "results", ".xml": "junit", ".html": "report"}


def summary_lines(record: RunRecord, report_dir: Path, reports: Sequence[Path] = ()) -> list[str]:
    counts = record.summary()
    lines = [
        "c4w-conformance: "
        + ", ".join(f"{counts[outcome.value]} {outcome.value}" for outcome in Outcome)
        + f" (seed {record.seed}; target {record.target.get('url', '?')})"
    ]
    failed = [verdict for verdict in record.verdicts if verdict.outcome is Outcome.FAILED]
    for verdict in failed[:MAX_FAILED_LINES]:
        lines.append(f"  FAILED {verdict.property} {verdict.endpoint}: {verdict.message}")
    if len(failed) > MAX_FAILED_LINES:
        lines.append(f"  ... and {len(failed) - MAX_FAILED_LINES} more failed checks (see the report)")
    if failed:
        properties = sorted({verdict.property for verdict in failed})
        lines.append(f"  failed properties: {', '.join(properties)}")
    inconclusive = [verdict for verdict in record.verdicts if verdict.outcome is Outcome.INCONCLUSIVE]
    for verdict in inconclusive[:10]:
        lines.append(f"  INCONCLUSIVE {verdict.property} {verdict.endpoint}: {verdict.message}")
    if not record.complete:
        lines.append("  the run was interrupted: the results are incomplete")
    if record.regression is not None:
        lines.extend(regression_lines(record.regression))
    for path in reports or [report_dir / "results.json"]:
        lines.append(f"  {_KINDS.get(path.suffix, 'report')}: {path}")
    return lines
