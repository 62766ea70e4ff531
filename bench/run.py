"""Measure the suite, its traversals and the mock, and write ``bench/RESULTS.md``.

    python -m bench            # full sizes: a million records, several minutes
    python -m bench --quick    # small sizes, under a minute: a smoke test for CI

Every figure comes from child processes (the suite run, the mock, one probe per figure), so
no measurement carries another's heap or warm caches.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from bench import report
from bench.processes import CLI, ROOT, Served, Timed, probe, served_mock, timed

TTL_PROPERTIES = ("scroll.alive_within_ttl", "scroll.expiry")
OUT = ROOT / "bench" / "out"


@dataclass(frozen=True)
class Sizes:
    suite: tuple[str, ...]  # extra arguments of the suite run; () is the default run
    workers: bool  # also run it with --workers 2
    records: int  # collection size of the traversal figures
    overhead_records: int
    rounds: int
    throughput_records: int
    small_requests: int
    contexts: int
    bag_records: int
    ttl: float
    ttl_only: tuple[str, ...]  # groups of the live-style run; () is every property


FULL = Sizes((), True, 1_000_000, 200_000, 5, 200_000, 2_000, 10_000, 1_000_000, 3.0, ())
QUICK = Sizes(
    ("--only", "auth.valid_accepted,equivalence", "--max-examples", "3"),
    False,
    40_000,
    10_000,
    3,
    10_000,
    200,
    1_000,
    50_000,
    1.0,
    ("scroll",),
)


def say(text: str) -> None:
    sys.stderr.write(f"bench: {text}\n")
    sys.stderr.flush()


def _run_summary(directory: Path) -> tuple[dict[str, Any], set[str]]:
    try:
        data = json.loads((directory / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, set()
    return data, {row["property"] for row in data.get("results", [])}


def _summary_text(data: dict[str, Any]) -> str:
    summary = data.get("summary", {})
    return ", ".join(f"{value} {key}" for key, value in summary.items() if value) or "no results"


def measure_suite(sizes: Sizes, scratch: Path) -> dict[str, Any]:
    """1. The default run against the embedded mock, serial and (full) with two workers."""
    from conformance.properties import CATALOGUE

    every_id = {prop.id for prop in CATALOGUE}
    variants = [("serial", ())] + ([("--workers 2", ("--workers", "2"))] if sizes.workers else [])
    runs: list[dict[str, Any]] = []
    for label, extra in variants:
        directory = scratch / f"suite-{len(runs)}"
        say(f"suite run ({label})")
        result = timed(
            [*CLI, "run", "--report-dir", str(directory), "--seed", "1", "-q", *sizes.suite, *extra]
        )
        data, ids = _run_summary(directory)
        runs.append(
            {
                "label": label,
                "wall_seconds": result.wall_seconds,
                "peak_rss_bytes": result.peak_rss_bytes,
                "cpu_seconds": result.cpu_seconds,
                "returncode": result.returncode,
                "verdicts": len(data.get("results", [])),
                "summary": _summary_text(data),
                "all_ids": ids >= every_id,
            }
        )
    command = "c4w-conformance run --seed 1 -q" + "".join(f" {arg}" for arg in sizes.suite)
    return {"command": command, "runs": runs}


WALKS = (("offset", "offset pages"), ("scroll", "scroll chunks"), ("equivalence", "equivalence"))
# Past offset 10,000 this mock skips one record: the walks fall out of step early and almost
# every record goes through the fallback, the worst case for the equivalence check's memory.
OUT_OF_STEP = "deep_offset_skips_one"
SMALLEST_WALK = 30_000


def _walks_at(records: int) -> dict[str, dict[str, Any]]:
    """Every walk over a mock of ``records`` records (and the out-of-step one, if the fault exists)."""
    found: dict[str, dict[str, Any]] = {}
    with served_mock("--records", str(records)) as mock:
        for kind, label in WALKS:
            say(f"{label} over {records:,} records")
            found[label] = probe("walk", {"url": mock.url, "kind": kind}, mock.env)
    label = f"equivalence, out of step (`--fault {OUT_OF_STEP}`)"
    say(f"equivalence out of step (--fault {OUT_OF_STEP}) over {records:,} records")
    try:
        with served_mock("--records", str(records), "--fault", OUT_OF_STEP) as mock:
            args = {"url": mock.url, "kind": "equivalence", "records": records}
            found[label] = probe("walk", args, mock.env)
    except RuntimeError as exc:
        say(f"skipped the out-of-step walk: {exc}")
    return found


def _walk_row(label: str, result: dict[str, Any], smaller: dict[str, Any] | None) -> dict[str, Any]:
    delta = result["peak_delta_bytes"]
    beyond = None if delta is None else max(0, delta - result["page_bytes"]) / max(1, result["records"])
    marginal = None
    if smaller is not None and delta is not None and smaller["peak_delta_bytes"] is not None:
        grown = result["records"] - smaller["records"]
        marginal = (delta - smaller["peak_delta_bytes"]) / grown if grown > 0 else None
    return {
        **result,
        "label": label,
        "bytes_per_record_beyond_page": beyond,
        "marginal_bytes_per_record": marginal,
        "smaller_records": None if smaller is None else smaller["records"],
        "smaller_peak_delta_bytes": None if smaller is None else smaller["peak_delta_bytes"],
    }


def measure_walks(sizes: Sizes) -> tuple[dict[str, Any], dict[str, Any]]:
    """2. Every walk at ``sizes.records`` and at a quarter of it: what grows with the walk."""
    smaller = max(sizes.records // 4, SMALLEST_WALK)  # several full chunks, so pages weigh the same
    full = _walks_at(sizes.records)
    quarter = _walks_at(smaller)
    rows = [_walk_row(label, result, quarter.get(label)) for label, result in full.items()]
    say(f"fingerprint bags of {sizes.bag_records:,} records")
    walks = {"records": sizes.records, "smaller": smaller, "rows": rows}
    return walks, probe("bag", {"records": sizes.bag_records})


def measure_overhead(sizes: Sizes) -> dict[str, Any]:
    """3. The suite's walk against a bare httpx loop, same server, same run."""
    with served_mock("--records", str(max(sizes.overhead_records, 25_000))) as mock:
        say(f"client overhead over {sizes.overhead_records:,} records, {sizes.rounds} rounds")
        return probe(
            "overhead", {"url": mock.url, "records": sizes.overhead_records, "rounds": sizes.rounds}, mock.env
        )


