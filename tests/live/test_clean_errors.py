"""Every way a run cannot start is one clear line on stderr and a documented exit status.

Exit 3 when no verdict is possible (unreachable, DNS, TLS, credentials refused), exit 2 for what
the user can fix in the command (options, profile, credentials, plain http). No traceback unless
``--debug``. Each case runs the real command in its own process.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conformance.faultproxy import FaultProxy
from conformance.mock.server import EmbeddedMock

Cli = Callable[..., "subprocess.CompletedProcess[str]"]

DUMMY = {"C4W_API_KEY": "k" * 32, "C4W_API_SECRET": "s" * 32}


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("c4w-conformance: error: ")
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0].removeprefix("c4w-conformance: error: ")


@pytest.fixture(scope="module")
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends: nobody listens


# -- exit 3: no verdict possible ----------------------------------------------------------------


def test_an_unreachable_target_is_exit_3(cli: Cli, closed_port: int) -> None:
    result = cli("run", "--target", f"http://127.0.0.1:{closed_port}/v2", env=DUMMY)
    assert result.returncode == 3
    assert "cannot reach" in one_line(result) and "connection refused" in result.stderr


def test_a_host_that_does_not_resolve_is_exit_3(cli: Cli) -> None:
    result = cli("run", "--target", "https://no-such-host.invalid/v2", env=DUMMY)
    assert result.returncode == 3
    assert one_line(result) == "cannot resolve the host of https://no-such-host.invalid/v2 (DNS failure)"


def test_refused_valid_credentials_are_exit_3(cli: Cli, mock: EmbeddedMock) -> None:
    tenant = mock.tenants[0]
    env = {"C4W_API_KEY": tenant.api_key, "C4W_API_SECRET": "0" * 32}
    result = cli("run", "--target", mock.base_url, env=env)
    assert result.returncode == 3
    assert one_line(result) == f"valid credentials were refused by {mock.base_url} (401)"
    assert "0" * 32 not in result.stderr


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A private CA and a certificate it signed for 127.0.0.1, made with the openssl CLI."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    where = tmp_path_factory.mktemp("tls")
    paths = {name: where / name for name in ("ca.pem", "ca.key", "leaf.pem", "leaf.key", "leaf.csr", "ext")}
    paths["ext"].write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
    )
    run = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=c4w test CA",
         "-keyout", paths["ca.key"], "-out", paths["ca.pem"],
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
         "-keyout", paths["leaf.key"], "-out", paths["leaf.csr"]],
        ["x509", "-req", "-in", paths["leaf.csr"], "-CA", paths["ca.pem"], "-CAkey", paths["ca.key"],
         "-CAcreateserial", "-days", "2", "-extfile", paths["ext"], "-out", paths["leaf.pem"]],
    ]  # fmt: skip
    for args in run:
        subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True, timeout=60)
    return paths


@pytest.fixture
def tls_target(mock: EmbeddedMock, certificates: dict[str, Path]) -> Iterator[str]:
    """The mock behind the proxy serving TLS with the private CA's certificate."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates["leaf.pem"], certificates["leaf.key"])
    with FaultProxy(mock.base_url, tls=context) as proxy:
        yield proxy.base_url


def test_a_certificate_from_an_unknown_ca_is_exit_3(
    cli: Cli, tls_target: str, credentials: dict[str, str]
) -> None:
    result = cli("run", "--target", tls_target, env=credentials)
    assert result.returncode == 3
    line = one_line(result)
    assert line.startswith(f"TLS failure talking to {tls_target}: certificate not trusted")
    assert "use --ca-bundle" in line


def test_the_private_ca_given_with_ca_bundle_is_trusted(
    cli: Cli, tls_target: str, certificates: dict[str, Path], credentials: dict[str, str], tmp_path: Path
) -> None:
    ca = str(certificates["ca.pem"])
    args = ["--only", "auth.valid_accepted", "--report-dir", str(tmp_path), "-q"]
    result = cli("run", "--target", tls_target, "--ca-bundle", ca, *args, env=credentials)
    assert result.returncode == 0, result.stderr + result.stdout
    assert (tmp_path / "results.json").is_file()


