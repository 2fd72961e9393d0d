"""The persistent seen-store: which article URLs and contents are already archived.

Entries carry the time they were last seen and expire after a TTL, so the store stays
bounded (one row of ~100 bytes per URL key) instead of growing forever. Backends are chosen
by the state URI (`open_seen_store`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from newsspider.sqlitedb import connect_wal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_urls (key TEXT PRIMARY KEY, seen_at REAL NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_urls_time ON seen_urls (seen_at);
CREATE TABLE IF NOT EXISTS seen_content (
    sha256 TEXT PRIMARY KEY, url TEXT NOT NULL, seen_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_content_time ON seen_content (seen_at);
"""


class SeenStore(Protocol):
    def has_url(self, key: str) -> bool: ...

    def mark_urls(self, keys: Iterable[str]) -> None: ...

    def content_owner(self, sha256: str) -> str | None:
        """The URL first archived with this exact content, if any."""

    def mark_content(self, sha256: str, url: str) -> None: ...

    def purge_expired(self) -> int: ...

    def stats(self) -> dict[str, int]: ...

    def close(self) -> None: ...


class SqliteSeenStore:
    """Embedded default: one SQLite file in WAL mode, safe to share with readers."""

    def __init__(self, path: str | Path, ttl: timedelta, clock=lambda: datetime.now(UTC)):
        self.path = Path(path)
        self.ttl = ttl
        self.clock = clock
        self._db = connect_wal(self.path)
        self._db.executescript(_SCHEMA)

    def _cutoff(self) -> float:
        return (self.clock() - self.ttl).timestamp()

    def has_url(self, key: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM seen_urls WHERE key = ? AND seen_at >= ?", (key, self._cutoff())
        ).fetchone()
        return row is not None

    def mark_urls(self, keys: Iterable[str]) -> None:
        now = self.clock().timestamp()
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO seen_urls (key, seen_at) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at",
                ((key, now) for key in keys),
            )

    def content_owner(self, sha256: str) -> str | None:
        row = self._db.execute(
            "SELECT url FROM seen_content WHERE sha256 = ? AND seen_at >= ?",
            (sha256, self._cutoff()),
        ).fetchone()
        return row[0] if row else None

    def mark_content(self, sha256: str, url: str) -> None:
        self._db.execute(
            "INSERT INTO seen_content (sha256, url, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT (sha256) DO UPDATE SET seen_at = excluded.seen_at",
            (sha256, url, self.clock().timestamp()),
        )

    def purge_expired(self) -> int:
        cutoff = self._cutoff()
        with self._db:
            self._db.execute("BEGIN")
            urls = self._db.execute("DELETE FROM seen_urls WHERE seen_at < ?", (cutoff,))
            content = self._db.execute("DELETE FROM seen_content WHERE seen_at < ?", (cutoff,))
        return urls.rowcount + content.rowcount

    def stats(self) -> dict[str, int]:
        urls = self._db.execute("SELECT COUNT(*) FROM seen_urls").fetchone()[0]
        contents = self._db.execute("SELECT COUNT(*) FROM seen_content").fetchone()[0]
        size = self.path.stat().st_size if self.path.exists() else 0
        return {"urls": urls, "contents": contents, "bytes": size}

    def close(self) -> None:
        self._db.close()


def open_seen_store(uri: str, ttl: timedelta) -> SeenStore:
    """Map a state URI (`sqlite:///PATH`, `redis://HOST:PORT/DB`) to its seen-store backend."""
    parts = urlsplit(uri)
    if parts.scheme == "sqlite":
        return SqliteSeenStore(uri.removeprefix("sqlite:///"), ttl)
    if parts.scheme in ("redis", "rediss"):
        from newsspider.dedup.seen_redis import RedisSeenStore

        return RedisSeenStore.from_url(uri, ttl)
    raise ValueError(f"unsupported state URI {uri!r} (use sqlite:///PATH or redis://HOST:PORT/DB)")