def measure_mock(sizes: Sizes) -> dict[str, Any]:
    """4. The mock's pace, and its memory with many open scroll contexts."""
    records = max(sizes.throughput_records, 25_000)
    with served_mock("--records", str(records)) as mock:
        say("mock throughput")
        args = {"url": mock.url, "records": sizes.throughput_records, "requests": sizes.small_requests}
        pace = probe("mock_throughput", args, mock.env)
    room = str(sizes.contexts + 100)  # the warm-up's contexts must not count against the limit
    with served_mock("--records", "25000", "--max-scroll-contexts", room) as mock:
        say(f"{sizes.contexts:,} open scroll contexts")
        probe("open_scrolls", {"url": mock.url, "contexts": 10}, mock.env)  # warm the mock up
        before = mock.status("VmRSS")
        scrolls = probe("open_scrolls", {"url": mock.url, "contexts": sizes.contexts}, mock.env)
        after = mock.status("VmRSS")
    scrolls.update(
        rss_before=before,
        rss_after=after,
        records=25_000,
        bytes_per_context=(after - before) / max(1, scrolls["opened"]),
    )
    return {"records": records, "throughput": pace, "scrolls": scrolls}


def _live_run(mock: Served, ttl: float, only: list[str], directory: Path) -> tuple[Timed, dict[str, Any]]:
    command = [*CLI, "run", "--target", mock.url, "--scroll-ttl", f"{ttl:g}", "--report-dir", str(directory)]
    command += ["--seed", "1", "-q"] + (["--only", ",".join(only)] if only else [])
    env = {name: value for name, value in mock.env.items() if name.startswith("C4W_")}
    result = timed(command, env)
    data, _ = _run_summary(directory)
    return result, data


def _test_seconds(directory: Path, properties: tuple[str, ...]) -> float | None:
    """Time pytest spent in the tests of ``properties`` (their JUnit ``classname``)."""
    try:
        tree = ElementTree.parse(directory / "junit.xml")
    except (OSError, ElementTree.ParseError):
        return None
    cases = [case for case in tree.iter("testcase") if case.get("classname") in properties]
    return sum(float(case.get("time", 0)) for case in cases) if cases else None


