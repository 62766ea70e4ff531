"""Before a run against a URL: can we reach it, and does it accept the credentials?"""

from __future__ import annotations

import ssl

import httpx

from conformance.errors import TargetError
from conformance.options import RunOptions
from conformance.profile import load_profile


def check_target(options: RunOptions) -> None:
    assert options.target is not None
    profile = load_profile(options.profile)
    auth = profile.auth
    url = options.target.rstrip("/") + "/users"
    params = {
        auth.key_param: options.api_key or "",
        auth.secret_param: options.api_secret or "",
        profile.pagination.limit_param: "1",
    }
    try:
        with httpx.Client(verify=options.ca_bundle or True, timeout=options.timeout) as client:
            response = client.get(url, params=params)
    except httpx.ConnectError as exc:
        cause = exc.__context__ or exc.__cause__
        if isinstance(cause, ssl.SSLError) or "SSL" in str(exc) or "certificate" in str(exc).lower():
            raise TargetError(
                f"TLS failure talking to {options.target}: certificate not trusted "
                "(use --ca-bundle for a private CA)"
            ) from None
        if (
            "Name or service not known" in str(exc)
            or "nodename nor servname" in str(exc)
            or "Temporary failure in name resolution" in str(exc)
        ):
            raise TargetError(f"cannot resolve the host of {options.target} (DNS failure)") from None
        raise TargetError(f"cannot reach {options.target}: connection failed") from None
    except httpx.TimeoutException:
        raise TargetError(f"cannot reach {options.target}: timed out after {options.timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise TargetError(f"cannot reach {options.target}: {type(exc).__name__}") from None
    if response.status_code in (401, 403):
        raise TargetError(f"valid credentials were refused by {options.target} ({response.status_code})")
