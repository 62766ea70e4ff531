"""Live data moves: a comparison is trusted only if the collection held still while it ran.

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
    """Run ``check`` under the drift rule (see the module docstring) and state the window."""
    if prop_id not in GUARDED and prop_id not in WINDOWED:
        return check()
    before = mark(ctx, endpoint)
    had_reference = _drop_stale_reference(ctx, endpoint, before)
    notes: list[str] = []
    try:
        observed = check()
        after = mark(ctx, endpoint)
        drift = moved(before, after)
        if drift and prop_id in GUARDED:
            notes.append(f"data moved during the check ({drift}); compared what held still")
    except Violation:
        after = mark(ctx, endpoint)
        drift = moved(before, after)
        if drift is None or prop_id not in GUARDED:
            raise
        ctx.forget_reference(endpoint)
        observed, again = _recheck(ctx, endpoint, after, check, drift)
        notes.append(f"data moved during the check ({drift}); passed when re-checked{again}")
    if drift:
        ctx.observe(f"drift{endpoint.path}", drift)
        observed["drift"] = drift
    if not had_reference and ctx.cached_reference(endpoint) is not None:
        _reference_marks(ctx)[endpoint.path] = after if drift else before
    window = ctx.window_note(after.count if after else None) if prop_id in WINDOWED else None
    if window:
        observed["record_window"] = ctx.record_window
        notes.append(window)
    if notes:
        observed["message"] = "; ".join(filter(None, [str(observed.get("message", "")), *notes]))
    return observed


def _recheck(
    ctx: SuiteContext, endpoint: Endpoint, before: Mark | None, check: Callable[[], Observed], drift: str
) -> tuple[Observed, str]:
    try:
        return check(), ""
    except Violation as violation:
        again = moved(before, mark(ctx, endpoint))
        if again is None:
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
    """
    if ctx.cached_reference(endpoint) is None:
        return False
    drift = moved(_reference_marks(ctx).get(endpoint.path), now)
    if drift is None:
        return True
    ctx.forget_reference(endpoint)
    ctx.observe(f"drift{endpoint.path}", f"{drift} (between properties; the reference was walked again)")
    return False
