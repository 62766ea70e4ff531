"""Credentials and their near misses, always carried as ``Sensitive`` values.

A mutation is described by data (``("truncate", 31)``), never by the mutated string, so a
falsifying example can be printed; it is applied at call time and shown as a bash expression
over the environment variable (``${C4W_API_SECRET:0:31}``), which keeps evidence runnable.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from conformance.redaction import Sensitive

Mutation = tuple[str, int, str]  # (kind, position or length, text)


@dataclass(frozen=True)
class Credentials:
    label: str
    key: Sensitive | None
    secret: Sensitive | None

    @classmethod
    def from_env_names(cls, label: str, key: str, secret: str, key_var: str, secret_var: str) -> Credentials:
        return cls(label, Sensitive(key, f"${key_var}"), Sensitive(secret, f"${secret_var}"))

    def with_key(self, key: Sensitive | None, label: str) -> Credentials:
        return Credentials(label, key, self.secret)

    def with_secret(self, secret: Sensitive | None, label: str) -> Credentials:
        return Credentials(label, self.key, secret)


def _var(value: Sensitive) -> str:
    """``$NAME`` or ``${NAME}`` -> ``NAME``; only symbolic values can be mutated symbolically."""
    name = value.shown.removeprefix("$").removeprefix("{").removesuffix("}")
    if not value.shown.startswith("$") or not name.replace("_", "").isalnum():
        raise ValueError("mutations apply to credentials shown as $VARIABLE")
    return name


def _literal(text: str) -> str:
    """Literal text in a shown value sits inside a URL in a curl line: percent-encode it."""
    return quote(text, safe="")


def mutate(value: Sensitive, mutation: Mutation) -> Sensitive:
    """Apply a near-miss mutation; the result differs from ``value`` or ``ValueError`` is raised."""
    kind, number, text = mutation
    real, var = value.actual, _var(value)
    if kind == "replace_char":
        pos = number % len(real)
        new = text if text != real[pos] else ("0" if real[pos] != "0" else "1")
        head = f"${{{var}:0:{pos}}}" if pos else ""
        return Sensitive(real[:pos] + new + real[pos + 1 :], f"{head}{_literal(new)}${{{var}:{pos + 1}}}")
    if kind == "truncate":
        length = number % len(real)
        return Sensitive(real[:length], f"${{{var}:0:{length}}}")
    if kind == "extend":
        return Sensitive(real + text, f"${{{var}}}{_literal(text)}")
    if kind == "upper":
        if real.upper() == real:
            raise ValueError("upper-casing leaves this value unchanged")
        return Sensitive(real.upper(), f"${{{var}^^}}")
    if kind == "swap_case_first_letter":
        for pos, char in enumerate(real):
            if char.isalpha():
                flipped = char.swapcase()
                return Sensitive(
                    real[:pos] + flipped + real[pos + 1 :], f"${{{var}:0:{pos}}}{flipped}${{{var}:{pos + 1}}}"
                )
        raise ValueError("no letter to change the case of")
    if kind == "random":
        if text == real:
            raise ValueError("the random value equals the real one")
        return Sensitive(text, _literal(text))
    raise ValueError(f"unknown mutation {kind!r}")
