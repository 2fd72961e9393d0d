"""The near-duplicate index's band keys in RAM: band key -> document rows, as compact arrays.

A lookup must cost a few compiled scans at any size, and an insert must stay cheap:
SQLite (or a Python dict) for 40 random band keys per document costs more than the MinHash.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from newsspider.dedup import kernels


class _Run(NamedTuple):
    """A sorted run of (key, row) entries and its directory: `starts[b]` is the first entry
    whose key's top bits are b, so finding a key reads one bucket, not a binary search
    (whose cache misses dominate once the table outgrows the CPU caches)."""

    keys: np.ndarray  # uint64, sorted
    rows: np.ndarray  # uint32
    starts: np.ndarray  # uint32, one per bucket and one past the end
    shift: int  # 64 - bits of the bucket number


def _run(keys: np.ndarray, rows: np.ndarray) -> _Run:
    """The run of sorted `keys`, with 16 to 32 entries a bucket (at most 0.25 bytes an
    entry): fewer would cost more RAM, more would cost lookups more comparisons."""
    bits = max(1, (len(keys) // 16).bit_length() - 1)
    shift = 64 - bits
    starts = np.empty((1 << bits) + 1, dtype=np.uint32)
    starts[:-1] = keys.searchsorted(np.arange(1 << bits, dtype=np.uint64) << np.uint64(shift))
    starts[-1] = len(keys)
    return _Run(keys, rows, starts, shift)


class BandTable:
    """Band key -> document rows in RAM, as compact integer arrays: 12 bytes an entry, plus
    at most 0.25 for the runs' directories.

    Shaped like a log-structured merge tree, so that adding stays cheap at any size and a
    lookup is one compiled call over all of it (`kernels.pyx`): the latest documents' keys sit in
    a small matrix (one row a document, one column a band); a full matrix
    becomes a sorted run (uint64 keys, uint32 rows, a bucket directory: `_Run`); a run is
    merged into its older neighbour while that is less than `fanout` times larger, so runs
    shrink geometrically (a few of them) and each entry is copied a few times. A merge
    briefly needs the merged size twice.
    """

    def __init__(self, bands: int, recent_docs: int = 256, fanout: int = 8) -> None:
        self._recent_keys = np.empty((recent_docs, bands), dtype=np.uint64)
        self._recent_rows = np.empty(recent_docs, dtype=np.uint32)
        self._recent = 0
        self._runs: list[_Run] = []
        self._fanout = fanout

    def __len__(self) -> int:
        return sum(len(run.keys) for run in self._runs) + self._recent_keys[: self._recent].size

    def nbytes(self) -> int:
        """RAM held by the table's arrays."""
        runs = sum(run.keys.nbytes + run.rows.nbytes + run.starts.nbytes for run in self._runs)
        return runs + self._recent_keys.nbytes + self._recent_rows.nbytes

    def add(self, keys: np.ndarray, row: int) -> None:
        if self._recent == len(self._recent_rows):
            self._seal_recent()
        self._recent_keys[self._recent] = keys
        self._recent_rows[self._recent] = row
        self._recent += 1

    def load(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Replace the contents with `keys` (rows x bands, flattened) of `rows`."""
        keys = keys.view(np.uint64)
        order = np.argsort(keys)
        self._runs = [_run(keys[order], rows[order])] if len(keys) else []
        self._recent = 0

    def ranked(self, keys: np.ndarray, limit: int) -> list[int]:
        """Up to `limit` rows sharing band keys with `keys`: most shared first, then oldest."""
        return kernels.ranked_rows(
            keys.view(np.uint64),
            self._recent_keys,
            self._recent_rows,
            self._recent,
            self._runs,
            limit,
        )

    def drop_rows_below(self, row: int) -> None:
        self._seal_recent()
        kept = []
        for run in self._runs:
            live = run.rows >= row
            if live.all():
                kept.append(run)
            elif live.any():
                kept.append(_run(run.keys[live], run.rows[live]))
        self._runs = kept

    def _seal_recent(self) -> None:
        if not self._recent:
            return
        keys = self._recent_keys[: self._recent].ravel()
        rows = np.repeat(self._recent_rows[: self._recent], self._recent_keys.shape[1])
        order = np.argsort(keys)
        self._runs.append(_run(keys[order], rows[order]))
        self._recent = 0
        while len(self._runs) > 1 and len(self._runs[-2].keys) < self._fanout * len(
            self._runs[-1].keys
        ):
            newer, older = self._runs.pop(), self._runs.pop()
            at = older.keys.searchsorted(newer.keys, "right")
            self._runs.append(
                _run(np.insert(older.keys, at, newer.keys), np.insert(older.rows, at, newer.rows))
            )
