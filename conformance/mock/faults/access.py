"""Faults of credentials, tenant isolation, leaks and schema drift."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conformance.mock.data import Record
from conformance.mock.faults import fault
from conformance.mock.faults._helpers import (
    AUTH_ERROR_LOGS,
    CONNECTIONS,
    FIND_BY_ID,
    USERS,
    VISITS,
    map_records,
    on_paths,
    with_secret_check,
)
from conformance.mock.params import HttpError
from conformance.mock.seams import Body, Handler, Seams
from conformance.mock.tenants import Tenant, TenantRegistry

# -- credentials --------------------------------------------------------------------------------


@fault("auth.valid_accepted")
def find_by_id_refuses_valid(seams: Seams) -> Seams:
    """``/users/findById`` refuses valid credentials with 401: it checks them against a stale store."""

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            raise HttpError(401, "invalid credentials")

        return handle

    return on_paths(seams, (FIND_BY_ID,), wrap)


@fault("auth.wrong_secret")
def secret_case_insensitive(seams: Seams) -> Seams:
    """Secrets are compared case-insensitively: an upper-cased secret is accepted."""
    return replace(seams, authenticate=with_secret_check(lambda want, got: want.lower() == got.lower()))


@fault("auth.wrong_secret")
def secret_prefix_match(seams: Seams) -> Seams:
    """Secrets are compared over the length sent: any prefix of the secret is accepted (strncmp)."""
    return replace(seams, authenticate=with_secret_check(lambda want, got: want.startswith(got)))


@fault("auth.wrong_secret")
def secret_first_16_chars(seams: Seams) -> Seams:
    """Only the first 16 characters of a secret are compared (a CHAR(16) column)."""
    return replace(seams, authenticate=with_secret_check(lambda want, got: want[:16] == got[:16]))


@fault("auth.wrong_key")
def key_case_insensitive(seams: Seams) -> Seams:
    """API keys are looked up case-insensitively: an upper-cased key names the same tenant."""

    def authenticate(registry: TenantRegistry, api_key: str, api_secret: str) -> Tenant | None:
        for tenant in registry.tenants:
            if tenant.api_key.lower() == api_key.lower():
                return registry.authenticate(tenant.api_key, api_secret)
        return None

    return replace(seams, authenticate=authenticate)


@fault("auth.cross_tenant")
def cross_tenant_secret_accepted(seams: Seams) -> Seams:
    """A valid key with another tenant's secret is accepted: the secret is checked against all tenants."""

    def authenticate(registry: TenantRegistry, api_key: str, api_secret: str) -> Tenant | None:
        owner = next((t for t in registry.tenants if t.api_key == api_key), None)
        known = any(registry.authenticate(t.api_key, api_secret) for t in registry.tenants)
        return owner if owner is not None and known else None

    return replace(seams, authenticate=authenticate)


@fault("auth.renewed_secret")
def renewed_secret_cached(seams: Seams) -> Seams:
    """A renewed-away secret keeps working: the credential cache is not invalidated on renewal (A14)."""
    inner = seams.authenticate

    def authenticate(registry: TenantRegistry, api_key: str, api_secret: str) -> Tenant | None:
        tenant = inner(registry, api_key, api_secret)
        if tenant is not None:
            return tenant
        owner = next((t for t in registry.tenants if t.api_key == api_key), None)
        stale = None if owner is None else registry.renewed_away(owner.name)
        return owner if stale is not None and stale == api_secret else None

    return replace(seams, authenticate=authenticate)


@fault("auth.tenant_isolation")
def auth_error_logs_not_tenant_scoped(seams: Seams) -> Seams:
    """``/troubleshooting/auth_error_logs`` reads a global index: all see the first tenant's logs."""

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            return handler(state, state.tenants[0], params)

        return handle

    return on_paths(seams, (AUTH_ERROR_LOGS,), wrap)


@fault("auth.no_leak")
def error_echoes_credentials(seams: Seams) -> Seams:
    """A 401 for wrong credentials echoes the key and secret it was sent, in its message."""

    def authenticate(registry: TenantRegistry, api_key: str, api_secret: str) -> Tenant | None:
        tenant = registry.authenticate(api_key, api_secret)
        if tenant is None:
            raise HttpError(401, f"invalid credentials: api_key={api_key} api_secret={api_secret}")
        return tenant

    return replace(seams, authenticate=authenticate)


@fault(
    "auth.no_leak",
    "auth.missing_credentials",
    "auth.wrong_secret",
    "auth.wrong_key",
    "auth.cross_tenant",
    "auth.scroll_token_binding",
)
def error_reuses_response_buffer(seams: Seams) -> Seams:
    """A 401 carries the ``data`` of the last successful response (of any tenant).

    Error responses are built on a reused response object whose ``data`` is never cleared: a
    rejected caller reads whatever the previous caller was served.
    """
    last: list[Any] = [[]]
    inner_serialise, inner_error = seams.serialise, seams.error_body

    def serialise(body: dict[str, Any]) -> bytes:
        if body.get("status") == "success":
            last[0] = body.get("data")
        return inner_serialise(body)

    def error_body(status: int, message: str) -> dict[str, Any]:
        body = inner_error(status, message)
        return {**body, "data": last[0]} if status == 401 else body

    return replace(seams, serialise=serialise, error_body=error_body)


# -- schema drift -------------------------------------------------------------------------------


@fault("schema.response_conformance")
def users_field_renamed(seams: Seams) -> Seams:
    """Users carry ``first_name`` instead of ``firstName``: a serializer switched to snake_case."""

    def rename(record: Record) -> Record:
        return {("first_name" if key == "firstName" else key): value for key, value in record.items()}

    return map_records(seams, (USERS, FIND_BY_ID), rename)


@fault("schema.response_conformance")
def connections_bytes_as_strings(seams: Seams) -> Seams:
    """Connections serialise ``bytesDown``/``bytesUp`` as strings (64-bit safety for JavaScript)."""

    def stringify(record: Record) -> Record:
        return {**record, "bytesDown": str(record["bytesDown"]), "bytesUp": str(record["bytesUp"])}

    return map_records(seams, (CONNECTIONS,), stringify)


@fault("schema.response_conformance")
def count_as_string(seams: Seams) -> Seams:
    """``/visits`` sends ``count`` as a string: the ``COUNT(*)`` comes back as a DECIMAL."""

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            body = handler(state, tenant, params)
            return {**body, "count": str(body["count"])}

        return handle

    return on_paths(seams, (VISITS,), wrap)
