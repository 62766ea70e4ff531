"""The only network I/O of the suite: a read-only, polite HTTP client for a v2 target.

Read-only by construction: there is no way to ask it for anything but GET, and two guards refuse
any other method before it leaves the process: an httpx event hook on the client, and the
transport itself (for whoever reaches past the client). Polite: a request-rate limit, a cap on
requests in flight, a timeout, backoff with jitter on 429/502/503/504 and connection errors,
honouring ``Retry-After``; a scroll continuation whose failure may have moved the cursor is
retried only with its answer marked, so what follows is vetted (``V2Client.get``). When retries
run out the call raises ``TransportTrouble``, a kind of ``Inconclusive``: properties report it
as inconclusive with the reason, never as a failure.
"""

from __future__ import annotations

import ipaddress
import random
import ssl
import threading
import time
import urllib.request
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from conformance.errors import ConfigError
from conformance.exchange import Exchange
from conformance.redaction import ParamValue, Sensitive
from conformance.verdicts import Inconclusive

RETRY_STATUSES = frozenset({429, 502, 503, 504})
RATE_MARGIN = 1.05
AMBIGUOUS_KEPT = 1000  # answers remembered as coming after an ambiguous scroll retry


class TransportTrouble(Inconclusive):
    """No trustworthy answer: retries ran out, the connection failed, or a budget was spent.

    A kind of ``Inconclusive``, so wherever a check ends because of it the verdict says
    inconclusive with this reason, never failed. ``restartable``: a scroll call failed in a way
    that may have moved its cursor; the target is not to blame, and a check that starts its
    scrolls afresh may be run again (``conformance.drift`` does).
    """

    def __init__(self, message: str, *, restartable: bool = False) -> None:
        super().__init__(message)
        self.restartable = restartable


class ReadOnlyViolation(RuntimeError):
    """Something tried to send a method other than GET."""


def _refuse_non_get(request: httpx.Request) -> None:
    if request.method != "GET":
        raise ReadOnlyViolation(f"refused to send {request.method}: the suite is read-only")


class GetOnlyTransport(httpx.BaseTransport):
    """Wraps the real transport and refuses any method but GET: the last guard before the wire."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _refuse_non_get(request)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def proxy_for(url: str) -> str | None:
    """The proxy the environment names for ``url`` (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY).

    Our transport is built here, so httpx does not read these itself: read them as it would,
    except that loopback (the embedded mock, a local proxy) is always reached directly.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or host == "localhost" or _is_loopback_ip(host) or urllib.request.proxy_bypass(host):
        return None
    return proxy


