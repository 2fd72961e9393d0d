"""Open the embedded SQLite stores the same way everywhere: WAL, NORMAL sync, autocommit.

Switching a database to WAL needs a moment alone with it; when several processes open the
same new file at once (workers, the scheduler and a manual run), that switch can fail with
"database is locked" even with a busy timeout. The mode is persistent, so it is set only
when the file is not in WAL yet, and retried briefly.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


def connect_wal(path: str | Path, *, timeout: float = 30) -> sqlite3.Connection:
    """A connection in autocommit mode on a WAL database, creating its folder if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    deadline = time.monotonic() + timeout
    while db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    db.execute("PRAGMA synchronous=NORMAL")
    return db
