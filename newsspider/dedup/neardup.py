"""Near-duplicate bodies: syndicated copies of one story join one group, across sites and days.

MinHash LSH (datasketch's ``affine32`` permutation scheme) over word shingles of the folded
body finds *candidates*; each candidate is then *confirmed* with the exact Jaccard and
containment of the two shingle sets, which are persisted beside the index. SQLite keeps the
documents on disk and loads the band keys on open; Redis is queried in place.

Speed comes from hashing a document in bulk with numpy: one pass computes a polynomial hash
of every word from prefix sums over the UTF-8 bytes, shingle hashes are mixed from consecutive
word hashes, and all permutations are applied to all shingle hashes as one uint32 matrix. The
signature equals ``datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=identity).update_batch(shingle_hashes)`` bit for bit (tested).

The scheme and parameters are stored with each index; opening an index with other parameters
is refused, because signatures and band keys of different schemes cannot be compared.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import numpy as np
import redis
from datasketch import MinHash

log = logging.getLogger(__name__)

#: Name of the shingle hash below; bump it whenever `shingle_hashes` would return other values.
SHINGLE_HASH = "wordpoly64-fmix64-hi32/v1"

_U64 = np.uint64
#: ASCII letters folded to lower case, digits kept, every other ASCII byte a separator (space);
#: bytes >= 0x80 (UTF-8 letters) are kept and their punctuation removed by `_blank_punctuation`.
_FOLD = bytes(
    (b | 0x20 if 65 <= b <= 90 else b) if (chr(b).isalnum() or b >= 0x80) else 32
    for b in range(256)
)
_SPACE = np.uint8(32)
_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_MIX = tuple(
    _U64(c)
    for c in (
        0x9E3779B97F4A7C15,
        0xBF58476D1CE4E5B9,
        0x94D049BB133111EB,
        0xD6E8FEB86659FD93,
        0xA0761D6478BD642F,
        0xE7037ED1A0B428DB,
        0x8EBC6AF09C88C6E3,
        0x589965CC75374CC3,
        0x1D8E4E27C47D124F,
    )
)
_SIGNATURE_CHUNK = 4096  # shingles per permutation block: bounds the temporary matrix


@dataclass(frozen=True)
class NearDupParams:
    """Everything that decides signatures, band keys and matches; persisted with an index.

    Chosen by measurement on the syndication set (benchmarks/bench_neardup.py): 5-word
    shingles keep unrelated same-topic stories below containment 0.4 while copies stay above
    0.55. The match bar is ~0.5 (Jaccard or containment, exact); the bands are tuned lower
    (40 x 3 rows: LSH threshold ~0.29) so truncated copies still become candidates: 32 x 4
    (~0.42) missed 5 % of copy pairs, and false candidates only cost one exact check each.
    """

    shingle_words: int = 5
    bands: int = 40
    rows: int = 3
    seed: int = 1
    #: A candidate joins if its exact Jaccard or its containment reaches the bar.
    min_jaccard: float = 0.5
    min_containment: float = 0.5
    #: Candidates confirmed per document, most colliding bands first.
    max_candidates: int = 8
    scheme: str = "affine32"
    shingle_hash: str = SHINGLE_HASH

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> NearDupParams:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class Match:
    """The group a document joins: the best confirmed earlier document and its group."""

    group_id: str
    duplicate_of: str
    similarity: float
    containment: float


@dataclass(frozen=True)
class Sketch:
    """What the index stores and compares: sorted unique shingle hashes and LSH band keys."""

    shingles: np.ndarray
    band_keys: np.ndarray


@dataclass(frozen=True)
class Candidate:
    doc_id: str
    group_id: str
    shingles: np.ndarray


class NearDupParamsMismatch(ValueError):
    """An index was built with other parameters; its signatures cannot be compared."""


class NearDupIndex(Protocol):
    def find_or_add(self, doc_id: str, text: str) -> Match | None:
        """Index `text` under `doc_id`; return the group it joins, None if it starts one.

        A doc_id already indexed keeps its first answer (calls are idempotent).
        """

    def flush(self) -> None:
        """Make everything indexed so far durable (and visible to other processes)."""

    def purge_expired(self) -> int: ...

    def stats(self) -> dict[str, int]: ...

    def close(self) -> None: ...


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: spreads structured values over all bits."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch's affine32 scheme pre-mixes its input."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _blank_punctuation(chars: np.ndarray) -> None:
    """Turn the UTF-8 punctuation news text uses (U+2000-U+207F: curly quotes, dashes,
    ellipsis, thin spaces; U+00A0-U+00BF: no-break space, guillemets) into spaces in place."""
    lead = np.flatnonzero(chars[:-2] == 0xE2)
    lead = lead[(chars[lead + 1] & 0xFE) == 0x80]
    for offset in range(3):
        chars[lead + offset] = _SPACE
    lead = np.flatnonzero(chars[:-1] == 0xC2)
    lead = lead[chars[lead + 1] >= 0xA0]
    chars[lead] = _SPACE
    chars[lead + 1] = _SPACE


class _Powers:
    """Powers of the polynomial base and of its inverse modulo 2**64, grown on demand."""

    def __init__(self) -> None:
        self.forward = np.ones(0, dtype=_U64)
        self.inverse = np.ones(0, dtype=_U64)

    def ensure(self, n: int) -> None:
        if len(self.forward) >= n:
            return
        size = max(n, 2 * len(self.forward), 1 << 14)
        self.forward = _power_series(_BASE, size)
        self.inverse = _power_series(pow(_BASE, -1, 1 << 64), size)


def _power_series(base: int, size: int) -> np.ndarray:
    series = np.empty(size, dtype=_U64)
    series[0] = 1
    np.cumprod(np.full(size - 1, base, dtype=_U64), out=series[1:])
    return series


_POWERS = _Powers()


def shingle_hashes(text: str, words: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the `words`-word shingles of the folded text.

    Folding: case, punctuation and white space do not count; a text shorter than one shingle
    is one shingle. Stable across processes and machines (no Python `hash`).
    """
    if not text.isascii():
        text = text.casefold()
    raw = f" {text} ".encode().translate(_FOLD)
    chars = np.frombuffer(raw, dtype=np.uint8)
    if not raw.isascii():
        chars = chars.copy()
        _blank_punctuation(chars)
    space = chars == _SPACE
    edges = np.flatnonzero(space[:-1] != space[1:]) + 1
    if len(edges) == 0:
        return np.empty(0, dtype=np.uint32)
    starts, ends = edges[0::2], edges[1::2]
    _POWERS.ensure(len(chars) + 1)
    prefix = np.zeros(len(chars) + 1, dtype=_U64)
    np.cumsum(chars * _POWERS.forward[: len(chars)], out=prefix[1:])
    # hash(word) = sum(c_j * B**(j - start)): the prefix difference shifted back by B**-start.
    word_hashes = _fmix64((prefix[ends] - prefix[starts]) * _POWERS.inverse[starts])
    k = min(words, len(word_hashes))
    count = len(word_hashes) - k + 1
    mixed = word_hashes[:count] * _MIX[0]
    for j in range(1, k):
        mixed += word_hashes[j : j + count] * _MIX[j]
    hashes = np.sort((_fmix64(mixed) >> _U64(32)).astype(np.uint32))
    keep = np.empty(len(hashes), dtype=bool)
    keep[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=keep[1:])
    return hashes[keep]


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Exact (Jaccard, containment of the smaller set) of two sorted unique hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    common = int(np.count_nonzero(b[at] == a))
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