def _is_loopback_ip(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def transport_for(
    url: str, verify: ssl.SSLContext | bool, limits: httpx.Limits | None = None
) -> GetOnlyTransport:
    """The read-only transport to ``url``: TLS as given, through the environment's proxy if any."""
    inner = httpx.HTTPTransport(verify=verify, limits=limits or httpx.Limits(), proxy=proxy_for(url))
    return GetOnlyTransport(inner)


def tls_verification(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """TLS verification is always on: the system/certifi roots, or only the CAs in ``ca_bundle``."""
    if not ca_bundle:
        return True
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or exc
        raise ConfigError(f"{ca_bundle}: not a usable CA bundle ({reason})") from None


@dataclass(frozen=True)
class Politeness:
    max_rps: float | None = None  # None: unlimited (the embedded mock)
    retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    timeout: float = 30.0
    max_requests: int | None = None
    max_in_flight: int = 2  # concurrency cap per client (the suite itself sends one at a time)
    token_ttl: float | None = None  # scroll token life: how long a continuation's retries may wait

    @property
    def longest_wait(self) -> float:
        """A ``Retry-After`` longer than this is not waited for: the call gives up instead."""
        return self.backoff_max * 4


class RateLimiter:
    """Spaces request starts ``RATE_MARGIN/max_rps`` apart (thread-safe); no bursts.

    The 5% margin is for the target's side: requests arrive with a few milliseconds of jitter
    (a new connection, the scheduler), and a rate measured there must still not exceed the limit.
    """

    def __init__(self, max_rps: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = RATE_MARGIN / max_rps if max_rps else 0.0
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


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP-date (RFC 9110)."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unreadable: fall back to our own backoff
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - now())


class V2Client:
    """Sends GETs to ``base_url`` and returns ``Exchange`` records."""

    def __init__(
        self,
        base_url: str,
        politeness: Politeness | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | bool | str = True,
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
        self.last_trouble: TransportTrouble | None = None
        self.ambiguous_retries = 0
        self.last_attempt_started = 0.0  # time.monotonic() when the latest attempt was sent
        self.last_ambiguity = ""
        self._ambiguous: list[tuple[weakref.ref[Exchange], str]] = []
        self._in_flight = threading.BoundedSemaphore(self.politeness.max_in_flight)
        if isinstance(verify, str):
            verify = tls_verification(verify)
        limits = httpx.Limits(max_connections=self.politeness.max_in_flight)
        self._http = httpx.Client(
            transport=GetOnlyTransport(transport) if transport else transport_for(base_url, verify, limits),
            timeout=self.politeness.timeout,
            follow_redirects=False,
            event_hooks={"request": [_refuse_non_get]},
            headers={"user-agent": "c4w-conformance", "accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> V2Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(
        self, path: str, params: Sequence[tuple[str, ParamValue]] = (), *, idempotent: bool = True
    ) -> Exchange:
        """GET ``path``; ``idempotent=False`` (a scroll continuation) is never retried blindly.

        A continuation that failed after it may have reached the server (a 502-504, a reset, a
        read timeout) may have moved the cursor, so its retry could skip a chunk; and retries
        that waited over half the token's TTL (``Politeness.token_ttl``) may have let it expire.
        Either could look like a violation. So such a continuation is retried, but counted in
        ``ambiguous_retries`` and its answer marked (``ambiguity_of``): a violation that follows
        is not trusted (``conformance.drift`` runs the property again from scratch). When
        retries run out after a failure that may have moved the cursor, the trouble is
        restartable.
        """
        params = list(params)
        wire: list[tuple[str, str | int | float | bool | None]] = [
            (name, value.actual if isinstance(value, Sensitive) else str(value)) for name, value in params
        ]
        attempt = 0
        waited = 0.0  # seconds slept between this call's attempts
        ambiguity: str | None = None  # why this answer came from a retry that may have skipped
        while True:
            self._check_budget()
            self._limiter.wait()
            self.requests_sent += 1
            started = self.last_attempt_started = time.monotonic()
            try:
                # Read as a stream so that the body is not kept on the response: httpx responses
                # sit in reference cycles, and a kept body lived until a full GC (+290 MB RSS on a
                # scroll walk of a million records; see bench/RESULTS.md).
                with self._in_flight, self._http.stream("GET", self.base_url + path, params=wire) as response:
                    body = b"".join(response.iter_bytes())
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__} on GET {path}"
                never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
                if attempt >= self.politeness.retries:
                    restartable = not idempotent and not never_sent
                    raise self._trouble(f"{reason} after {attempt + 1} attempts", restartable) from None
                pause = self._backoff(attempt, None)
                waited += pause
                if not idempotent and (not never_sent or self._outlives_token(waited)):
                    aged = "" if not never_sent else " (the token aged)"
                    ambiguity = self._ambiguous_retry(f"{reason}{aged}")
                self._sleep(pause)
                attempt += 1
                continue
            exchange = Exchange(
                base_url=self.base_url,
                path=path,
                params=params,
                status=response.status_code,
                body=body,
                elapsed=time.monotonic() - started,
                headers={key.lower(): value for key, value in response.headers.items()},
            )
            if self._on_exchange is not None:
                self._on_exchange(exchange)
            if response.status_code not in RETRY_STATUSES:
                if ambiguity is not None:
                    self._mark_ambiguous(exchange, ambiguity)
                return exchange
            ambiguous = response.status_code != 429 and not idempotent  # 429: refused, not processed
            if attempt >= self.politeness.retries:
                raise self._trouble(
                    f"target answered {response.status_code} on GET {path} after {attempt + 1} attempts",
                    ambiguous,
                )
            retry_after = retry_after_seconds(response.headers.get("retry-after"))
            if retry_after is not None and retry_after > self.politeness.longest_wait:
                raise self._trouble(
                    f"target answered {response.status_code} on GET {path} asking to retry after "
                    f"{retry_after:g}s (longer than the {self.politeness.longest_wait:g}s we wait)"
                )
            pause = self._backoff(attempt, retry_after)
            waited += pause
            if not idempotent and (ambiguous or self._outlives_token(waited)):
                aged = "" if ambiguous else " (the token aged)"
                ambiguity = self._ambiguous_retry(f"a {response.status_code} on GET {path}{aged}")
            self._sleep(pause)
            attempt += 1

    def ambiguity_of(self, exchanges: Iterable[Exchange]) -> str | None:
        """Why one of ``exchanges`` is the answer to a retry that may have skipped a chunk, if so."""
        for exchange in exchanges:
            for ref, reason in self._ambiguous:
                if ref() is exchange:
                    return reason
        return None

    def _outlives_token(self, waited: float) -> bool:
        """Whether retries that waited this long may have let a scroll token expire (half its TTL)."""
        ttl = self.politeness.token_ttl
        return ttl is None or waited > ttl / 2

    def _ambiguous_retry(self, reason: str) -> str:
        self.ambiguous_retries += 1
        self.last_ambiguity = reason
        return reason

    def _mark_ambiguous(self, exchange: Exchange, reason: str) -> None:
        self._ambiguous.append((weakref.ref(exchange), reason))
        del self._ambiguous[:-AMBIGUOUS_KEPT]

    def _trouble(self, message: str, restartable: bool = False) -> TransportTrouble:
        """The trouble to raise, remembered: wrapped in an ``Inconclusive`` it keeps its text only."""
        self.last_trouble = TransportTrouble(message, restartable=restartable)
        return self.last_trouble

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        ceiling: float = min(self.politeness.backoff_max, self.politeness.backoff_base * 2.0**attempt)
        return ceiling / 2 + self._random.uniform(0, ceiling / 2)

    def _check_budget(self) -> None:
        budget = self.politeness.max_requests
        if budget is not None and self.requests_sent >= budget:
            raise self._trouble(f"request budget of {budget} spent (--max-requests)")
