"""results.json: the machine-readable record of a run (schema documented in docs/results-schema.md).

Collected from verdicts as pytest reports them, so runs split over pytest-xdist workers merge
into one file. Version 1 of the schema; a change that breaks readers bumps ``schema_version``.
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.verdicts import Outcome, Verdict

SCHEMA_VERSION = 1


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


LIBRARIES = ("pytest", "pytest-html", "hypothesis", "schemathesis", "httpx")


def library_versions() -> dict[str, str]:
    """Python and the libraries a verdict depends on, for the report header and results.json."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


@dataclass
class RunRecord:
    target: dict[str, Any]
    profile: dict[str, Any]
    seed: int
    started_at: str = field(default_factory=now_iso)
    finished_at: str = ""
    verdicts: list[Verdict] = field(default_factory=list)
    observed: dict[str, Any] = field(default_factory=dict)
    complete: bool = True
    versions: dict[str, str] = field(default_factory=library_versions)
    regression: dict[str, Any] | None = None  # set when compared with a baseline (reporting.baseline)

    def add(self, verdict: Verdict) -> None:
        self.verdicts.append(verdict)

    def summary(self) -> dict[str, int]:
        counts = {outcome.value: 0 for outcome in Outcome}
        for verdict in self.verdicts:
            counts[verdict.outcome.value] += 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "c4w-conformance", "version": __version__, **self.versions},
            "target": self.target,
            "profile": self.profile.get("name", ""),
            "profile_values": self.profile,
            "seed": self.seed,
            "started_at": self.started_at,
            "finished_at": self.finished_at or now_iso(),
            "complete": self.complete,
            "summary": self.summary(),
            "observed": self.observed,
            "results": [verdict.as_dict() for verdict in self.verdicts],
            **({"regression": self.regression} if self.regression is not None else {}),
        }

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "results.json"
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(self.as_dict(), indent=2, sort_keys=False) + "\n", encoding="utf-8")
        os.replace(temporary, path)  # a reader never sees half a file
        return path


def load_results(path: Path) -> dict[str, Any]:
    from conformance.errors import ConfigError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read results ({exc.strerror})") from None
    except ValueError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise ConfigError(f"{path}: not a results.json of schema version {SCHEMA_VERSION}")
    return data
