"""The lines printed at the end of a run: counts, what failed, where the reports are."""

from __future__ import annotations

from pathlib import Path

from conformance.results import RunRecord
from conformance.verdicts import Outcome


def summary_lines(record: RunRecord, report_dir: Path) -> list[str]:
    counts = record.summary()
    lines = [
        "c4w-conformance: "
        + ", ".join(f"{counts[outcome.value]} {outcome.value}" for outcome in Outcome)
        + f" (seed {record.seed}; target {record.target.get('url', '?')})"
    ]
    failed = [verdict for verdict in record.verdicts if verdict.outcome is Outcome.FAILED]
    for verdict in failed:
        lines.append(f"  FAILED {verdict.property} {verdict.endpoint}: {verdict.message}")
    inconclusive = [verdict for verdict in record.verdicts if verdict.outcome is Outcome.INCONCLUSIVE]
    for verdict in inconclusive[:10]:
        lines.append(f"  INCONCLUSIVE {verdict.property} {verdict.endpoint}: {verdict.message}")
    if not record.complete:
        lines.append("  the run was interrupted: the results are incomplete")
    lines.append(f"  results: {report_dir / 'results.json'}")
    return lines
