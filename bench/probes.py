"""Measurements that run in a fresh child process (``python -m bench.probes NAME JSON``).

Each prints one JSON line. A fresh interpreter per figure keeps them apart: one probe's heap
never inflates the next one's peak. Memory figures are taken after a warm-up (imports, the
client's connection, a first page), from the peak RSS the kernel tracks for this process
(``VmHWM``, reset through ``/proc/self/clear_refs``) and, where noted, from ``tracemalloc``.
"""

from __future__ import annotations

import cProfile
import gc
import hashlib
import io
import json
import os
import pstats
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from conformance.context import SuiteContext
from conformance.options import RunOptions
from conformance.redaction import Sensitive
from conformance.session import open_context
from conformance.spec import Endpoint
from conformance.traversal import fetch_offset_page, offset_pages, scroll_chunks

ENDPOINT = "/connections"


def rss(name: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    return 0


def reset_peak() -> bool:
    """Make ``VmHWM`` start again from the current RSS (Linux 4.0+); False where not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


@contextmanager
def suite_context(url: str) -> Iterator[SuiteContext]:
    env = os.environ
    options = RunOptions(
        target=url,
        api_key=env["C4W_API_KEY"],
        api_secret=env["C4W_API_SECRET"],
        other_api_key=env.get("C4W_OTHER_API_KEY"),
        other_api_secret=env.get("C4W_OTHER_API_SECRET"),
    )  # a loopback target: no rate limit, no record window, as for the embedded mock
    with open_context(options) as ctx:
        yield ctx


def wire_params(ctx: SuiteContext) -> dict[str, str]:
    """The query parameters the suite sends for authentication, as plain strings."""
    params = ctx.auth_params(ctx.primary)
    return {name: value.actual if isinstance(value, Sensitive) else str(value) for name, value in params}


def _page_memory(ctx: SuiteContext, endpoint: Endpoint, limit: int) -> int:
    """Bytes one page of ``limit`` records takes once fetched and parsed (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    page = fetch_offset_page(ctx, endpoint, 0, limit) if limit else None
    if page is not None:
        _ = page.exchange.json
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del page
    return size


def walk(args: dict[str, Any]) -> dict[str, Any]:
    """A full offset walk, scroll walk, or the equivalence check, over ``/connections``."""
    from conformance.properties.equivalence import offset_scroll
    from conformance.verdicts import Violation

    kind = args["kind"]
    with suite_context(args["url"]) as ctx:
        endpoint = ctx.spec.endpoint(ENDPOINT)
        page_size, chunk = ctx.profile.pagination.max_limit, ctx.profile.scroll.cap
        next(iter(offset_pages(ctx, endpoint, 10, stop=10)))  # warm up the connection
        gc.collect()
        baseline = rss()
        peak_reset = reset_peak()
        records = 0
        outcome = "passed"
        started, cpu = time.perf_counter(), time.process_time()
        if kind == "offset":
            for page in offset_pages(ctx, endpoint, page_size):
                records += len(page.records)
        elif kind == "scroll":
            for page in scroll_chunks(ctx, endpoint, chunk):
                records += len(page.records)
        else:
            try:
                observed = offset_scroll(ctx, endpoint)
                records = int(observed.get("records_compared", 0))
                outcome = str(observed.get("message", "passed"))
            except Violation as exc:
                outcome = f"failed: {exc}"
                records = int(args.get("records", 0))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = rss("VmHWM") if peak_reset else 0
        largest = chunk if kind != "offset" else page_size
        page_bytes = _page_memory(ctx, endpoint, min(largest, ctx.max_limit(endpoint)))
    return {
        "kind": kind,
        "records": records,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "records_per_second": records / elapsed if elapsed else 0.0,
        "baseline_rss_bytes": baseline,
        "peak_rss_bytes": peak,
        "peak_delta_bytes": max(0, peak - baseline) if peak else None,
        "page_bytes": page_bytes,
        "outcome": outcome,
        "requests": ctx.client.requests_sent,
    }


def _suite_walk(ctx: SuiteContext, endpoint: Endpoint, records: int) -> int:
    seen = 0
    for page in offset_pages(ctx, endpoint, ctx.profile.pagination.max_limit, stop=records):
        seen += len(page.records)
    return seen


class _Clock:
    """Wall and CPU time spent inside ``with`` blocks, summed."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> None:
        self._started = (time.perf_counter(), time.process_time())

    def __exit__(self, *exc: object) -> None:
        self.wall += time.perf_counter() - self._started[0]
        self.cpu += time.process_time() - self._started[1]


def _interleaved_round(
    ctx: SuiteContext, endpoint: Endpoint, client: httpx.Client, records: int
) -> tuple[_Clock, _Clock, int]:
    """One walk each, page by page in turn: the suite's page and the same page by hand.

    Interleaving page by page, not walk by walk, puts both under the same load from whatever
    else the machine runs at that moment; taking turns at going first shares out the mock's
    warm cache (the second request for a page finds its records already generated).
    """
    pag = ctx.profile.pagination
    params = wire_params(ctx)
    url = ctx.client.base_url + endpoint.path
    suite, bare = _Clock(), _Clock()
    walk = offset_pages(ctx, endpoint, pag.max_limit, stop=records)
    seen = offset = 0

    def by_hand() -> list[Any]:  # what a user would write: httpx, parse, next offset
        with bare:
            response = client.get(url, params={**params, pag.limit_param: 1000, pag.offset_param: offset})
            data: list[Any] = response.json()["data"]
        return data

    while offset < records:
        data = by_hand() if (offset // 1000) % 2 else []
        with suite:
            page = next(walk, None)
        if page is None:
            break
        if not (offset // 1000) % 2:
            data = by_hand()
        if len(data) != len(page.records):
            raise RuntimeError(f"the two walks differ at offset {offset}")
        seen += len(data)
        offset += len(data)
    return suite, bare, seen


def overhead(args: dict[str, Any]) -> dict[str, Any]:
    """The suite's offset walk against a bare httpx loop over the same pages, interleaved."""
    records, rounds = int(args["records"]), int(args["rounds"])
    with suite_context(args["url"]) as ctx, httpx.Client() as client:
        endpoint = ctx.spec.endpoint(ENDPOINT)
        assert ctx.profile.pagination.max_limit == 1000, "the bare loop pages by 1000 like the profile"
        _interleaved_round(ctx, endpoint, client, 2000)  # warm-up of both paths
        measured = [_interleaved_round(ctx, endpoint, client, records) for _ in range(rounds)]
        profiler = cProfile.Profile()
        profiler.enable()
        _suite_walk(ctx, endpoint, records)
        profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
    suite_wall = sum(suite.wall for suite, _, _ in measured)
    bare_wall = sum(bare.wall for _, bare, _ in measured)
    suite_cpu = sum(suite.cpu for suite, _, _ in measured)
    bare_cpu = sum(bare.cpu for _, bare, _ in measured)
    return {
        "records": measured[0][2],
        "rounds": rounds,
        "suite_seconds": suite_wall / rounds,
        "bare_seconds": bare_wall / rounds,
        "ratio": suite_wall / bare_wall,
        "suite_cpu_seconds": suite_cpu / rounds,
        "bare_cpu_seconds": bare_cpu / rounds,
        "cpu_ratio": suite_cpu / bare_cpu if bare_cpu else None,
        "all_suite_seconds": [suite.wall for suite, _, _ in measured],
        "all_bare_seconds": [bare.wall for _, bare, _ in measured],
        "profile": _profile_rows(text.getvalue()),
    }


def _profile_rows(text: str) -> list[str]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), None)
    if start is None:
        return []
    rows = [line.rstrip() for line in lines[start : start + 13] if line.strip()]
    return [row.replace(str(Path.cwd()) + "/", "").replace(sys.prefix + "/", "") for row in rows]


