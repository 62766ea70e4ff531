"""Query-string parsing for the mock: strict where the contract is strict, total everywhere.

Every function here either returns a value or raises ``HttpError``; none may let an odd query
string escape as a 5xx (CONTRACT: "no query string, however odd, gives a 5xx").
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

_DIGITS = re.compile(r"[0-9]+")
INT64_MAX = 2**63 - 1


class HttpError(Exception):
    """A request the mock rejects, with the HTTP status and a message that echoes no input."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def query_params(raw: bytes) -> dict[str, str]:
    """Name to value; a repeated name keeps its last value, as Starlette does."""
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def parse_natural(params: dict[str, str], name: str, default: int, minimum: int = 0) -> int:
    """A plain decimal integer (``^[0-9]+$``) from ``minimum`` to 2^63-1, or ``default`` if absent."""
    raw = params.get(name)
    if raw is None:
        return default
    if _DIGITS.fullmatch(raw) is None:
        raise HttpError(400, f"{name} must be a non-negative decimal integer")
    digits = raw.lstrip("0") or "0"
    # compare lengths first: int() refuses strings of over 4,300 digits
    if len(digits) > 19 or int(digits) > INT64_MAX:
        raise HttpError(400, f"{name} is too large (at most {INT64_MAX})")
    value = int(digits)
    if value < minimum:
        raise HttpError(400, f"{name} must be at least {minimum}")
    return value


def parse_deleted(params: dict[str, str]) -> bool | None:
    raw = params.get("deleted")
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise HttpError(400, "deleted must be true or false")
    return raw == "true"
