"""Faults of offset paging, counts and parameter parsing."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from conformance.mock.data import PER_MINUTE, Record
from conformance.mock.faults import fault
from conformance.mock.faults._helpers import (
    AUTH_RESULTS,
    OFFSET_PATHS,
    minute_of,
    on_paths,
)
from conformance.mock.params import INT64_MAX, HttpError, parse_natural
from conformance.mock.seams import Body, Handler, Pageable, Seams
from conformance.mock.tenants import Tenant

# -- offset paging ------------------------------------------------------------------------------


@fault("offset.page_window", "offset.limit_respected", "scroll.traversal", "equivalence.offset_scroll")
def page_end_inclusive(seams: Seams) -> Seams:
    """Pages hold limit + 1 records: the look-ahead row is not trimmed.

    The server fetches one row more than asked to know whether a next page exists, and returns
    it. Offset walks that advance by what they got still see every record; a page judged against
    its window, or a scroll whose first page overlaps the first continuation, does not.
    """

    def page(collection: Pageable, start: int, stop: int) -> list[Record]:
        return collection.slice(start, stop + 1)

    return replace(seams, page=page)


@fault("offset.page_window", "offset.partition", "offset.limit_respected", "equivalence.offset_scroll")
def offset_one_based(seams: Seams) -> Seams:
    """``offset`` is read as 1-based (and 0 as 1): each page repeats the previous page's last record.

    A classic off-by-one at page boundaries: ``skip = max(offset - 1, 0)``.
    """

    def page(collection: Pageable, start: int, stop: int) -> list[Record]:
        first = max(start - 1, 0)
        return collection.slice(first, first + stop - start)

    return replace(seams, page=page)


DEEP_OFFSET = 10_000


@fault("offset.page_window", "offset.partition", "equivalence.offset_scroll")
def deep_offset_skips_one(seams: Seams) -> Seams:
    """Past offset 10,000 every page starts one record late, so one record is never served.

    Beyond Elasticsearch's default result window the server switches to a ``search_after``
    cursor seeded with the record *at* ``offset`` and reads strictly after it. Only a collection
    larger than 10,000 records (``/connections`` in the default mock) shows it.
    """

    def page(collection: Pageable, start: int, stop: int) -> list[Record]:
        shift = 1 if start >= DEEP_OFFSET else 0
        return collection.slice(start + shift, stop + shift)

    return replace(seams, page=page)


@fault("offset.deterministic", "offset.page_window", "offset.partition", "scroll.traversal")
def ties_unstable(seams: Seams) -> Seams:
    """Records sharing a timestamp come back in a different order on every query.

    The query orders by time only, without the ``id`` tie-breaker (A11), and the database
    returns ties in whatever order its plan produces. Pages cut through a group of ties may
    then repeat one record and miss another; the same request may return a different page.
    """
    rng = random.Random(0)  # per mock: the fault is reproducible from the request sequence

    def page(collection: Pageable, start: int, stop: int) -> list[Record]:
        low = max(start - (PER_MINUTE - 1), 0)
        window = collection.slice(low, stop + PER_MINUTE - 1)
        shuffled: list[Record] = []
        group: list[Record] = []
        for record in [*window, None]:
            if record is None or (group and minute_of(record) != minute_of(group[0])):
                rng.shuffle(group)
                shuffled.extend(group)
                group = []
            if record is not None:
                group.append(record)
        return shuffled[start - low : stop - low]

    return replace(seams, page=page, scroll_page=page)


@fault("offset.limit_respected")
def limit_unclamped(seams: Seams) -> Seams:
    """``/users`` serves any ``limit`` in full: the 1,000 maximum is in the documentation only."""
    return replace(seams, offset_max_limit=INT64_MAX)


@fault("offset.past_end")
def past_end_404(seams: Seams) -> Seams:
    """An ``offset`` at or past ``count`` answers 404 "page not found" instead of 200 with no data."""

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            body = handler(state, tenant, params)
            offset = params.get("offset", "0")
            if "scrollId" not in params and not body["data"] and int(offset or "0") >= body["count"]:
                raise HttpError(404, "page not found")
            return body

        return handle

    return on_paths(seams, OFFSET_PATHS, wrap)


# -- counts -------------------------------------------------------------------------------------


@fault("offset.count_consistent", "scroll.traversal", "scroll.snapshot")
def count_is_page_length(seams: Seams) -> Seams:
    """``count`` is the number of records on the page, not the total matching (F5)."""

    def count(total: int, data: list[Record]) -> int:
        return len(data)

    return replace(seams, count=count)


@fault("offset.count_consistent", "offset.partition", "scroll.traversal")
def count_all_tenants(seams: Seams) -> Seams:
    """``/troubleshooting/auth_results`` counts the records of every tenant, not just the caller's.

    The data query is scoped to the caller's tenant; the ``COUNT(*)`` beside it lacks the filter.
    """

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            body = handler(state, tenant, params)
            body["count"] = sum(len(state.dataset.collection(t.name, "auth_results")) for t in state.tenants)
            return body

        return handle

    return on_paths(seams, (AUTH_RESULTS,), wrap)


# -- parameters ---------------------------------------------------------------------------------


@fault("offset.invalid_params", "schema.no_server_errors")
def non_numeric_param_500(seams: Seams) -> Seams:
    """``limit`` and ``offset`` go through an unguarded ``int()``: a non-numeric value answers 500.

    The framework turns the uncaught ``ValueError`` into an internal server error.
    """

    def parse(params: dict[str, str], name: str, default: int, minimum: int) -> int:
        raw = params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise HttpError(500, "internal server error") from None
        if value < minimum:
            raise HttpError(400, f"{name} must be at least {minimum}")
        return value

    return replace(seams, parse_natural=parse)


@fault("offset.invalid_params")
def huge_param_500(seams: Seams) -> Seams:
    """A ``limit`` or ``offset`` beyond 2^63-1 overflows the database's BIGINT: 500."""

    def parse(params: dict[str, str], name: str, default: int, minimum: int) -> int:
        raw = params.get(name, "")
        if raw.isascii() and raw.isdigit() and int(raw) > INT64_MAX:
            raise HttpError(500, "internal server error")
        return parse_natural(params, name, default, minimum)

    return replace(seams, parse_natural=parse)


@fault("offset.invalid_params")
def invalid_params_422(seams: Seams) -> Seams:
    """Invalid ``limit``/``offset`` values answer 422 (a validation framework's default), not 400."""
    inner = seams.parse_natural

    def parse(params: dict[str, str], name: str, default: int, minimum: int) -> int:
        try:
            return inner(params, name, default, minimum)
        except HttpError as exc:
            raise HttpError(422 if exc.status == 400 else exc.status, exc.message) from None

    return replace(seams, parse_natural=parse)
