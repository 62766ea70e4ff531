"""Opening a run: the target (a URL, or the embedded mock started here), client and context."""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from conformance.client import Politeness, V2Client, tls_verification
from conformance.context import SuiteContext
from conformance.credentials import Credentials
from conformance.errors import ConfigError
from conformance.exchange import Exchange
from conformance.options import RunOptions
from conformance.profile import Profile, load_profile
from conformance.redaction import Redactor, token_shown
from conformance.spec import load_spec
from conformance.waiting import RealWaiter, VirtualWaiter

LIVE_DEFAULT_RPS = 5.0
# A live tenant may hold millions of records: by default a traversal covers the first ones only.
LIVE_DEFAULT_MAX_RECORDS = 50_000


def is_loopback(url: str) -> bool:
    """True for localhost and loopback addresses only (``127.0.0.1.example.com`` is not)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_plain_http(options: RunOptions) -> None:
    """Credentials travel in the query: never in clear text off this machine unless asked to."""
    target = options.target
    if target is None or options.allow_http:
        return
    if urlsplit(target).scheme == "http" and not is_loopback(target):
        raise ConfigError(f"refusing plain http to a non-loopback host ({target}); use --allow-http")


def redactor_for(options: RunOptions) -> Redactor:
    return Redactor(
        [
            (options.api_key or "", "$C4W_API_KEY"),
            (options.api_secret or "", "$C4W_API_SECRET"),
            (options.other_api_key or "", "$C4W_OTHER_API_KEY"),
            (options.other_api_secret or "", "$C4W_OTHER_API_SECRET"),
            (options.old_api_secret or "", "$C4W_OLD_API_SECRET"),
        ]
    )


@dataclass
class _MockControl:
    mock: Any
    tenant: str

    def insert_records(self, endpoint: str, count: int) -> None:
        self.mock.state.insert(self.tenant, endpoint, count)

    def renew_other_secret(self) -> str:
        return str(self.mock.state.renew_secret(self.mock.tenants[1].name))


def resolve_seed(options: RunOptions) -> int:
    if options.seed is None:
        options.seed = random.SystemRandom().randrange(2**32)
    return options.seed


@contextmanager
def open_context(options: RunOptions) -> Iterator[SuiteContext]:
    """Yield a ``SuiteContext`` for the run; start (and stop) the embedded mock if no target."""
    profile = load_profile(options.profile)
    if options.scroll_ttl is not None:
        profile = profile.with_scroll_ttl(options.scroll_ttl)
    spec = load_spec(options.spec)
    seed = resolve_seed(options)
    if options.target is None:
        with _embedded(options, profile) as (mock, base_url):
            ctx = _context(options, profile, spec, base_url, seed, mock)
            try:
                yield ctx
            finally:
                ctx.client.close()
        return
    options.validate()
    refuse_plain_http(options)
    ctx = _context(options, profile, spec, options.target, seed, None)
    try:
        yield ctx
    finally:
        ctx.client.close()


@contextmanager
def _embedded(options: RunOptions, profile: Profile) -> Iterator[tuple[Any, str]]:
    # Imported here: the suite starts the mock but depends on nothing else of it.
    from conformance.mock.server import EmbeddedMock
    from conformance.mock.state import MockConfig
    from conformance.mock.tenants import demo_tenants, load_tenants

    config = MockConfig(
        records=options.mock_records,
        scroll_ttl=profile.scroll.ttl_seconds,
        faults=frozenset(options.mock_faults),
        tenants=load_tenants(options.mock_tenants) if options.mock_tenants else demo_tenants(),
    )
    with EmbeddedMock(config) as mock:
        first, second = mock.tenants[0], mock.tenants[1]
        options.api_key, options.api_secret = first.api_key, first.api_secret
        options.other_api_key, options.other_api_secret = second.api_key, second.api_secret
        yield mock, mock.base_url


def politeness_for(options: RunOptions, base_url: str) -> Politeness:
    """Rate and request budgets, split evenly when several processes share them (pytest-xdist)."""
    share = max(1, options.rate_share)
    rps = options.max_rps if options.max_rps else (None if is_loopback(base_url) else LIVE_DEFAULT_RPS)
    return Politeness(
        max_rps=rps / share if rps else None,
        timeout=options.timeout,
        max_requests=-(-options.max_requests // share) if options.max_requests is not None else None,
    )


def record_window_for(options: RunOptions, base_url: str) -> int | None:
    """How many records a traversal may cover: ``--max-records`` (0: all), else a live default."""
    if options.max_records is not None:
        return options.max_records or None
    return None if is_loopback(base_url) else LIVE_DEFAULT_MAX_RECORDS


def _watcher(redactor: Redactor, field: str, observed: dict[str, Any]) -> Callable[[Exchange], None]:
    """Sees every response: teaches the redactor each scroll token the target hands out (evidence
    shows a prefix only) and keeps the first error body of each status, redacted, as observed."""
    known: set[str] = set()

    def watch(exchange: Exchange) -> None:
        body = exchange.json
        token = body.get(field) if isinstance(body, dict) else None
        if isinstance(token, str) and len(token) > 6 and token not in known:
            known.add(token)
            redactor.add(token, token_shown(token))
        if exchange.status >= 400 and f"error_body.{exchange.status}" not in observed:
            observed[f"error_body.{exchange.status}"] = exchange.excerpt(redactor, 300)

    return watch


def _context(
    options: RunOptions, profile: Profile, spec: Any, base_url: str, seed: int, mock: Any
) -> SuiteContext:
    assert options.api_key and options.api_secret
    politeness = replace(politeness_for(options, base_url), token_ttl=profile.scroll.ttl_seconds)
    redactor = redactor_for(options)
    observed: dict[str, Any] = {}  # the context's: what the target was seen to do
    client = V2Client(
        base_url,
        politeness,
        verify=tls_verification(options.ca_bundle),
        on_exchange=_watcher(redactor, profile.scroll.token_field, observed),
    )
    primary = Credentials.from_env_names(
        "primary", options.api_key, options.api_secret, "C4W_API_KEY", "C4W_API_SECRET"
    )
    other = None
    if options.other_api_key and options.other_api_secret:
        other = Credentials.from_env_names(
            "other tenant",
            options.other_api_key,
            options.other_api_secret,
            "C4W_OTHER_API_KEY",
            "C4W_OTHER_API_SECRET",
        )
    waiter = VirtualWaiter(mock.clock) if mock is not None else RealWaiter()
    old = None
    if options.old_api_secret:
        old = Credentials.from_env_names(
            "renewed-away secret",
            options.api_key,
            options.old_api_secret,
            "C4W_API_KEY",
            "C4W_OLD_API_SECRET",
        )
    return SuiteContext(
        profile=profile,
        spec=spec,
        client=client,
        primary=primary,
        other=other,
        redactor=redactor,
        waiter=waiter,
        seed=seed,
        max_examples=options.examples,
        record_window=record_window_for(options, base_url),
        mock=_MockControl(mock, mock.tenants[0].name) if mock is not None else None,
        old_secret=old,
        observed=observed,
    )


def describe_target(options: RunOptions, ctx: SuiteContext) -> dict[str, Any]:
    """What results.json says about the target (never a credential)."""
    return {
        "url": ctx.client.base_url if options.target else "embedded mock",
        "base_url": ctx.client.base_url,
        "embedded_mock": options.target is None,
        "mock_faults": list(options.mock_faults),
        "second_tenant": ctx.other is not None,
        "scroll_ttl_seconds": ctx.profile.scroll.ttl_seconds,
        "ttl_waits": "virtual clock" if ctx.waiter.virtual else "real time",
        "max_rps": ctx.client.politeness.max_rps,
        "max_requests": ctx.client.politeness.max_requests,
        "record_window": ctx.record_window,
    }
