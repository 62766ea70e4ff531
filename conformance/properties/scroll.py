"""Scroll properties (F8-F12, A4-A10): caps, traversal, ignored offset/limit, bad tokens, snapshot."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from conformance import envelope
from conformance.context import SuiteContext
from conformance.generation import check_examples
from conformance.properties.base import Observed
from conformance.records import duplicates, fingerprints
from conformance.redaction import Sensitive, token_shown
from conformance.spec import Endpoint
from conformance.traversal import Page, continue_scroll, read_page, scroll_chunks, start_scroll
from conformance.verdicts import NotApplicable, Violation

CHUNKS_FOLLOWED_FOR_CAP = 2
MAX_CHUNKS_PER_TRAVERSAL = 30


def cap(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    limit_cap = ctx.profile.scroll.cap
    largest = 0
    count = 0
    for limit in (limit_cap, limit_cap + 1, 100 * limit_cap, None):
        pages = scroll_chunks(ctx, endpoint, limit)
        for index, page in enumerate(pages):
            count = page.count or count
            largest = max(largest, len(page.records))
            if len(page.records) > limit_cap:
                raise Violation(
                    f"limit={limit}: a chunk of {len(page.records)} records",
                    [page.exchange],
                    expected=f"at most {limit_cap} records per iteration (F10, A6)",
                )
            if index >= CHUNKS_FOLLOWED_FOR_CAP:
                break
    ctx.observe(f"scroll.largest_chunk{endpoint.path}", largest)
    observed: Observed = {"largest_chunk": largest, "cap": limit_cap, "count": count}
    if count <= limit_cap:
        observed["message"] = f"the cap is not exercised: count {count} <= {limit_cap}"
    return observed


def _traverse(ctx: SuiteContext, endpoint: Endpoint, limit: int) -> tuple[list[str], list[Page]]:
    pages = list(scroll_chunks(ctx, endpoint, limit))
    ids = [str(record.get(ctx.profile.envelope.id_field)) for page in pages for record in page.records]
    return ids, pages


def traversal(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    scroll = ctx.profile.scroll
    baseline: list[set[str]] = []
    tokens_changed: list[bool] = []

    def check(limit: int) -> None:
        ids, pages = _traverse(ctx, endpoint, limit)
        count = pages[0].count
        last = pages[-1].exchange
        span = count if count is None else ctx.window_size(count)
        windowed = span != count
        if windowed:
            ids = ids[:span]  # --max-records: the walk stopped at the window; judge the window
        repeated = duplicates(ids)
        if repeated:
            raise Violation(
                f"chunk size {limit}: {len(repeated)} record(s) returned twice, e.g. {repeated[0]}",
                [last],
                expected="each record exactly once (F8, A5)",
            )
        if span is not None and len(ids) != span:
            raise Violation(
                f"chunk size {limit}: the scroll yields {len(ids)} records, count says {count}",
                [last],
                expected="every record of the snapshot, then an empty chunk (A9, A10)",
            )
        if scroll.end_is_empty_data and pages[-1].records and not windowed:
            raise Violation(
                f"chunk size {limit}: the scroll ended without an empty chunk",
                [last],
                expected="an empty data array at the end (A9)",
            )
        tokens = [page.token for page in pages if page.token]
        tokens_changed.append(len(set(tokens)) == len(tokens))
        if baseline and set(ids) != baseline[0]:
            raise Violation(
                f"chunk size {limit}: a different set of records than another chunk size",
                [last],
                expected="the same records whatever the chunk size (F8)",
            )
        baseline.append(set(ids))

    first = start_scroll(ctx, endpoint, 1)
    count = first.count or 0
    span = ctx.window_size(count)
    smallest = max(1, -(-span // MAX_CHUNKS_PER_TRAVERSAL))
    explicit = sorted({scroll.cap, max(smallest, -(-span // 9) + 1)})
    check_examples(
        check,
        explicit,
        st.integers(smallest, scroll.cap),
        max_examples=min(2, ctx.max_examples),
        seed_value=ctx.seed_for("scroll.traversal", endpoint.path),
    )
    old_token_status = _old_token_replays(ctx, endpoint)
    every_call_new = all(tokens_changed)
    ctx.observe("scroll.token_changes_every_call", every_call_new)
    if scroll.token_changes and not every_call_new:
        return {
            "count": count,
            "token_changes": False,
            "used_token_status": old_token_status,
            "message": "tokens did not change on every call (A7 says they do; observed, not judged)",
        }
    return {"count": count, "token_changes": every_call_new, "used_token_status": old_token_status}


def _old_token_replays(ctx: SuiteContext, endpoint: Endpoint) -> int | None:
    """Follow a token, then send it again: it may be refused or continue, never replay (A7, A8).

    Only the newest token is guaranteed to work (A7); a used one that still answers must not
    hand out records the scroll already returned, or a client retrying after a timeout
    receives them twice.
    """
    first = start_scroll(ctx, endpoint, 1)
    if first.token is None or not first.records:
        return None
    followed = read_page(ctx, continue_scroll(ctx, endpoint, first.token))
    if followed.token == first.token:
        return None  # the token does not change: sending it again is simply the next call
    again = continue_scroll(ctx, endpoint, first.token)
    ctx.observe_status("scroll_used_token", again.status)
    id_field = ctx.profile.envelope.id_field
    returned = {str(record.get(id_field)) for record in first.records + followed.records}
    replayed = [
        str(record.get(id_field))
        for record in envelope.records(again, ctx.profile) or []
        if str(record.get(id_field)) in returned
    ]
    if replayed:
        raise Violation(
            f"a used token, sent again, replayed {len(replayed)} record(s) already returned, "
            f"e.g. {replayed[0]}",
            [followed.exchange, again],
            expected="a used token is refused (A8) or continues the scroll; it never repeats a chunk (A7)",
        )
    return again.status


def ignores_offset_limit(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    pag = ctx.profile.pagination
    chunk = 7
    plain_first = start_scroll(ctx, endpoint, chunk)
    if plain_first.token is None or not plain_first.records:
        return {"message": "no records to scroll"}
    plain = read_page(ctx, continue_scroll(ctx, endpoint, plain_first.token))
    id_field = ctx.profile.envelope.id_field
    expected = fingerprints(plain.records, id_field)
    count = plain_first.count or 0

    def check(example: tuple[str, str]) -> None:
        offset, limit = example
        first = start_scroll(ctx, endpoint, chunk)
        if first.token is None:
            raise Violation("no token on a fresh scroll", [first.exchange], expected="a scrollId (A4, A5)")
        extra: list[tuple[str, str | int | Sensitive]] = [
            (pag.offset_param, offset),
            (pag.limit_param, limit),
        ]
        exchange = continue_scroll(ctx, endpoint, first.token, extra=extra)
        page = read_page(ctx, exchange)
        if fingerprints(page.records, id_field) != expected:
            raise Violation(
                f"offset={offset} limit={limit} with a scrollId changed the chunk "
                f"({len(page.records)} records instead of {len(expected)})",
                [plain.exchange, exchange],
                expected="offset and limit ignored with a scrollId (F12)",
            )

    # Valid numbers only: a target may validate offset/limit before it reads the token.
    explicit = [("0", "1"), (str(count // 2), "500"), ("0", str(ctx.profile.scroll.cap)), (str(count), "2")]
    numbers = st.integers(0, max(1, count)).map(str)
    strategy = st.tuples(numbers, st.integers(1, 2 * ctx.profile.scroll.cap).map(str))
    ran = check_examples(
        check,
        explicit,
        strategy,
        max_examples=max(4, ctx.max_examples // 4),
        seed_value=ctx.seed_for("ignores", endpoint.path),
    )
    return {"combinations_checked": ran}


def forge(token: str) -> str:
    """A token of the same shape as a real one: its last character swapped for another it uses.

    Staying inside the token's own alphabet keeps the forgery well-formed whatever the target's
    token format (hex, base64, ...), so it tests lookup, not parsing.
    """
    last = token[-1]
    others = sorted(set(token) - {last}) or sorted(set(string.ascii_letters) - {last})
    return token[:-1] + others[0]


def invalid_token(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    ctx.require_control(endpoint)
    scroll = ctx.profile.scroll
    page = start_scroll(ctx, endpoint, 1)
    real = page.token or "A" * 43
    forged = forge(real)
    statuses: dict[str, int] = {}

    def check(example: tuple[str, str]) -> None:
        kind, value = example
        exchange = (
            continue_scroll(ctx, endpoint, value) if value else ctx.call(endpoint, [(scroll.token_param, "")])
        )
        statuses[kind] = exchange.status
        ctx.observe_status(f"scroll_token_{kind}", exchange.status)
        if exchange.status >= 500 or not 400 <= exchange.status < 500:
            raise Violation(
                f"{kind} token {token_shown(value)!r}: status {exchange.status}",
                [exchange],
                expected=f"a 4xx (A8: {scroll.unknown_status} unknown, {scroll.malformed_status} malformed)",
            )
        if envelope.carries_records(exchange, ctx.profile):
            raise Violation(f"{kind} token: records returned", [exchange], expected="no records (A8)")
        if kind == "forged" and exchange.status not in (scroll.unknown_status, scroll.malformed_status):
            raise Violation(
                f"a forged token of the right shape got {exchange.status}",
                [exchange],
                expected=f"{scroll.unknown_status} (A8; {scroll.malformed_status} if it looks malformed)",
            )

    explicit = [
        ("forged", forged),
        ("truncated", real[: len(real) // 2]),
        ("extended", real + "x"),
        ("garbage", "not-a-token"),
        ("symbols", "%%%$$$"),
        ("long", "A" * 5000),
        ("unicode", "é" * 43),
    ]
    strategy = st.tuples(st.just("generated"), st.text(min_size=1, max_size=80))
    check_examples(
        check,
        explicit,
        strategy,
        max_examples=max(4, ctx.max_examples // 3),
        seed_value=ctx.seed_for("token", endpoint.path),
    )
    return {"statuses": statuses}


SNAPSHOT_INSERTS = 25


def snapshot(ctx: SuiteContext, endpoint: Endpoint) -> Observed:
    """A10 on a target the suite controls: records inserted mid-scroll stay out of it."""
    if ctx.mock is None:
        raise NotApplicable("needs a target the suite can insert records into (the embedded mock)")
    if not ctx.profile.scroll.snapshot:
        raise NotApplicable("the profile says scrolls are not snapshots (scroll.snapshot = false)")
    id_field = ctx.profile.envelope.id_field
    first = start_scroll(ctx, endpoint, ctx.profile.scroll.cap)
    before = first.count or 0
    ids = [str(record.get(id_field)) for record in first.records]
    ctx.mock.insert_records(endpoint.path, SNAPSHOT_INSERTS)
    page = first
    while page.records and page.token:
        page = read_page(ctx, continue_scroll(ctx, endpoint, page.token))
        ids.extend(str(record.get(id_field)) for record in page.records)
        if page.count is not None and page.count != before:
            raise Violation(
                f"count moved from {before} to {page.count} inside one scroll",
                [page.exchange],
                expected="a scroll sees the data as of its first call (A10)",
            )
    if len(ids) != before or duplicates(ids):
        raise Violation(
            f"a scroll started at {before} records yielded {len(ids)} after {SNAPSHOT_INSERTS} inserts",
            [page.exchange],
            expected="a scroll sees the data as of its first call (A10)",
        )
    after = start_scroll(ctx, endpoint, 1)
    if after.count != before + SNAPSHOT_INSERTS:
        raise Violation(
            f"a scroll started after the inserts counts {after.count}, expected {before + SNAPSHOT_INSERTS}",
            [after.exchange],
            expected="new scrolls see new data (A10)",
        )
    return {"records_before": before, "inserted": SNAPSHOT_INSERTS}
