"""The sections of report.html: header, regression, conformance matrix, evidence, every check.

Plain functions from the results.json dictionary to HTML strings; ``plugin`` hands them to
pytest-html, which draws the page around them. Every value is escaped here, every link points
inside the page, and the styles travel inline, so the file opens offline and prints as it shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from conformance.evidence import ITEMS

Key = tuple[str, str]
EXCERPT_CHARS = 600
SYMBOLS = {"passed": "\u2713", "failed": "\u2717", "skipped": "\u2013", "inconclusive": "?"}
CSS = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def compact(value: Any, limit: int = 240) -> str:
    """A value on one bounded line (observed values can be lists of generated inputs)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def anchors(results: Iterable[dict[str, Any]]) -> dict[Key, str]:
    """A unique in-page id for each (property, endpoint)."""
    ids: dict[Key, str] = {}
    taken: set[str] = set()
    for item in results:
        key = (item["property"], item["endpoint"])
        base = "v-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{key[0]}@{key[1]}").strip("-")
        anchor, n = base, 1
        while anchor in taken:
            n += 1
            anchor = f"{base}-{n}"
        taken.add(anchor)
        ids[key] = anchor
    return ids


def _ordered(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


# -- header -------------------------------------------------------------------------------------


def verdict_line(data: dict[str, Any]) -> tuple[str, str]:
    """(css class, sentence): the run's verdict in one line."""
    summary = data["summary"]
    total = sum(summary.values())
    failed_props = _ordered(r["property"] for r in data["results"] if r["outcome"] == "failed")
    gaps = summary["skipped"] + summary["inconclusive"]
    if not data.get("complete", True):
        return "incomplete", f"INCOMPLETE: the run was interrupted after {total} checks"
    if summary["failed"]:
        return "failed", (
            f"NOT CONFORMANT: {len(failed_props)} propert{'y' if len(failed_props) == 1 else 'ies'} "
            f"failed ({summary['failed']} of {total} checks)"
        )
    if summary["passed"] == 0 and summary["inconclusive"]:
        return "inconclusive", f"NO VERDICT: none of the {total} checks could conclude"
    if gaps:
        return "skipped", (
            f"CONFORMANT WHERE CHECKED: {summary['passed']} checks passed, "
            f"{summary['skipped']} skipped, {summary['inconclusive']} inconclusive"
        )
    return "passed", f"CONFORMANT: all {summary['passed']} checks passed"


def _duration(started: str, finished: str) -> str:
    try:
        seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    except ValueError:
        return "?"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def header(data: dict[str, Any]) -> str:
    target = data.get("target", {})
    tool = dict(data.get("tool", {}))
    name, version = tool.pop("name", "c4w-conformance"), tool.pop("version", "?")
    libraries = ", ".join(f"{_e(lib)} {_e(ver)}" for lib, ver in tool.items())
    profile = data.get("profile_values", {})
    where = target.get("base_url", "")
    target_text = _e(target.get("url", "?")) + (
        f" <span class='c4w-muted'>({_e(where)})</span>" if where and where != target.get("url") else ""
    )
    faults = target.get("mock_faults") or []
    if faults:
        target_text += f" <span class='c4w-muted'>with fault {_e(', '.join(faults))}</span>"
    css_class, line = verdict_line(data)
    summary = data["summary"]
    rows = [
        ("Target", target_text),
        ("Profile", _e(data.get("profile", "")) + _muted(profile.get("source", ""))),
        ("Seed", f"{_e(data.get('seed', ''))} <span class='c4w-muted'>(--seed reproduces the run)</span>"),
        ("Tool", f"{_e(name)} {_e(version)}"),
        ("Libraries", libraries or "?"),
        ("Started", _e(data.get("started_at", ""))),
        ("Duration", _e(_duration(data.get("started_at", ""), data.get("finished_at", "")))),
        (
            "Checks",
            ", ".join(f"<span class='c4w-{k}'>{v} {k}</span>" for k, v in summary.items()),
        ),
    ]
    if "second_tenant" in target:
        rows.append(
            ("Second tenant", "yes" if target["second_tenant"] else "no (cross-tenant checks skipped)")
        )
    if "ttl_waits" in target:
        rows.append(("TTL waits", _e(target["ttl_waits"])))
    body = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
    return (
        f"<section class='c4w' id='c4w-header'><p class='c4w-verdict c4w-{css_class}'>{_e(line)}</p>"
        f"<table class='c4w-kv'>{body}</table></section>"
    )


def _muted(text: str) -> str:
    return f" <span class='c4w-muted'>({_e(text)})</span>" if text else ""


# -- regression ---------------------------------------------------------------------------------


def regression(data: dict[str, Any]) -> str:
    diff = data.get("regression")
    if not diff:
        return ""
    ids = anchors(data["results"])
    parts = [
        "<section class='c4w' id='c4w-regression'><h2>Compared with the baseline</h2>",
        f"<p>Baseline: <code>{_e(diff['baseline'])}</code>{_muted(diff.get('baseline_started_at', ''))}</p>",
    ]
    lists = (
        ("new_failures", "Newly failing", "failed"),
        ("fixed", "Fixed", "passed"),
        ("still_failing", "Still failing", "failed"),
        ("not_rechecked", "Failed in the baseline, not concluded now", "skipped"),
    )
    for name, title, css in lists:
        items = diff.get(name, [])
        if not items and name == "not_rechecked":
            continue
        parts.append(f"<h3 class='c4w-{css}'>{title} ({len(items)})</h3>")
        if not items:
            parts.append("<p class='c4w-muted'>none</p>")
            continue
        rows = []
        for item in items:
            key = (item["property"], item["endpoint"])
            label = f"{_e(key[0])} on {_e(key[1])}"
            link = f"<a href='#{ids[key]}'>{label}</a>" if key in ids else label
            rows.append(f"<li>{link}: {_e(compact(item.get('message', ''), 200))}</li>")
        parts.append(f"<ul>{''.join(rows)}</ul>")
    parts.append("</section>")
    return "".join(parts)


# -- matrix -------------------------------------------------------------------------------------


def matrix(data: dict[str, Any], summaries: dict[str, str] | None = None) -> str:
    """Endpoints as rows, property ids as columns, grouped by property group."""
    results = data["results"]
    ids = anchors(results)
    cells = {(r["property"], r["endpoint"]): r for r in results}
    endpoints = _ordered(r["endpoint"] for r in results)
    groups = _ordered(r["property"].split(".", 1)[0] for r in results)
    # columns of one group side by side, in the order the run met them
    properties = sorted(
        _ordered(r["property"] for r in results), key=lambda p: groups.index(p.split(".", 1)[0])
    )
    summaries = summaries or {}
    width = {g: sum(1 for p in properties if p.split(".", 1)[0] == g) for g in groups}
    group_row = "".join(f"<th class='c4w-group' colspan='{width[g]}'>{_e(g)}</th>" for g in groups)
    names = "".join(
        f"<th class='c4w-prop' title='{_e(p)}: {_e(summaries.get(p, ''))}'>"
        f"<span>{_e(p.split('.', 1)[-1])}</span></th>"
        for p in properties
    )
    rows = []
    for endpoint in endpoints:
        tds = []
        for prop in properties:
            item = cells.get((prop, endpoint))
            if item is None:
                tds.append("<td class='c4w-na' title='does not apply'>\u00b7</td>")
                continue
            outcome = item["outcome"]
            tip = f"{prop} on {endpoint}: {outcome}" + (
                f" \u2014 {compact(item['message'], 160)}" if item.get("message") else ""
            )
            tds.append(
                f"<td class='c4w-cell c4w-{_e(outcome)}'>"
                f"<a href='#{ids[(prop, endpoint)]}' title='{_e(tip)}'>"
                f"{SYMBOLS.get(outcome, '?')}<span class='c4w-sr'> {_e(outcome)}</span></a></td>"
            )
        rows.append(f"<tr><th class='c4w-ep'>{_e(endpoint)}</th>{''.join(tds)}</tr>")
    legend = (
        " ".join(f"<span class='c4w-cell c4w-{o}'>{s}</span> {o}" for o, s in SYMBOLS.items())
        + " <span class='c4w-na'>\u00b7</span> does not apply"
    )
    catalogue = "".join(f"<li><code>{_e(p)}</code> {_e(summaries.get(p, ''))}</li>" for p in properties)
    return (
        "<section class='c4w' id='c4w-matrix'><h2>Conformance matrix</h2>"
        "<p class='c4w-muted'>Each cell links to its details: the evidence of a failure, the reason of a "
        "skip, what was observed on a pass.</p>"
        "<div class='c4w-scroll'><table class='c4w-matrix'><thead>"
        f"<tr><th rowspan='2'>endpoint</th>{group_row}</tr>"
        f"<tr>{names}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f"<p class='c4w-legend'>{legend}</p>"
        f"<div class='c4w-catalogue'><h3>What each property checks</h3><ul>{catalogue}</ul></div>"
        "</section>"
    )


# -- evidence of failures -------------------------------------------------------------------------


def rule_items(rule: str) -> str:
    """The F/A items a verdict rests on, each with its sentence."""
    parts = [part.strip() for part in rule.split(",") if part.strip()]
    return "".join(f"<li><b>{_e(part)}</b> {_e(ITEMS.get(part, ''))}</li>" for part in parts)


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "\u2026"


def _evidence_item(item: dict[str, Any]) -> str:
    return (
        f"<li><pre class='c4w-curl'>{_e(item.get('request', ''))}</pre>"
        f"<p>status <b>{_e(item.get('status', '?'))}</b></p>"
        f"<pre class='c4w-excerpt'>{_e(_excerpt(str(item.get('response_excerpt', ''))))}</pre></li>"
    )


def _observed_table(observed: dict[str, Any]) -> str:
    if not observed:
        return ""
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(compact(v))}</td></tr>" for k, v in observed.items())
    return f"<table class='c4w-kv'>{rows}</table>"


