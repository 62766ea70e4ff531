"""Offset paging and scrolling give the same records (F11, F12, A5) - in bounded memory.

Both walks follow the same order (A11, A5), so they are compared in lock-step, page against
chunk, holding no more than one page of each. Should the orders differ, the rest is compared
as multisets of 64-bit fingerprints, which is still small (about 16 bytes a record).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator

from conformance.context import SuiteContext
from conformance.exchange import Exchange
from conformance.properties.base import Observed
from conformance.records import digest, record_id
from conformance.spec import Endpoint
from conformance.traversal import Page, offset_pages, scroll_chunks
from conformance.verdicts import Violation


def _stream(pages: Iterator[Page], id_field: str, last: list[Exchange]) -> Iterator[tuple[str, int]]:
    for page in pages:
        last[:] = [page.exchange]
        for record in page.records:
            yield record_id(record, id_field), digest(record)


def offset_scroll(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    id_field = ctx.profile.envelope.id_field
    offset_last: list[Exchange] = []
    scroll_last: list[Exchange] = []
    by_offset = _stream(offset_pages(ctx, endpoint, ctx.profile.pagination.max_limit), id_field, offset_last)
    by_scroll = _stream(scroll_chunks(ctx, endpoint, ctx.profile.scroll.cap), id_field, scroll_last)
    compared = 0
    left: deque[tuple[str, int]] = deque()
    right: deque[tuple[str, int]] = deque()
    for a, b in _zip_longest(by_offset, by_scroll):
        if a == b:
            compared += 1
            continue
        if a is not None:
            left.append(a)
        if b is not None:
            right.append(b)
        break
    # Out of step: finish as multisets of fingerprints.
    left.extend(by_offset)
    right.extend(by_scroll)
    if not left and not right:
        return {"records_compared": compared}
    only_offset = Counter(left) - Counter(right)
    only_scroll = Counter(right) - Counter(left)
    evidence = offset_last + scroll_last
    if not only_offset and not only_scroll:
        return {"records_compared": compared + len(left), "message": "same records, in a different order"}
    ids_offset = {item[0] for item in only_offset}
    ids_scroll = {item[0] for item in only_scroll}
    changed = ids_offset & ids_scroll
    parts = []
    if ids_offset - changed:
        parts.append(
            f"{len(ids_offset - changed)} only through offset (e.g. {sorted(ids_offset - changed)[0]})"
        )
    if ids_scroll - changed:
        parts.append(
            f"{len(ids_scroll - changed)} only through scroll (e.g. {sorted(ids_scroll - changed)[0]})"
        )
    if changed:
        parts.append(f"{len(changed)} differ in content (e.g. {sorted(changed)[0]})")
    raise Violation(
        "offset paging and scrolling disagree: " + "; ".join(parts),
        evidence,
        expected="the same records, ids and content, by both methods (F11, F12)",
    )


def _zip_longest(
    a: Iterator[tuple[str, int]], b: Iterator[tuple[str, int]]
) -> Iterator[tuple[tuple[str, int] | None, tuple[str, int] | None]]:
    while True:
        x = next(a, None)
        y = next(b, None)
        if x is None and y is None:
            return
        yield x, y
