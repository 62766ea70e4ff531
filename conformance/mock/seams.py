"""The places where a fault can change the mock's behaviour, each a small replaceable function.

The mock is correct by default. A fault (``MockConfig.faults``) replaces one seam with a wrong
variant through ``dataclasses.replace``; the registry of named faults (``conformance.mock.faults``)
fills ``FAULTS``. Keeping the seams here, and only here, means a fault never needs an ``if``
inside the request handlers.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from conformance.errors import ConfigError
from conformance.mock.data import Record
from conformance.mock.params import HttpError, parse_natural
from conformance.mock.scrolls import well_formed
from conformance.mock.tenants import Tenant, TenantRegistry

SCROLL_CAP = 9_999  # F10
OFFSET_MAX_LIMIT = 1_000  # A11

Body = dict[str, Any]
# (state, tenant, query parameters) -> success body; the state is a MockState (not imported: a cycle)
Handler = Callable[[Any, Tenant, dict[str, str]], Body]


class Pageable(Protocol):
    def __len__(self) -> int: ...
    def slice(self, start: int, stop: int) -> list[Record]: ...


def authenticate(registry: TenantRegistry, api_key: str, api_secret: str) -> Tenant | None:
    return registry.authenticate(api_key, api_secret)


def clamp_limit(limit: int, maximum: int) -> int:
    return min(limit, maximum)


def page(collection: Pageable, start: int, stop: int) -> list[Record]:
    return collection.slice(start, stop)


def count(total: int, data: list[Record]) -> int:
    return total


def order(data: list[Record]) -> list[Record]:
    return data  # collections are already in (timestamp, id) order


def scroll_chunk(effective_limit: int) -> int:
    return min(effective_limit, SCROLL_CAP)


def continuation_chunk(chunk: int, params: dict[str, str]) -> int:
    return chunk  # F12: with a scrollId, limit and offset are ignored, not even validated


def scroll_end(snapshot: int, live: int) -> int:
    return snapshot  # A10: a scroll never reads past the length it saw at its first call


def scroll_ttl(configured: float) -> float:
    return configured


def check_token(token: str) -> None:
    if not well_formed(token):
        raise HttpError(400, "malformed scrollId")


def unknown_token() -> Body:
    raise HttpError(404, "unknown or expired scrollId")  # A8


def route(path: str, handler: Handler) -> Handler:
    return handler


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"status": "error", "code": status, "message": message}


def serialise(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Seams:
    authenticate: Callable[[TenantRegistry, str, str], Tenant | None] = authenticate
    parse_natural: Callable[[dict[str, str], str, int, int], int] = parse_natural
    offset_max_limit: int = OFFSET_MAX_LIMIT
    scroll_cap: int = SCROLL_CAP
    clamp_limit: Callable[[int, int], int] = clamp_limit
    page: Callable[[Pageable, int, int], list[Record]] = page  # offset pages and first scroll calls
    scroll_page: Callable[[Pageable, int, int], list[Record]] = page  # scroll continuations
    count: Callable[[int, list[Record]], int] = count
    order: Callable[[list[Record]], list[Record]] = order
    scroll_chunk: Callable[[int], int] = scroll_chunk
    continuation_chunk: Callable[[int, dict[str, str]], int] = continuation_chunk
    scroll_end: Callable[[int, int], int] = scroll_end
    scroll_ttl: Callable[[float], float] = scroll_ttl
    check_token: Callable[[str], None] = check_token
    unknown_token: Callable[[], Body] = unknown_token
    retire_tokens: bool = True  # A7: a used token stops working
    bind_tokens: bool = True  # A13: a token belongs to the tenant that opened it
    renew_ttl: bool = True  # A7: each scroll call gives the new token a fresh TTL
    route: Callable[[str, Handler], Handler] = route  # wraps the handler of one path
    error_body: Callable[[int, str], dict[str, Any]] = error_body
    serialise: Callable[[dict[str, Any]], bytes] = serialise


# name -> how that fault alters the correct seams; filled by conformance.mock.faults
FAULTS: dict[str, Callable[[Seams], Seams]] = {}


def unknown_fault(name: str) -> str:
    """The one-line complaint about a fault name that is not registered."""
    close = difflib.get_close_matches(name, FAULTS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown fault {name!r} ({hint}`c4w-conformance faults` lists them)"


def seams_for(faults: frozenset[str]) -> Seams:
    seams = Seams()
    for name in sorted(faults):
        if name not in FAULTS:
            raise ConfigError(unknown_fault(name))
        seams = FAULTS[name](seams)
    return seams
