"""Keep secrets out of everything the suite writes.

Two layers. Structural: a request parameter that carries a credential or a scroll token is a
``Sensitive`` value, sent as its real value but rendered as a shell expression
(``${C4W_API_SECRET}``, ``${C4W_API_SECRET:0:31}``) or a short token prefix, so evidence stays
runnable and secret-free. Safety net: ``Redactor`` scrubs any text (messages, response excerpts)
of the known secrets and of any 12-character run of them, which catches near-miss echoes too.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

_WINDOW = 12
_HEXLIKE = re.compile(rf"[0-9A-Za-z_\-]{{{_WINDOW},}}")


@dataclass(frozen=True)
class Sensitive:
    """A value sent as ``actual`` and shown as ``shown`` (a shell expression or a prefix)."""

    actual: str
    shown: str

    def __repr__(self) -> str:
        return f"Sensitive({self.shown!r})"

    def __str__(self) -> str:
        return self.shown


ParamValue = str | int | Sensitive


def token_shown(token: str) -> str:
    """Scroll tokens appear cut to a short prefix."""
    return token[:6] + "..." if len(token) > 6 else token


def render_value(value: ParamValue) -> str:
    """A parameter as it appears inside a double-quoted shell string: encoded, or an expression."""
    if isinstance(value, Sensitive):
        return value.shown
    return quote(str(value), safe="")


MIN_SECRET_LENGTH = 6


class Redactor:
    """Scrubs text of registered secrets, of their URL-encoded forms and of 12-char runs of them."""

    def __init__(self, secrets: Iterable[tuple[str, str]] = ()) -> None:
        self._secrets: list[tuple[str, str]] = []
        self._grams: dict[str, str] = {}
        for value, placeholder in secrets:
            self.add(value, placeholder)

    def add(self, value: str, placeholder: str) -> None:
        if len(value) < MIN_SECRET_LENGTH:
            # Scrubbing every "a" of a report for a one-letter test key would wreck the report;
            # such values are still shown only symbolically in evidence.
            return
        # longest first; inserted in place: a run learns thousands of scroll tokens, and sorting
        # on each one was most of the suite's own CPU time in a long walk (bench/RESULTS.md)
        bisect.insort(self._secrets, (value, placeholder), key=lambda pair: -len(pair[0]))
        lowered = value.lower()
        for start in range(max(1, len(lowered) - _WINDOW + 1)):
            self._grams.setdefault(lowered[start : start + _WINDOW], placeholder)

    def __call__(self, text: str) -> str:
        if not self._secrets:
            return text
        for value, placeholder in self._secrets:
            text = text.replace(value, placeholder)
            encoded = quote(value, safe="")
            if encoded != value:
                text = text.replace(encoded, placeholder)
        return _HEXLIKE.sub(self._mask_run, text)

    def _mask_run(self, match: re.Match[str]) -> str:
        run = match.group(0)
        lowered = run.lower()
        for start in range(len(lowered) - _WINDOW + 1):
            placeholder = self._grams.get(lowered[start : start + _WINDOW])
            if placeholder is not None:
                return f"<redacted:{placeholder.lstrip('$')}>"
        return run

    def contains_secret(self, text: str) -> bool:
        return self(text) != text
