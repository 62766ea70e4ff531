"""Comparing records by id and content without keeping the records themselves."""

from __future__ import annotations

import hashlib
import json
from array import array
from dataclasses import dataclass, field
from typing import Any


def digest(record: dict[str, Any]) -> int:
    """A 64-bit fingerprint of a record's content, independent of key order."""
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return int.from_bytes(hashlib.blake2b(canonical.encode(), digest_size=8).digest(), "big")


def record_id(record: dict[str, Any], id_field: str) -> str:
    value = record.get(id_field)
    return value if isinstance(value, str) else repr(value)


@dataclass
class Listing:
    """An ordered traversal: ids and content digests, plus the counts each page reported."""

    ids: list[str] = field(default_factory=list)
    digests: array[int] = field(default_factory=lambda: array("Q"))
    counts: set[int | None] = field(default_factory=set)

    def extend(self, records: list[dict[str, Any]], id_field: str) -> None:
        for record in records:
            self.ids.append(record_id(record, id_field))
            self.digests.append(digest(record))

    def __len__(self) -> int:
        return len(self.ids)

    def window(self, start: int, stop: int) -> list[tuple[str, int]]:
        return list(zip(self.ids[start:stop], self.digests[start:stop], strict=True))


def fingerprints(records: list[dict[str, Any]], id_field: str) -> list[tuple[str, int]]:
    return [(record_id(record, id_field), digest(record)) for record in records]


def duplicates(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for item in ids:
        if item in seen:
            repeated.append(item)
        seen.add(item)
    return repeated
