"""Offset paging and scrolling give the same records (F11, F12, A5) - in bounded memory.

Both walks follow the same order (A11, A5), so they are compared in lock-step, page against
chunk, holding no more than one page of each. Should the orders differ, the rest is compared
as multisets of 64-bit fingerprints kept in compact arrays (``records.Divergence``: 16 bytes a
record and side, no Python object per record), so a million records stay in about 32 MB.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, islice, zip_longest
from typing import Any

from conformance import envelope
from conformance.context import SuiteContext
from conformance.exchange import Exchange
from conformance.properties.base import Observed
from conformance.records import Divergence
from conformance.spec import Endpoint
from conformance.traversal import Page, offset_pages, scroll_chunks
from conformance.verdicts import Inconclusive, Violation


def _records(pages: Iterator[Page], last: list[Exchange]) -> Iterator[dict[str, Any]]:
    for page in pages:
        last[:] = [page.exchange]
        yield from page.records


def offset_scroll(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    id_field = ctx.profile.envelope.id_field
    offset_last: list[Exchange] = []
    scroll_last: list[Exchange] = []
    by_offset = _records(offset_pages(ctx, endpoint, ctx.profile.pagination.max_limit), offset_last)
    by_scroll = _records(scroll_chunks(ctx, endpoint, ctx.profile.scroll.cap), scroll_last)
    if ctx.record_window is not None:  # chunks are not cut at the window: compare its records only
        by_scroll = islice(by_scroll, ctx.record_window)
    compared = 0
    pairs = zip_longest(by_offset, by_scroll)
    # dict equality is the digest's equality (ids and content, key order aside), without hashing
    for a, b in pairs:
        if a is None and ctx.result_window(endpoint) is not None:
            return {  # offset paging ends at the target's result window (A12): compare up to it
                "records_compared": compared,
                "message": f"compared the first {compared} records: offsets past the result window "
                f"of {ctx.result_window(endpoint)} are refused (A12)",
            }
        if a != b:
            break
        compared += 1
    else:
        return {"records_compared": compared}
    # Out of step (or one walk longer): finish as multisets of fingerprints.
    apart = Divergence(id_field)
    for left, right in chain([(a, b)], pairs):
        if left is not None:
            apart.add(0, left)
        if right is not None:
            apart.add(1, right)
    diff = apart.difference()
    evidence = offset_last + scroll_last
    if not diff.only_left and not diff.only_right and not diff.changed:
        return {
            "records_compared": compared + len(apart),
            "message": f"same records, in a different order from record {compared}",
        }
    parts = []
    if diff.only_left:
        parts.append(f"{len(diff.only_left)} only through offset (e.g. {diff.example(diff.only_left)})")
    if diff.only_right:
        parts.append(f"{len(diff.only_right)} only through scroll (e.g. {diff.example(diff.only_right)})")
    if diff.changed:
        parts.append(f"{len(diff.changed)} differ in content (e.g. {diff.example(diff.changed)})")
    count = envelope.count(offset_last[0], ctx.profile) if offset_last else None
    if not diff.changed and ctx.window_note(count):
        raise Inconclusive(
            f"within the first {ctx.record_window} of {count} records, " + "; ".join(parts) + ": "
            "the orders differ, and on a window missing and reordered records look alike "
            "(--max-records 0 compares everything)"
        )
    raise Violation(
        "offset paging and scrolling disagree: " + "; ".join(parts),
        evidence,
        expected="the same records, ids and content, by both methods (F11, F12)",
    )
