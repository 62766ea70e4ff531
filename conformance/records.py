"""Comparing records by id and content without keeping the records themselves."""

from __future__ import annotations

import hashlib
import json
from array import array
from collections import Counter
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


def id_hash(value: str) -> int:
    """A 64-bit hash of a record id, for keeping ids without keeping strings."""
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


@dataclass
class BagDifference:
    """How two bags of fingerprints differ, by id hash, with the ids kept by name."""

    only_left: list[int]
    only_right: list[int]
    changed: list[int]
    names: dict[int, str]

    def example(self, hashes: list[int]) -> str:
        """An id among ``hashes``: one kept by name if any, else the hash itself."""
        named = sorted(self.names[h] for h in hashes if h in self.names)
        return named[0] if named else f"<id not kept: hash {min(hashes):016x}>"


class FingerprintBag:
    """A multiset of records as (id hash, content digest) pairs: 16 bytes a record, no objects.

    Pairs live in ``array('Q')`` buckets chosen by id hash, so comparing two bags builds Python
    objects for one bucket at a time only. To name examples, a few ids are kept as strings: the
    first ones added (where two walks fell out of step) and about one in a thousand others.
    """

    BUCKETS = 1024
    FIRST_NAMED = 64
    SAMPLE = 1024

    def __init__(self) -> None:
        self._buckets = [array("Q") for _ in range(self.BUCKETS)]
        self._size = 0
        self.names: dict[int, str] = {}

    def add(self, record_id: str, content: int) -> int:
        """Add one record; returns its id hash."""
        key = id_hash(record_id)
        bucket = self._buckets[key % self.BUCKETS]
        bucket.append(key)
        bucket.append(content)
        if self._size < self.FIRST_NAMED or (key // self.BUCKETS) % self.SAMPLE == 0:
            self.names[key] = record_id
        self._size += 1
        return key

    def __len__(self) -> int:
        return self._size

    def difference(self, other: FingerprintBag) -> BagDifference:
        only_left: list[int] = []
        only_right: list[int] = []
        changed: list[int] = []
        for mine, theirs in zip(self._buckets, other._buckets, strict=True):
            left = Counter(zip(mine[::2], mine[1::2], strict=True))
            right = Counter(zip(theirs[::2], theirs[1::2], strict=True))
            extra = {key for key, _ in left - right}
            missing = {key for key, _ in right - left}
            both = extra & missing
            changed.extend(both)
            only_left.extend(extra - both)
            only_right.extend(missing - both)
        return BagDifference(only_left, only_right, changed, {**other.names, **self.names})


class Divergence:
    """Two walks that fell out of step, compared as multisets in bounded memory.

    Records go into two ``FingerprintBag``s. Those seen on one side and not yet on the other
    are also kept by name, up to ``PENDING`` a side: fed alternately, the walks leave pending
    mostly the records that really differ, so the differences found at the end can be named.
    """

    PENDING = 10_000

    def __init__(self, id_field: str) -> None:
        self.id_field = id_field
        self.bags = (FingerprintBag(), FingerprintBag())
        self._pending: tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]] = ({}, {})

    def add(self, side: int, record: dict[str, Any]) -> None:
        """Add a record of the left (0) or right (1) walk."""
        name, content = record_id(record, self.id_field), digest(record)
        key = (self.bags[side].add(name, content), content)
        if self._pending[1 - side].pop(key, None) is None and len(self._pending[side]) < self.PENDING:
            self._pending[side][key] = name

    def __len__(self) -> int:
        return len(self.bags[0])

    def difference(self) -> BagDifference:
        found = self.bags[0].difference(self.bags[1])
        for pending in self._pending:
            found.names.update({key: name for (key, _), name in pending.items()})
        return found
