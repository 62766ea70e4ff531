"""Between verdicts and pytest: a parametrized case, and a verdict turned into a test outcome.

The verdict travels on the test report (``user_properties``), which is how pytest-xdist
brings it from a worker to the controller that writes results.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from conformance.properties import Property
from conformance.spec import Endpoint
from conformance.verdicts import Outcome, Verdict

VERDICT_KEY = "c4w_verdict"
OBSERVED_KEY = "c4w_observed"

# What this process already sent of the run's observed behaviour: each report carries only what
# changed since, and the collector merges them (one dict per process, so xdist workers too).
_SENT: dict[str, str] = {}


def _changed(observed: dict[str, Any]) -> dict[str, Any]:
    delta = {}
    for key, value in observed.items():
        encoded = json.dumps(value, default=str, sort_keys=True)
        if _SENT.get(key) != encoded:
            _SENT[key] = encoded
            delta[key] = value
    return delta


@dataclass(frozen=True)
class PropertyCase:
    prop: Property
    endpoint: Endpoint

    @property
    def id(self) -> str:
        return f"{self.prop.id}@{self.endpoint.path}"


def conclude(node: pytest.Item, verdict: Verdict, observed: dict[str, Any]) -> None:
    """Attach the verdict to the report and end the test with the matching outcome."""
    node.user_properties.append((VERDICT_KEY, json.dumps(verdict.as_dict())))
    node.user_properties.append((OBSERVED_KEY, json.dumps(_changed(observed), default=str)))
    if verdict.outcome is Outcome.FAILED:
        lines = [verdict.message]
        if verdict.expected:
            lines.append(f"expected: {verdict.expected}")
        if verdict.example:
            lines.append(f"minimal example: {verdict.example}")
        lines.extend(f"  {item['request']}  -> {item['status']}" for item in verdict.evidence[-3:])
        pytest.fail("\n".join(lines), pytrace=False)
    if verdict.outcome is Outcome.SKIPPED:
        pytest.skip(verdict.message or "not applicable")
    if verdict.outcome is Outcome.INCONCLUSIVE:
        pytest.skip(f"inconclusive: {verdict.message}")


def verdict_from_report(user_properties: list[tuple[str, object]]) -> tuple[Verdict | None, dict[str, Any]]:
    verdict = None
    observed: dict[str, Any] = {}
    for key, value in user_properties:
        if key == VERDICT_KEY and isinstance(value, str):
            verdict = Verdict.from_dict(json.loads(value))
        elif key == OBSERVED_KEY and isinstance(value, str):
            observed = json.loads(value)
    return verdict, observed


def forget_sent() -> None:
    """A new session starts with nothing sent (several runs may share one process)."""
    _SENT.clear()
