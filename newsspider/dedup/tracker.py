"""Which archived stories are due for a re-check, and what their last archived version said.

News is corrected early and rarely later, so a story is re-fetched at a few milestones after
it was first seen (by default 1 h, 6 h and 24 h); its latest title and body are kept here
so a re-fetch can be compared without reading the archive. Rows past the last milestone are
purged, which keeps the file bounded by the number of stories of the last day or so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsspider.dedup.revisions import due_rechecks
from newsspider.sqlitedb import connect_wal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tracked (
    canonical_url TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    first_seen REAL NOT NULL,
    last_checked REAL NOT NULL,
    revision INTEGER NOT NULL,
    title TEXT,
    body TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tracked_first_seen ON tracked (first_seen);
"""


@dataclass(frozen=True, slots=True)
class Tracked:
    canonical_url: str
    url: str
    source: str
    first_seen: datetime
    last_checked: datetime
    revision: int
    title: str | None
    body: str | None


def _row(row: tuple) -> Tracked:
    canonical, url, source, first, last, revision, title, body = row
    return Tracked(
        canonical,
        url,
        source,
        datetime.fromtimestamp(first, UTC),
        datetime.fromtimestamp(last, UTC),
        revision,
        title,
        body,
    )


class RevisionTracker:
    """SQLite (WAL) file of recently archived stories; one per staging area."""

    def __init__(self, path: str | Path, offsets: tuple[timedelta, ...]) -> None:
        self.path = Path(path)
        self.offsets = offsets
        self._db = connect_wal(self.path)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def track(self, record: dict, seen_at: datetime) -> None:
        """Remember the newest archived version of a story (its first sighting stays)."""
        self._db.execute(
            "INSERT INTO tracked VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (canonical_url) DO "
            "UPDATE SET revision = excluded.revision, title = excluded.title, "
            "body = excluded.body, last_checked = excluded.last_checked",
            (
                record["canonical_url"],
                record["url"],
                record["source"],
                seen_at.timestamp(),
                seen_at.timestamp(),
                record.get("revision") or 1,
                record.get("title"),
                record.get("body"),
            ),
        )

    def previous(self, canonical_url: str) -> Tracked | None:
        row = self._db.execute(
            "SELECT * FROM tracked WHERE canonical_url = ?", (canonical_url,)
        ).fetchone()
        return _row(row) if row else None

    def checked(self, canonical_url: str, now: datetime) -> None:
        self._db.execute(
            "UPDATE tracked SET last_checked = ? WHERE canonical_url = ?",
            (now.timestamp(), canonical_url),
        )

    def due(self, now: datetime, sources: set[str] | None = None) -> list[Tracked]:
        """Stories with a re-check milestone passed since their last check."""
        if not self.offsets:
            return []
        horizon = (now - max(self.offsets)).timestamp()
        rows = self._db.execute(
            "SELECT * FROM tracked WHERE first_seen >= ? ORDER BY first_seen", (horizon,)
        ).fetchall()
        stories = [_row(row) for row in rows]
        return [
            story
            for story in stories
            if (sources is None or story.source in sources)
            and due_rechecks(story.first_seen, story.last_checked, now, self.offsets)
        ]

    def purge(self, now: datetime) -> int:
        """Forget stories past their last milestone (a day of slack for late runs)."""
        horizon = now - max(self.offsets, default=timedelta(0)) - timedelta(days=1)
        cursor = self._db.execute(
            "DELETE FROM tracked WHERE first_seen < ?", (horizon.timestamp(),)
        )
        return cursor.rowcount
