"""Reading v2 envelopes (A1, A2) through the profile's field names."""

from __future__ import annotations

from typing import Any

from conformance.exchange import Exchange
from conformance.profile import Profile


def body(exchange: Exchange) -> dict[str, Any] | None:
    value = exchange.json
    return value if isinstance(value, dict) else None


def is_success(exchange: Exchange, profile: Profile) -> bool:
    data = body(exchange)
    env = profile.envelope
    return exchange.status == 200 and data is not None and data.get(env.status_field) == env.success_value


def records(exchange: Exchange, profile: Profile) -> list[dict[str, Any]] | None:
    """The records of a success body, or None when the body holds no list of records."""
    data = body(exchange)
    if data is None:
        return None
    items = data.get(profile.envelope.items_field)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        return None
    return items


def count(exchange: Exchange, profile: Profile) -> int | None:
    data = body(exchange)
    value = None if data is None else data.get(profile.envelope.count_field)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def token(exchange: Exchange, profile: Profile) -> str | None:
    data = body(exchange)
    value = None if data is None else data.get(profile.scroll.token_field)
    return value if isinstance(value, str) and value else None


def carries_records(exchange: Exchange, profile: Profile) -> bool:
    """True when a body holds any record: a non-empty items list or a record object."""
    data = body(exchange)
    if data is None:
        return False
    items = data.get(profile.envelope.items_field)
    if isinstance(items, list):
        return len(items) > 0
    return isinstance(items, dict) and bool(items)


def is_error(exchange: Exchange, profile: Profile) -> bool:
    data = body(exchange)
    env = profile.envelope
    return data is not None and data.get(env.status_field) == env.error_value