class Sketcher:
    """Text -> `Sketch` for one parameter set (permutations built once)."""

    def __init__(self, params: NearDupParams) -> None:
        if params.scheme != "affine32":
            raise ValueError(f"unsupported MinHash scheme {params.scheme!r} (use 'affine32')")
        if params.shingle_hash != SHINGLE_HASH:
            raise ValueError(f"unsupported shingle hash {params.shingle_hash!r}")
        if not 1 <= params.shingle_words <= len(_MIX) or not 1 <= params.rows <= len(_MIX) - 1:
            raise ValueError(f"shingle_words and rows must be in 1..{len(_MIX) - 1}")
        self.params = params
        a, b = MinHash(num_perm=params.num_perm, seed=params.seed, scheme="affine32").permutations
        self._a = a.astype(np.uint32)
        self._b = b.astype(np.uint32)

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """The MinHash values (uint32, one per permutation) of a set of shingle hashes."""
        values = np.full(self.params.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
        for start in range(0, len(shingles), _SIGNATURE_CHUNK):
            mixed = _fmix32(shingles[start : start + _SIGNATURE_CHUNK])
            permuted = np.multiply.outer(self._a, mixed)
            permuted += self._b[:, None]
            np.minimum(values, permuted.min(axis=1), out=values)
        return values

    def band_keys(self, signature: np.ndarray) -> np.ndarray:
        """One 64-bit key per band (band number mixed in), signed for SQLite INTEGER."""
        rows = signature.reshape(self.params.bands, self.params.rows).astype(_U64)
        keys = np.arange(self.params.bands, dtype=_U64) * _MIX[-1]
        for j in range(self.params.rows):
            keys += rows[:, j] * _MIX[j]
        return _fmix64(keys).view(np.int64)

    def sketch(self, text: str) -> Sketch:
        shingles = shingle_hashes(text, self.params.shingle_words)
        return Sketch(shingles, self.band_keys(self.signature(shingles)))


def best_match(
    sketch: Sketch, candidates: Iterable[Candidate], params: NearDupParams
) -> Match | None:
    """The first candidate (callers rank them by shared bands, i.e. estimated similarity)
    whose exact Jaccard or containment reaches the bar, as a `Match`; None if none does."""
    for candidate in candidates:
        jaccard, containment = similarity(sketch.shingles, candidate.shingles)
        if jaccard >= params.min_jaccard or containment >= params.min_containment:
            return Match(candidate.group_id, candidate.doc_id, jaccard, containment)
    return None


def _check_params(stored: str | None, params: NearDupParams | None, where: str) -> NearDupParams:
    """The parameters to use: those stored with the index, which `params` must equal."""
    if stored is None:
        return params or NearDupParams()
    existing = NearDupParams.from_json(stored)
    if params is not None and params != existing:
        raise NearDupParamsMismatch(
            f"near-duplicate index {where} was built with {existing}, not {params}; "
            "open it with its own parameters or rebuild it"
        )
    return existing


_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS neardup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS neardup_docs (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    group_id TEXT NOT NULL,
    duplicate_of TEXT,
    similarity REAL,
    containment REAL,
    added_at REAL NOT NULL,
    band_keys BLOB NOT NULL,
    shingles BLOB NOT NULL
);
"""


def _stored_match(row: tuple) -> Match | None:
    group_id, duplicate_of, similarity_, containment = row
    if duplicate_of is None:
        return None
    return Match(group_id, duplicate_of, similarity_, containment)


class _BandTable:
    """Band key -> document rows in RAM: sorted numpy arrays (16 bytes an entry) plus a
    dict of recent entries, merged in when it grows past a fraction of the arrays."""

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.int64)
        self._rows = np.empty(0, dtype=np.int64)
        self._fresh: dict[int, list[int]] = {}
        self._fresh_size = 0

    def __len__(self) -> int:
        return len(self._keys) + self._fresh_size

    def add(self, keys: list[int], row: int) -> None:
        for key in keys:
            self._fresh.setdefault(key, []).append(row)
        self._fresh_size += len(keys)
        if self._fresh_size > max(1 << 16, len(self._keys) // 4):
            self._merge()

    def load(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self._keys, self._rows = keys[order], rows[order]

    def hits(self, keys: np.ndarray) -> Counter:
        """How many of the given band keys each stored row shares."""
        left = np.searchsorted(self._keys, keys, side="left")
        right = np.searchsorted(self._keys, keys, side="right")
        shared: list[int] = []
        for i in np.flatnonzero(right > left).tolist():
            shared.extend(self._rows[left[i] : right[i]].tolist())
        if self._fresh:
            for key in keys.tolist():
                shared.extend(self._fresh.get(key, ()))
        return Counter(shared)

    def drop_rows_below(self, row: int) -> None:
        self._merge()
        keep = self._rows >= row
        self._keys, self._rows = self._keys[keep], self._rows[keep]

    def _merge(self) -> None:
        if not self._fresh:
            return
        keys = np.fromiter(
            (k for k, rows in self._fresh.items() for _ in rows), np.int64, self._fresh_size
        )
        rows = np.fromiter(
            (r for rows in self._fresh.values() for r in rows), np.int64, self._fresh_size
        )
        order = np.argsort(keys, kind="stable")
        at = np.searchsorted(self._keys, keys[order], side="right")
        self._keys = np.insert(self._keys, at, keys[order])
        self._rows = np.insert(self._rows, at, rows[order])
        self._fresh.clear()
        self._fresh_size = 0


class SqliteNearDupIndex:
    """Embedded default: one writer process; documents persisted in SQLite (WAL), band keys
    loaded into RAM on open (16 bytes a band key, 640 a document), because querying and
    inserting 40 random band keys in SQLite cost 140-930 us a document (batched or per-document
    commits), more than the whole MinHash (~100 us); loading 1M documents takes ~6 s.

    Writes are grouped into one transaction of up to `commit_every` documents; `flush()`
    (and `close()`) commits. A crash loses at most that many index entries: later copies
    of those stories start their own group, nothing else breaks. Use a file of its own,
    since the open write transaction holds SQLite's lock. Several workers: use Redis.
    """

    def __init__(
        self,
        path: str | Path,
        ttl: timedelta,
        params: NearDupParams | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        commit_every: int = 256,
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.ttl = ttl
        self.clock = clock
        self.commit_every = commit_every
        self._pending = 0
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SQLITE_SCHEMA)
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                row = self._db.execute(
                    "SELECT value FROM neardup_meta WHERE key = 'params'"
                ).fetchone()
                self.params = _check_params(row and row[0], params, str(self.path))
                if row is None:
                    self._db.execute(
                        "INSERT INTO neardup_meta (key, value) VALUES ('params', ?)",
                        (self.params.to_json(),),
                    )
        except NearDupParamsMismatch:
            self._db.close()
            raise
        self._sketcher = Sketcher(self.params)
        self._bands = _BandTable()
        self._load()

    def _load(self) -> None:
        """Read every live document's band keys (one sequential scan)."""
        cutoff = (self.clock() - self.ttl).timestamp()
        rows, blobs = [], []
        for row, blob in self._db.execute(
            "SELECT id, band_keys FROM neardup_docs WHERE added_at >= ? ORDER BY id", (cutoff,)
        ):
            rows.append(row)
            blobs.append(blob)
        if rows:
            keys = np.frombuffer(b"".join(blobs), dtype=np.int64)
            self._bands.load(keys, np.repeat(np.array(rows, dtype=np.int64), self.params.bands))
        log.info("near-duplicate index %s: %d documents loaded", self.path, len(rows))

    def find_or_add(self, doc_id: str, text: str) -> Match | None:
        if self._pending == 0:
            self._db.execute("BEGIN IMMEDIATE")
        row = self._db.execute(
            "SELECT group_id, duplicate_of, similarity, containment FROM neardup_docs "
            "WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        if row is not None:
            self._count_write()
            return _stored_match(row)
        sketch = self._sketcher.sketch(text)
        now = self.clock().timestamp()
        match = None
        if len(sketch.shingles):
            ranked = [r for r, _ in self._bands.hits(sketch.band_keys).most_common()]
            match = best_match(
                sketch, self._candidates(ranked[: self.params.max_candidates], now), self.params
            )
        cursor = self._db.execute(
            "INSERT INTO neardup_docs (doc_id, group_id, duplicate_of, similarity, containment,"
            " added_at, band_keys, shingles) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                match.group_id if match else doc_id,
                match and match.duplicate_of,
                match and match.similarity,
                match and match.containment,
                now,
                sketch.band_keys.tobytes(),
                sketch.shingles.tobytes(),
            ),
        )
        if len(sketch.shingles):
            self._bands.add(sketch.band_keys.tolist(), cursor.lastrowid)
        self._count_write()
        return match

    def _candidates(self, rows: list[int], now: float) -> list[Candidate]:
        if not rows:
            return []
        found = {
            row: Candidate(doc_id, group_id, np.frombuffer(blob, dtype=np.uint32))
            for row, doc_id, group_id, blob in self._db.execute(
                "SELECT id, doc_id, group_id, shingles FROM neardup_docs "
                f"WHERE id IN ({','.join('?' * len(rows))}) AND added_at >= ?",
                (*rows, now - self.ttl.total_seconds()),
            )
        }
        return [found[row] for row in rows if row in found]

    def _count_write(self) -> None:
        self._pending += 1
        if self._pending >= self.commit_every:
            self.flush()

    def flush(self) -> None:
        """Commit the documents indexed since the last commit."""
        if self._pending:
            self._db.execute("COMMIT")
            self._pending = 0

    def purge_expired(self) -> int:
        """Forget documents older than the TTL, on disk and in RAM."""
        self.flush()
        cutoff = (self.clock() - self.ttl).timestamp()
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            docs = self._db.execute("DELETE FROM neardup_docs WHERE added_at < ?", (cutoff,))
            first = self._db.execute("SELECT MIN(id) FROM neardup_docs").fetchone()[0]
        self._bands.drop_rows_below(first if first is not None else 1 << 62)
        return docs.rowcount

    def stats(self) -> dict[str, int]:
        docs, groups = self._db.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE duplicate_of IS NULL) FROM neardup_docs"
        ).fetchone()
        size = self.path.stat().st_size if self.path.exists() else 0
        return {"docs": docs, "groups": groups, "band_entries": len(self._bands), "bytes": size}

    def close(self) -> None:
        self.flush()
        self._db.close()


