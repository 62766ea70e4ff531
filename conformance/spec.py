"""The OpenAPI document of the v2 surface, and what the suite reads from it.

Each operation carries ``x-c4w-pagination`` (how it pages: which modes, which fields and
parameters) and ``x-c4w-evidence`` (the facts and assumptions it rests on). The properties take
their endpoint list from here, so a target whose surface differs is described by editing the
document, not the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from conformance.errors import ConfigError
from conformance.resources import default_spec_path

MODES = frozenset({"offset", "scroll"})


@dataclass(frozen=True)
class Pagination:
    modes: frozenset[str]
    items_field: str
    count_field: str
    id_field: str
    token_field: str | None
    token_param: str | None
    limit_param: str
    offset_param: str
    order_by: tuple[str, ...]

    @property
    def offset(self) -> bool:
        return "offset" in self.modes

    @property
    def scroll(self) -> bool:
        return "scroll" in self.modes


@dataclass(frozen=True)
class Endpoint:
    path: str
    operation_id: str
    pagination: Pagination | None
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class ApiSpec:
    path: Path
    document: dict[str, Any]
    endpoints: tuple[Endpoint, ...]

    def endpoint(self, path: str) -> Endpoint:
        for endpoint in self.endpoints:
            if endpoint.path == path:
                return endpoint
        raise ConfigError(f"{self.path}: no GET operation for {path!r}")

    def paginated(self, mode: str) -> tuple[Endpoint, ...]:
        return tuple(e for e in self.endpoints if e.pagination is not None and mode in e.pagination.modes)


def load_spec(path: Path | str | None = None) -> ApiSpec:
    spec_path = Path(path) if path is not None else default_spec_path()
    try:
        document = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{spec_path}: cannot read the OpenAPI document ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{spec_path}: not UTF-8 text (byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ConfigError(f"{spec_path}: not valid YAML{line}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise ConfigError(f"{spec_path}: not an OpenAPI document (no 'paths' mapping)")
    endpoints = []
    for route, item in document["paths"].items():
        operation = item.get("get") if isinstance(item, dict) else None
        if not isinstance(operation, dict):
            continue
        endpoints.append(_endpoint(spec_path, str(route), operation))
    if not endpoints:
        raise ConfigError(f"{spec_path}: no GET operations")
    return ApiSpec(path=spec_path, document=document, endpoints=tuple(endpoints))


def _endpoint(spec_path: Path, route: str, operation: dict[str, Any]) -> Endpoint:
    where = f"{spec_path}: GET {route}"
    operation_id = operation.get("operationId")
    if not isinstance(operation_id, str) or not operation_id:
        raise ConfigError(f"{where}: missing operationId")
    evidence = operation.get("x-c4w-evidence")
    if not _strings(evidence):
        raise ConfigError(f"{where}: x-c4w-evidence must be a non-empty list of F/A numbers")
    if "x-c4w-pagination" not in operation:
        raise ConfigError(f"{where}: missing x-c4w-pagination")
    return Endpoint(
        path=route,
        operation_id=operation_id,
        pagination=_pagination(where, operation["x-c4w-pagination"]),
        evidence=tuple(evidence),
    )


def _pagination(where: str, raw: Any) -> Pagination | None:
    where = f"{where}: x-c4w-pagination"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping")
    modes = raw.get("modes")
    if not isinstance(modes, list) or not set(modes) <= MODES:
        raise ConfigError(f"{where}: 'modes' must be a list drawn from {sorted(MODES)}")
    if not modes:
        return None
    scroll = "scroll" in modes
    required = ["items", "count", "id", "limit_param", "offset_param"]
    required += ["token_field", "token_param"] if scroll else []
    for key in required:
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise ConfigError(f"{where}: {key!r} must be a non-empty string")
    order_by = raw.get("order_by")
    if not _strings(order_by):
        raise ConfigError(f"{where}: 'order_by' must be a non-empty list of field names")
    return Pagination(
        modes=frozenset(modes),
        items_field=raw["items"],
        count_field=raw["count"],
        id_field=raw["id"],
        token_field=raw["token_field"] if scroll else None,
        token_param=raw["token_param"] if scroll else None,
        limit_param=raw["limit_param"],
        offset_param=raw["offset_param"],
        order_by=tuple(order_by),
    )


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)
