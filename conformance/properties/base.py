"""What a property is: a stable id, the evidence it rests on, where it applies, and a check.

A check is a plain function ``(ctx, endpoint) -> observed`` that raises ``Violation`` when the
target breaks the rule, ``Inconclusive`` when no verdict is possible and ``NotApplicable`` when
it cannot run here. ``evaluate`` turns that into a ``Verdict``, redacted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.context import SuiteContext
from conformance.drift import guarded
from conformance.evidence import describe
from conformance.exchange import Exchange
from conformance.spec import Endpoint
from conformance.verdicts import Inconclusive, NotApplicable, Outcome, Verdict, Violation

Observed = dict[str, Any]
Check = Callable[[SuiteContext, Endpoint], Observed | None]
Applies = Callable[[Endpoint], bool]


def everywhere(endpoint: Endpoint) -> bool:
    return True


def offset_endpoints(endpoint: Endpoint) -> bool:
    return endpoint.pagination is not None and endpoint.pagination.offset


def scroll_endpoints(endpoint: Endpoint) -> bool:
    return endpoint.pagination is not None and endpoint.pagination.scroll


def paginated(endpoint: Endpoint) -> bool:
    return endpoint.pagination is not None


def both_modes(endpoint: Endpoint) -> bool:
    return offset_endpoints(endpoint) and scroll_endpoints(endpoint)


@dataclass(frozen=True)
class Property:
    id: str
    rule: str
    summary: str
    applies: Applies
    check: Check

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]


def evaluate(prop: Property, ctx: SuiteContext, endpoint: Endpoint) -> Verdict:
    """Run one property on one endpoint; never raises for the target's behaviour."""
    started = time.monotonic()
    verdict = Verdict(prop.id, endpoint.path, Outcome.PASSED, rule=prop.rule)
    try:
        # Under the drift rule: growth of live data during the check never becomes a failure.
        observed = guarded(prop.id, ctx, endpoint, lambda: prop.check(ctx, endpoint) or {})
        verdict.observed = observed
        verdict.message = str(observed.pop("message", "")) if "message" in observed else ""
    except Violation as violation:
        verdict.outcome = Outcome.FAILED
        verdict.message = violation.message
        verdict.expected = violation.expected or describe(prop.rule)
        verdict.example = violation.example
        verdict.evidence = [_evidence(ctx, exchange) for exchange in violation.exchanges[-6:]]
    except Inconclusive as exc:
        verdict.outcome = Outcome.INCONCLUSIVE
        verdict.message = str(exc)
    except NotApplicable as exc:
        verdict.outcome = Outcome.SKIPPED
        verdict.message = str(exc)
    except Exception as exc:  # a bug of the suite must not pass for a verdict on the target
        verdict.outcome = Outcome.INCONCLUSIVE
        verdict.message = f"internal error in the suite: {type(exc).__name__}: {exc}"
    verdict.duration = time.monotonic() - started
    return _redacted(ctx, verdict)


def _evidence(ctx: SuiteContext, exchange: Exchange) -> dict[str, Any]:
    return exchange.as_evidence(ctx.redactor)


def _redacted(ctx: SuiteContext, verdict: Verdict) -> Verdict:
    scrub = ctx.redactor
    verdict.message = scrub(verdict.message)
    verdict.example = scrub(verdict.example)
    verdict.expected = scrub(verdict.expected)
    verdict.observed = _scrub_tree(scrub, verdict.observed)
    return verdict


def _scrub_tree(scrub: Callable[[str], str], value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrub_tree(scrub, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_tree(scrub, item) for item in value]
    return value


def expect_rejection(
    ctx: SuiteContext, exchange: Exchange, expected_status: int, kind: str, rule: str
) -> None:
    """A rejection must carry the expected status (0: any 4xx) and no record."""
    from conformance import envelope

    ctx.observe_status(kind, exchange.status)
    if exchange.status >= 500:
        raise Violation(
            f"{kind}: server error {exchange.status}", [exchange], expected=f"{expected_status} ({rule})"
        )
    wanted = "a 4xx" if expected_status == 0 else str(expected_status)
    if exchange.status < 400:
        raise Violation(
            f"{kind}: accepted with {exchange.status} instead of rejected",
            [exchange],
            expected=f"{wanted} ({describe(rule.split(',')[0])})",
        )
    if envelope.carries_records(exchange, ctx.profile):
        raise Violation(f"{kind}: the rejection carries records", [exchange], expected=f"no records ({rule})")
    if expected_status == 0 and 400 <= exchange.status < 500:
        return
    if exchange.status != expected_status:
        raise Violation(
            f"{kind}: expected {wanted}, got {exchange.status}",
            [exchange],
            expected=f"{expected_status} ({describe(rule.split(',')[0])})",
        )