class RedisNearDupIndex:
    """Shared by several workers: one hash per document, one string per band key naming the
    latest document with that band, all with the TTL as Redis expiry (bounded, no purge).

    Keeping only the latest document per band key (not a set of all) costs ~2.5x less memory
    and one MGET instead of a set read per band; a true copy shares many bands, so it is still
    found through the others. Three round trips per document (lookup + bands, candidates,
    write). Two workers indexing copies of one story in the same instant may each start a
    group; later copies join one of them.
    """

    def __init__(
        self,
        client: redis.Redis,
        ttl: timedelta,
        prefix: str = "newsspider:neardup:",
        params: NearDupParams | None = None,
    ) -> None:
        self._redis = client
        self.ttl = ttl
        self.prefix = prefix
        key = f"{prefix}params"
        stored = client.get(key)
        self.params = _check_params(stored and stored.decode(), params, f"{client} {key}")
        if stored is None:
            client.set(key, self.params.to_json(), nx=True)
        self._sketcher = Sketcher(self.params)
        self._ttl_seconds = max(1, int(ttl.total_seconds()))
        self._band_prefix = f"{prefix}b:".encode()

    def _doc_key(self, doc_id: str) -> str:
        return f"{self.prefix}doc:{doc_id}"

    def find_or_add(self, doc_id: str, text: str) -> Match | None:
        sketch = self._sketcher.sketch(text)
        raw = sketch.band_keys.tobytes()
        bands = [self._band_prefix + raw[i : i + 8] for i in range(0, len(raw), 8)]
        pipe = self._redis.pipeline(transaction=False)
        pipe.hmget(self._doc_key(doc_id), "group", "dup", "sim", "cont")
        pipe.mget(bands)
        stored, latest = pipe.execute()
        if stored[0] is not None:
            group, dup, sim, cont = stored
            if dup is None:
                return None
            return Match(group.decode(), dup.decode(), float(sim), float(cont))
        if len(sketch.shingles) == 0:
            return None
        hits = Counter(other.decode() for other in latest if other is not None)
        hits.pop(doc_id, None)
        ranked = [other for other, _ in hits.most_common(self.params.max_candidates)]
        pipe = self._redis.pipeline(transaction=False)
        for other in ranked:
            pipe.hmget(self._doc_key(other), "group", "shingles")
        candidates = (
            Candidate(other, group.decode(), np.frombuffer(blob, dtype=np.uint32))
            for other, (group, blob) in zip(ranked, pipe.execute() if ranked else [], strict=True)
            if group is not None
        )
        match = best_match(sketch, candidates, self.params)
        fields = {
            "group": match.group_id if match else doc_id,
            "shingles": sketch.shingles.tobytes(),
        }
        if match:
            fields |= {
                "dup": match.duplicate_of,
                "sim": match.similarity,
                "cont": match.containment,
            }
        pipe = self._redis.pipeline(transaction=False)
        pipe.hset(self._doc_key(doc_id), mapping=fields)
        pipe.expire(self._doc_key(doc_id), self._ttl_seconds)
        for band in bands:
            pipe.set(band, doc_id, ex=self._ttl_seconds)
        pipe.execute()
        return match

    def flush(self) -> None:
        """Nothing buffered: every call writes through."""

    def purge_expired(self) -> int:
        """Nothing to do: Redis expires documents and band keys by itself."""
        return 0

    def stats(self) -> dict[str, int]:
        docs = sum(1 for _ in self._redis.scan_iter(match=f"{self.prefix}doc:*", count=1000))
        return {"docs": docs}

    def close(self) -> None:
        self._redis.close()


def open_neardup_index(
    uri: str, ttl: timedelta, params: NearDupParams | None = None
) -> NearDupIndex:
    """Map a state URI to its near-duplicate index: the same URI as the seen-store, own
    tables (`neardup_*`) or own key prefix."""
    scheme = urlsplit(uri).scheme
    if scheme == "sqlite":
        return SqliteNearDupIndex(uri.removeprefix("sqlite:///"), ttl, params)
    if scheme in ("redis", "rediss"):
        return RedisNearDupIndex(redis.Redis.from_url(uri), ttl, params=params)
    raise ValueError(f"unsupported state URI {uri!r} (use sqlite:///PATH or redis://HOST:PORT/DB)")
