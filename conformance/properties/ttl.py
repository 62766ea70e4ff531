"""Token lifetime (F9, A7, A8): one shared wait for every scroll endpoint.

For each endpoint two scrolls are opened: one is continued just before the TTL runs out (it
must still work), the other just after (it must be refused, with no records). The checks are
timed from the request that issued each token, with a margin on each side, so the whole run
waits about one TTL however many endpoints there are. The token the late continuation returned
is used once more after the expiry check: issued by that call, it must have a TTL of its own
(F9), not the first call's (a server that never renews the keep-alive fails there). Against
the embedded mock the waiter advances the mock's virtual clock: no real waiting.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from conformance import envelope
from conformance.context import SuiteContext
from conformance.exchange import Exchange
from conformance.properties.base import Observed
from conformance.spec import Endpoint
from conformance.traversal import continue_scroll, start_scroll
from conformance.verdicts import Inconclusive, Violation


def margin(ttl: float) -> float:
    """How far from the TTL each check stands: 10% of it, within [0.5 s, 10 s]."""
    return min(10.0, max(0.5, ttl * 0.1))


@dataclass
class _Opened:
    endpoint: Endpoint
    alive_token: str
    alive_sent: float
    expiring_token: str
    expiring_received: float


@dataclass
class TtlOutcome:
    alive: Exchange | Exception
    expired: Exchange | Exception
    # the token ``alive`` returned, used once more after the expiry check, and its age then
    renewed: Exchange | Exception | None = None
    renewed_age: float = 0.0
    # how much later than planned the alive token really reached the target (retries, rate limit)
    alive_delay: float = 0.0


def probe(ctx: SuiteContext) -> dict[str, TtlOutcome]:
    """Run the shared TTL probe once per run; results are cached in the context."""
    cached = ctx.memo.get("ttl_probe")
    if isinstance(cached, dict):
        return cached
    ttl = ctx.profile.scroll.ttl_seconds
    edge = margin(ttl)
    opened: list[_Opened] = []
    failures: dict[str, Exception] = {}
    for endpoint in ctx.spec.paginated("scroll"):
        try:
            sent = ctx.waiter.now()
            alive = start_scroll(ctx, endpoint, 1)
            expiring = start_scroll(ctx, endpoint, 1)
            received = ctx.waiter.now()
        except (Violation, Inconclusive) as exc:
            failures[endpoint.path] = exc
            continue
        if alive.token is None or expiring.token is None:
            failures[endpoint.path] = Inconclusive("no scroll token to age (empty collection?)")
            continue
        opened.append(_Opened(endpoint, alive.token, sent, expiring.token, received))
    results: dict[str, TtlOutcome] = {path: TtlOutcome(exc, exc) for path, exc in failures.items()}
    alive_results: dict[str, Exchange | Exception] = {}
    alive_delays: dict[str, float] = {}
    renewed_tokens: list[tuple[Endpoint, str, float]] = []
    for item in sorted(opened, key=lambda o: o.alive_sent):
        planned = item.alive_sent + ttl - edge
        ctx.waiter.sleep_until(planned, "before the scroll TTL runs out")
        sent = ctx.waiter.now()
        alive_results[item.endpoint.path] = result = _attempt(ctx, item.endpoint, item.alive_token)
        alive_delays[item.endpoint.path] = _delay(ctx, planned, result)
        if isinstance(result, Exchange) and envelope.is_success(result, ctx.profile):
            token = envelope.token(result, ctx.profile)
            if token is not None:
                renewed_tokens.append((item.endpoint, token, sent))
    for item in sorted(opened, key=lambda o: o.expiring_received):
        ctx.waiter.sleep_until(item.expiring_received + ttl + edge, "for the scroll TTL to run out")
        results[item.endpoint.path] = TtlOutcome(
            alive_results[item.endpoint.path],
            _attempt(ctx, item.endpoint, item.expiring_token),
            alive_delay=alive_delays[item.endpoint.path],
        )
    for endpoint, token, issued in renewed_tokens:
        age = ctx.waiter.now() - issued
        if age < ttl - edge:  # no extra wait: judged only while the renewed token is well in its TTL
            outcome = results[endpoint.path]
            planned = ctx.waiter.now()
            outcome.renewed = _attempt(ctx, endpoint, token)
            outcome.renewed_age = age + _delay(ctx, planned, outcome.renewed)
    ctx.memo["ttl_probe"] = results
    ctx.observe("scroll.ttl_checked_seconds", {"ttl": ttl, "margin": edge, "virtual": ctx.waiter.virtual})
    return results


def _attempt(ctx: SuiteContext, endpoint: Endpoint, token: str) -> Exchange | Exception:
    try:
        return continue_scroll(ctx, endpoint, token)
    except Exception as exc:  # transport trouble: inconclusive for this endpoint only
        return exc


def _delay(ctx: SuiteContext, planned: float, result: Exchange | Exception) -> float:
    """How late after ``planned`` the last call may have reached the target, in real time.

    Its last attempt may have started late (a retry, the rate limit), and the target may have
    seen it as late as the answer came (a slow network). Against a virtual clock nothing ages
    while the suite waits in real time: no delay counts.
    """
    if ctx.waiter.virtual:
        return 0.0
    took = result.elapsed if isinstance(result, Exchange) else 0.0
    return max(0.0, ctx.client.last_attempt_started + took - planned)


def _judged_alive(ttl: float, age: float, exchange: Exchange) -> None:
    """A refusal proves nothing when the call reached the target only after the TTL."""
    if age >= ttl:
        raise Inconclusive(
            f"the token may have reached the target {age:.1f}s after it was issued, past the {ttl:g}s "
            f"TTL (delayed by retries, the rate limit or a slow network), and got {exchange.status}: "
            "not judged"
        )


def _outcome(ctx: SuiteContext, endpoint: Endpoint) -> TtlOutcome:
    started = time.monotonic()
    outcome = probe(ctx).get(endpoint.path)
    if outcome is None:
        raise Inconclusive("the TTL probe did not reach this endpoint")
    ctx.observe("scroll.ttl_probe_seconds", round(time.monotonic() - started, 2))
    return outcome


def _exchange(result: Exchange | Exception) -> Exchange:
    if isinstance(result, Violation):
        raise result
    if isinstance(result, Exception):
        raise Inconclusive(str(result))
    return result


def alive_within_ttl(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    outcome = _outcome(ctx, endpoint)
    exchange = _exchange(outcome.alive)
    ttl = ctx.profile.scroll.ttl_seconds
    age = round(ttl - margin(ttl) + outcome.alive_delay, 1)
    ctx.observe_status("scroll_token_within_ttl", exchange.status)
    if not envelope.is_success(exchange, ctx.profile):
        _judged_alive(ttl, age, exchange)
        raise Violation(
            f"a token used {age:g}s after it was issued got {exchange.status}",
            [exchange],
            expected=f"the token still works before {ttl:g}s (F9, A7)",
        )
    observed: Observed = {"token_age_seconds": age, "status": exchange.status}
    if outcome.renewed is None:
        return observed
    renewed = _exchange(outcome.renewed)
    ctx.observe_status("scroll_renewed_token_within_ttl", renewed.status)
    if not envelope.is_success(renewed, ctx.profile):
        _judged_alive(ttl, outcome.renewed_age, renewed)
        raise Violation(
            f"the token a continuation returned, used {outcome.renewed_age:g}s after it was issued "
            f"({age + outcome.renewed_age:g}s into the scroll), got {renewed.status}",
            [exchange, renewed],
            expected=f"each token lives {ttl:g}s from the call that issued it (F9, A7)",
        )
    observed["renewed_token_age_seconds"] = outcome.renewed_age
    return observed


def expiry(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    exchange = _exchange(_outcome(ctx, endpoint).expired)
    scroll = ctx.profile.scroll
    age = scroll.ttl_seconds + margin(scroll.ttl_seconds)
    ctx.observe_status("scroll_token_expired", exchange.status)
    if envelope.carries_records(exchange, ctx.profile):
        raise Violation(
            f"a token idle for {age:g}s still returned records",
            [exchange],
            expected=f"{scroll.expired_status} with no records after {scroll.ttl_seconds:g}s (F9, A8)",
        )
    if exchange.status != scroll.expired_status:
        raise Violation(
            f"a token idle for {age:g}s got {exchange.status}",
            [exchange],
            expected=f"{scroll.expired_status} (A8)",
        )
    details: dict[str, Any] = {"token_age_seconds": age, "status": exchange.status}
    return details
