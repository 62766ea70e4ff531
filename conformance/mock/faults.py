"""The named faults: small, realistic bugs the mock can be started with, and who must catch them.

Each fault is a function from the correct ``Seams`` to wrong ones, registered with the property
ids it violates; its docstring tells the bug (first line: the summary ``c4w-conformance faults``
prints). ``c4w-conformance mock --fault NAME`` serves the mock with it, ``run --mock-fault NAME``
runs the suite against it, and the kill matrix (``conformance.killmatrix``) checks that one of
the registered properties fails on it while the faithful mock passes everything.
"""

from __future__ import annotations

import inspect
import math
import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from conformance.errors import ConfigError
from conformance.mock.data import PER_MINUTE, Record
from conformance.mock.params import INT64_MAX, HttpError, parse_natural
from conformance.mock.seams import FAULTS, Body, Handler, Pageable, Seams, unknown_fault
from conformance.mock.tenants import Tenant, TenantRegistry

Apply = Callable[[Seams], Seams]


@dataclass(frozen=True)
class Fault:
    name: str
    summary: str
    description: str
    violates: tuple[str, ...]
    apply: Apply


REGISTRY: dict[str, Fault] = {}


def fault(*violates: str) -> Callable[[Apply], Apply]:
    """Register the decorated function as the fault of its name, violating ``violates``."""

    def register(apply: Apply) -> Apply:
        name = apply.__name__
        doc = (inspect.getdoc(apply) or "").replace("``", "`")  # Markdown and terminal friendly
        summary, _, rest = doc.partition("\n")
        if not summary or not violates or name in REGISTRY:
            raise ValueError(f"fault {name!r} needs a docstring, violated properties and a unique name")
        REGISTRY[name] = Fault(name, summary, " ".join(rest.split()), tuple(violates), apply)
        FAULTS[name] = apply
        return apply

    return register


# -- helpers ------------------------------------------------------------------------------------

USERS, FIND_BY_ID = "/v2/users", "/v2/users/findById"
VISITS, CONNECTIONS = "/v2/visits", "/v2/connections"
AUTH_ERROR_LOGS = "/v2/troubleshooting/auth_error_logs"
AUTH_RESULTS = "/v2/troubleshooting/auth_results"
OFFSET_PATHS = (USERS, CONNECTIONS, AUTH_ERROR_LOGS, AUTH_RESULTS)
_TIME_FIELDS = ("created", "startAt", "start", "timestamp")


def _minute(record: Record) -> Any:
    """The record's order timestamp (minute precision: the key records tie on)."""
    return next((record[name] for name in _TIME_FIELDS if name in record), None)


def _on(seams: Seams, paths: tuple[str, ...], wrap: Callable[[Handler], Handler]) -> Seams:
    """Wrap the handlers of ``paths`` with ``wrap``, keeping any wrapping already there."""
    inner = seams.route

    def route(path: str, handler: Handler) -> Handler:
        routed = inner(path, handler)
        return wrap(routed) if path in paths else routed

    return replace(seams, route=route)


def _map_records(seams: Seams, paths: tuple[str, ...], change: Callable[[Record], Record]) -> Seams:
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

    return _on(seams, paths, wrap)


Authenticate = Callable[[TenantRegistry, str, str], Tenant | None]


def _with_secret_check(check: Callable[[str, str], bool]) -> Authenticate:
    """An ``authenticate`` seam that compares (expected, given) secrets with ``check``."""

    def authenticate(registry: TenantRegistry, api_key: str, api_secret: str) -> Tenant | None:
        for tenant in registry.tenants:
            if tenant.api_key == api_key:
                return tenant if check(tenant.api_secret, api_secret) else None
        return None

    return authenticate


# -- offset paging ------------------------------------------------------------------------------


@fault("offset.page_window", "offset.limit_respected", "scroll.traversal", "equivalence.offset_scroll")
def page_end_inclusive(seams: Seams) -> Seams:
    """Pages hold limit + 1 records: the look-ahead row is not trimmed.

    The server fetches one row more than asked to know whether a next page exists, and returns
    it. Offset walks that advance by what they got still see every record; a page judged against
    its window, or a scroll whose first page overlaps the first continuation, does not.
    """

    def page(collection: Pageable, start: int, stop: int) -> list[Record]:
        return collection.slice(start, stop + 1)

    return replace(seams, page=page)


