"""Small tools the faults are built from: paths, record mapping, handler wrapping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from conformance.mock.data import Record
from conformance.mock.seams import Body, Handler, Seams
from conformance.mock.tenants import Tenant, TenantRegistry

# -- helpers ------------------------------------------------------------------------------------

USERS, FIND_BY_ID = "/v2/users", "/v2/users/findById"
VISITS, CONNECTIONS = "/v2/visits", "/v2/connections"
AUTH_ERROR_LOGS = "/v2/troubleshooting/auth_error_logs"
AUTH_RESULTS = "/v2/troubleshooting/auth_results"
OFFSET_PATHS = (USERS, CONNECTIONS, AUTH_ERROR_LOGS, AUTH_RESULTS)
_TIME_FIELDS = ("created", "startAt", "start", "timestamp")


def minute_of(record: Record) -> Any:
    """The record's order timestamp (minute precision: the key records tie on)."""
    return next((record[name] for name in _TIME_FIELDS if name in record), None)


def on_paths(seams: Seams, paths: tuple[str, ...], wrap: Callable[[Handler], Handler]) -> Seams:
    """Wrap the handlers of ``paths`` with ``wrap``, keeping any wrapping already there."""
    inner = seams.route

    def route(path: str, handler: Handler) -> Handler:
        routed = inner(path, handler)
        return wrap(routed) if path in paths else routed

    return replace(seams, route=route)


def map_records(seams: Seams, paths: tuple[str, ...], change: Callable[[Record], Record]) -> Seams:
    """Serve the records of ``paths`` through ``change`` (schema drift)."""

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            body = handler(state, tenant, params)
            data = body.get("data")
            if isinstance(data, list):
                body["data"] = [change(dict(record)) for record in data]
            elif isinstance(data, dict):
                body["data"] = change(dict(data))
            return body

        return handle

    return on_paths(seams, paths, wrap)


Authenticate = Callable[[TenantRegistry, str, str], Tenant | None]


def with_secret_check(check: Callable[[str, str], bool]) -> Authenticate:
    """An ``authenticate`` seam that compares (expected, given) secrets with ``check``."""

    def authenticate(registry: TenantRegistry, api_key: str, api_secret: str) -> Tenant | None:
        for tenant in registry.tenants:
            if tenant.api_key == api_key:
                return tenant if check(tenant.api_secret, api_secret) else None
        return None

    return authenticate
