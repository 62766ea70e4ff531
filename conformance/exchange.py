"""One request and its response, kept as evidence in a form that is safe to publish."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from conformance.redaction import ParamValue, Redactor, render_value

EXCERPT_CHARS = 600


@dataclass
class Exchange:
    """A GET sent by the client: what was asked (with secrets symbolic) and what came back."""

    base_url: str
    path: str
    params: list[tuple[str, ParamValue]]
    status: int
    body: bytes
    elapsed: float
    headers: dict[str, str] = field(default_factory=dict)
    _json: Any = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)

    @property
    def json(self) -> Any:
        """The parsed body, or None when it is not JSON."""
        if not self._parsed:
            self._parsed = True
            try:
                self._json = json.loads(self.body)
            except ValueError:
                self._json = None
        return self._json

    def curl(self) -> str:
        """A runnable curl line; credentials appear only as shell variables."""
        query = "&".join(f"{name}={render_value(value)}" for name, value in self.params)
        url = f"{self.base_url}{self.path}" + (f"?{query}" if query else "")
        return f'curl -sS "{url}"'

    def excerpt(self, redactor: Redactor, limit: int = EXCERPT_CHARS) -> str:
        text = self.body.decode("utf-8", errors="replace")
        if len(text) > limit:
            text = text[:limit] + f"... ({len(self.body)} bytes)"
        return redactor(text)

    def as_evidence(self, redactor: Redactor) -> dict[str, Any]:
        return {
            "request": redactor(self.curl()),
            "status": self.status,
            "response_excerpt": self.excerpt(redactor),
        }
