"""The last pass over every report file: no credential, no whole scroll token, no external link.

The suite redacts at the source (evidence is built from ``Sensitive`` values and passed through
the run's ``Redactor``); this pass is the safety net for whatever reached a file another way
(pytest's own output in report.html, a value a future property forgets to redact). It knows
the credentials (``Redactor``) and the scroll token's field name: a value that follows it, in
JSON, in JSON inside JSON, HTML-escaped or in a query string, is cut to ``token_shown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from conformance.redaction import token_shown

_QUOTE = r"(?:\\*\"|&#34;|&quot;|&#x27;|&#39;|')?"
_TOKEN_CHARS = r"[A-Za-z0-9_\-.~+/%=]"
# an <a>, <link>, <script>, <img>... attribute pointing off the page
_EXTERNAL = re.compile(r"""\s(?:href|src)\s*=\s*(["']?)(?:https?:)?//[^"'\s>]*\1""", re.IGNORECASE)


def token_pattern(field: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<lead>\b{re.escape(field)}{_QUOTE}\s*[:=]\s*{_QUOTE})(?P<token>{_TOKEN_CHARS}{{7,}})"
    )


class Scrubber:
    """Text in, text out: credentials to placeholders, tokens to a short prefix."""

    def __init__(self, redact: Callable[[str], str], token_fields: Iterable[str] = ("scrollId",)) -> None:
        self._redact = redact
        self._tokens = [token_pattern(field) for field in dict.fromkeys(token_fields) if field]

    def __call__(self, text: str) -> str:
        text = self._redact(text)
        for pattern in self._tokens:
            text = pattern.sub(_cut_token, text)
        return text

    def file(self, path: Path) -> bool:
        """Scrub ``path`` in place; True if it had to change."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        clean = self(text)
        if clean == text:
            return False
        path.write_text(clean, encoding="utf-8")
        return True


def _cut_token(match: re.Match[str]) -> str:
    token = match.group("token")
    if token.endswith("...") and len(token) <= 9:
        return match.group(0)  # already a prefix
    return match.group("lead") + token_shown(token)


def without_external_links(html: str) -> str:
    """Drop ``href``/``src`` attributes that leave the file (pytest-html links to PyPI)."""
    return _EXTERNAL.sub("", html)


def external_references(html: str) -> list[str]:
    """The ``href``/``src`` attributes of ``html`` that point outside it (for tests and checks)."""
    return [match.group(0).strip() for match in _EXTERNAL.finditer(html)]
