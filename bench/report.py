"""RESULTS.md: the machine, the figures, and each goal met or not."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MB = 1024 * 1024


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} (nproc {len(os.sched_getaffinity(0))})",
        "cpu_model": _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "memory": _memory(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "load_average": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "commit": _git_commit(),
    }
    return info


def _proc_field(path: str, name: str) -> str:
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return ""


def _memory() -> str:
    total = _proc_field("/proc/meminfo", "MemTotal")
    return f"{int(total.split()[0]) / 1024 / 1024:.1f} GiB" if total else "unknown"


def _git_commit() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=root, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], capture_output=True, text=True, cwd=root, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with uncommitted changes" if dirty else "")


@dataclass
class Goal:
    name: str
    target: str
    figure: str
    met: bool | None  # None: not judged at this size

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**not met**", None: "not judged (quick sizes)"}[self.met]


def mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value / MB:.1f} MB"


def rate(value: float) -> str:
    return f"{value:,.0f}"


def render(data: dict[str, Any], goals: list[Goal], command: str) -> str:
    """The whole RESULTS.md."""
    lines = [
        "# Benchmarks",
        "",
        f"Reproduce with `{command}` from the repository root (see the README). "
        + ("Quick mode: small sizes, a smoke test only." if data["quick"] else "Full sizes."),
        "Timings come from a shared 2-core machine where other work may run at the same time; "
        "rerun when a figure looks off.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {key.replace('_', ' ')} | {value} |" for key, value in data["machine"].items()],
        "",
        "## Goals",
        "",
        "| goal | target | measured | |",
        "|---|---|---|---|",
        *[f"| {g.name} | {g.target} | {g.figure} | {g.verdict} |" for g in goals],
        "",
    ]
    lines += _suite_section(data["suite"])
    lines += _walk_section(data["walks"], data["bag"])
    lines += _overhead_section(data["overhead"])
    lines += _mock_section(data["mock"])
    lines += _ttl_section(data["ttl"])
    return "\n".join(lines) + "\n"


def _suite_section(suite: dict[str, Any]) -> list[str]:
    lines = [
        "## 1. `c4w-conformance run` against the embedded mock",
        "",
        f"Command: `{suite['command']}`. Peak memory is the largest RSS of the run's processes "
        "(the embedded mock runs inside it).",
        "",
        "| run | wall | peak RSS | CPU | verdicts | every property id | exit |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in suite["runs"]:
        lines.append(
            f"| {row['label']} | {row['wall_seconds']:.1f} s | {mb(row['peak_rss_bytes'])} | "
            f"{row['cpu_seconds']:.1f} s | {row['verdicts']} ({row['summary']}) | "
            f"{'yes' if row['all_ids'] else 'no'} | {row['returncode']} |"
        )
    return [*lines, ""]


def _walk_section(walks: dict[str, Any], bag: dict[str, Any]) -> list[str]:
    lines = [
        f"## 2. Traversals of {walks['records']:,} records (`/connections`, mock in its own process)",
        "",
        "*Peak* is the client process's RSS high-water mark during the walk minus its RSS just "
        "before (after imports and a warm-up request). *One page* is what one page of the largest "
        "size the walk uses takes once parsed (tracemalloc): 1,000 records for offset, 9,999 for "
        "scroll and equivalence. *Ceiling* is (peak - one page) / records: it also counts what does "
        "not grow with the walk (the previous page while the next one arrives, raw bodies, "
        "allocator slack). *Per record walked* is what grows with the walk: (peak - peak over "
        f"{walks['smaller']:,} records) / {walks['records'] - walks['smaller']:,}.",
        "",
        "| walk | records | seconds | records/s | client CPU | peak | one page | ceiling | "
        f"peak at {walks['smaller']:,} | per record walked | outcome |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in walks["rows"]:
        beyond, marginal = row["bytes_per_record_beyond_page"], row["marginal_bytes_per_record"]
        lines.append(
            f"| {row['label']} | {row['records']:,} | {row['seconds']:.1f} | "
            f"{rate(row['records_per_second'])} | {row['cpu_seconds']:.1f} s | "
            f"{mb(row['peak_delta_bytes'])} | {mb(row['page_bytes'])} | "
            f"{'n/a' if beyond is None else f'{beyond:.1f} B'} | {mb(row['smaller_peak_delta_bytes'])} | "
            f"{'n/a' if marginal is None else f'{marginal:.1f} B'} | {row['outcome'][:90]} |"
        )
    lines += [
        "",
        f"The out-of-step fallback on its own (tracemalloc, {bag['records']:,} records on each side, "
        f"ids of 32 hex digits): two `FingerprintBag`s hold {mb(bag['held_bytes'])} "
        f"({bag['held_bytes_per_record']:.1f} bytes a record for both sides), peaking at "
        f"{mb(bag['peak_bytes'])} while compared ({bag['peak_bytes_per_record']:.1f} bytes a record); "
        f"filling and comparing took {bag['seconds']:.1f} s and found {bag['changed_found']} of the "
        f"{bag['changed_expected']} changed records planted.",
        "",
    ]
    return lines


def _overhead_section(overhead: dict[str, Any]) -> list[str]:
    lines = [
        "## 3. Client overhead: the suite's traversal against a bare httpx loop",
        "",
        f"Both walk the first {overhead['records']:,} records of `/connections` by pages of 1,000 from "
        "the same mock process, interleaved page by page (the suite's page, then the same page by hand), "
        f"{overhead['rounds']} rounds; mean time per walk. The suite's walk is `traversal.offset_pages` "
        "through `SuiteContext` and `V2Client`; the bare loop is `httpx.Client.get(...).json()`. "
        "Client CPU is this process's CPU time: the server's work is not in it.",
        "",
        "| | suite | bare httpx | ratio |",
        "|---|---|---|---|",
        f"| wall | {overhead['suite_seconds']:.3f} s | {overhead['bare_seconds']:.3f} s | "
        f"{overhead['ratio']:.2f} |",
        f"| client CPU | {overhead['suite_cpu_seconds']:.3f} s | {overhead['bare_cpu_seconds']:.3f} s | "
        f"{overhead['cpu_ratio']:.2f} |",
        "",
        "Every round (wall seconds): suite "
        + ", ".join(f"{value:.3f}" for value in overhead["all_suite_seconds"])
        + "; bare "
        + ", ".join(f"{value:.3f}" for value in overhead["all_bare_seconds"])
        + ".",
        "",
        "Where the suite's walk spends its time (cProfile, one walk, by own time):",
        "",
        "```",
        *overhead["profile"],
        "```",
        "",
    ]
    return lines


def _mock_section(mock: dict[str, Any]) -> list[str]:
    pace = mock["throughput"]
    scrolls = mock["scrolls"]
    return [
        "## 4. The mock on its own",
        "",
        f"One client, one connection, against `c4w-conformance mock --records {mock['records']:,}`:",
        "",
        "| traffic | records/s | requests/s |",
        "|---|---|---|",
        f"| offset pages of 1,000 (bodies not parsed) | {rate(pace['offset_records_per_second'])} | "
        f"{pace['offset_requests_per_second']:.1f} |",
        f"| scroll chunks of 9,999 | {rate(pace['scroll_records_per_second'])} | "
        f"{pace['scroll_requests_per_second']:.1f} |",
        f"| `/users?limit=1` | - | {pace['small_requests_per_second']:.0f} |",
        "",
        f"Open scroll contexts: {scrolls['opened']:,} opened in {scrolls['seconds']:.1f} s "
        f"({scrolls['refused']} refused); the mock's RSS went from {mb(scrolls['rss_before'])} to "
        f"{mb(scrolls['rss_after'])}, {scrolls['bytes_per_context']:.0f} bytes a context "
        f"(a fresh `--records {scrolls['records']:,}` mock).",
        "",
    ]


def _ttl_section(ttl: dict[str, Any]) -> list[str]:
    return [
        f"## 5. A live-style run with a real {ttl['ttl']:g} s TTL",
        "",
        f"`c4w-conformance mock --scroll-ttl {ttl['ttl']:g}` in its own process, then `{ttl['command']}` "
        "with both tenants' credentials from its export lines (real waiting, no virtual clock). "
        "The same run without the two TTL properties gives the work alone.",
        "",
        "| run | wall | exit | summary |",
        "|---|---|---|---|",
        f"| with the TTL properties | {ttl['full']['wall_seconds']:.1f} s | {ttl['full']['returncode']} | "
        f"{ttl['full']['summary']} |",
        f"| without the TTL properties | {ttl['work']['wall_seconds']:.1f} s | "
        f"{ttl['work']['returncode']} | {ttl['work']['summary']} |",
        "",
        f"The {2 * ttl['endpoints']} TTL tests ({ttl['endpoints']} scroll endpoints, alive and expired) "
        f"took {ttl['ttl_test_seconds'] or 0:.1f} s in all (pytest's own timing, from junit.xml), and the "
        f"whole run took {ttl['extra_seconds']:.1f} s longer than without them; give or take a second "
        f"of run-to-run noise. One shared wait is TTL + margin = {ttl['one_wait']:.1f} s; one wait per "
        f"endpoint would be {ttl['one_wait'] * ttl['endpoints']:.1f} s.",
        "",
    ]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    sys.stdout.write(f"bench: wrote {path}\n")
