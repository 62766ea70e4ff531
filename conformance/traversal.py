"""The one place that walks a collection: offset pages and scroll chunks, as generators.

Properties consume these and judge; they never page by hand. A page that is not a success
envelope stops the walk with a ``Violation`` carrying the exchange. Walks are bounded by the
``count`` the target reported, so a target that never ends a scroll cannot hang the suite.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

from conformance import envelope, progress
from conformance.context import SuiteContext
from conformance.credentials import Credentials
from conformance.exchange import Exchange
from conformance.redaction import Sensitive, token_shown
from conformance.spec import Endpoint
from conformance.verdicts import BeyondResultWindow, Violation


@dataclass
class Page:
    exchange: Exchange
    records: list[dict[str, Any]]
    count: int | None
    token: str | None


def read_page(ctx: SuiteContext, exchange: Exchange) -> Page:
    """Interpret a response that must be a success page; anything else is a violation."""
    items = envelope.records(exchange, ctx.profile)
    if not envelope.is_success(exchange, ctx.profile) or items is None:
        raise Violation(
            f"expected a 200 success page, got {exchange.status}",
            [exchange],
            expected="200 with the success envelope (A1)",
        )
    return Page(exchange, items, envelope.count(exchange, ctx.profile), envelope.token(exchange, ctx.profile))


def fetch_offset_page(
    ctx: SuiteContext,
    endpoint: Endpoint,
    offset: int | None,
    limit: int | None,
    creds: Credentials | None = None,
) -> Page:
    pag = ctx.profile.pagination
    params: list[tuple[str, str | int | Sensitive]] = []
    if limit is not None:
        params.append((pag.limit_param, limit))
    if offset is not None:
        params.append((pag.offset_param, offset))
    exchange = ctx.call(endpoint, params, creds)
    window = pag.max_result_window
    asked_end = (offset or 0) + (pag.default_limit if limit is None else limit)
    if window and asked_end > window and exchange.status == pag.invalid_param_status:
        ctx.note_result_window(endpoint, window)
        raise BeyondResultWindow(offset or 0, asked_end - (offset or 0), window)
    return read_page(ctx, exchange)


def offset_pages(
    ctx: SuiteContext,
    endpoint: Endpoint,
    page_size: int,
    creds: Credentials | None = None,
    start: int = 0,
    stop: int | None = None,
) -> Iterator[Page]:
    """Pages of ``page_size`` from ``start`` until a short or empty page (or ``stop``).

    ``stop`` and the record window (``ctx.record_window``) bound the walk exactly: the last
    request asks only for the records still wanted, so no page runs past the bound.
    """
    stop = _bounded(stop, ctx.record_window)
    pages = _offset_pages(ctx, endpoint, page_size, creds, start, stop)
    return _tracked(pages, f"{endpoint.path} offset", start, stop)


def _offset_pages(
    ctx: SuiteContext,
    endpoint: Endpoint,
    page_size: int,
    creds: Credentials | None,
    start: int,
    stop: int | None,
) -> Generator[Page, None, None]:
    offset = start
    bound: int | None = None
    while True:
        asked = page_size if stop is None else max(1, min(page_size, stop - offset))
        try:
            page = fetch_offset_page(ctx, endpoint, offset, asked, creds)
        except BeyondResultWindow as refused:
            if offset >= refused.window:
                return  # the result window ends the walk (A12)
            asked = refused.window - offset
            page = fetch_offset_page(ctx, endpoint, offset, asked, creds)
        yield page
        if bound is None and page.count is not None:
            bound = page.count
        offset += len(page.records)
        if not page.records or len(page.records) < asked:
            return
        if stop is not None and offset >= stop:
            return
        if bound is not None and offset >= bound + page_size:
            return  # more records than count said: the judge will see it, do not walk forever


def continue_scroll(
    ctx: SuiteContext,
    endpoint: Endpoint,
    token: str,
    creds: Credentials | None = None,
    extra: list[tuple[str, str | int | Sensitive]] | None = None,
) -> Exchange:
    param = ctx.profile.scroll.token_param
    params: list[tuple[str, str | int | Sensitive]] = [(param, Sensitive(token, token_shown(token)))]
    params.extend(extra or [])
    return ctx.call(endpoint, params, creds, idempotent=False)


def start_scroll(
    ctx: SuiteContext, endpoint: Endpoint, limit: int | None, creds: Credentials | None = None
) -> Page:
    params: list[tuple[str, str | int | Sensitive]] = []
    if limit is not None:
        params.append((ctx.profile.pagination.limit_param, limit))
    page = read_page(ctx, ctx.call(endpoint, params, creds))
    if page.token is None and page.records:
        raise Violation(
            "a scroll-capable endpoint returned no scroll token",
            [page.exchange],
            expected=f"a `{ctx.profile.scroll.token_field}` in the response (A4, A5)",
        )
    return page


def scroll_chunks(
    ctx: SuiteContext,
    endpoint: Endpoint,
    limit: int | None,
    creds: Credentials | None = None,
    max_records: int | None = None,
) -> Iterator[Page]:
    """The first page, then every chunk its token leads to, until an empty chunk (A9).

    ``max_records`` and the record window stop the walk once that many records came; chunks
    are not cut (their size is the target's to choose), so the last one may run past it.
    """
    max_records = _bounded(max_records, ctx.record_window)
    pages = _scroll_chunks(ctx, endpoint, limit, creds, max_records)
    return _tracked(pages, f"{endpoint.path} scroll", 0, max_records)


def _scroll_chunks(
    ctx: SuiteContext,
    endpoint: Endpoint,
    limit: int | None,
    creds: Credentials | None,
    max_records: int | None,
) -> Generator[Page, None, None]:
    page = start_scroll(ctx, endpoint, limit, creds)
    yield page
    seen = len(page.records)
    total = page.count if page.count is not None else 0
    chunk = max(1, len(page.records))
    calls_left = total // chunk + 3
    while page.records and page.token is not None:
        if max_records is not None and seen >= max_records:
            return
        if calls_left <= 0:
            raise Violation(
                f"the scroll did not end after {seen} records (count {total})",
                [page.exchange],
                expected="an empty chunk once every record was returned (A9)",
            )
        calls_left -= 1
        page = read_page(ctx, continue_scroll(ctx, endpoint, page.token, creds))
        seen += len(page.records)
        yield page


def _bounded(bound: int | None, window: int | None) -> int | None:
    return window if bound is None else bound if window is None else min(bound, window)


def _tracked(pages: Generator[Page, None, None], label: str, start: int, stop: int | None) -> Iterator[Page]:
    """Pass ``pages`` through, showing records so far out of ``count`` on a terminal."""
    shown = progress.Tracker(label)
    done = 0
    try:
        for page in pages:
            yield page
            done += len(page.records)
            total = None if page.count is None else max(0, page.count - start)
            if stop is not None:
                total = stop - start if total is None else min(total, stop - start)
            shown.update(done, total)
    finally:
        shown.close()
        pages.close()