def failure(item: dict[str, Any], anchor: str) -> str:
    parts = [
        f"<article class='c4w-failure' id='{anchor}'>",
        f"<h3><span class='c4w-badge c4w-failed'>FAILED</span> <code>{_e(item['property'])}</code> "
        f"on <code>{_e(item['endpoint'])}</code></h3>",
        f"<p class='c4w-message'>{_e(item.get('message', ''))}</p><dl>",
    ]
    if item.get("expected"):
        parts.append(f"<dt>Expected</dt><dd>{_e(item['expected'])}</dd>")
    if item.get("rule"):
        parts.append(f"<dt>Rests on</dt><dd><ul class='c4w-rules'>{rule_items(item['rule'])}</ul></dd>")
    if item.get("example"):
        parts.append(f"<dt>Minimal failing example</dt><dd><code>{_e(item['example'])}</code></dd>")
    parts.append("</dl>")
    evidence = item.get("evidence") or []
    if evidence:
        parts.append(f"<h4>Requests ({len(evidence)}), the last one failed</h4>")
        parts.append(f"<ol class='c4w-evidence'>{''.join(_evidence_item(e) for e in evidence)}</ol>")
    if item.get("observed"):
        parts.append(f"<h4>Observed</h4>{_observed_table(item['observed'])}")
    parts.append("<p class='c4w-back'><a href='#c4w-matrix'>back to the matrix</a></p></article>")
    return "".join(parts)


