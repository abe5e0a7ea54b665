"""Remembering which values a file has already had, in a few bytes a row. Pure: no Django.

The import check must spot a reference or a whole experience that appears twice in a file of
two million rows without keeping two million narratives in memory. `FirstSeen` keeps only an
8-byte fingerprint (BLAKE2b) of each value and the row it was first seen on, in two flat arrays
(an open-addressing hash table): about 12 to 24 bytes a row, whatever the length of the text.
Two different values share a fingerprint with odds of about one in ten million for a file of
two million rows, so a false "repeats row N" is possible in principle but not in practice.
"""

from __future__ import annotations

import hashlib
from array import array

_EMPTY = 0


def fingerprint(value: bytes) -> int:
    """A 64-bit fingerprint, never 0 (0 marks an empty slot)."""
    return int.from_bytes(hashlib.blake2b(value, digest_size=8).digest(), "little") or 1


class FirstSeen:
    """Values seen so far, each with the row it was first seen on."""

    def __init__(self) -> None:
        self._slots = 1 << 10
        self._keys = array("Q", [_EMPTY]) * self._slots
        self._rows = array("I", [0]) * self._slots
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def first_row(self, value: bytes, row: int) -> int | None:
        """The row `value` was first seen on; or None, when it is new (and is remembered on `row`)."""
        key = fingerprint(value)
        slot = self._find(key)
        if self._keys[slot] == key:
            return self._rows[slot]
        self._keys[slot], self._rows[slot] = key, row
        self._count += 1
        if self._count * 3 > self._slots * 2:  # keep the table at most two-thirds full
            self._grow()
        return None

    def _find(self, key: int) -> int:
        """The slot holding `key`, or the empty slot where it belongs."""
        mask = self._slots - 1
        slot = key & mask
        keys = self._keys
        while keys[slot] not in (_EMPTY, key):
            slot = (slot + 1) & mask
        return slot

    def _grow(self) -> None:
        old_keys, old_rows = self._keys, self._rows
        self._slots *= 2
        self._keys = array("Q", [_EMPTY]) * self._slots
        self._rows = array("I", [0]) * self._slots
        for key, row in zip(old_keys, old_rows, strict=True):
            if key != _EMPTY:
                slot = self._find(key)
                self._keys[slot], self._rows[slot] = key, row