@fault("offset.page_window", "offset.partition", "offset.limit_respected", "equivalence.offset_scroll")
def offset_one_based(seams: Seams) -> Seams:
    """``offset`` is read as 1-based (and 0 as 1): each page repeats the previous page's last record.

    A classic off-by-one at page boundaries: ``skip = max(offset - 1, 0)``.
    """

    def page(collection: Pageable, start: int, stop: int) -> list[Record]:
        first = max(start - 1, 0)
        return collection.slice(first, first + stop - start)

    return replace(seams, page=page)


DEEP_OFFSET = 10_000


@fault("offset.page_window", "offset.partition", "equivalence.offset_scroll")
def deep_offset_skips_one(seams: Seams) -> Seams:
    """Past offset 10,000 every page starts one record late, so one record is never served.

    Beyond Elasticsearch's default result window the server switches to a ``search_after``
    cursor seeded with the record *at* ``offset`` and reads strictly after it. Only a collection
    larger than 10,000 records (``/connections`` in the default mock) shows it.
    """

    def page(collection: Pageable, start: int, stop: int) -> list[Record]:
        shift = 1 if start >= DEEP_OFFSET else 0
        return collection.slice(start + shift, stop + shift)

    return replace(seams, page=page)


@fault("offset.deterministic", "offset.page_window", "offset.partition", "scroll.traversal")
def ties_unstable(seams: Seams) -> Seams:
    """Records sharing a timestamp come back in a different order on every query.

    The query orders by time only, without the ``id`` tie-breaker (A11), and the database
    returns ties in whatever order its plan produces. Pages cut through a group of ties may
    then repeat one record and miss another; the same request may return a different page.
    """
    rng = random.Random(0)  # per mock: the fault is reproducible from the request sequence

    def page(collection: Pageable, start: int, stop: int) -> list[Record]:
        low = max(start - (PER_MINUTE - 1), 0)
        window = collection.slice(low, stop + PER_MINUTE - 1)
        shuffled: list[Record] = []
        group: list[Record] = []
        for record in [*window, None]:
            if record is None or (group and _minute(record) != _minute(group[0])):
                rng.shuffle(group)
                shuffled.extend(group)
                group = []
            if record is not None:
                group.append(record)
        return shuffled[start - low : stop - low]

    return replace(seams, page=page, scroll_page=page)


@fault("offset.limit_respected")
def limit_unclamped(seams: Seams) -> Seams:
    """``/users`` serves any ``limit`` in full: the 1,000 maximum is in the documentation only."""
    return replace(seams, offset_max_limit=INT64_MAX)


@fault("offset.past_end")
def past_end_404(seams: Seams) -> Seams:
    """An ``offset`` at or past ``count`` answers 404 "page not found" instead of 200 with no data."""

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            body = handler(state, tenant, params)
            offset = params.get("offset", "0")
            if "scrollId" not in params and not body["data"] and int(offset or "0") >= body["count"]:
                raise HttpError(404, "page not found")
            return body

        return handle

    return _on(seams, OFFSET_PATHS, wrap)


# -- counts -------------------------------------------------------------------------------------


@fault("offset.count_consistent", "scroll.traversal", "scroll.snapshot")
def count_is_page_length(seams: Seams) -> Seams:
    """``count`` is the number of records on the page, not the total matching (F5)."""

    def count(total: int, data: list[Record]) -> int:
        return len(data)

    return replace(seams, count=count)


@fault("offset.count_consistent", "offset.partition", "scroll.traversal")
def count_all_tenants(seams: Seams) -> Seams:
    """``/troubleshooting/auth_results`` counts the records of every tenant, not just the caller's.

    The data query is scoped to the caller's tenant; the ``COUNT(*)`` beside it lacks the filter.
    """

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            body = handler(state, tenant, params)
            body["count"] = sum(len(state.dataset.collection(t.name, "auth_results")) for t in state.tenants)
            return body

        return handle

    return _on(seams, (AUTH_RESULTS,), wrap)


# -- parameters ---------------------------------------------------------------------------------


@fault("offset.invalid_params", "schema.no_server_errors")
def non_numeric_param_500(seams: Seams) -> Seams:
    """``limit`` and ``offset`` go through an unguarded ``int()``: a non-numeric value answers 500.

    The framework turns the uncaught ``ValueError`` into an internal server error.
    """

    def parse(params: dict[str, str], name: str, default: int, minimum: int) -> int:
        raw = params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise HttpError(500, "internal server error") from None
        if value < minimum:
            raise HttpError(400, f"{name} must be at least {minimum}")
        return value

    return replace(seams, parse_natural=parse)