def failures(data: dict[str, Any]) -> str:
    failed = [r for r in data["results"] if r["outcome"] == "failed"]
    if not failed:
        return ""
    ids = anchors(data["results"])
    intro = (
        "<p class='c4w-muted'>The curl lines are runnable: credentials appear only as "
        "<code>$C4W_API_KEY</code>/<code>$C4W_API_SECRET</code> (and <code>$C4W_OTHER_API_KEY</code>/"
        "<code>$C4W_OTHER_API_SECRET</code> for the second tenant), scroll tokens only as a short prefix. "
        "Export them first; against the embedded mock, <code>c4w-conformance mock</code> prints its demo "
        "credentials and listens on a fixed port.</p>"
    )
    blocks = "".join(failure(item, ids[(item["property"], item["endpoint"])]) for item in failed)
    title = f"<h2>Failures and their evidence ({len(failed)})</h2>"
    return f"<section class='c4w' id='c4w-failures'>{title}{intro}{blocks}</section>"


# -- every check --------------------------------------------------------------------------------


def all_checks(data: dict[str, Any]) -> str:
    """One row per check; the row is the detail that a passed, skipped or inconclusive cell links to."""
    ids = anchors(data["results"])
    rows = []
    for item in data["results"]:
        key = (item["property"], item["endpoint"])
        outcome = item["outcome"]
        if outcome == "failed":
            row_id, what = (
                "",
                f"<a href='#{ids[key]}'>evidence</a> {_e(compact(item.get('message', ''), 160))}",
            )
        else:
            row_id, what = f" id='{ids[key]}'", _e(compact(item.get("message", ""), 300))
        observed = "; ".join(f"{k}={compact(v, 80)}" for k, v in (item.get("observed") or {}).items())
        rows.append(
            f"<tr{row_id} class='c4w-row-{_e(outcome)}'>"
            f"<td><code>{_e(key[0])}</code></td><td>{_e(key[1])}</td>"
            f"<td class='c4w-{_e(outcome)}'>{_e(outcome)}</td><td>{what}</td>"
            f"<td class='c4w-small'>{_e(compact(observed, 300))}</td><td>{_e(item.get('rule', ''))}</td></tr>"
        )
    return (
        "<section class='c4w' id='c4w-checks'><h2>Every check</h2>"
        "<table class='c4w-checks'><thead><tr><th>property</th><th>endpoint</th><th>outcome</th>"
        "<th>message or reason</th><th>observed</th><th>rests on</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def style() -> str:
    return f"<style>{CSS}</style>"
