"""A live target moves under a check: data grows, and a failed scroll call may move a cursor.

**Drift.** A comparison is trusted only if the collection held still while it ran.

On a production tenant visits and connections keep arriving while the suite walks them. A
property that compares pages against a traversal made earlier (or two traversals with each
other) would then see records "missing" or "extra" and cry wolf. The rule:

1. Before a guarded property runs on an endpoint, mark the collection: its ``count`` (one GET of
   ``offset=0, limit=1``, or a one-record scroll where there is no offset paging). A shared
   reference traversal made when the count was different is dropped, so it is walked afresh.
2. After it ran, mark again. If the counts differ, the data moved (drift):

   - the property passed: it passes, and its verdict says the data moved;
   - it found a violation: the finding is not trusted yet. The reference is dropped and the
     property runs once more. Passing now, it passes with the drift note; failing again while
     the count held still, it fails (the rule is broken on still data); failing while the data
     moved again, it is inconclusive ("data moved during the traversal: count 25000 -> 25010").

Only ``count`` decides whether data moved: a target whose order of ties changes per request must
still fail ``offset.deterministic``, so the first record's id is reported, never judged.

**Restarts.** A scroll continuation that failed after it may have reached the target (a reset,
a 502-504) may have moved the cursor: its retry could skip a chunk and look like a violation;
and any retry waits, so the token may outlive its TTL meanwhile. The client retries such a call
but marks its answer, so a violation found during such a check is not trusted:
the property runs again from scratch (its scrolls start afresh), at most ``RESTARTS`` times,
then is inconclusive with the reason. The same holds when such a call ran out of retries
(restartable trouble). A pass needs no vetting: a skipped chunk cannot make a walk complete.
Other trouble (retries spent on an idempotent call, the request budget) is inconclusive at once.

The same wrapper states the record window (``--max-records``) in the verdicts of the
properties that walk a collection: "checked on the first N of COUNT records".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.context import SuiteContext
from conformance.spec import Endpoint
from conformance.traversal import fetch_offset_page, start_scroll
from conformance.verdicts import Inconclusive, Violation

Observed = dict[str, Any]
RESTARTS = 2

# Properties that compare answers given at different times: growth could fake a violation.
GUARDED = frozenset(
    {
        "offset.page_window",
        "offset.partition",
        "offset.count_consistent",
        "offset.deterministic",
        "offset.limit_respected",
        "offset.past_end",
        "scroll.traversal",
        "scroll.ignores_offset_limit",
        "equivalence.offset_scroll",
    }
)
# Properties that walk a collection, and so work on the record window when one is set.
WINDOWED = frozenset(
    {
        "offset.page_window",
        "offset.partition",
        "offset.count_consistent",
        "scroll.traversal",
        "equivalence.offset_scroll",
        "auth.tenant_isolation",
    }
)


@dataclass(frozen=True)
class Mark:
    """What the collection looked like at one moment."""

    count: int | None
    first_id: str | None


def mark(ctx: SuiteContext, endpoint: Endpoint) -> Mark | None:
    """One cheap request for the current ``count``; None when it cannot be had."""
    pagination = endpoint.pagination
    if pagination is None:
        return None
    try:
        page = fetch_offset_page(ctx, endpoint, 0, 1) if pagination.offset else start_scroll(ctx, endpoint, 1)
    except (Violation, Inconclusive):
        return None  # the properties judge such answers; here they only mean "no mark"
    first = page.records[0].get(ctx.profile.envelope.id_field) if page.records else None
    return Mark(page.count, None if first is None else str(first))


def moved(before: Mark | None, after: Mark | None) -> str | None:
    """How the data moved between two marks ("count 25000 -> 25010, new records at the end")."""
    if before is None or after is None or before.count is None or after.count is None:
        return None
    if before.count == after.count:
        return None
    where = "at the start" if before.first_id != after.first_id else "at the end"
    change = "new records" if after.count > before.count else "records gone"
    return f"count {before.count} -> {after.count}, {change} {where} of the order"


def guarded(prop_id: str, ctx: SuiteContext, endpoint: Endpoint, check: Callable[[], Observed]) -> Observed:
    """Run ``check`` under the rules of the module docstring; state restarts, drift and window."""
    notes: list[str] = []
    check = _restarting(ctx, check, notes)
    if prop_id not in GUARDED and (prop_id not in WINDOWED or ctx.record_window is None):
        return _noted(check(), notes)  # nothing to compare over time, no window to state
    before = mark(ctx, endpoint)
    had_reference = _drop_stale_reference(ctx, endpoint, before)
    try:
        observed = check()
        after = mark(ctx, endpoint)
        drift = moved(before, after)
        if drift and prop_id in GUARDED:
            notes.append(f"data moved during the check ({drift}); compared what held still")
    except (Violation, ExceptionGroup) as found:
        if _violation_in(found) is None or prop_id not in GUARDED:
            raise
        after = mark(ctx, endpoint)
        drift = moved(before, after)
        if drift is None:
            raise
        ctx.forget_reference(endpoint)
        observed = _recheck(ctx, endpoint, after, check, drift)
        notes.append(f"data moved during the check ({drift}); passed when re-checked")
    if drift:
        ctx.observe(f"drift{endpoint.path}", drift)
        observed["drift"] = drift
    if not had_reference and not drift and ctx.cached_reference(endpoint) is not None:
        _reference_marks(ctx)[endpoint.path] = before  # walked while the data held still
    window = ctx.window_note(after.count if after else None) if prop_id in WINDOWED else None
    if window:
        observed["record_window"] = ctx.record_window
        notes.append(window)
    return _noted(observed, notes)


def _violation_in(found: Exception) -> Violation | None:
    if isinstance(found, Violation):
        return found
    if isinstance(found, ExceptionGroup):
        group = found.subgroup(Violation)
        if group is not None:
            return next((item for item in _leaves(group) if isinstance(item, Violation)), None)
    return None


def _leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    leaves: list[BaseException] = []
    for item in group.exceptions:
        leaves.extend(_leaves(item) if isinstance(item, BaseExceptionGroup) else [item])
    return leaves


def _noted(observed: Observed, notes: list[str]) -> Observed:
    if notes:
        observed["message"] = "; ".join(filter(None, [str(observed.get("message", "")), *notes]))
    return observed


def _restarting(ctx: SuiteContext, check: Callable[[], Observed], notes: list[str]) -> Callable[[], Observed]:
    """``check``, run again from scratch when a scroll call failed in a way that may have moved it."""

    def run() -> Observed:
        client = ctx.client
        for restart in range(RESTARTS + 1):
            retried = client.ambiguous_retries
            try:
                return check()
            except (Violation, ExceptionGroup) as found:
                # hypothesis reports a violation it could not replay as a FlakyFailure group
                violation = _violation_in(found)
                if violation is None:
                    raise
                reason = client.ambiguity_of(violation.exchanges)
                if reason is None and client.ambiguous_retries > retried:
                    reason = client.last_ambiguity
                if reason is None:
                    raise
                if restart == RESTARTS:
                    raise Inconclusive(
                        f"a scroll call was retried after {reason}, and a retry may skip a chunk "
                        f"or outlive the token: the violation that followed is not trusted "
                        f"({violation.message})"
                    ) from None
                notes.append(f"restarted from scratch: a scroll call was retried after {reason}")
            except Inconclusive as exc:
                # check_examples re-raises trouble as a plain Inconclusive with the same text
                trouble = client.last_trouble
                if (
                    restart == RESTARTS
                    or trouble is None
                    or not trouble.restartable
                    or str(trouble) != str(exc)
                ):
                    raise
                client.last_trouble = None
                notes.append(f"restarted from scratch after: {trouble}")
        raise AssertionError("unreachable")

    return run


def _recheck(
    ctx: SuiteContext, endpoint: Endpoint, before: Mark | None, check: Callable[[], Observed], drift: str
) -> Observed:
    try:
        return check()
    except (Violation, ExceptionGroup) as found:
        violation = _violation_in(found)
        again = moved(before, mark(ctx, endpoint)) if violation is not None else None
        if violation is None or again is None:
            raise  # the data held still this time, and the rule is still broken
        raise Inconclusive(
            f"data moved during the traversal: {drift}, then {again} while re-checking; "
            f"not judged ({violation.message})"
        ) from None


def _reference_marks(ctx: SuiteContext) -> dict[str, Mark | None]:
    marks: dict[str, Mark | None] = ctx.memo.setdefault("drift.reference_marks", {})
    return marks


def _drop_stale_reference(ctx: SuiteContext, endpoint: Endpoint, now: Mark | None) -> bool:
    """Drop a shared traversal walked when the count was different; True if one is kept.

    The reference is compared through the mark taken when it was walked (the same one-record
    request), not through the counts its pages reported: those may depend on the page size.
    One walked while the data moved has no mark, and is dropped too.
    """
    if ctx.cached_reference(endpoint) is None:
        return False
    then = _reference_marks(ctx).get(endpoint.path)
    drift = moved(then, now)
    if then is not None and drift is None:
        return True
    ctx.forget_reference(endpoint)
    _reference_marks(ctx).pop(endpoint.path, None)
    if drift:
        ctx.observe(f"drift{endpoint.path}", f"{drift} (between properties; the reference was walked again)")
    return False
