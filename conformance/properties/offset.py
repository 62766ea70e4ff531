"""Offset paging properties (F5, F7, A11, A16): windows, partitions, counts, limits, errors."""

from __future__ import annotations

import string
from dataclasses import replace

from hypothesis import strategies as st

from conformance import envelope
from conformance.context import SuiteContext
from conformance.credentials import Credentials
from conformance.generation import check_examples
from conformance.properties.base import Observed, expect_rejection
from conformance.records import Listing, duplicates, fingerprints
from conformance.spec import Endpoint
from conformance.traversal import Page, fetch_offset_page, offset_pages
from conformance.verdicts import Violation

MAX_PAGES_PER_TRAVERSAL = 40


def reference(ctx: SuiteContext, endpoint: Endpoint, creds: Credentials | None = None) -> Listing:
    """The full offset traversal at the largest page size, shared by the offset properties."""

    def build() -> Listing:
        listing = Listing()
        for page in offset_pages(ctx, endpoint, ctx.max_limit(endpoint), creds):
            listing.extend(page.records, ctx.profile.envelope.id_field)
            listing.counts.add(page.count)
        return listing

    return ctx.reference(endpoint, build, "primary" if creds is None else creds.label)


def _count(ctx: SuiteContext, endpoint: Endpoint) -> int:
    ref = reference(ctx, endpoint)
    reported = [value for value in ref.counts if value is not None]
    return reported[0] if len(reported) == 1 else len(ref)


