"""The "observed behaviour" section: what the target did for each assumption of the profile.

This is what a pre-migration audit hands over, so it is written as assumption, what the
profile assumes, what the target did. It reads the run's ``observed`` map (``status.<kind>``
keys record the statuses each kind of request got) and the checks' own observations; keys it
does not know are listed as they are, so a new property's observations are never lost.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from html import escape
from typing import Any

from conformance.reporting.html import compact

# kind of request (the part of ``status.<kind>`` before any variant) -> the status the profile assumes
_ASSUMED: list[tuple[re.Pattern[str], Callable[[dict[str, Any]], Any], str]] = [
    (re.compile(r"missing_credentials$"), lambda p: p["auth"]["missing_status"], "auth.missing_status"),
    (re.compile(r"wrong_(secret|key)$"), lambda p: p["auth"]["wrong_status"], "auth.wrong_status"),
    (re.compile(r"cross_tenant$"), lambda p: p["auth"]["cross_tenant_status"], "auth.cross_tenant_status"),
    (
        re.compile(r"scroll_token_binding \(other tenant\)$"),
        lambda p: p["auth"]["scroll_foreign_status"],
        "auth.scroll_foreign_status",
    ),
    (
        re.compile(r"scroll_token_binding \(no credentials\)$"),
        lambda p: p["auth"]["missing_status"],
        "auth.missing_status",
    ),
    (
        re.compile(r"scroll_token_binding \(wrong secret\)$"),
        lambda p: p["auth"]["wrong_status"],
        "auth.wrong_status",
    ),
    (
        re.compile(r"offset_past_end$"),
        lambda p: p["pagination"]["past_end_status"],
        "pagination.past_end_status",
    ),
    (
        re.compile(r"invalid (limit|offset)$"),
        lambda p: p["pagination"]["invalid_param_status"],
        "pagination.invalid_param_status",
    ),
    (re.compile(r"scroll_token_forged$"), lambda p: p["scroll"]["unknown_status"], "scroll.unknown_status"),
    (re.compile(r"scroll_token_expired$"), lambda p: p["scroll"]["expired_status"], "scroll.expired_status"),
    (re.compile(r"within_ttl$"), lambda p: 200, "a live token is accepted"),
    (re.compile(r"^renewed-away secret$"), lambda p: p["auth"]["wrong_status"], "auth.wrong_status"),
    (re.compile(r"scroll_token_\w+$"), lambda p: p["scroll"]["malformed_status"], "scroll.malformed_status"),
]
_VARIANT = re.compile(r"^(?P<kind>.+?) \((?P<variant>.*)\)$")
_INVALID = re.compile(r"^(?P<kind>(invalid )?\w+)=(?P<variant>.*)$")
SAMPLES = 4
DASH = "\u2014"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _split(name: str) -> tuple[str, str]:
    """Kind and variant of a status key: ``wrong_secret (truncate)``, ``invalid limit='0'``."""
    for pattern in (_VARIANT, _INVALID):
        match = pattern.match(name)
        if match:
            return match.group("kind"), match.group("variant")
    return name, ""


def assumed_status(kind: str, variant: str, profile: dict[str, Any]) -> tuple[Any, str]:
    full = f"{kind} ({variant})" if variant else kind
    for pattern, value, label in _ASSUMED:
        if pattern.search(full) or pattern.search(kind):
            try:
                return value(profile), label
            except (KeyError, TypeError):
                return None, label
    return None, ""


def _statuses(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def rejection_rows(observed: dict[str, Any], profile: dict[str, Any]) -> tuple[str, set[str]]:
    """Rows of the statuses table, and the keys they used."""
    by_kind: dict[str, list[tuple[str, list[Any]]]] = defaultdict(list)
    used = set()
    for key, value in observed.items():
        if not key.startswith("status."):
            continue
        used.add(key)
        kind, variant = _split(key[len("status.") :])
        by_kind[kind].append((variant, _statuses(value)))
    rows = []
    for kind, variants in by_kind.items():
        expected, label = assumed_status(kind, variants[0][0], profile)
        if len(variants) > 6 or kind.startswith("invalid "):
            rows.append(
                _row(kind, _grouped(variants), expected, label, [s for _, ss in variants for s in ss])
            )
            continue
        for variant, statuses in variants:
            expected, label = assumed_status(kind, variant, profile)
            rows.append(_row(kind, _e(variant), expected, label, statuses))
    return "".join(rows), used


def _grouped(variants: list[tuple[str, list[Any]]]) -> str:
    """Many generated inputs in one cell: how many, and a few of them per status seen."""
    per_status: dict[str, list[str]] = defaultdict(list)
    for variant, statuses in variants:
        for status in statuses:
            per_status[str(status)].append(variant)
    parts = []
    for status, values in per_status.items():
        shown = ", ".join(compact(v, 24) for v in values[:SAMPLES])
        more = f" and {len(values) - SAMPLES} more" if len(values) > SAMPLES else ""
        parts.append(f"{len(values)} value{'s' if len(values) != 1 else ''} got {status}: {shown}{more}")
    return "<br>".join(_e(p) for p in parts)


def _row(kind: str, variant_html: str, expected: Any, label: str, statuses: list[Any]) -> str:
    seen = sorted({str(s) for s in statuses})
    if expected is None:
        verdict, css = "observed only", "c4w-muted"
    elif expected == 0:  # the profile's "any 4xx without records"
        ok = all(s.isdigit() and 400 <= int(s) < 500 for s in seen)
        verdict, css = ("as assumed", "c4w-passed") if ok else ("differs", "c4w-failed")
    elif seen == [str(expected)]:
        verdict, css = "as assumed", "c4w-passed"
    else:
        verdict, css = "differs", "c4w-failed"
    shown = "any 4xx" if expected == 0 else expected
    assumed = f"{_e(shown)} <span class='c4w-muted'>({_e(label)})</span>" if expected is not None else DASH
    return (
        f"<tr><td><code>{_e(kind)}</code></td><td>{variant_html}</td><td>{assumed}</td>"
        f"<td>{_e(', '.join(seen))}</td><td class='{css}'>{verdict}</td></tr>"
    )


def _per_endpoint(observed: dict[str, Any], results: list[dict[str, Any]]) -> tuple[str, set[str]]:
    """Largest offset page and scroll chunk, and the record count, per endpoint."""
    columns = {"offset.largest_page/": "page", "scroll.largest_chunk/": "chunk"}
    table: dict[str, dict[str, Any]] = defaultdict(dict)
    used = set()
    for key, value in observed.items():
        for prefix, column in columns.items():
            if key.startswith(prefix):
                table[key[len(prefix) - 1 :]][column] = value
                used.add(key)
    for item in results:
        count = (item.get("observed") or {}).get("count")
        if isinstance(count, int) and item["endpoint"] in table:
            table[item["endpoint"]].setdefault("count", count)
    rows = "".join(
        f"<tr><td>{_e(ep)}</td><td>{_e(v.get('count', DASH))}</td><td>{_e(v.get('page', DASH))}</td>"
        f"<td>{_e(v.get('chunk', DASH))}</td></tr>"
        for ep, v in table.items()
    )
    return rows, used


def _check_observation(results: list[dict[str, Any]], prop: str, field: str) -> str:
    seen = sorted(
        {str((r.get("observed") or {}).get(field)) for r in results if r["property"] == prop} - {"None"}
    )
    return ", ".join(seen)


Fact = tuple[str, str, str, bool | None]  # assumption, profile, target, as assumed?


def _facts(
    observed: dict[str, Any], profile: dict[str, Any], results: list[dict[str, Any]]
) -> tuple[str, set[str]]:
    """Tokens, TTL and caps: one row per assumption, with what the run saw."""
    scroll, auth, pagination = (profile.get(name, {}) for name in ("scroll", "auth", "pagination"))
    used: set[str] = set()

    def take(key: str) -> Any:
        used.add(key)
        return observed.get(key)

    changes = take("scroll.token_changes_every_call")
    rows: list[Fact] = [
        (
            "Scroll token changes on every call (A7)",
            str(scroll.get("token_changes", "?")).lower(),
            _text(changes).lower(),
            None if changes is None else bool(changes) == bool(scroll.get("token_changes")),
        ),
        _ttl(take("scroll.ttl_checked_seconds"), take("scroll.ttl_probe_seconds"), scroll, results),
    ]
    largest = _largest(observed, "scroll.largest_chunk/")
    cap = scroll.get("cap")
    rows.append(
        (
            "Records per scroll chunk at most (F10)",
            str(cap),
            f"largest {largest}" if largest is not None else DASH,
            None if largest is None or not isinstance(cap, int) else largest <= cap,
        )
    )
    largest = _largest(observed, "offset.largest_page/")
    ceiling = max(pagination.get("max_limit", 0), scroll.get("first_call_max_limit", 0))
    rows.append(
        (
            "Offset page at most (A11, A6)",
            f"{pagination.get('max_limit', '?')} (offset only), "
            f"{scroll.get('first_call_max_limit', '?')} (scroll-capable)",
            f"largest {largest}" if largest is not None else DASH,
            None if largest is None else largest <= ceiling,
        )
    )
    space = take("auth.key_with_trailing_space_status")
    if space is not None:
        policy = str(auth.get("key_trailing_space", "observe"))
        assumed = {"accepted": "accepted (200)", "refused": f"rejected ({auth.get('wrong_status')})"}.get(
            policy, "not assumed (observed)"
        )
        matches = None if policy == "observe" else (space == 200) == (policy == "accepted")
        rows.append(("A key with a trailing space (F4)", assumed, _text(space), matches))
    owner = take("scroll.owner_token_usable_after_foreign_attempts")
    if owner is not None:
        rows.append(
            ("Owner's token still works after foreign attempts (A13)", "200", _text(owner), owner == 200)
        )
    return "".join(_fact_row(row) for row in rows), used


def _fact_row(row: Fact) -> str:
    label, assumed, seen, ok = row
    verdict = "" if ok is None else "<td class='c4w-passed'>as assumed</td>"
    if ok is False:
        verdict = "<td class='c4w-failed'>differs</td>"
    return f"<tr><th>{_e(label)}</th><td>{_e(assumed)}</td><td>{_e(seen)}</td>{verdict or '<td></td>'}</tr>"


def _largest(observed: dict[str, Any], prefix: str) -> int | None:
    values = [v for k, v in observed.items() if k.startswith(prefix) and isinstance(v, int)]
    return max(values) if values else None


def _ttl(ttl: Any, probe: Any, scroll: dict[str, Any], results: list[dict[str, Any]]) -> Fact:
    alive = _check_observation(results, "scroll.alive_within_ttl", "token_age_seconds")
    alive_status = _check_observation(results, "scroll.alive_within_ttl", "status")
    dead = _check_observation(results, "scroll.expiry", "token_age_seconds")
    dead_status = _check_observation(results, "scroll.expiry", "status")
    seen = []
    if isinstance(ttl, dict):
        clock = " on the virtual clock" if ttl.get("virtual") else " in real time"
        seen.append(f"checked {ttl.get('ttl')} s \u00b1 {ttl.get('margin')} s{clock}")
    if alive:
        seen.append(f"a token idle {alive} s got {alive_status}")
    if dead:
        seen.append(f"a token idle {dead} s got {dead_status}")
    if probe:
        seen.append(f"probe took {probe} s")
    ok = None
    if alive_status and dead_status:
        ok = alive_status == "200" and "200" not in dead_status.split(", ")
    return ("Scroll token TTL (F9)", f"{scroll.get('ttl_seconds', '?')} s", "; ".join(seen) or DASH, ok)


def _text(value: Any) -> str:
    return DASH if value is None else compact(value, 120)


def _error_bodies(observed: dict[str, Any], results: list[dict[str, Any]]) -> tuple[str, set[str]]:
    """Bodies of rejections: recorded ones, then those in failure evidence.

    The run keeps the first body of each error status (``error_body.<status>``); a property may
    also record one per kind of request (``error_body.<kind>``).
    """
    items: list[tuple[str, str, str]] = []
    used = set()
    for key, value in sorted(observed.items()):
        if key.startswith("error_body."):
            used.add(key)
            name = key[len("error_body.") :]
            kind, status = ("first of its status", name) if name.isdigit() else (name, "")
            items.append((kind, status, compact(value, 400)))
    seen = {body for _, _, body in items}
    for item in results:
        for evidence in item.get("evidence") or []:
            status = evidence.get("status")
            body = compact(str(evidence.get("response_excerpt", "")), 400)
            if isinstance(status, int) and status >= 400 and body not in seen and len(items) < 12:
                seen.add(body)
                items.append((f"{item['property']} on {item['endpoint']}", str(status), body))
    html = "".join(
        f"<tr><td>{_e(kind)}</td><td>{_e(status)}</td><td><pre class='c4w-excerpt'>{_e(body)}</pre></td></tr>"
        for kind, status, body in items
    )
    return html, used


def section(data: dict[str, Any]) -> str:
    observed: dict[str, Any] = data.get("observed") or {}
    profile: dict[str, Any] = data.get("profile_values") or {}
    results: list[dict[str, Any]] = data.get("results") or []
    statuses, used = rejection_rows(observed, profile)
    facts, used_facts = _facts(observed, profile, results)
    endpoints, used_endpoints = _per_endpoint(observed, results)
    bodies, used_bodies = _error_bodies(observed, results)
    used |= used_facts | used_endpoints | used_bodies
    other = "".join(
        f"<tr><th>{_e(k)}</th><td>{_e(compact(v))}</td></tr>" for k, v in observed.items() if k not in used
    )
    parts = [
        "<section class='c4w' id='c4w-observed'><h2>Observed behaviour</h2>",
        "<p class='c4w-muted'>What the target did, next to what the profile assumes. "
        "A difference here is what to settle before migrating.</p>",
        "<h3>Statuses of each kind of request</h3>",
        "<table class='c4w-table'><thead><tr><th>request</th><th>variant</th><th>profile assumes</th>"
        f"<th>target answered</th><th></th></tr></thead><tbody>{statuses}</tbody></table>"
        if statuses
        else "<p class='c4w-muted'>no statuses recorded</p>",
        "<h3>Tokens, TTL, caps</h3><table class='c4w-table'><thead><tr><th>assumption</th>"
        f"<th>profile</th><th>target</th><th></th></tr></thead><tbody>{facts}</tbody></table>",
    ]
    if endpoints:
        parts.append(
            "<h3>Per endpoint</h3><table class='c4w-table'><thead><tr><th>endpoint</th><th>records</th>"
            "<th>largest offset page</th><th>largest scroll chunk</th></tr></thead>"
            f"<tbody>{endpoints}</tbody></table>"
        )
    parts.append("<h3>Error bodies</h3>")
    parts.append(
        "<table class='c4w-table'><thead><tr><th>request</th><th>status</th>"
        "<th>body (excerpt)</th></tr></thead>"
        f"<tbody>{bodies}</tbody></table>"
        if bodies
        else "<p class='c4w-muted'>none recorded in this run</p>"
    )
    if other:
        parts.append(f"<h3>Other observations</h3><table class='c4w-kv'>{other}</table>")
    parts.append("</section>")
    return "".join(parts)
