"""Target profiles: every assumption about a v2 target, as values a user can override.

The default profile (``specs/profiles/cloud4wi-v2.toml``) states the evidence file's reading;
a user profile is laid over it and may set only the keys it changes. Unknown keys and values
of the wrong type are errors that name the file and the key, because a silently ignored typo
in an audit profile would make the audit judge the wrong contract.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from conformance.errors import ConfigError
from conformance.resources import default_profile_path


@dataclass(frozen=True)
class TargetSection:
    base_url: str
    api_version: str


@dataclass(frozen=True)
class AuthSection:
    key_param: str
    secret_param: str
    version_param: str
    missing_status: int
    wrong_status: int
    cross_tenant_status: int
    scroll_foreign_status: int
    key_trailing_space: str  # "observe" | "refused" | "accepted"


@dataclass(frozen=True)
class EnvelopeSection:
    status_field: str
    success_value: str
    error_value: str
    count_field: str
    items_field: str
    id_field: str
    code_field: str
    message_field: str


@dataclass(frozen=True)
class PaginationSection:
    limit_param: str
    offset_param: str
    default_limit: int
    default_offset: int
    max_limit: int
    invalid_param_status: int
    past_end_status: int
    max_result_window: int


@dataclass(frozen=True)
class ScrollSection:
    token_param: str
    token_field: str
    ttl_seconds: float
    cap: int
    first_call_max_limit: int
    token_changes: bool
    expired_status: int
    unknown_status: int
    malformed_status: int
    end_is_empty_data: bool
    snapshot: bool


@dataclass(frozen=True)
class ErrorsSection:
    unknown_path_status: int
    method_not_allowed_status: int


@dataclass(frozen=True)
class Profile:
    name: str
    source: str
    target: TargetSection
    auth: AuthSection
    envelope: EnvelopeSection
    pagination: PaginationSection
    scroll: ScrollSection
    errors: ErrorsSection

    def with_scroll_ttl(self, seconds: float) -> Profile:
        return replace(self, scroll=replace(self.scroll, ttl_seconds=seconds))

    def as_dict(self) -> dict[str, Any]:
        """The profile's values, section by section, as results.json records them."""
        out: dict[str, Any] = {"name": self.name, "source": self.source}
        for section in _SECTIONS:
            out[section] = {
                f.name: getattr(getattr(self, section), f.name) for f in fields(_SECTIONS[section])
            }
        return out


_SECTIONS: dict[str, type] = {
    "target": TargetSection,
    "auth": AuthSection,
    "envelope": EnvelopeSection,
    "pagination": PaginationSection,
    "scroll": ScrollSection,
    "errors": ErrorsSection,
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: profile not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read profile ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


_CHOICES: dict[str, tuple[str, ...]] = {"[auth] key_trailing_space": ("observe", "refused", "accepted")}


def _check_value(path: Path, key: str, value: Any, default: Any) -> Any:
    """Accept ``value`` only where it has the default's type (an int is fine for a float)."""
    expected = type(default)
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, expected)
    if not ok:
        raise ConfigError(f"{path}: {key}: expected {expected.__name__}, got {value!r}")
    if key in _CHOICES and value not in _CHOICES[key]:
        raise ConfigError(f"{path}: {key}: expected one of {', '.join(_CHOICES[key])}, got {value!r}")
    if expected in (int, float) and value < 0:
        raise ConfigError(f"{path}: {key}: must not be negative, got {value!r}")
    return value


def _merge(path: Path, base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    merged = {name: dict(values) if isinstance(values, dict) else values for name, values in base.items()}
    for name, values in overlay.items():
        if name == "name":
            if not isinstance(values, str):
                raise ConfigError(f"{path}: name: expected str, got {values!r}")
            merged["name"] = values
            continue
        if name not in _SECTIONS:
            raise ConfigError(f"{path}: [{name}]: unknown section (known: {', '.join(_SECTIONS)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: {name}: expected a [{name}] table")
        for key, value in values.items():
            if key not in merged[name]:
                raise ConfigError(f"{path}: [{name}] {key}: unknown key")
            merged[name][key] = _check_value(path, f"[{name}] {key}", value, merged[name][key])
    return merged


def _build(raw: dict[str, Any], source: str) -> Profile:
    sections = {name: cls(**raw[name]) for name, cls in _SECTIONS.items()}
    return Profile(name=str(raw.get("name", "custom")), source=source, **sections)


def load_profile(path: Path | str | None = None) -> Profile:
    """Load the default profile, with the file at ``path`` (if any) laid over it."""
    default_path = default_profile_path()
    base = _read_toml(default_path)
    for name, cls in _SECTIONS.items():
        wanted = {f.name for f in fields(cls)}
        have = set(base.get(name, {}))
        if wanted != have:
            raise ConfigError(
                f"{default_path}: [{name}]: keys differ from the profile model: {wanted ^ have}"
            )
    if path is None:
        return _build(base, str(default_path))
    user_path = Path(path)
    return _build(_merge(user_path, base, _read_toml(user_path)), str(user_path))
