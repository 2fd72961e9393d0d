"""Near-duplicate bodies: syndicated copies of one story join one group, across sites and days.

MinHash LSH band keys (`minhash.py`) find *candidates*; each candidate is then *confirmed*
with the exact Jaccard and containment of the two shingle sets, which are persisted beside
the index. SQLite keeps the documents on disk (their shingles in a `ShingleLog`) and their
band keys in RAM; Redis is queried in place. Either index takes a `Sketch` made elsewhere (a
worker process) instead of the text.

The scheme and parameters are stored with each index; opening an index with other parameters
is refused, because signatures and band keys of different schemes cannot be compared.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple, Protocol
from urllib.parse import urlsplit

import numpy as np
import redis

from newsspider.dedup.bandtable import BandTable
from newsspider.dedup.minhash import (
    SHINGLE_HASH,
    NearDupParams,
    Sketch,
    Sketcher,
    shingle_hashes,
    similarity,
)
from newsspider.dedup.shinglelog import ShingleLog
from newsspider.sqlitedb import connect_wal

__all__ = [
    "SHINGLE_HASH",
    "Match",
    "NearDupIndex",
    "NearDupParams",
    "NearDupParamsMismatch",
    "RedisNearDupIndex",
    "Sketch",
    "Sketcher",
    "SqliteNearDupIndex",
    "index_params",
    "open_neardup_index",
    "shingle_hashes",
    "similarity",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Match:
    """The group a document joins: the best confirmed earlier document and its group."""

    group_id: str
    duplicate_of: str
    similarity: float
    containment: float


class Candidate(NamedTuple):
    doc_id: str
    group_id: str
    shingles: np.ndarray


class NearDupParamsMismatch(ValueError):
    """An index was built with other parameters; its signatures cannot be compared."""


class NearDupIndex(Protocol):
    #: The parameters sketches for this index must be made with (`Sketcher(index.params)`).
    params: NearDupParams

    def find_or_add(self, doc_id: str, text: str, sketch: Sketch | None = None) -> Match | None:
        """Index `text` under `doc_id`; return the group it joins, None if it starts one.

        `sketch`, when given, is `Sketcher(self.params).sketch(text)` made elsewhere and is
        used instead of hashing `text` again. A doc_id already indexed keeps its first answer
        (calls are idempotent).
        """

    def flush(self) -> None:
        """Make everything indexed so far durable (and visible to other processes)."""

    def purge_expired(self) -> int: ...

    def stats(self) -> dict[str, int]: ...

    def close(self) -> None: ...


def confirmed(a: np.ndarray, b: np.ndarray, params: NearDupParams) -> tuple[float, float] | None:
    """(Jaccard, containment) of two shingle sets if either reaches its bar, else None."""
    jaccard, containment = similarity(a, b)
    if jaccard >= params.min_jaccard or containment >= params.min_containment:
        return jaccard, containment
    return None


def best_match(
    sketch: Sketch, candidates: Iterable[Candidate], params: NearDupParams
) -> Match | None:
    """The first candidate (callers rank them by shared bands, i.e. estimated similarity)
    whose exact Jaccard or containment reaches the bar, as a `Match`; None if none does.
    The candidates after it are not compared."""
    for candidate in candidates:
        if scores := confirmed(sketch.shingles, candidate.shingles, params):
            return Match(candidate.group_id, candidate.doc_id, *scores)
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


class _SketchSource:
    """The sketch of a text for one index: the one given if it was made with the index's
    parameters, else made here (a mismatch is logged once: it means wasted work upstream).
    The sketcher is built on first use: a crawl whose workers send sketches never needs it."""

    def __init__(self, params: NearDupParams) -> None:
        self.params = params
        self._fingerprint = params.fingerprint
        self._sketcher: Sketcher | None = None
        self._warned = False

    def __call__(self, text: str, sketch: Sketch | None) -> Sketch:
        if sketch is not None:
            if sketch.fingerprint == self._fingerprint:
                return sketch
            if not self._warned:
                log.warning("a sketch made with other near-duplicate parameters was recomputed")
                self._warned = True
        if self._sketcher is None:
            self._sketcher = Sketcher(self.params)
        return self._sketcher.sketch(text)


_DOCS_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    group_id TEXT NOT NULL,
    duplicate_of TEXT,
    similarity REAL,
    containment REAL,
    added_at REAL NOT NULL,
    band_keys BLOB NOT NULL,
    shingles_at INTEGER NOT NULL,  -- position in the ShingleLog
    shingle_count INTEGER NOT NULL
);
"""
_SQLITE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS neardup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    + _DOCS_TABLE.format(name="neardup_docs")
)
_PARAMS_QUERY = "SELECT value FROM neardup_meta WHERE key = 'params'"
_ROW_LIMIT = 1 << 32  # rows are held as uint32 in RAM
_REDIS_PREFIX = "newsspider:neardup:"


