"""The places where a fault can change the mock's behaviour, each a small replaceable function.

The mock is correct by default. A fault (``MockConfig.faults``) replaces one seam with a wrong
variant through ``dataclasses.replace``; the registry of named faults fills ``FAULTS``. Keeping the
seams here, and only here, means a fault never needs an ``if`` inside the request handlers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from conformance.errors import ConfigError
from conformance.mock.data import Record
from conformance.mock.tenants import Tenant, TenantRegistry

SCROLL_CAP = 9_999  # F10
OFFSET_MAX_LIMIT = 1_000  # A11


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


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"status": "error", "code": status, "message": message}


def serialise(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Seams:
    authenticate: Callable[[TenantRegistry, str, str], Tenant | None] = authenticate
    clamp_limit: Callable[[int, int], int] = clamp_limit
    page: Callable[[Pageable, int, int], list[Record]] = page
    count: Callable[[int, list[Record]], int] = count
    order: Callable[[list[Record]], list[Record]] = order
    scroll_chunk: Callable[[int], int] = scroll_chunk
    retire_tokens: bool = True  # A7: a used token stops working
    bind_tokens: bool = True  # A13: a token belongs to the tenant that opened it
    renew_ttl: bool = True  # A7: each scroll call gives the new token a fresh TTL
    error_body: Callable[[int, str], dict[str, Any]] = error_body
    serialise: Callable[[dict[str, Any]], bytes] = serialise


# name -> how that fault alters the correct seams; filled by the fault registry
FAULTS: dict[str, Callable[[Seams], Seams]] = {}


def seams_for(faults: frozenset[str]) -> Seams:
    seams = Seams()
    for name in sorted(faults):
        if name not in FAULTS:
            known = ", ".join(sorted(FAULTS)) or "none yet"
            raise ConfigError(f"unknown fault {name!r} (known: {known})")
        seams = FAULTS[name](seams)
    return seams
