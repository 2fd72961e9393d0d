"""Durable local staging of extracted records (SQLite, WAL) until a snapshot seals them.

A record is committed here the moment it leaves the pipelines, so a crash never loses an
article already extracted. Sealing is two-phase: rows are first *claimed* for a snapshot id
(committed), the snapshot is written, and only then are the claimed rows deleted. A crash in
between leaves the claim in place and the next seal resumes that same snapshot id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsspider.sqlitedb import connect_wal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS staged (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url_key TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    staged_at TEXT NOT NULL,
    snapshot_id TEXT,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS staged_snapshot ON staged (snapshot_id);
"""


@dataclass(frozen=True, slots=True)
class StagedRecord:
    id: int
    url_key: str
    record: dict


class Staging:
    """The staging store; one writer process at a time, readers never block it (WAL)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = connect_wal(self.path)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, url_key: str, record: dict, staged_at: str) -> bool:
        """Stage one record; False when a record with this key is already staged."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO staged (url_key, source, staged_at, record) VALUES (?, ?, ?, ?)",
            (url_key, record["source"], staged_at, json.dumps(record, ensure_ascii=False)),
        )
        return cursor.rowcount == 1

    def count(self, *, unclaimed_only: bool = False) -> int:
        where = " WHERE snapshot_id IS NULL" if unclaimed_only else ""
        return self._db.execute(f"SELECT COUNT(*) FROM staged{where}").fetchone()[0]

    def pending_claim(self) -> str | None:
        """The snapshot id of an unfinished seal, if a previous run crashed mid-way."""
        row = self._db.execute(
            "SELECT snapshot_id FROM staged WHERE snapshot_id IS NOT NULL ORDER BY id LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def claim(self, snapshot_id: str) -> int:
        """Assign every unclaimed record to `snapshot_id`; returns how many were claimed."""
        cursor = self._db.execute(
            "UPDATE staged SET snapshot_id = ? WHERE snapshot_id IS NULL", (snapshot_id,)
        )
        return cursor.rowcount

    def claimed(self, snapshot_id: str) -> Iterator[StagedRecord]:
        rows = self._db.execute(
            "SELECT id, url_key, record FROM staged WHERE snapshot_id = ? ORDER BY id",
            (snapshot_id,),
        )
        for row_id, url_key, record in rows.fetchall():
            yield StagedRecord(row_id, url_key, json.loads(record))

    def release(self, snapshot_id: str) -> int:
        """Delete the records of a snapshot that is now sealed in the archive."""
        cursor = self._db.execute("DELETE FROM staged WHERE snapshot_id = ?", (snapshot_id,))
        return cursor.rowcount