def _stored_match(row: tuple) -> Match | None:
    group_id, duplicate_of, similarity_, containment = row
    if duplicate_of is None:
        return None
    return Match(group_id, duplicate_of, similarity_, containment)


class _ShingleLocations:
    """Where each row's shingles are in the log, in RAM (12 bytes a row): rows are added in
    increasing order and dropped from the oldest, so they are two arrays from `first` on."""

    def __init__(self) -> None:
        self.first = 0
        self._positions = array("Q")
        self._counts = array("I")

    def load(self, rows: np.ndarray, positions: np.ndarray, counts: np.ndarray) -> None:
        """Replace the contents with those of sorted `rows` (rows between them have none)."""
        self.first = int(rows[0]) if len(rows) else 0
        span = int(rows[-1]) - self.first + 1 if len(rows) else 0
        at = rows - self.first
        self._positions = array("Q", bytes(8 * span))
        np.frombuffer(self._positions, dtype=np.uint64)[at] = positions
        self._counts = array("I", bytes(4 * span))
        np.frombuffer(self._counts, dtype=np.uint32)[at] = counts

    def add(self, row: int, position: int, count: int) -> None:
        if not self._positions:
            self.first = row
        gap = row - self.first - len(self._positions)
        if gap:
            self._positions.extend([0] * gap)
            self._counts.extend([0] * gap)
        self._positions.append(position)
        self._counts.append(count)

    def get(self, row: int) -> tuple[int, int] | None:
        """(position, count) of `row`'s shingles, None if it has none here."""
        at = row - self.first
        if not 0 <= at < len(self._counts) or self._counts[at] == 0:
            return None
        return self._positions[at], self._counts[at]

    def drop_below(self, row: int) -> None:
        dropped = min(max(0, row - self.first), len(self._positions))
        del self._positions[:dropped], self._counts[:dropped]
        self.first += dropped

    def nbytes(self) -> int:
        return self._positions.itemsize * len(self._positions) + self._counts.itemsize * len(
            self._counts
        )