@fault("offset.invalid_params")
def huge_param_500(seams: Seams) -> Seams:
    """A ``limit`` or ``offset`` beyond 2^63-1 overflows the database's BIGINT: 500."""

    def parse(params: dict[str, str], name: str, default: int, minimum: int) -> int:
        raw = params.get(name, "")
        if raw.isascii() and raw.isdigit() and int(raw) > INT64_MAX:
            raise HttpError(500, "internal server error")
        return parse_natural(params, name, default, minimum)

    return replace(seams, parse_natural=parse)


@fault("offset.invalid_params")
def invalid_params_422(seams: Seams) -> Seams:
    """Invalid ``limit``/``offset`` values answer 422 (a validation framework's default), not 400."""
    inner = seams.parse_natural

    def parse(params: dict[str, str], name: str, default: int, minimum: int) -> int:
        try:
            return inner(params, name, default, minimum)
        except HttpError as exc:
            raise HttpError(422 if exc.status == 400 else exc.status, exc.message) from None

    return replace(seams, parse_natural=parse)


# -- scroll caps and continuations --------------------------------------------------------------


@fault("scroll.cap", "offset.limit_respected")
def scroll_cap_10000(seams: Seams) -> Seams:
    """Scroll-capable endpoints cap a call at 10,000 records instead of 9,999 (F10).

    The cap was copied from Elasticsearch's ``max_result_window`` default.
    """

    def chunk(effective_limit: int) -> int:
        return min(effective_limit, 10_000)

    return replace(seams, scroll_cap=10_000, scroll_chunk=chunk)


@fault("scroll.ignores_offset_limit")
def limit_honoured_with_scroll_id(seams: Seams) -> Seams:
    """A continuation honours ``limit`` when one is sent with the ``scrollId`` (F12: it must not)."""

    def chunk(context_chunk: int, params: dict[str, str]) -> int:
        raw = params.get("limit", "")
        return min(int(raw), 9_999) if raw.isascii() and raw.isdigit() and int(raw) > 0 else context_chunk

    return replace(seams, continuation_chunk=chunk)


@fault("scroll.traversal", "equivalence.offset_scroll", "scroll.snapshot")
def scroll_chunk_overlap(seams: Seams) -> Seams:
    """Each continuation starts one record early, repeating the previous chunk's last record.

    The cursor stores the index of the last record sent and the next chunk starts *at* it; the
    scroll's very last record is never sent.
    """

    def scroll_page(collection: Pageable, start: int, stop: int) -> list[Record]:
        return collection.slice(max(start - 1, 0), stop - 1)

    return replace(seams, scroll_page=scroll_page)


@fault("scroll.traversal", "equivalence.offset_scroll")
def scroll_search_after_ties(seams: Seams) -> Seams:
    """A continuation skips the records that share a timestamp with the previous chunk's last one.

    The scroll resumes with ``search_after`` on the timestamp alone, strictly after the last
    record sent, so ties cut by a chunk boundary are lost: the scroll misses records offset
    paging returns.
    """

    def scroll_page(collection: Pageable, start: int, stop: int) -> list[Record]:
        records = collection.slice(max(start - 1, 0), stop)
        if start == 0 or not records:
            return records
        last_sent = _minute(records[0])
        return [record for record in records[1:] if _minute(record) != last_sent]

    return replace(seams, scroll_page=scroll_page)


@fault("scroll.snapshot")
def scroll_reads_live_data(seams: Seams) -> Seams:
    """Continuations read the live collection: records inserted mid-scroll show up in it (A10)."""

    def scroll_end(snapshot: int, live: int) -> int:
        return live

    return replace(seams, scroll_end=scroll_end)


# -- scroll tokens ------------------------------------------------------------------------------


@fault("scroll.alive_within_ttl")
def scroll_ttl_too_short(seams: Seams) -> Seams:
    """Scroll tokens live one minute, not two (F9): the keep-alive was configured as ``1m``."""

    def ttl(configured: float) -> float:
        return configured / 2

    return replace(seams, scroll_ttl=ttl)


@fault("scroll.expiry")
def scroll_ttl_infinite(seams: Seams) -> Seams:
    """Scroll contexts never expire: the keep-alive is never applied, tokens work forever."""

    def ttl(configured: float) -> float:
        return math.inf

    return replace(seams, scroll_ttl=ttl)


