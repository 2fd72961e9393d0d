"""What a manifest says about each data file, so that readers can skip files without opening
them: time ranges, rows without a publication time, and a Bloom filter of URL keys.

The Bloom filter holds the key of every `url` and `canonical_url` in the file: the first 16
bytes of the SHA-256 of the URL's UTF-8 text (hex: the 32-digit article key of the web UI).
Bit positions come from the key itself, by double hashing: with `h1`, `h2` its two halves read
as big-endian unsigned 64-bit integers, the key sets bits `(h1 + j * h2) mod 2**64 mod bits`
for `j` in `0 … hashes-1` (bit `i` is bit `i % 8`, least significant first, of byte `i // 8`).
A key absent from the filter is certainly absent from the file; with 10 bits per key and 7
hashes about 1 % of absent keys are reported present anyway.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newsspider.record import format_timestamp

BLOOM_BITS_PER_KEY = 10
BLOOM_HASHES = 7
_MASK64 = (1 << 64) - 1


def url_key(url: str) -> str:
    """The 32-hex-digit key of a URL string exactly as stored (no canonicalization here)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class UrlBloom:
    """A Bloom filter over URL keys, as stored in a manifest's file entry."""

    bits: int
    hashes: int
    data: bytes

    @classmethod
    def of(cls, urls: Iterable[str]) -> UrlBloom:
        keys = {bytes.fromhex(url_key(url)) for url in urls}
        bits = max(64, -(-len(keys) * BLOOM_BITS_PER_KEY // 8) * 8)
        halves = np.frombuffer(b"".join(keys), dtype=">u8").astype(np.uint64).reshape(-1, 2)
        steps = np.arange(BLOOM_HASHES, dtype=np.uint64)
        with np.errstate(over="ignore"):  # the arithmetic is modulo 2**64 on purpose
            positions = (halves[:, :1] + steps * halves[:, 1:]) % np.uint64(bits)
        marks = np.zeros(bits, dtype=np.uint8)
        marks[positions.ravel()] = 1
        return cls(bits, BLOOM_HASHES, np.packbits(marks, bitorder="little").tobytes())

    def may_contain(self, key: str) -> bool:
        """False only when no URL with this 32-hex-digit key is in the file."""
        raw = bytes.fromhex(key)
        first, second = int.from_bytes(raw[:8], "big"), int.from_bytes(raw[8:16], "big")
        for step in range(self.hashes):
            position = ((first + step * second) & _MASK64) % self.bits
            if not self.data[position // 8] >> (position % 8) & 1:
                return False
        return True

    def to_json(self) -> dict:
        return {
            "bits": self.bits,
            "hashes": self.hashes,
            "data": base64.b64encode(self.data).decode(),
        }

    @classmethod
    def from_json(cls, value: dict) -> UrlBloom:
        return cls(value["bits"], value["hashes"], base64.b64decode(value["data"]))


def _range(column: pa.ChunkedArray) -> list[str | None]:
    """[earliest, latest] at whole seconds, widened so it still covers sub-second times."""
    bounds = pc.min_max(column)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low is None:
        return [None, None]
    if high.microsecond:
        high = high.replace(microsecond=0) + timedelta(seconds=1)
    return [format_timestamp(low), format_timestamp(high)]


def file_stats(table: pa.Table) -> dict:
    """The manifest fields describing one data file of the record schema."""
    urls = [u for name in ("url", "canonical_url") for u in table.column(name).to_pylist() if u]
    return {
        "rows": table.num_rows,
        "published_range": _range(table.column("published_at")),
        "fetched_range": _range(table.column("fetched_at")),
        "undated": table.column("published_at").null_count,
        "url_bloom": UrlBloom.of(urls).to_json(),
    }