class SqliteNearDupIndex:
    """Embedded default: one writer process; documents persisted in SQLite (WAL), their
    shingles in a `ShingleLog` beside it (`<file>-shingles/`), band keys held in RAM
    (`BandTable`: ~12.2 bytes a band key, plus 12 bytes a document for where its shingles
    are: ~500 a document; loading 1M documents takes seconds), because querying and
    inserting 40 random band keys in SQLite cost more than the whole MinHash.

    The latest `recent_docs` documents are also kept in RAM (~2.3 KB each): syndicated copies
    mostly arrive within minutes of each other, so most candidates are found there. Others
    are read from the log, and only a confirmed one's group from SQLite.

    Writes are grouped into one transaction, committed by `flush()` (and `close()`), after
    `commit_every` documents or once the transaction is `commit_seconds` old. A crash loses
    at most those index entries: later copies of those stories start their own group,
    nothing else breaks. Use a file of its own, since the open write transaction holds
    SQLite's lock. Several workers: use Redis.
    """

    def __init__(
        self,
        path: str | Path,
        ttl: timedelta,
        params: NearDupParams | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        commit_every: int = 1024,
        commit_seconds: float = 2.0,
        recent_docs: int = 2048,
    ) -> None:
        self.path = Path(path)
        self.ttl = ttl
        self.clock = clock
        self.commit_every = commit_every
        self.commit_seconds = commit_seconds
        self._pending = 0
        self._began = 0.0
        self._db = connect_wal(self.path)
        self._db.execute("PRAGMA wal_autocheckpoint = 16384")  # fsync every 64 MB, not 4
        self._shingles = ShingleLog(self.path.with_name(f"{self.path.name}-shingles"))
        try:
            self.params = self._open_params(params)
        except NearDupParamsMismatch:
            self.close()
            raise
        self._sketch = _SketchSource(self.params)
        self._bands = BandTable(self.params.bands)
        self._locations = _ShingleLocations()
        self._recent: dict[int, tuple[float, Candidate]] = {}
        self._recent_limit = recent_docs
        self._load()

    def _open_params(self, params: NearDupParams | None) -> NearDupParams:
        """The stored parameters; on a new file, create the tables and store `params`."""
        self._db.executescript(_SQLITE_SCHEMA)
        columns = {column[1] for column in self._db.execute("PRAGMA table_info(neardup_docs)")}
        if "shingles" in columns:
            self._move_shingles_to_log()
        row = self._db.execute(_PARAMS_QUERY).fetchone()
        if row is None:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                row = self._db.execute(_PARAMS_QUERY).fetchone()
                if row is None:
                    chosen = params or NearDupParams()
                    self._db.execute(
                        "INSERT INTO neardup_meta (key, value) VALUES ('params', ?)",
                        (chosen.to_json(),),
                    )
                    return chosen
        return _check_params(row[0], params, str(self.path))

    def _move_shingles_to_log(self) -> None:
        """Indexes written before the log kept the shingles in the table: move them (once,
        in one transaction; bytes appended by an interrupted move are never referred to)."""
        log.info("near-duplicate index %s: moving shingles to %s", self.path, self._shingles.folder)
        fields = "id, doc_id, group_id, duplicate_of, similarity, containment, added_at, band_keys"
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(_DOCS_TABLE.format(name="neardup_docs_moved"))
            cursor = self._db.execute(f"SELECT {fields}, shingles FROM neardup_docs ORDER BY id")
            while batch := cursor.fetchmany(4096):
                moved = []
                for *values, blob in batch:
                    shingles = np.frombuffer(blob, dtype=np.uint32)
                    at = self._shingles.append(shingles) if len(shingles) else 0
                    moved.append((*values, at, len(shingles)))
                self._db.executemany(
                    f"INSERT INTO neardup_docs_moved ({fields}, shingles_at, shingle_count) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    moved,
                )
            self._db.execute("DROP TABLE neardup_docs")
            self._db.execute("ALTER TABLE neardup_docs_moved RENAME TO neardup_docs")
            self._shingles.flush()

    def _load(self) -> None:
        """Read every live document's band keys and shingle position (one sequential scan,
        in batches), and continue the log past every position the table refers to."""
        last = self._db.execute(
            "SELECT shingles_at, shingle_count FROM neardup_docs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if last:
            self._shingles.continue_past(*last)
        cutoff = (self.clock() - self.ttl).timestamp()
        bands = self.params.bands
        where = "WHERE added_at >= ? AND shingle_count > 0"
        with self._db:
            self._db.execute("BEGIN")  # one snapshot for the count and the scan
            count = self._db.execute(
                f"SELECT COUNT(*) FROM neardup_docs {where}", (cutoff,)
            ).fetchone()[0]
            keys = np.empty(count * bands, dtype=np.int64)
            rows = np.empty(count, dtype=np.uint32)
            positions = np.empty(count, dtype=np.uint64)
            counts = np.empty(count, dtype=np.uint32)
            cursor = self._db.execute(
                f"SELECT id, band_keys, shingles_at, shingle_count FROM neardup_docs {where} "
                "ORDER BY id",
                (cutoff,),
            )
            done = 0
            while batch := cursor.fetchmany(4096):
                ids, blobs, starts, lengths = zip(*batch, strict=True)
                rows[done : done + len(ids)] = ids
                positions[done : done + len(ids)] = starts
                counts[done : done + len(ids)] = lengths
                keys[done * bands : (done + len(ids)) * bands] = np.frombuffer(
                    b"".join(blobs), dtype=np.int64
                )
                done += len(ids)
        self._bands.load(keys[: done * bands], np.repeat(rows[:done], bands))
        self._locations.load(rows[:done], positions[:done], counts[:done])
        log.info("near-duplicate index %s: %d documents loaded", self.path, done)

    def find_or_add(self, doc_id: str, text: str, sketch: Sketch | None = None) -> Match | None:
        sketch = self._sketch(text, sketch)
        now = self.clock().timestamp()
        match = None
        if len(sketch.shingles):
            cutoff = now - self.ttl.total_seconds()
            for row in self._bands.ranked(sketch.band_keys, self.params.max_candidates):
                if match := self._confirm(row, sketch.shingles, cutoff):
                    break
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
            self._began = time.monotonic()
        group_id = match.group_id if match else doc_id
        count = len(sketch.shingles)
        position = self._shingles.position if count else 0  # appended once the row is in
        cursor = self._db.execute(
            "INSERT INTO neardup_docs (doc_id, group_id, duplicate_of, similarity, containment,"
            " added_at, band_keys, shingles_at, shingle_count)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (doc_id) DO NOTHING",
            (
                doc_id,
                group_id,
                match and match.duplicate_of,
                match and match.similarity,
                match and match.containment,
                now,
                sketch.band_keys.tobytes(),
                position,
                count,
            ),
        )
        if cursor.rowcount == 0:  # indexed before: its first answer stands
            row = self._db.execute(
                "SELECT group_id, duplicate_of, similarity, containment FROM neardup_docs "
                "WHERE doc_id = ?",
                (doc_id,),
            ).fetchone()
            return _stored_match(row)
        if count:
            if cursor.lastrowid >= _ROW_LIMIT:
                raise OverflowError(f"near-duplicate index {self.path}: row ids exhausted")
            self._shingles.append(sketch.shingles)
            self._bands.add(sketch.band_keys, cursor.lastrowid)
            self._locations.add(cursor.lastrowid, position, count)
            self._remember(cursor.lastrowid, now, Candidate(doc_id, group_id, sketch.shingles))
        self._pending += 1
        if (
            self._pending >= self.commit_every
            or time.monotonic() - self._began >= self.commit_seconds
        ):
            self.flush()
        return match

    def _remember(self, row: int, added_at: float, candidate: Candidate) -> None:
        self._recent[row] = (added_at, candidate)
        if len(self._recent) > self._recent_limit:
            del self._recent[next(iter(self._recent))]  # the oldest: dicts keep insertion order

    def _confirm(self, row: int, shingles: np.ndarray, cutoff: float) -> Match | None:
        """The match with document `row` if it is live and close enough: compared from RAM
        if recent, else from the log, and only then its group read from SQLite."""
        recent = self._recent.get(row)
        if recent is not None:
            added_at, candidate = recent
            if added_at < cutoff:
                return None
            scores = confirmed(shingles, candidate.shingles, self.params)
            return scores and Match(candidate.group_id, candidate.doc_id, *scores)
        location = self._locations.get(row)
        other = location and self._shingles.read(*location)
        if other is None or not (scores := confirmed(shingles, other, self.params)):
            return None
        found = self._db.execute(
            "SELECT group_id, doc_id FROM neardup_docs WHERE id = ? AND added_at >= ?",
            (row, cutoff),
        ).fetchone()
        return found and Match(*found, *scores)

    def flush(self) -> None:
        """Commit the documents indexed since the last commit (their shingles first)."""
        self._shingles.flush()
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._pending = 0

    def purge_expired(self) -> int:
        """Forget documents older than the TTL: rows on disk, band keys and positions in RAM,
        and the log's files that hold only expired shingles.

        Rows are added in time order, so the expired ones are those before the first live
        one: finding it reads only the expired rows, and they go as one range of ids.
        """
        self.flush()
        cutoff = (self.clock() - self.ttl).timestamp()
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            first = self._db.execute(
                "SELECT id FROM neardup_docs WHERE added_at >= ? ORDER BY id LIMIT 1", (cutoff,)
            ).fetchone()
            first = first[0] if first else _ROW_LIMIT
            docs = self._db.execute("DELETE FROM neardup_docs WHERE id < ?", (first,))
            oldest = self._db.execute(
                "SELECT shingles_at FROM neardup_docs WHERE shingle_count > 0 ORDER BY id LIMIT 1"
            ).fetchone()
        self._shingles.drop_before(oldest[0] if oldest else self._shingles.position)
        self._bands.drop_rows_below(first)
        self._locations.drop_below(first)
        self._recent = {row: kept for row, kept in self._recent.items() if row >= first}
        return docs.rowcount

    def stats(self) -> dict[str, int]:
        docs, groups = self._db.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE duplicate_of IS NULL) FROM neardup_docs"
        ).fetchone()
        size = self.path.stat().st_size if self.path.exists() else 0
        return {
            "docs": docs,
            "groups": groups,
            "band_entries": len(self._bands),
            "ram_bytes": self._bands.nbytes() + self._locations.nbytes(),
            "bytes": size + self._shingles.nbytes(),
        }

    def close(self) -> None:
        self.flush()
        self._db.close()
        self._shingles.close()