def measure_ttl(sizes: Sizes, scratch: Path) -> dict[str, Any]:
    """5. A live-style run with a short real TTL: one wait for all endpoints, not one each."""
    from conformance.properties import CATALOGUE
    from conformance.properties.ttl import margin
    from conformance.spec import load_spec

    chosen = [p.id for p in CATALOGUE if not sizes.ttl_only or p.group in sizes.ttl_only]
    work_only = [prop for prop in chosen if prop not in TTL_PROPERTIES]
    with served_mock("--scroll-ttl", f"{sizes.ttl:g}") as mock:
        say(f"live-style run, TTL {sizes.ttl:g} s")
        full, full_data = _live_run(mock, sizes.ttl, list(sizes.ttl_only), scratch / "ttl-full")
        say("the same run without the TTL properties")
        work, work_data = _live_run(mock, sizes.ttl, work_only, scratch / "ttl-work")
    endpoints = len(load_spec(None).paginated("scroll"))
    only = f" --only {','.join(sizes.ttl_only)}" if sizes.ttl_only else ""
    return {
        "ttl": sizes.ttl,
        "command": f"c4w-conformance run --target URL --scroll-ttl {sizes.ttl:g} -q{only}",
        "full": {
            "wall_seconds": full.wall_seconds,
            "returncode": full.returncode,
            "summary": _summary_text(full_data),
        },
        "work": {
            "wall_seconds": work.wall_seconds,
            "returncode": work.returncode,
            "summary": _summary_text(work_data),
        },
        "extra_seconds": full.wall_seconds - work.wall_seconds,
        "ttl_test_seconds": _test_seconds(scratch / "ttl-full", TTL_PROPERTIES),
        "one_wait": sizes.ttl + margin(sizes.ttl),
        "endpoints": endpoints,
        "probe_seconds": full_data.get("observed", {}).get("scroll.ttl_probe_seconds", "n/a"),
    }


def goals(data: dict[str, Any], quick: bool) -> list[report.Goal]:
    judged = None if quick else True
    serial = data["suite"]["runs"][0]
    listed = [
        report.Goal(
            "default run against the embedded mock, every property",
            "< 60 s on 2 cores",
            f"{serial['wall_seconds']:.1f} s, {serial['verdicts']} verdicts, "
            f"peak {report.mb(serial['peak_rss_bytes'])}",
            judged and serial["wall_seconds"] < 60 and serial["all_ids"] and serial["returncode"] == 0,
        )
    ]
    for row in data["walks"]["rows"]:
        if not row["label"].startswith("equivalence"):
            continue
        beyond, marginal = row["bytes_per_record_beyond_page"], row["marginal_bytes_per_record"]
        figure = "n/a" if marginal is None else f"{marginal:.1f} B per record walked"
        if beyond is not None:
            figure += f"; ceiling {beyond:.1f} B a record ({report.mb(row['peak_delta_bytes'])} peak)"
        listed.append(
            report.Goal(
                f"{row['label']}: memory",
                "bounded: <= 64 bytes a record beyond the current page",
                figure,
                judged and marginal is not None and marginal <= 64,
            )
        )
    overhead = data["overhead"]
    listed.append(
        report.Goal(
            "client overhead: suite walk / bare httpx walk",
            "<= 1.2",
            f"{overhead['ratio']:.2f} (client CPU {overhead['cpu_ratio']:.2f})",
            overhead["ratio"] <= 1.2,
        )
    )
    ttl = data["ttl"]
    per_endpoint = ttl["one_wait"] * ttl["endpoints"]
    spent = ttl["ttl_test_seconds"] if ttl["ttl_test_seconds"] is not None else ttl["extra_seconds"]
    listed.append(
        report.Goal(
            f"live-style run, real {ttl['ttl']:g} s TTL",
            "about one TTL plus the work (closer to one wait than to one per endpoint)",
            f"the TTL tests took {spent:.1f} s, the whole run {ttl['extra_seconds']:.1f} s longer "
            f"(one wait {ttl['one_wait']:.1f} s, one per endpoint {per_endpoint:.1f} s)",
            spent < (ttl["one_wait"] + per_endpoint) / 2 and ttl["full"]["returncode"] == 0,
        )
    )
    return listed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute (a CI smoke test)")
    parser.add_argument(
        "--output", type=Path, help="where to write (default bench/RESULTS.md; quick: bench/out/)"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    output = args.output or (OUT / "RESULTS-quick.md" if args.quick else ROOT / "bench" / "RESULTS.md")
    started = time.perf_counter()
    data: dict[str, Any] = {"quick": args.quick, "machine": report.machine()}
    with tempfile.TemporaryDirectory(prefix="c4w-bench-") as scratch:
        data["suite"] = measure_suite(sizes, Path(scratch))
        data["walks"], data["bag"] = measure_walks(sizes)
        data["overhead"] = measure_overhead(sizes)
        data["mock"] = measure_mock(sizes)
        data["ttl"] = measure_ttl(sizes, Path(scratch))
    data["bench_seconds"] = time.perf_counter() - started
    data["machine"]["load_average"] += f" at the start; {report.machine()['load_average']} at the end"
    data["machine"]["bench_time"] = f"{data['bench_seconds']:.0f} s"
    command = "python -m bench" + (" --quick" if args.quick else "")
    report.write(output, report.render(data, goals(data, args.quick), command))
    raw = (
        output.with_suffix(".json")
        if args.output
        else OUT / ("results-quick.json" if args.quick else "results.json")
    )
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    say(f"done in {data['bench_seconds']:.0f} s")
    return 0