def mock_throughput(args: dict[str, Any]) -> dict[str, Any]:
    """The mock's pace as one client sees it: large offset pages, scroll chunks, tiny requests."""
    url, records, requests = args["url"], int(args["records"]), int(args["requests"])
    with suite_context(url) as ctx:
        params = wire_params(ctx)
        pag, scroll = ctx.profile.pagination, ctx.profile.scroll
    base = url.rstrip("/")
    out: dict[str, Any] = {}
    with httpx.Client() as client:
        started = time.perf_counter()
        served = 0
        for offset in range(0, records, 1000):
            reply = client.get(
                base + ENDPOINT, params={**params, pag.limit_param: 1000, pag.offset_param: offset}
            )
            served += min(1000, records - offset) if reply.status_code == 200 else 0
        elapsed = time.perf_counter() - started
        out["offset_records_per_second"] = served / elapsed
        out["offset_requests_per_second"] = -(-records // 1000) / elapsed

        started = time.perf_counter()
        first = client.get(base + ENDPOINT, params={**params, pag.limit_param: scroll.cap}).json()
        served, token, calls = len(first["data"]), first.get(scroll.token_field), 1
        while token and served < records:
            body = client.get(base + ENDPOINT, params={**params, scroll.token_param: token}).content
            calls += 1
            served += body.count(b'"id":')
            mark = body.rfind(b'"' + scroll.token_field.encode() + b'":"')
            token = body[mark:].split(b'"')[3].decode() if mark >= 0 else None
        elapsed = time.perf_counter() - started
        out["scroll_records_per_second"] = served / elapsed
        out["scroll_requests_per_second"] = calls / elapsed

        started = time.perf_counter()
        for _ in range(requests):
            client.get(base + "/users", params={**params, pag.limit_param: 1})
        elapsed = time.perf_counter() - started
        out["small_requests_per_second"] = requests / elapsed
    return out


def open_scrolls(args: dict[str, Any]) -> dict[str, Any]:
    """Open ``contexts`` scrolls (one record each) and leave them open."""
    url, contexts = args["url"], int(args["contexts"])
    with suite_context(url) as ctx:
        params = wire_params(ctx)
        limit_param = ctx.profile.pagination.limit_param
    opened = refused = 0
    started = time.perf_counter()
    with httpx.Client() as client:
        for _ in range(contexts):
            reply = client.get(url.rstrip("/") + ENDPOINT, params={**params, limit_param: 1})
            opened += reply.status_code == 200
            refused += reply.status_code == 429
    return {"opened": opened, "refused": refused, "seconds": time.perf_counter() - started}


def bag(args: dict[str, Any]) -> dict[str, Any]:
    """The out-of-step fallback's memory on its own: two bags of ``records`` fingerprints."""
    from conformance.records import FingerprintBag

    records = int(args["records"])
    ids = (hashlib.md5(str(i).encode()).hexdigest() for i in range(records))  # 32 hex digits like the mock
    gc.collect()
    tracemalloc.start()
    left, right = FingerprintBag(), FingerprintBag()
    started = time.perf_counter()
    for position, record_id in enumerate(ids):
        left.add(record_id, position)
        right.add(record_id, position if position % 100_000 else position + 1)  # a few changed
    filled = tracemalloc.get_traced_memory()[0]
    difference = left.difference(right)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "records": records,
        "seconds": elapsed,
        "held_bytes": filled,
        "peak_bytes": peak,
        "held_bytes_per_record": filled / records,
        "peak_bytes_per_record": peak / records,
        "changed_found": len(difference.changed),
        "changed_expected": -(-records // 100_000),
    }


PROBES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "walk": walk,
    "overhead": overhead,
    "mock_throughput": mock_throughput,
    "open_scrolls": open_scrolls,
    "bag": bag,
}


def main(argv: list[str]) -> int:
    name, arguments = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    print(json.dumps(PROBES[name](arguments)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