# -- exit 2: the command needs fixing -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--max-records", "-5"], "--max-records must be 0 (no window) or more"),
        (["--max-rps", "0"], "--max-rps must be positive"),
        (["--max-requests", "0"], "--max-requests must be at least 1"),
        (["--timeout", "0"], "--timeout must be a positive number of seconds"),
        (["--profile", "/no/such/profile.toml"], "/no/such/profile.toml"),
        (["--ca-bundle", "/no/such/ca.pem"], "/no/such/ca.pem: CA bundle not found"),
        (["--max-rps", "fast"], "argument --max-rps: invalid float value: 'fast'"),
        (["--report-dir", "/proc/no/such/dir"], "--report-dir /proc/no/such/dir: cannot create it"),
    ],
)
def test_bad_options_and_unreadable_files_are_exit_2(cli: Cli, args: list[str], says: str) -> None:
    result = cli("run", *args)
    assert result.returncode == 2
    assert says in one_line(result)


def test_missing_credentials_for_a_url_are_exit_2(cli: Cli) -> None:
    result = cli("run", "--target", "https://api.cloud4wi.com/v2")
    assert result.returncode == 2
    assert "needs credentials" in one_line(result)


def test_an_unreadable_secret_file_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("run", "--target", "https://api.cloud4wi.com/v2", "--api-key", "k",
                 "--api-secret-file", str(tmp_path / "missing"))  # fmt: skip
    assert result.returncode == 2
    assert "cannot read the API secret" in one_line(result)


@pytest.mark.parametrize("host", ["api.example.com", "127.0.0.1.attacker.example", "10.1.2.3"])
def test_plain_http_off_loopback_is_refused_before_any_request(cli: Cli, host: str) -> None:
    """Refused before the preflight: a request would carry the credentials in clear text."""
    result = cli("run", "--target", f"http://{host}/v2", env=DUMMY)
    assert result.returncode == 2
    assert (
        one_line(result) == f"refusing plain http to a non-loopback host (http://{host}/v2); use --allow-http"
    )


def test_allow_http_lets_plain_http_through_to_the_preflight(cli: Cli) -> None:
    result = cli("run", "--target", "http://no-such-host.invalid/v2", "--allow-http", env=DUMMY)
    assert result.returncode == 3  # past the refusal: now it is the network's answer
    assert "DNS failure" in one_line(result)


def test_a_url_with_no_v2_api_is_exit_3(cli: Cli, mock: EmbeddedMock) -> None:
    wrong = mock.base_url.removesuffix("/v2") + "/api"
    result = cli("run", "--target", wrong, env=DUMMY)
    assert result.returncode == 3
    assert one_line(result).startswith(f"no v2 API at {wrong}: GET /users answered 404")


def test_a_secret_on_the_command_line_gets_a_warning(cli: Cli, closed_port: int) -> None:
    result = cli(
        "run", "--target", f"http://127.0.0.1:{closed_port}/v2", "--api-key", "k", "--api-secret", "s3cret"
    )
    warning, error = result.stderr.splitlines()
    assert "warning: a secret on the command line is visible in the process list" in warning
    assert "C4W_API_SECRET" in warning and "s3cret" not in result.stderr
    assert result.returncode == 3 and error.startswith("c4w-conformance: error: cannot reach")


def test_the_secret_file_is_read_and_no_warning_is_given(
    cli: Cli, mock: EmbeddedMock, tmp_path: Path
) -> None:
    tenant = mock.tenants[0]
    secret = tmp_path / "secret"
    secret.write_text(tenant.api_secret + "\n")
    given = ["--api-key", tenant.api_key, "--api-secret-file", str(secret)]
    args = ["--only", "auth.valid_accepted", "--report-dir", str(tmp_path), "-q"]
    result = cli("run", "--target", mock.base_url, *given, *args)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback_wherever_it_is_given(cli: Cli, closed_port: int, where: str) -> None:
    run = ["run", "--target", f"http://127.0.0.1:{closed_port}/v2"]
    args = ["--debug", *run] if where == "before" else [*run, "--debug"]
    result = cli(*args, env=DUMMY)
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "TargetError" in result.stderr
