"""No credential and no whole scroll token in any output, on the faithful mock and on faulty targets.

The suite runs in a subprocess, as a user runs it, with canary credentials for both tenants. A
small wrapper logs every scroll token and renewed secret the mock issues, so the scan knows them
too. Then every file under the report directory, stdout and stderr are searched for each value
and for every 12-character piece of it (credentials case-insensitively). The faulty runs make
the target echo the key and secret in its 401s and the token in its scroll rejections, and a
profile expecting other statuses makes checks fail with evidence, so the values do reach the
report pipeline and redaction is what keeps them out.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

WINDOW = 12
RUNS = re.compile(rf"[A-Za-z0-9_\-]{{{WINDOW},}}")
# Secrets are never written into a Python source here: hypothesis keeps a cache of the literals
# of local modules under the report directory's .hypothesis/.
WRAPPER = '''
"""Run the c4w-conformance CLI, logging the tokens and secrets the mock issues (canary test)."""
import sys
from dataclasses import replace
from pathlib import Path

from conformance.mock import faults, scrolls, state
from conformance.mock.faults import _helpers as fault_tools
from conformance.mock.params import HttpError

LOG = Path(sys.argv[1])


def logged(issue):
    def wrapper(*args, **kwargs):
        value = issue(*args, **kwargs)
        with LOG.open("a", encoding="utf-8") as fh:
            fh.write(value + "\\n")
        return value

    return wrapper


scrolls.ScrollStore._issue = logged(scrolls.ScrollStore._issue)
state.MockState.renew_secret = logged(state.MockState.renew_secret)


@faults.fault("scroll.invalid_token")
def echo_scroll_token(seams):
    """Rejections of a scroll continuation echo the token they were sent."""

    def wrap(handler):
        def handle(state, tenant, params):
            try:
                return handler(state, tenant, params)
            except HttpError as exc:
                raise HttpError(exc.status, f"{exc.message}: {params.get('scrollId', '')}") from None

        return handle

    tools = fault_tools
    scroll_paths = (tools.VISITS, tools.CONNECTIONS, tools.AUTH_ERROR_LOGS, tools.AUTH_RESULTS)
    return fault_tools.on_paths(seams, scroll_paths, wrap)


from conformance.cli import main

raise SystemExit(main(sys.argv[2:]))
'''
STRICT_PROFILE = """
[auth]
wrong_status = 403
[scroll]
cap = 5
first_call_max_limit = 5
expired_status = 410
"""
QUICK = ["--budget", "quick", "--seed", "11", "-q"]


def canary(tenant: str, kind: str) -> str:
    return hashlib.sha256(f"c4w-canary:{tenant}:{kind}".encode()).hexdigest()[:32]


CREDENTIALS = {
    "C4W_API_KEY": canary("alpha", "key"),
    "C4W_API_SECRET": canary("alpha", "secret"),
    "C4W_OTHER_API_KEY": canary("beta", "key"),
    "C4W_OTHER_API_SECRET": canary("beta", "secret"),
}


@dataclass
class Outputs:
    code: int
    stdout: str
    stderr: str
    report_dir: Path
    issued: list[str]  # scroll tokens and renewed secrets the mock handed out

    def texts(self) -> Iterator[tuple[str, str]]:
        yield "stdout", self.stdout
        yield "stderr", self.stderr
        for path in sorted(self.report_dir.rglob("*")):
            if path.is_file():
                yield str(path), path.read_bytes().decode("latin-1")


def grams(values: list[str], lower: bool) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        value = value.lower() if lower else value
        for start in range(len(value) - WINDOW + 1):
            found[value[start : start + WINDOW]] = value[:6]
    return found


def leaks(outputs: Outputs) -> list[str]:
    """Where a credential (any case) or an issued token or secret shows 12 characters or more."""
    credentials = grams(list(CREDENTIALS.values()), lower=True)
    issued = grams(outputs.issued, lower=False)
    found = []
    for name, text in outputs.texts():
        for pieces, haystack in ((credentials, text.lower()), (issued, text)):
            for run in RUNS.findall(haystack):
                for start in range(len(run) - WINDOW + 1):
                    if run[start : start + WINDOW] in pieces:
                        found.append(f"{name}: {pieces[run[start : start + WINDOW]]}...")
                        break
    return sorted(set(found))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("canary")
    (root / "wrapper.py").write_text(WRAPPER, encoding="utf-8")
    (root / "strict.toml").write_text(STRICT_PROFILE, encoding="utf-8")
    tenants = "".join(
        f'[[tenant]]\nname = "{name}"\napi_key = "{canary(name, "key")}"\n'
        f'api_secret = "{canary(name, "secret")}"\n'
        for name in ("alpha", "beta")
    )
    (root / "canary-tenants.toml").write_text(tenants, encoding="utf-8")
    return root


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("C4W_")}
    env.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
    env.update(extra)
    return env


def cli(workspace: Path, name: str, args: list[str], env: dict[str, str] | None = None) -> Outputs:
    report_dir, log = workspace / name, workspace / f"{name}.issued"
    command = [
        sys.executable,
        str(workspace / "wrapper.py"),
        str(log),
        "run",
        "--report-dir",
        str(report_dir),
    ]
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env or environment(), timeout=600, check=False
    )
    issued = log.read_text(encoding="utf-8").split() if log.exists() else []
    return Outputs(done.returncode, done.stdout, done.stderr, report_dir, issued)


@pytest.fixture(scope="module")
def faithful(workspace: Path) -> Outputs:
    tenants = str(workspace / "canary-tenants.toml")
    return cli(workspace, "faithful", ["--mock-tenants", tenants, "--records", "60", *QUICK])


@pytest.fixture(scope="module")
def faulty(workspace: Path) -> Outputs:
    faults = ["error_echoes_credentials", "echo_scroll_token", "old_tokens_replay"]
    args = ["--mock-tenants", str(workspace / "canary-tenants.toml"), "--records", "60"]
    args += ["--profile", str(workspace / "strict.toml"), *[f"--mock-fault={fault}" for fault in faults]]
    return cli(workspace, "faulty", [*args, *QUICK])


@pytest.fixture(scope="module")
def live_target(workspace: Path) -> Iterator[Outputs]:
    """The mock as a separate server, the suite given the canaries in C4W_* as for a real target."""
    log = workspace / "server.issued"
    mock = [
        "mock",
        "--port",
        "0",
        "--records",
        "60",
        "--scroll-ttl",
        "2",
        "--fault",
        "error_echoes_credentials",
    ]
    server = subprocess.Popen(
        [
            sys.executable,
            str(workspace / "wrapper.py"),
            str(log),
            *mock,
            "--tenants",
            str(workspace / "canary-tenants.toml"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment(),
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip().split("=", 1)[1].strip("'")
        outputs = cli(
            workspace,
            "live",
            ["--target", url, "--scroll-ttl", "2", "--profile", str(workspace / "strict.toml"), *QUICK],
            environment(**CREDENTIALS),
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    outputs.issued += log.read_text(encoding="utf-8").split() if log.exists() else []
    yield outputs


def test_the_faithful_mock_run_leaves_no_trace_of_the_canaries(faithful: Outputs) -> None:
    assert faithful.code == 0, faithful.stderr[-2000:]
    assert len(faithful.issued) > 50, "the run did scroll (and the scan knows its tokens)"
    assert leaks(faithful) == []


def test_a_target_echoing_credentials_and_tokens_leaves_no_trace(faulty: Outputs) -> None:
    assert faulty.code == 1, faulty.stderr[-2000:]
    results = (faulty.report_dir / "results.json").read_text(encoding="utf-8")
    assert "echoes a credential" in results, "auth.no_leak saw the echo, so it reached the evidence"
    assert "<redacted:" in results or "$C4W_API_SECRET" in results
    assert leaks(faulty) == []


def test_a_live_target_given_credentials_in_the_environment_leaves_no_trace(live_target: Outputs) -> None:
    assert live_target.code == 1, live_target.stderr[-2000:]
    assert (live_target.report_dir / "report.html").exists()
    assert leaks(live_target) == []


def test_every_report_file_was_scanned(faulty: Outputs) -> None:
    names = {Path(name).name for name, _ in faulty.texts()}
    assert {"results.json", "junit.xml", "report.html", "stdout", "stderr"} <= names


def test_the_scan_finds_a_planted_piece_of_a_canary(tmp_path: Path) -> None:
    secret, token = CREDENTIALS["C4W_API_SECRET"], "Tok3n_-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    (tmp_path / "report.html").write_text(f"<p>near miss: x{secret[3:15].upper()}y</p>", encoding="utf-8")
    planted = Outputs(0, f"...{token[10:22]}...", "", tmp_path, [token])
    assert leaks(planted) == [f"{tmp_path / 'report.html'}: {secret[:6]}...", f"stdout: {token[:6]}..."]
    assert leaks(Outputs(0, f"scrollId={token[:6]}...", "", tmp_path / "none", [token])) == []
