"""The only network I/O of the suite: a read-only, polite HTTP client for a v2 target.

Read-only by construction: there is no way to ask it for anything but GET, and an httpx event
hook refuses any other method before it leaves the process. Polite: a request-rate limit,
backoff with jitter on 429/502/503/504 and connection errors, honouring ``Retry-After``.
When retries run out the call raises ``TransportTrouble``, which properties report as
inconclusive, never as a failure.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from conformance.exchange import Exchange
from conformance.redaction import ParamValue, Sensitive

RETRY_STATUSES = frozenset({429, 502, 503, 504})


class TransportTrouble(Exception):
    """No trustworthy answer: retries ran out, the connection failed, or a budget was spent."""


class ReadOnlyViolation(RuntimeError):
    """Something tried to send a method other than GET."""


def _refuse_non_get(request: httpx.Request) -> None:
    if request.method != "GET":
        raise ReadOnlyViolation(f"refused to send {request.method}: the suite is read-only")


@dataclass(frozen=True)
class Politeness:
    max_rps: float | None = None  # None: unlimited (the embedded mock)
    retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    timeout: float = 30.0
    max_requests: int | None = None


class RateLimiter:
    """Spaces request starts at least ``1/max_rps`` apart (thread-safe)."""

    def __init__(self, max_rps: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / max_rps if max_rps else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock = clock

    def wait(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            time.sleep(start - now)


def retry_after_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP-date: fall back to our own backoff


class V2Client:
    """Sends GETs to ``base_url`` and returns ``Exchange`` records."""

    def __init__(
        self,
        base_url: str,
        politeness: Politeness | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        verify: bool | str = True,
        on_exchange: Callable[[Exchange], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.politeness = politeness or Politeness()
        self._limiter = RateLimiter(self.politeness.max_rps)
        self._on_exchange = on_exchange
        self._sleep = sleep
        self._random = random.Random(0)
        self.requests_sent = 0
        self._http = httpx.Client(
            transport=transport,
            verify=verify,
            timeout=self.politeness.timeout,
            follow_redirects=False,
            event_hooks={"request": [_refuse_non_get]},
            headers={"user-agent": "c4w-conformance", "accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def get(
        self, path: str, params: Sequence[tuple[str, ParamValue]] = (), *, idempotent: bool = True
    ) -> Exchange:
        """GET ``path``; ``idempotent=False`` (a scroll continuation) is never retried blindly.

        A continuation that failed after reaching the server may have moved the cursor, so a
        retry could skip a chunk and look like a violation: it is reported as trouble instead.
        """
        params = list(params)
        wire: list[tuple[str, str | int | float | bool | None]] = [
            (name, value.actual if isinstance(value, Sensitive) else str(value)) for name, value in params
        ]
        attempt = 0
        while True:
            self._check_budget()
            self._limiter.wait()
            self.requests_sent += 1
            started = time.monotonic()
            try:
                response = self._http.get(self.base_url + path, params=wire)
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__} on GET {path}"
                if not idempotent and not isinstance(exc, httpx.ConnectError):
                    raise TransportTrouble(f"{reason}; a scroll call is not retried blindly") from None
                if attempt >= self.politeness.retries:
                    raise TransportTrouble(f"{reason} after {attempt + 1} attempts") from None
                self._sleep(self._backoff(attempt, None))
                attempt += 1
                continue
            exchange = Exchange(
                base_url=self.base_url,
                path=path,
                params=params,
                status=response.status_code,
                body=response.content,
                elapsed=time.monotonic() - started,
                headers={key.lower(): value for key, value in response.headers.items()},
            )
            if self._on_exchange is not None:
                self._on_exchange(exchange)
            if response.status_code not in RETRY_STATUSES:
                return exchange
            if response.status_code != 429 and not idempotent:
                raise TransportTrouble(
                    f"target answered {response.status_code} to a scroll call; not retried blindly"
                )
            if attempt >= self.politeness.retries:
                raise TransportTrouble(
                    f"target answered {response.status_code} on GET {path} after {attempt + 1} attempts"
                )
            self._sleep(self._backoff(attempt, retry_after_seconds(response.headers.get("retry-after"))))
            attempt += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return float(min(retry_after, self.politeness.backoff_max * 4))
        ceiling: float = min(self.politeness.backoff_max, self.politeness.backoff_base * 2.0**attempt)
        return ceiling / 2 + self._random.uniform(0, ceiling / 2)

    def _check_budget(self) -> None:
        budget = self.politeness.max_requests
        if budget is not None and self.requests_sent >= budget:
            raise TransportTrouble(f"request budget of {budget} spent (--max-requests)")
