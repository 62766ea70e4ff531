"""What a running mock knows: its configuration, tenants, data and open scrolls.

``MockState`` is also the in-process admin surface (``insert``, ``renew_secret``, ``reset``) that
tests and the suite's snapshot and secret-renewal properties drive while the server runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.errors import ConfigError
from conformance.mock import faults as _faults  # noqa: F401  (registers the named faults in FAULTS)
from conformance.mock.clock import Clock
from conformance.mock.data import Dataset
from conformance.mock.scrolls import ScrollStore
from conformance.mock.seams import Seams, seams_for
from conformance.mock.tenants import Tenant, TenantRegistry, demo_tenants


@dataclass(frozen=True)
class MockConfig:
    seed: int = 0
    records: int = 25_000  # N: connections N, visits N//2, users N//10, ... (data.endpoint_sizes)
    scroll_ttl: float = 120.0  # F9
    tenants: list[Tenant] = field(default_factory=demo_tenants)
    max_scroll_contexts: int = 10_000  # per tenant, like Elasticsearch's search.max_open_scroll_context
    result_window: int = 0  # A12: refuse offset + limit beyond this on scroll-capable endpoints; 0: never
    faults: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.records < 0:
            raise ConfigError(f"records must be 0 or more, not {self.records}")
        if not self.scroll_ttl > 0:
            raise ConfigError(f"scroll TTL must be a positive number of seconds, not {self.scroll_ttl}")
        if self.max_scroll_contexts < 1:
            raise ConfigError(f"max scroll contexts must be at least 1, not {self.max_scroll_contexts}")
        if not self.tenants:
            raise ConfigError("the mock needs at least one tenant")
        seams_for(self.faults)  # an unknown fault name is a ConfigError before anything starts


class MockState:
    def __init__(self, config: MockConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.seams: Seams = seams_for(config.faults)
        self.registry = TenantRegistry(config.tenants)
        self.dataset = Dataset(config.seed, config.records, [t.name for t in self.registry.tenants])
        self.scrolls = ScrollStore(
            clock,
            self.seams.scroll_ttl(config.scroll_ttl),
            config.max_scroll_contexts,
            retire=self.seams.retire_tokens,
            bind_tenant=self.seams.bind_tokens,
            renew_ttl=self.seams.renew_ttl,
        )

    @property
    def tenants(self) -> list[Tenant]:
        """The tenants with their current secrets (the list is live: renewals show up)."""
        return self.registry.tenants

    def insert(self, tenant_name: str, endpoint: str, n: int) -> None:
        """Append ``n`` records newer than all others to ``endpoint`` (e.g. "connections")."""
        self.registry.get(tenant_name)
        self.dataset.insert(tenant_name, endpoint, n)

    def renew_secret(self, tenant_name: str) -> str:
        """Issue a new secret for the tenant and return it; the old one stops working (A14)."""
        return self.registry.renew_secret(tenant_name)

    def reset(self) -> None:
        """Back to the starting state: original secrets, no inserted records, no open scrolls."""
        self.registry.reset()
        self.dataset.reset()
        self.scrolls.clear()