@fault("scroll.alive_within_ttl")
def scroll_ttl_not_renewed(seams: Seams) -> Seams:
    """A continuation's token keeps the first call's expiry instead of a fresh TTL (A7).

    A long scroll then dies two minutes after it started, however fast it is read.
    """
    return replace(seams, renew_ttl=False)


@fault("scroll.traversal")
def old_tokens_replay(seams: Seams) -> Seams:
    """Used tokens are never retired: an old token replays the chunk it already returned (A7).

    Each token is a cursor to its own place; a client that retries with an old token (after a
    timeout, say) receives records twice.
    """
    return replace(seams, retire_tokens=False)


@fault("scroll.expiry", "scroll.invalid_token")
def expired_token_ends_scroll(seams: Seams) -> Seams:
    """An unknown or expired ``scrollId`` answers 200 with empty data, like the end of a scroll (A8).

    A client cannot tell a lost scroll from a finished one, and silently exports half the data.
    """

    def unknown_token() -> Body:
        return {"status": "success", "count": 0, "data": [], "scrollId": secrets.token_urlsafe(32)}

    return replace(seams, unknown_token=unknown_token)


@fault("scroll.invalid_token")
def malformed_token_500(seams: Seams) -> Seams:
    """A malformed ``scrollId`` crashes the token decoder: 500 instead of 400 (A8)."""
    inner = seams.check_token

    def check_token(token: str) -> None:
        try:
            inner(token)
        except HttpError:
            raise HttpError(500, "internal server error") from None

    return replace(seams, check_token=check_token)


@fault("auth.scroll_token_binding")
def scroll_token_unbound(seams: Seams) -> Seams:
    """A scroll token works for any tenant's credentials: tokens are not bound to their tenant (A13)."""
    return replace(seams, bind_tokens=False)


# -- credentials --------------------------------------------------------------------------------


@fault("auth.valid_accepted")
def find_by_id_refuses_valid(seams: Seams) -> Seams:
    """``/users/findById`` refuses valid credentials with 401: it checks them against a stale store."""

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            raise HttpError(401, "invalid credentials")

        return handle

    return _on(seams, (FIND_BY_ID,), wrap)


@fault("auth.wrong_secret")
def secret_case_insensitive(seams: Seams) -> Seams:
    """Secrets are compared case-insensitively: an upper-cased secret is accepted."""
    return replace(seams, authenticate=_with_secret_check(lambda want, got: want.lower() == got.lower()))


@fault("auth.wrong_secret")
def secret_prefix_match(seams: Seams) -> Seams:
    """Secrets are compared over the length sent: any prefix of the secret is accepted (strncmp)."""
    return replace(seams, authenticate=_with_secret_check(lambda want, got: want.startswith(got)))


@fault("auth.wrong_secret")
def secret_first_16_chars(seams: Seams) -> Seams:
    """Only the first 16 characters of a secret are compared (a CHAR(16) column)."""
    return replace(seams, authenticate=_with_secret_check(lambda want, got: want[:16] == got[:16]))


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

    return _on(seams, (AUTH_ERROR_LOGS,), wrap)


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

    return _map_records(seams, (USERS, FIND_BY_ID), rename)


@fault("schema.response_conformance")
def connections_bytes_as_strings(seams: Seams) -> Seams:
    """Connections serialise ``bytesDown``/``bytesUp`` as strings (64-bit safety for JavaScript)."""

    def stringify(record: Record) -> Record:
        return {**record, "bytesDown": str(record["bytesDown"]), "bytesUp": str(record["bytesUp"])}

    return _map_records(seams, (CONNECTIONS,), stringify)


@fault("schema.response_conformance")
def count_as_string(seams: Seams) -> Seams:
    """``/visits`` sends ``count`` as a string: the ``COUNT(*)`` comes back as a DECIMAL."""

    def wrap(handler: Handler) -> Handler:
        def handle(state: Any, tenant: Tenant, params: dict[str, str]) -> Body:
            body = handler(state, tenant, params)
            return {**body, "count": str(body["count"])}

        return handle

    return _on(seams, (VISITS,), wrap)


def get(name: str) -> Fault:
    """The fault called ``name``; an unknown name is a one-line ``ConfigError``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(unknown_fault(name)) from None


def check_names(names: Iterable[str], option: str = "--fault") -> None:
    for name in names:
        if name not in REGISTRY:
            raise ConfigError(f"{option}: {unknown_fault(name)}")