def _boundaries(ctx: SuiteContext, endpoint: Endpoint, count: int) -> list[int]:
    big = ctx.max_limit(endpoint)
    page = ctx.profile.pagination.max_limit
    points = {0, 1, count - 1, count - 2, page - 1, page, page + 1, big - 1, big, count // 2, count - big}
    return sorted(point for point in points if 0 <= point < count)


def _window_mismatch(page: Page, expected: list[tuple[str, int]], id_field: str) -> str | None:
    got = fingerprints(page.records, id_field)
    if got == expected:
        return None
    if len(got) != len(expected):
        return f"returned {len(got)} records where the window holds {len(expected)}"
    for position, (have, want) in enumerate(zip(got, expected, strict=True)):
        if have[0] != want[0]:
            return f"record {position} of the page is {have[0]}, the traversal has {want[0]} there"
        if have[1] != want[1]:
            return f"record {want[0]} differs in content from the same record in the traversal"
    return "page differs from the traversal"


def page_window(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ref = reference(ctx, endpoint)
    count = _count(ctx, endpoint)
    cap = ctx.max_limit(endpoint)
    id_field = ctx.profile.envelope.id_field
    span = ctx.offset_span(endpoint, count)  # under --max-records only the first records are known

    def check(example: tuple[int, int]) -> None:
        offset, limit = example
        page = fetch_offset_page(ctx, endpoint, offset, limit)
        if span < count:  # compare the part of the page that lies inside the window
            page = replace(page, records=page.records[: max(0, span - offset)])
        expected = ref.window(offset, offset + min(limit, cap))
        problem = _window_mismatch(page, expected, id_field)
        if problem:
            raise Violation(
                f"offset={offset} limit={limit}: {problem}",
                [page.exchange],
                expected=f"records [{offset}, {offset + min(limit, cap)}) of a full traversal (A11, F7)",
            )

    points = _boundaries(ctx, endpoint, span)
    explicit = [(point, limit) for point in points for limit in (1, 3)] + [(0, cap), (max(0, span - 5), 10)]
    offsets = st.one_of(st.sampled_from(points or [0]), st.integers(0, max(0, span - 1)))
    limits = st.one_of(st.integers(1, 20), st.integers(1, cap))
    ran = check_examples(
        check,
        explicit,
        st.tuples(offsets, limits),
        max_examples=ctx.max_examples,
        seed_value=ctx.seed_for("page_window", endpoint.path),
    )
    return {"windows_checked": ran, "count": count}


def _traverse(ctx: SuiteContext, endpoint: Endpoint, size: int) -> tuple[list[str], list[Page]]:
    pages = list(offset_pages(ctx, endpoint, size))
    ids = [str(record.get(ctx.profile.envelope.id_field)) for page in pages for record in page.records]
    return ids, pages


def _page_sizes(
    ctx: SuiteContext, endpoint: Endpoint, count: int
) -> tuple[list[int], st.SearchStrategy[int]]:
    cap = ctx.max_limit(endpoint)
    smallest = max(1, -(-count // MAX_PAGES_PER_TRAVERSAL))
    explicit = sorted(
        {
            min(cap, max(smallest, size))
            for size in (ctx.profile.pagination.max_limit, smallest, -(-count // 7) + 1)
        }
    )
    return explicit, st.integers(min(smallest, cap), cap)


def partition(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ref = reference(ctx, endpoint)
    count = _count(ctx, endpoint)
    span = ctx.offset_span(endpoint, count)  # under --max-records: the first records, at every page size
    reference_ids = set(ref.ids)

    def check(size: int) -> None:
        ids, pages = _traverse(ctx, endpoint, size)
        repeated = duplicates(ids)
        if repeated:
            raise Violation(
                f"page size {size}: {len(repeated)} record(s) returned twice, e.g. {repeated[0]}",
                [pages[-1].exchange],
                expected="each record exactly once (A11)",
            )
        if len(ids) != span:
            raise Violation(
                f"page size {size}: traversal yields {len(ids)} records, count says {count}"
                + (f" (window of {span})" if span < count else ""),
                [pages[-1].exchange],
                expected="a traversal of exactly `count` records (F5)",
            )
        missing = reference_ids - set(ids)
        if missing or len(reference_ids) != len(ref.ids):
            sample = sorted(missing)[:1] or duplicates(ref.ids)[:1]
            raise Violation(
                f"page size {size}: the traversals at different page sizes disagree, e.g. on {sample}",
                [pages[-1].exchange],
                expected="the same records whatever the page size (A11)",
            )

    explicit, sizes = _page_sizes(ctx, endpoint, span)
    ran = check_examples(
        check,
        explicit,
        sizes,
        max_examples=min(3, ctx.max_examples),
        seed_value=ctx.seed_for("partition", endpoint.path),
    )
    return {"page_sizes_checked": ran, "count": count}


def count_consistent(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ref = reference(ctx, endpoint)
    if len(ref.counts) != 1 or None in ref.counts:
        raise Violation(
            f"pages of one traversal report different counts: {sorted(map(str, ref.counts))}",
            expected="the same `count` on every page (F5)",
        )
    (count,) = ref.counts
    assert count is not None  # a None count is the violation above
    if ctx.offset_span(endpoint, count) != len(ref):
        raise Violation(
            f"count is {count} but a {'full' if ctx.record_window is None else 'windowed'} traversal "
            f"yields {len(ref)} records",
            expected="`count` equal to the traversal length (F5)",
        )

    def check(example: tuple[int, int]) -> None:
        offset, limit = example
        page = fetch_offset_page(ctx, endpoint, offset, limit)
        if page.count != count:
            raise Violation(
                f"offset={offset} limit={limit}: count is {page.count}, elsewhere {count}",
                [page.exchange],
                expected="`count` independent of limit and offset (F5)",
            )

    explicit = [(0, 1), (0, 2), (max(0, count - 1), 1), (count, 1), (count // 2, 5)]
    strategy = st.tuples(st.integers(0, count + 2), st.integers(1, ctx.max_limit(endpoint)))
    check_examples(
        check,
        explicit,
        strategy,
        max_examples=max(5, ctx.max_examples // 3),
        seed_value=ctx.seed_for("count", endpoint.path),
    )
    return {"count": count}


def deterministic(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    count = _count(ctx, endpoint)
    id_field = ctx.profile.envelope.id_field

    def check(example: tuple[int, int]) -> None:
        offset, limit = example
        first = fetch_offset_page(ctx, endpoint, offset, limit)
        second = fetch_offset_page(ctx, endpoint, offset, limit)
        if fingerprints(first.records, id_field) != fingerprints(second.records, id_field):
            raise Violation(
                f"offset={offset} limit={limit}: the same request returned different pages",
                [first.exchange, second.exchange],
                expected="a stable total order (A11)",
            )

    explicit = [(0, ctx.max_limit(endpoint)), (max(0, count // 2 - 50), 100)]
    strategy = st.tuples(st.integers(0, max(0, count - 1)), st.integers(1, 200))
    check_examples(
        check,
        explicit,
        strategy,
        max_examples=max(5, ctx.max_examples // 3),
        seed_value=ctx.seed_for("deterministic", endpoint.path),
    )
    return {}


def limit_respected(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    count = _count(ctx, endpoint)
    cap = ctx.max_limit(endpoint)
    largest: list[int] = [0]

    def check(example: tuple[int, int | None]) -> None:
        offset, limit = example
        page = fetch_offset_page(ctx, endpoint, offset, limit)
        asked = ctx.profile.pagination.default_limit if limit is None else limit
        want = max(0, min(asked, cap, count - offset))
        largest[0] = max(largest[0], len(page.records))
        if len(page.records) != want:
            shown = "omitted" if limit is None else str(limit)
            raise Violation(
                f"offset={offset} limit={shown}: {len(page.records)} records, expected {want}",
                [page.exchange],
                expected=f"min(limit, {cap}, count - offset) records (A11, A6, A16)",
            )

    explicit: list[tuple[int, int | None]] = [
        (0, None),
        (0, 1),
        (0, cap),
        (0, cap + 1),
        (0, 10 * cap),
        (0, 1_000_000),
        (max(0, count - 3), cap),
    ]
    strategy = st.tuples(st.integers(0, count), st.one_of(st.none(), st.integers(1, 4 * cap)))
    check_examples(
        check,
        explicit,
        strategy,
        max_examples=max(5, ctx.max_examples // 3),
        seed_value=ctx.seed_for("limit", endpoint.path),
    )
    ctx.observe(f"offset.largest_page{endpoint.path}", largest[0])
    return {"largest_page": largest[0], "maximum": cap}


def past_end(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    count = _count(ctx, endpoint)
    pag = ctx.profile.pagination
    status = pag.past_end_status
    for offset in (count, count + 1, count + 1000, count + 10**6):
        exchange = ctx.call(endpoint, [(pag.offset_param, offset)])
        ctx.observe_status("offset_past_end", exchange.status)
        window = pag.max_result_window
        if window and offset + pag.default_limit > window and exchange.status == pag.invalid_param_status:
            ctx.note_result_window(endpoint, window)  # A12: refusing past the window is allowed
            continue
        if exchange.status != status:
            raise Violation(
                f"offset={offset} (count {count}): status {exchange.status}",
                [exchange],
                expected=f"{status} (A11)",
            )
        if status == 200 and (envelope.records(exchange, ctx.profile) != []):
            raise Violation(
                f"offset={offset} (count {count}): expected empty data",
                [exchange],
                expected="200 with empty data (A11)",
            )
    return {"count": count}


INVALID_LIMITS: list[str] = ["0", "-1", "-100", "abc", "1.5", "ten"]
INVALID_OFFSETS: list[str] = ["-1", "abc", "0.5", "-100"]
# Beyond 64 bits: rejected (the mock, CONTRACT.md) or clamped / past the end (A11 read literally).
HUGE_LIMITS: list[str] = [str(2**63), "1" + "0" * 30]
HUGE_OFFSETS: list[str] = [str(2**64), "1" + "0" * 30]
# Accepted by some parsers ("1e3" is 1000 to JavaScript's Number): observed, never judged but for 5xx.
LENIENT: list[str] = ["1e3", " 5", "05"]


def invalid_params(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ctx.require_control(endpoint)
    pag = ctx.profile.pagination
    status = pag.invalid_param_status
    huge_answers: dict[str, int] = {}

    def check(example: tuple[str, str]) -> None:
        name, value = example
        exchange = ctx.call(endpoint, [(name, value)])
        expect_rejection(ctx, exchange, status, f"invalid {name}={value[:24]!r}", "A11")

    def check_huge(example: tuple[str, str]) -> None:
        name, value = example
        exchange = ctx.call(endpoint, [(name, value)])
        huge_answers[f"{name}={value[:8]}..."] = exchange.status
        if exchange.status == status and not envelope.carries_records(exchange, ctx.profile):
            return
        items = envelope.records(exchange, ctx.profile)
        if exchange.status == 200 and items is not None:
            allowed = ctx.max_limit(endpoint) if name == pag.limit_param else 0
            if len(items) <= allowed:
                return
        raise Violation(
            f"{name}={value[:24]}...: status {exchange.status}",
            [exchange],
            expected=f"{status}, or a 200 page clamped as A11 says; never a 5xx",
        )

    def observe_lenient(value: str) -> None:
        exchange = ctx.call(endpoint, [(pag.limit_param, value)])
        ctx.observe_status(f"limit={value!r}", exchange.status)
        if exchange.status >= 500:
            raise Violation(
                f"limit={value!r}: server error {exchange.status}", [exchange], expected="never a 5xx"
            )

    explicit = [(pag.limit_param, value) for value in INVALID_LIMITS]
    explicit += [(pag.offset_param, value) for value in INVALID_OFFSETS]
    letters = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)
    decimals = st.tuples(st.integers(0, 10**6), st.integers(1, 99)).map(lambda pair: f"{pair[0]}.{pair[1]}")
    negative = st.integers(max_value=-1).map(str)
    strategy = st.tuples(
        st.sampled_from([pag.limit_param, pag.offset_param]), st.one_of(letters, decimals, negative)
    )
    ran = check_examples(
        check,
        explicit,
        strategy,
        max_examples=max(5, ctx.max_examples // 2),
        seed_value=ctx.seed_for("invalid", endpoint.path),
    )
    huge = [(pag.limit_param, value) for value in HUGE_LIMITS] + [
        (pag.offset_param, value) for value in HUGE_OFFSETS
    ]
    ran += check_examples(check_huge, huge)
    ran += check_examples(observe_lenient, LENIENT)
    return {"invalid_values_checked": ran, "huge_values_answered": huge_answers}
