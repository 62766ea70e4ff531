"""The mock as an ASGI app: routing and the contract's check order around the handlers.

Checks run in the order CONTRACT.md fixes (A17): unknown path 404, method 405 (HEAD included),
credentials 401, parameters 400. Every response is JSON; an unexpected error while reading a
request is the client's odd input, so it becomes a 400 envelope, never a 5xx.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from conformance.mock.clock import Clock
from conformance.mock.handlers import ROUTES
from conformance.mock.params import HttpError, query_params
from conformance.mock.state import MockConfig, MockState

logger = logging.getLogger(__name__)


def create_app(config: MockConfig, clock: Clock) -> Starlette:
    """The ASGI app; its ``MockState`` (admin hooks) is ``state_of(app)``."""
    state = MockState(config, clock)
    # one catch-all route to a plain ASGI callable: the check order is ours, not the router's
    # (a function endpoint would get GET and HEAD allowed, and a plain-text 404/405)
    app = Starlette(routes=[Route("/{path:path}", _Dispatch(state))])
    app.state.mock = state
    return app


class _Dispatch:
    def __init__(self, state: MockState) -> None:
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = respond(self.state, scope["path"], scope["method"], scope["query_string"])
        await response(scope, receive, send)


def state_of(app: Starlette) -> MockState:
    state: MockState = app.state.mock
    return state


def respond(state: MockState, path: str, method: str, query: bytes) -> Response:
    """The whole request cycle as a plain function of path, method and raw query string."""
    try:
        status, body = 200, handle(state, path, method, query)
    except HttpError as exc:
        status, body = exc.status, state.seams.error_body(exc.status, exc.message)
    except Exception:
        logger.warning("unexpected error reading a request; answered 400", exc_info=True)
        status, body = 400, state.seams.error_body(400, "malformed request")
    headers = {"Allow": "GET"} if status == 405 else None
    return Response(state.seams.serialise(body), status, headers, media_type="application/json")


def handle(state: MockState, path: str, method: str, query: bytes) -> dict[str, Any]:
    handler = ROUTES.get(path)
    if handler is None:
        raise HttpError(404, "unknown resource")
    if method != "GET":
        raise HttpError(405, "method not allowed")
    params = query_params(query)
    api_key, api_secret = params.get("api_key", ""), params.get("api_secret", "")
    if not api_key or not api_secret:
        raise HttpError(401, "missing credentials: api_key and api_secret are required")
    tenant = state.seams.authenticate(state.registry, api_key, api_secret)
    if tenant is None:
        raise HttpError(401, "invalid credentials")
    return handler(state, tenant, params)