class RedisNearDupIndex:
    """Shared by several workers: one hash per document, one string per band key naming the
    latest document with that band, all with the TTL as Redis expiry (bounded, no purge).

    Keeping only the latest document per band key (not a set of all) costs ~2.5x less memory
    and one MGET instead of a set read per band; a true copy shares many bands, so it is still
    found through the others. Three round trips per document (lookup + bands, candidates,
    write). Two workers indexing copies of one story in the same instant may each start a
    group; later copies join one of them. About 10 KB a document (measured): give it its
    own, shorter TTL than the seen-store's (`[dedup] neardup_ttl_days`).
    """

    def __init__(
        self,
        client: redis.Redis,
        ttl: timedelta,
        prefix: str = _REDIS_PREFIX,
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
        self._sketch = _SketchSource(self.params)
        self._ttl_seconds = max(1, int(ttl.total_seconds()))
        self._band_prefix = f"{prefix}b:".encode()

    def _doc_key(self, doc_id: str) -> str:
        return f"{self.prefix}doc:{doc_id}"

    def find_or_add(self, doc_id: str, text: str, sketch: Sketch | None = None) -> Match | None:
        sketch = self._sketch(text, sketch)
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


class _Backend(NamedTuple):
    open: Callable[[str, timedelta, NearDupParams | None], NearDupIndex]
    stored_params: Callable[[str], str | None]


def _sqlite_params(uri: str) -> str | None:
    path = Path(uri.removeprefix("sqlite:///"))
    if not path.exists():
        return None
    db = sqlite3.connect(path, timeout=30)
    try:
        row = db.execute(_PARAMS_QUERY).fetchone()
    except sqlite3.OperationalError:  # no tables yet
        row = None
    finally:
        db.close()
    return row and row[0]


def _redis_params(uri: str) -> str | None:
    with redis.Redis.from_url(uri) as client:
        stored = client.get(f"{_REDIS_PREFIX}params")
    return stored and stored.decode()


_BACKENDS = {
    "sqlite": _Backend(
        lambda uri, ttl, params: SqliteNearDupIndex(uri.removeprefix("sqlite:///"), ttl, params),
        _sqlite_params,
    ),
    "redis": _Backend(
        lambda uri, ttl, params: RedisNearDupIndex(redis.Redis.from_url(uri), ttl, params=params),
        _redis_params,
    ),
}
_BACKENDS["rediss"] = _BACKENDS["redis"]


def _backend(uri: str) -> _Backend:
    backend = _BACKENDS.get(urlsplit(uri).scheme)
    if backend is None:
        raise ValueError(
            f"unsupported state URI {uri!r} (use sqlite:///PATH or redis://HOST:PORT/DB)"
        )
    return backend


def open_neardup_index(
    uri: str, ttl: timedelta, params: NearDupParams | None = None
) -> NearDupIndex:
    """Map a state URI to its near-duplicate index: the same URI as the seen-store, own
    tables (`neardup_*`) or own key prefix."""
    return _backend(uri).open(uri, ttl, params)


def index_params(uri: str) -> NearDupParams:
    """The parameters of the index at `uri`, or this version's defaults if it has none yet:
    sketches made elsewhere (the analysis workers) must use them, or the index makes them
    again, and an index keeps the parameters it was built with across upgrades."""
    stored = _backend(uri).stored_params(uri)
    return NearDupParams.from_json(stored) if stored else NearDupParams()
