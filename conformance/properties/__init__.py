"""The catalogue: every property id, the evidence it rests on, and where it applies.

Ids are stable: reports, baselines and users' CI filters refer to them.
"""

from __future__ import annotations

from conformance.properties import auth, equivalence, offset, schema, scroll, ttl
from conformance.properties.base import (
    Property,
    both_modes,
    evaluate,
    everywhere,
    offset_endpoints,
    paginated,
    scroll_endpoints,
)

CATALOGUE: tuple[Property, ...] = (
    Property(
        "auth.valid_accepted", "F2, F3", "accepts the given credentials", everywhere, auth.valid_accepted
    ),
    Property(
        "auth.missing_credentials",
        "A3, F14",
        "rejects calls without key, secret or both",
        everywhere,
        auth.missing_credentials,
    ),
    Property(
        "auth.wrong_secret", "A3", "rejects random and near-miss secrets", everywhere, auth.wrong_secret
    ),
    Property("auth.wrong_key", "A3, F4", "rejects unknown and near-miss keys", everywhere, auth.wrong_key),
    Property(
        "auth.cross_tenant",
        "A3",
        "rejects tenant A's key with tenant B's secret",
        everywhere,
        auth.cross_tenant,
    ),
    Property(
        "auth.tenant_isolation",
        "F2, A13",
        "never returns B's records to A",
        everywhere,
        auth.tenant_isolation,
    ),
    Property(
        "auth.scroll_token_binding",
        "A13",
        "refuses A's scroll to B's or bad credentials",
        scroll_endpoints,
        auth.scroll_token_binding,
    ),
    Property(
        "auth.renewed_secret",
        "A14, F2",
        "refuses a secret once it is renewed, accepts the new one",
        everywhere,
        auth.renewed_secret,
    ),
    Property(
        "auth.no_leak",
        "A2, F2",
        "rejections carry no record and no echo of the secret",
        everywhere,
        auth.no_leak,
    ),
    Property(
        "offset.page_window",
        "F7, A11",
        "any (offset, limit) is that slice of a full traversal",
        offset_endpoints,
        offset.page_window,
    ),
    Property(
        "offset.partition",
        "A11, F5",
        "pages of any size yield each record exactly once",
        offset_endpoints,
        offset.partition,
    ),
    Property(
        "offset.count_consistent",
        "F5",
        "count is the same on every page and equals the traversal",
        offset_endpoints,
        offset.count_consistent,
    ),
    Property(
        "offset.deterministic",
        "A11",
        "the same request returns the same page",
        offset_endpoints,
        offset.deterministic,
    ),
    Property(
        "offset.limit_respected",
        "A11, A6, A16",
        "at most limit (clamped) records, fewer only at the end",
        offset_endpoints,
        offset.limit_respected,
    ),
    Property(
        "offset.past_end",
        "A11",
        "offset >= count answers as the profile says",
        offset_endpoints,
        offset.past_end,
    ),
    Property(
        "offset.invalid_params",
        "A11",
        "bad limit/offset get the profile's 4xx, never a 5xx",
        offset_endpoints,
        offset.invalid_params,
    ),
    Property("scroll.cap", "F10, A6", "never more than the cap in one chunk", scroll_endpoints, scroll.cap),
    Property(
        "scroll.traversal",
        "F8, A5, A9",
        "following scrollIds yields each record once, then ends",
        scroll_endpoints,
        scroll.traversal,
    ),
    Property(
        "scroll.ignores_offset_limit",
        "F12",
        "offset/limit change nothing once a scrollId is sent",
        scroll_endpoints,
        scroll.ignores_offset_limit,
    ),
    Property(
        "scroll.invalid_token",
        "A8",
        "garbled or forged tokens get a 4xx and no records",
        scroll_endpoints,
        scroll.invalid_token,
    ),
    Property(
        "equivalence.offset_scroll",
        "F11, F12",
        "offset paging and scrolling give the same records",
        both_modes,
        equivalence.offset_scroll,
    ),
    Property(
        "schema.response_conformance",
        "A1, A2",
        "statuses and bodies match the OpenAPI document",
        everywhere,
        schema.response_conformance,
    ),
    Property(
        "schema.no_server_errors",
        "A17",
        "no generated request gets a 5xx",
        everywhere,
        schema.no_server_errors,
    ),
    # Timed and state-changing properties run last: the TTL wait is shared, inserts change data.
    Property(
        "scroll.alive_within_ttl",
        "F9, A7",
        "a token used before its TTL works",
        scroll_endpoints,
        ttl.alive_within_ttl,
    ),
    Property(
        "scroll.expiry",
        "F9, A8",
        "a token idle past its TTL is refused without records",
        scroll_endpoints,
        ttl.expiry,
    ),
    Property(
        "scroll.snapshot",
        "A10",
        "a scroll sees the data as of its first call",
        scroll_endpoints,
        scroll.snapshot,
    ),
)

GROUPS = tuple(sorted({prop.group for prop in CATALOGUE}))


def by_id(property_id: str) -> Property:
    for prop in CATALOGUE:
        if prop.id == property_id:
            return prop
    raise KeyError(property_id)


__all__ = ["CATALOGUE", "GROUPS", "Property", "by_id", "evaluate", "paginated"]
