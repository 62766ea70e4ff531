"""Tenants of the mock: who may call it, with which key and (renewable) secret.

This module is the one documented place for the demo credentials. They are derived by hashing a
fixed label, so they are stable across runs and machines, look like real ones (32 lowercase hex,
F4), and are obviously not secrets of anything real.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from conformance.errors import ConfigError

DEMO_TENANT_NAMES = ("alpha", "beta")


@dataclass
class Tenant:
    """A tenant; ``api_secret`` is mutable because a secret can be renewed at any time (F2)."""

    name: str
    api_key: str
    api_secret: str

    def __repr__(self) -> str:  # never print a secret by accident
        return f"Tenant(name={self.name!r}, api_key={self.api_key!r}, api_secret='***')"


def demo_credential(name: str, kind: str) -> str:
    """The deterministic demo ``kind`` ("key" or "secret") of tenant ``name``."""
    return hashlib.sha256(f"c4w-demo:{name}:{kind}".encode()).hexdigest()[:32]


def demo_tenants() -> list[Tenant]:
    return [Tenant(n, demo_credential(n, "key"), demo_credential(n, "secret")) for n in DEMO_TENANT_NAMES]


def load_tenants(path: str | Path) -> list[Tenant]:
    """Read ``[[tenant]]`` tables (name, api_key, api_secret); every problem names file and key."""
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read tenants file ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    entries = doc.get("tenant")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"{path}: expected [[tenant]] tables")
    if len(entries) < 2:
        raise ConfigError(f"{path}: at least two [[tenant]] entries are needed (cross-tenant checks)")
    tenants = [_tenant_from(path, i, entry) for i, entry in enumerate(entries)]
    for attr in ("name", "api_key"):
        values = [getattr(t, attr) for t in tenants]
        for t in tenants:
            if values.count(getattr(t, attr)) > 1:
                # the key is an identifier, not a secret, so naming the tenant is enough
                raise ConfigError(f"{path}: tenant {t.name!r}: {attr} is not unique")
    return tenants


def _tenant_from(path: str | Path, index: int, entry: dict[str, object]) -> Tenant:
    label = f"tenant #{index + 1}"
    values: dict[str, str] = {}
    for key in ("name", "api_key", "api_secret"):
        value = entry.get(key)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{path}: {label}: {key} must be a non-empty string")
        values[key] = value
        if key == "name":
            label = f"tenant {value!r}"
    unknown = sorted(set(entry) - {"name", "api_key", "api_secret"})
    if unknown:
        raise ConfigError(f"{path}: {label}: unknown key {unknown[0]!r}")
    return Tenant(values["name"], values["api_key"], values["api_secret"])


class TenantRegistry:
    """Current credentials; thread-safe because tests renew secrets while the server runs."""

    def __init__(self, tenants: list[Tenant]) -> None:
        self._initial = [(t.name, t.api_key, t.api_secret) for t in tenants]
        self._lock = threading.Lock()
        self.tenants = [Tenant(*row) for row in self._initial]
        self._by_key = {t.api_key: t for t in self.tenants}
        self._by_name = {t.name: t for t in self.tenants}
        self._renewed_away: dict[str, str] = {}  # name -> the secret its last renewal replaced

    def get(self, name: str) -> Tenant:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no tenant named {name!r}") from None

    def authenticate(self, api_key: str, api_secret: str) -> Tenant | None:
        """The tenant owning this exact key and current secret (constant-time secret compare)."""
        tenant = self._by_key.get(api_key)
        with self._lock:
            expected = tenant.api_secret if tenant else "\0" * 32
        ok = hmac.compare_digest(api_secret.encode("utf-8", "replace"), expected.encode())
        return tenant if ok and tenant is not None else None

    def renew_secret(self, name: str) -> str:
        """Issue a new secret; the old one stops working at once (A14)."""
        tenant = self.get(name)
        new = secrets.token_hex(16)
        with self._lock:
            self._renewed_away[name] = tenant.api_secret
            tenant.api_secret = new
        return new

    def renewed_away(self, name: str) -> str | None:
        """The secret the tenant's last renewal replaced (what a stale credential cache holds)."""
        with self._lock:
            return self._renewed_away.get(name)

    def reset(self) -> None:
        """Restore the secrets the registry started with."""
        with self._lock:
            for tenant, (_name, _key, secret) in zip(self.tenants, self._initial, strict=True):
                tenant.api_secret = secret
            self._renewed_away.clear()
