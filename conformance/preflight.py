"""Before a run against a URL: can we reach it, and does it accept the credentials?

One GET of ``/users?limit=1`` with the valid credentials, through the same read-only transport
and TLS settings as the run. Each way it can go wrong is one line and exit 3 (no verdict is
possible): unreachable, DNS failure, TLS failure, timeout, no API at that URL (404), credentials
refused. A transient
answer (429, 502-504, a dropped connection) is retried twice before it counts.
"""

from __future__ import annotations

import socket
import ssl
import time

import httpx

from conformance.client import RETRY_STATUSES, retry_after_seconds, tls_verification, transport_for
from conformance.errors import TargetError
from conformance.options import RunOptions
from conformance.profile import load_profile

ATTEMPTS = 3
LONGEST_WAIT = 10.0


def check_target(options: RunOptions) -> None:
    assert options.target is not None
    profile = load_profile(options.profile)
    auth = profile.auth
    url = options.target.rstrip("/") + "/users"
    params = {
        auth.key_param: options.api_key or "",
        auth.secret_param: options.api_secret or "",
        auth.version_param: profile.target.api_version,
        profile.pagination.limit_param: "1",
    }
    transport = transport_for(url, tls_verification(options.ca_bundle))
    with httpx.Client(transport=transport, timeout=options.timeout, follow_redirects=False) as client:
        for attempt in range(ATTEMPTS):
            last = attempt == ATTEMPTS - 1
            try:
                response = client.get(url, params=params)
            except httpx.ConnectError as exc:
                raise TargetError(_connect_failure(options, exc)) from None
            except httpx.TimeoutException:
                if last:
                    raise TargetError(
                        f"cannot reach {options.target}: timed out after {options.timeout:g}s"
                    ) from None
            except httpx.TransportError as exc:
                if last:
                    raise TargetError(f"cannot reach {options.target}: {_reason(exc)}") from None
            else:
                if response.status_code in (401, 403):
                    raise TargetError(
                        f"valid credentials were refused by {options.target} ({response.status_code})"
                    )
                if response.status_code == 404:
                    raise TargetError(
                        f"no v2 API at {options.target}: GET /users answered 404 "
                        "(is the base URL right? e.g. https://api.cloud4wi.com/v2)"
                    )
                if response.status_code not in RETRY_STATUSES or last:
                    return  # anything else is for the properties to judge
                wait = retry_after_seconds(response.headers.get("retry-after"))
                time.sleep(min(LONGEST_WAIT, wait if wait is not None else 0.5 * 2**attempt))
                continue
            time.sleep(0.5 * 2**attempt)


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _connect_failure(options: RunOptions, exc: httpx.ConnectError) -> str:
    chain = _causes(exc)
    text = " ".join(str(item) for item in chain)
    if any(isinstance(item, ssl.SSLCertVerificationError) for item in chain) or "CERTIFICATE_VERIFY" in text:
        detail = next(
            (item.verify_message for item in chain if isinstance(item, ssl.SSLCertVerificationError)), ""
        )
        hint = (
            "use --ca-bundle for a private CA"
            if not options.ca_bundle
            else f"not signed by {options.ca_bundle}"
        )
        why = detail or "verify failed"
        return f"TLS failure talking to {options.target}: certificate not trusted ({why}; {hint})"
    if any(isinstance(item, ssl.SSLError) for item in chain) or "SSL" in text:
        return f"TLS failure talking to {options.target}: {_reason(exc)}"
    if any(isinstance(item, socket.gaierror) for item in chain) or _looks_like_dns(text):
        return f"cannot resolve the host of {options.target} (DNS failure)"
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or "refused" in text.lower():
        return f"cannot reach {options.target}: connection refused (is the server running?)"
    return f"cannot reach {options.target}: connection failed ({_reason(exc)})"


def _looks_like_dns(text: str) -> bool:
    return any(
        phrase in text
        for phrase in (
            "Name or service not known",
            "nodename nor servname",
            "Temporary failure in name resolution",
            "No address associated with hostname",
            "getaddrinfo failed",
        )
    )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
