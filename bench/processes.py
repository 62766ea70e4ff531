"""Child processes for the bench: the mock served on its own, and commands timed with their peak memory.

The mock runs in its own process so that its memory never counts in the client's figures (and
the client's never in the mock's). A command's peak memory is the ``ru_maxrss`` that ``wait4``
reports for it, taken by a tiny launcher: a child forked straight from the bench would start
with the bench's own peak (Linux keeps the pre-``exec`` high-water mark).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "conformance"]
_READY_TIMEOUT = 60.0


@dataclass
class Served:
    """A mock started by ``served_mock``: its URL, both tenants' credentials, its process."""

    process: subprocess.Popen[str]
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.env["C4W_BASE_URL"]

    def status(self, name: str) -> int:
        """A ``/proc/PID/status`` figure of the mock in bytes (e.g. ``VmRSS``, ``VmHWM``)."""
        return proc_status(self.process.pid, name)


def parse_exports(lines: Sequence[str]) -> dict[str, str]:
    """``export NAME=VALUE`` lines (shell-quoted values) as a dict."""
    values: dict[str, str] = {}
    for line in lines:
        if line.startswith("export ") and "=" in line:
            name, _, value = line.removeprefix("export ").partition("=")
            values[name.strip()] = shlex.split(value)[0] if value.strip() else ""
    return values


@contextmanager
def served_mock(*options: str) -> Iterator[Served]:
    """``c4w-conformance mock --port 0 OPTIONS`` in a child process, until the block ends."""
    process = subprocess.Popen(
        [*CLI, "mock", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + _READY_TIMEOUT
        while not any(line.startswith("# mock v2 ready") for line in lines):
            line = process.stdout.readline()
            if not line or time.monotonic() > deadline:
                raise RuntimeError(f"the mock did not start: {' '.join(lines)[-300:]}")
            lines.append(line.rstrip("\n"))
        yield Served(process, parse_exports(lines))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Timed:
    returncode: int
    wall_seconds: float
    peak_rss_bytes: int
    cpu_seconds: float
    stdout: str


# Runs COMMAND from a small interpreter (no site packages), writes "maxrss_kib cpu_seconds" to FILE.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write("%d %f" % (usage.ru_maxrss, usage.ru_utime + usage.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def timed(command: Sequence[str], env: dict[str, str] | None = None) -> Timed:
    """Run ``command``; its wall time, CPU time and peak RSS (largest of it and its children)."""
    with tempfile.TemporaryDirectory(prefix="c4w-bench-") as scratch:
        usage_file = Path(scratch) / "usage"
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-S", "-c", _LAUNCHER, str(usage_file), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            check=False,
        )
        wall = time.perf_counter() - started
        maxrss, cpu = usage_file.read_text(encoding="ascii").split()
    return Timed(
        returncode=completed.returncode,
        wall_seconds=wall,
        peak_rss_bytes=int(maxrss) * 1024,  # Linux reports KiB
        cpu_seconds=float(cpu),
        stdout=completed.stdout,
    )


def probe(name: str, arguments: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``bench.probes NAME`` in a fresh interpreter and return the JSON it prints last."""
    result = timed([sys.executable, "-m", "bench.probes", name, json.dumps(arguments)], env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"probe {name} failed ({result.returncode}): {result.stdout[-2000:]}")
    data: dict[str, Any] = json.loads(lines[-1])
    data["process_peak_rss_bytes"] = result.peak_rss_bytes
    return data


def proc_status(pid: int | str, name: str) -> int:
    """One ``kB`` figure of ``/proc/PID/status`` in bytes (0 where /proc is not available)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    return 0
