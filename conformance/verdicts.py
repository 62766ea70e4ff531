"""Verdicts: what a property concluded about one endpoint, with the evidence behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from conformance.exchange import Exchange


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    INCONCLUSIVE = "inconclusive"


class Violation(Exception):
    """Raised by a property when the target broke the rule it checks."""

    def __init__(
        self,
        message: str,
        exchanges: list[Exchange] | None = None,
        *,
        expected: str = "",
        example: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exchanges = list(exchanges or [])
        self.expected = expected
        self.example = example


class Inconclusive(Exception):
    """Raised when no verdict is possible (transport trouble, control failed, budget spent)."""


class BeyondResultWindow(Exception):
    """The target refused ``offset + limit`` past its result window, which A12 allows.

    An example that asks past the window is not judged; a traversal stops at the window.
    """

    def __init__(self, offset: int, limit: int, window: int) -> None:
        super().__init__(f"offset {offset} + limit {limit} is past the result window of {window} (A12)")
        self.offset, self.limit, self.window = offset, limit, window


class NotApplicable(Exception):
    """Raised when a property cannot run here (e.g. it needs a second tenant's credentials)."""


@dataclass
class Verdict:
    property: str
    endpoint: str
    outcome: Outcome
    message: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    observed: dict[str, Any] = field(default_factory=dict)
    rule: str = ""
    example: str = ""
    expected: str = ""
    duration: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "property": self.property,
            "endpoint": self.endpoint,
            "outcome": self.outcome.value,
            "message": self.message,
            "rule": self.rule,
            "expected": self.expected,
            "example": self.example,
            "evidence": self.evidence,
            "observed": self.observed,
            "duration": round(self.duration, 3),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        return cls(
            property=data["property"],
            endpoint=data["endpoint"],
            outcome=Outcome(data["outcome"]),
            message=data.get("message", ""),
            evidence=list(data.get("evidence", [])),
            observed=dict(data.get("observed", {})),
            rule=data.get("rule", ""),
            example=data.get("example", ""),
            expected=data.get("expected", ""),
            duration=float(data.get("duration", 0.0)),
        )
