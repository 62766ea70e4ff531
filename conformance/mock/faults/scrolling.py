"""Faults of scroll caps, chunks, snapshots and tokens."""

from __future__ import annotations

import math
import secrets
from dataclasses import replace

from conformance.mock.data import Record
from conformance.mock.faults import fault
from conformance.mock.faults._helpers import (
    minute_of,
)
from conformance.mock.params import HttpError
from conformance.mock.seams import Body, Pageable, Seams

# -- scroll caps and continuations --------------------------------------------------------------


@fault("scroll.cap", "offset.limit_respected")
def scroll_cap_10000(seams: Seams) -> Seams:
    """Scroll-capable endpoints cap a call at 10,000 records instead of 9,999 (F10).

    The cap was copied from Elasticsearch's ``max_result_window`` default.
    """

    def chunk(effective_limit: int) -> int:
        return min(effective_limit, 10_000)

    return replace(seams, scroll_cap=10_000, scroll_chunk=chunk)


@fault("scroll.ignores_offset_limit")
def limit_honoured_with_scroll_id(seams: Seams) -> Seams:
    """A continuation honours ``limit`` when one is sent with the ``scrollId`` (F12: it must not)."""

    def chunk(context_chunk: int, params: dict[str, str]) -> int:
        raw = params.get("limit", "")
        return min(int(raw), 9_999) if raw.isascii() and raw.isdigit() and int(raw) > 0 else context_chunk

    return replace(seams, continuation_chunk=chunk)


@fault("scroll.traversal", "equivalence.offset_scroll", "scroll.snapshot")
def scroll_chunk_overlap(seams: Seams) -> Seams:
    """Each continuation starts one record early, repeating the previous chunk's last record.

    The cursor stores the index of the last record sent and the next chunk starts *at* it; the
    scroll's very last record is never sent.
    """

    def scroll_page(collection: Pageable, start: int, stop: int) -> list[Record]:
        return collection.slice(max(start - 1, 0), stop - 1)

    return replace(seams, scroll_page=scroll_page)


@fault("scroll.traversal", "equivalence.offset_scroll")
def scroll_search_after_ties(seams: Seams) -> Seams:
    """A continuation skips the records that share a timestamp with the previous chunk's last one.

    The scroll resumes with ``search_after`` on the timestamp alone, strictly after the last
    record sent, so ties cut by a chunk boundary are lost: the scroll misses records offset
    paging returns.
    """

    def scroll_page(collection: Pageable, start: int, stop: int) -> list[Record]:
        records = collection.slice(max(start - 1, 0), stop)
        if start == 0 or not records:
            return records
        last_sent = minute_of(records[0])
        return [record for record in records[1:] if minute_of(record) != last_sent]

    return replace(seams, scroll_page=scroll_page)


@fault("scroll.snapshot")
def scroll_reads_live_data(seams: Seams) -> Seams:
    """Continuations read the live collection: records inserted mid-scroll show up in it (A10)."""

    def scroll_end(snapshot: int, live: int) -> int:
        return live

    return replace(seams, scroll_end=scroll_end)


# -- scroll tokens ------------------------------------------------------------------------------


@fault("scroll.alive_within_ttl")
def scroll_ttl_too_short(seams: Seams) -> Seams:
    """Scroll tokens live one minute, not two (F9): the keep-alive was configured as ``1m``."""

    def ttl(configured: float) -> float:
        return configured / 2

    return replace(seams, scroll_ttl=ttl)


@fault("scroll.expiry")
def scroll_ttl_infinite(seams: Seams) -> Seams:
    """Scroll contexts never expire: the keep-alive is never applied, tokens work forever."""

    def ttl(configured: float) -> float:
        return math.inf

    return replace(seams, scroll_ttl=ttl)


@fault("scroll.alive_within_ttl")
def scroll_ttl_not_renewed(seams: Seams) -> Seams:
    """A continuation's token keeps the first call's expiry instead of a fresh TTL (A7).

    A long scroll then dies two minutes after it started, however fast it is read.
    """
    return replace(seams, renew_ttl=False)


@fault("scroll.traversal")
def old_tokens_replay(seams: Seams) -> Seams:
    """Used tokens are never retired: an old token replays the chunk it already returned (A7).

    Each token is a cursor to its own place; a client that retries with an old token (after a
    timeout, say) receives records twice.
    """
    return replace(seams, retire_tokens=False)


@fault("scroll.expiry", "scroll.invalid_token")
def expired_token_ends_scroll(seams: Seams) -> Seams:
    """An unknown or expired ``scrollId`` answers 200 with empty data, like the end of a scroll (A8).

    A client cannot tell a lost scroll from a finished one, and silently exports half the data.
    """

    def unknown_token() -> Body:
        return {"status": "success", "count": 0, "data": [], "scrollId": secrets.token_urlsafe(32)}

    return replace(seams, unknown_token=unknown_token)


@fault("scroll.invalid_token")
def malformed_token_500(seams: Seams) -> Seams:
    """A malformed ``scrollId`` crashes the token decoder: 500 instead of 400 (A8)."""
    inner = seams.check_token

    def check_token(token: str) -> None:
        try:
            inner(token)
        except HttpError:
            raise HttpError(500, "internal server error") from None

    return replace(seams, check_token=check_token)


@fault("auth.scroll_token_binding")
def scroll_token_unbound(seams: Seams) -> Seams:
    """A scroll token works for any tenant's credentials: tokens are not bound to their tenant (A13)."""
    return replace(seams, bind_tokens=False)
