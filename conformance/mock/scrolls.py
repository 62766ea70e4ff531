"""Open scroll contexts: who may continue which scroll, from where, until when.

Kept per tenant, so a token is simply unknown to anyone but its owner (A13) and a foreign caller
cannot disturb it. The TTL is one constant, so insertion order is expiry order: expired contexts
are purged from the front of an insertion-ordered dict, in time proportional to what expires.
"""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass, replace

from conformance.mock.clock import Clock

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def well_formed(token: str) -> bool:
    return TOKEN_SHAPE.fullmatch(token) is not None


@dataclass(slots=True)
class ScrollContext:
    """Where a scroll stands; small on purpose (a tenant may hold 10,000 of them)."""

    tenant: str
    endpoint: str
    position: int  # index of the next record to return
    chunk: int  # records per continuation (the first call's effective limit, A5/A6)
    snapshot: int  # collection length at the first call (A10)
    expires_at: float


class TooManyScrolls(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"too many open scroll contexts (limit {limit})")


class ScrollStore:
    """Tokens to contexts on an injectable clock; ``retire``, ``bind_tenant``, ``renew_ttl`` are seams."""

    def __init__(
        self,
        clock: Clock,
        ttl: float,
        max_per_tenant: int,
        *,
        retire: bool = True,
        bind_tenant: bool = True,
        renew_ttl: bool = True,
    ) -> None:
        self.clock, self.ttl, self.max_per_tenant = clock, ttl, max_per_tenant
        self.retire, self.bind_tenant, self.renew_ttl = retire, bind_tenant, renew_ttl
        self._open: dict[str, dict[str, ScrollContext]] = {}
        self._lock = threading.Lock()

    def open(self, tenant: str, endpoint: str, position: int, chunk: int, snapshot: int) -> str:
        """Start a scroll; raises ``TooManyScrolls`` when the tenant holds the maximum."""
        with self._lock:
            live = self._purged(tenant)
            if len(live) >= self.max_per_tenant:
                raise TooManyScrolls(self.max_per_tenant)
            context = ScrollContext(tenant, endpoint, position, chunk, snapshot, self.clock.now() + self.ttl)
            return self._issue(live, context)

    def take(self, tenant: str, endpoint: str, token: str) -> ScrollContext | None:
        """The live context of ``token`` for this tenant and endpoint, retired; None if unknown."""
        with self._lock:
            now = self.clock.now()
            for owner in [tenant] if self.bind_tenant else list(self._open):
                live = self._purged(owner)
                context = live.get(token)
                # the expiry check matters only when a fault stops TTLs renewing (order != expiry)
                if context is None or context.endpoint != endpoint or context.expires_at <= now:
                    continue
                if self.retire:
                    del live[token]
                return context
            return None

    def reissue(self, context: ScrollContext, position: int) -> str:
        """A fresh token with a fresh TTL (A7) for ``context`` moved on to ``position``.

        The new token gets a copy: a token that was not retired (a fault) keeps its own place.
        """
        with self._lock:
            expires_at = self.clock.now() + self.ttl if self.renew_ttl else context.expires_at
            moved = replace(context, position=position, expires_at=expires_at)
            return self._issue(self._purged(context.tenant), moved)

    def live_count(self, tenant: str) -> int:
        with self._lock:
            return len(self._purged(tenant))

    def clear(self) -> None:
        with self._lock:
            self._open.clear()

    def _issue(self, live: dict[str, ScrollContext], context: ScrollContext) -> str:
        token = secrets.token_urlsafe(32)
        live[token] = context
        return token

    def _purged(self, tenant: str) -> dict[str, ScrollContext]:
        live = self._open.setdefault(tenant, {})
        now = self.clock.now()
        while live:
            token = next(iter(live))
            if live[token].expires_at > now:
                break
            del live[token]
        return live
