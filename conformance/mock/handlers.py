"""The six v2 operations, as functions from (state, tenant, parameters) to a success body.

Credentials are already checked when these run (A17); each raises ``HttpError`` for a 4xx.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.mock.params import HttpError, parse_deleted
from conformance.mock.scrolls import TooManyScrolls
from conformance.mock.seams import Pageable
from conformance.mock.state import MockState
from conformance.mock.tenants import Tenant

Body = dict[str, Any]
Handler = Callable[[MockState, Tenant, dict[str, str]], Body]

DEFAULT_LIMIT = 100  # A16


def _success(state: MockState, total: int, data: list[dict[str, Any]]) -> Body:
    return {"status": "success", "count": state.seams.count(total, data), "data": state.seams.order(data)}


def list_users(state: MockState, tenant: Tenant, params: dict[str, str]) -> Body:
    """``/users``: offset paging only, ``limit`` clamped to 1,000 (A11), optional ``deleted`` (F5)."""
    deleted = parse_deleted(params)
    seams = state.seams
    limit = seams.clamp_limit(seams.parse_natural(params, "limit", DEFAULT_LIMIT, 1), seams.offset_max_limit)
    offset = seams.parse_natural(params, "offset", 0, 0)
    users: Pageable = (
        state.dataset.collection(tenant.name, "users")
        if deleted is None
        else state.dataset.users(tenant.name).filtered(deleted)
    )
    total = len(users)
    data = state.seams.page(users, offset, offset + limit) if offset < total else []
    return _success(state, total, data)


def find_user(state: MockState, tenant: Tenant, params: dict[str, str]) -> Body:
    """``/users/findById``: ``data`` is one record (F6); another tenant's id is simply not found."""
    user_id = params.get("id")
    if not user_id:
        raise HttpError(400, "id is required")
    record = state.dataset.users(tenant.name).find(user_id)
    if record is None:
        raise HttpError(404, "no user with this id")
    return {"status": "success", "data": record}


def scrollable(endpoint: str, *, takes_offset: bool) -> Handler:
    """A scroll-capable operation (F8, F11); ``/visits`` is scroll only, so it ignores ``offset``."""

    def handle(state: MockState, tenant: Tenant, params: dict[str, str]) -> Body:
        if "scrollId" in params:
            return _continue(state, tenant, endpoint, params)
        seams = state.seams
        limit = seams.clamp_limit(seams.parse_natural(params, "limit", DEFAULT_LIMIT, 1), seams.scroll_cap)
        offset = seams.parse_natural(params, "offset", 0, 0) if takes_offset else 0
        window = state.config.result_window
        if window and takes_offset and offset + limit > window:  # A12, Elasticsearch's max_result_window
            raise HttpError(400, f"result window is too large: offset + limit must be at most {window}")
        collection = state.dataset.collection(tenant.name, endpoint)
        snapshot = len(collection)  # A10: the scroll sees the data as of this call
        start, stop = min(offset, snapshot), min(offset + limit, snapshot)
        try:
            token = state.scrolls.open(tenant.name, endpoint, stop, state.seams.scroll_chunk(limit), snapshot)
        except TooManyScrolls as exc:
            raise HttpError(429, str(exc)) from None
        data = state.seams.page(collection, start, stop) if start < stop else []
        return {**_success(state, snapshot, data), "scrollId": token}

    return handle


def _continue(state: MockState, tenant: Tenant, endpoint: str, params: dict[str, str]) -> Body:
    """Follow a token (F12: ``limit`` and ``offset`` are ignored, not even validated)."""
    seams = state.seams
    seams.check_token(params["scrollId"])
    context = state.scrolls.take(tenant.name, endpoint, params["scrollId"])
    if context is None:
        return seams.unknown_token()
    collection = state.dataset.collection(tenant.name, endpoint)
    end = seams.scroll_end(context.snapshot, len(collection))
    start = context.position
    stop = max(start, min(start + seams.continuation_chunk(context.chunk, params), end))
    data = seams.scroll_page(collection, start, stop) if start < stop else []
    new_token = state.scrolls.reissue(context, stop)
    return {**_success(state, end, data), "scrollId": new_token}


def _routed(path: str, handler: Handler) -> Handler:
    """``handler`` behind the ``route`` seam, where a fault may wrap one path's handler."""

    def handle(state: MockState, tenant: Tenant, params: dict[str, str]) -> Body:
        return state.seams.route(path, handler)(state, tenant, params)

    return handle


_HANDLERS: dict[str, Handler] = {
    "/v2/users": list_users,
    "/v2/users/findById": find_user,
    "/v2/visits": scrollable("visits", takes_offset=False),
    "/v2/connections": scrollable("connections", takes_offset=True),
    "/v2/troubleshooting/auth_error_logs": scrollable("auth_error_logs", takes_offset=True),
    "/v2/troubleshooting/auth_results": scrollable("auth_results", takes_offset=True),
}
ROUTES: dict[str, Handler] = {path: _routed(path, handler) for path, handler in _HANDLERS.items()}
