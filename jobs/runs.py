"""Run history: one row per run of a scheduled job, kept in SQLite in the state directory.

The history answers `newsspider runs`, feeds /healthz and /metrics, and survives restarts, so
counters stay monotonic and "last success" means the same after a crash. Every operation opens
its own connection: the scheduler's job threads and the HTTP thread share one file safely.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    job TEXT NOT NULL,
    trigger TEXT NOT NULL,
    scheduled_at TEXT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL,
    pages INTEGER,
    articles_found INTEGER,
    kept INTEGER,
    dropped INTEGER,
    errors INTEGER,
    snapshot_id TEXT,
    pid INTEGER,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS runs_job_started ON runs (job, started_at);
CREATE TABLE IF NOT EXISTS source_yield (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source TEXT NOT NULL,
    kept INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS source_yield_source ON source_yield (source, seq);
"""

RUNNING = "running"
OK = "ok"
FAILED = "failed"
TIMEOUT = "timeout"
INTERRUPTED = "interrupted"
ABANDONED = "abandoned"
SKIPPED = "skipped"
MISSED = "missed"


def new_run_id(now: datetime) -> str:
    """A sortable, readable run id: start time in UTC plus a random suffix."""
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def format_time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="milliseconds") if value else None


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class RunOutcome:
    """What a finished run reports: its status and, when the child wrote one, its summary."""

    status: str
    pages: int | None = None
    articles_found: int | None = None
    kept: int | None = None
    dropped: int | None = None
    errors: int | None = None
    snapshot_id: str | None = None
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    job: str
    trigger: str
    scheduled_at: datetime | None
    started_at: datetime
    ended_at: datetime | None
    status: str
    pages: int | None
    articles_found: int | None
    kept: int | None
    dropped: int | None
    errors: int | None
    snapshot_id: str | None
    pid: int | None
    detail: dict

    @property
    def duration(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> RunRecord:
        values = dict(row)
        for key in ("scheduled_at", "started_at", "ended_at"):
            values[key] = parse_time(values[key])
        values["detail"] = json.loads(values["detail"])
        return cls(**values)


@dataclass(frozen=True)
class JobTotals:
    """Aggregates of one job's finished runs with one status, for /metrics."""

    job: str
    status: str
    runs: int
    kept: int
    duration_sum: float


class RunHistory:
    """The `runs` and `source_yield` tables of `state/runs.db`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    def start(
        self,
        run_id: str,
        job: str,
        trigger: str,
        started_at: datetime,
        scheduled_at: datetime | None = None,
    ) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO runs (run_id, job, trigger, scheduled_at, started_at, status) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, job, trigger, format_time(scheduled_at), format_time(started_at), RUNNING),
            )

    def set_pid(self, run_id: str, pid: int) -> None:
        with self._connect() as db:
            db.execute("UPDATE runs SET pid = ? WHERE run_id = ?", (pid, run_id))

    def finish(
        self,
        run_id: str,
        ended_at: datetime,
        outcome: RunOutcome,
        yields: dict[str, int] | None = None,
    ) -> None:
        """Close the run; `yields` (source -> kept) extends each source's yield series."""
        with self._connect() as db:
            db.execute(
                "UPDATE runs SET ended_at = ?, status = ?, pages = ?, articles_found = ?, "
                "kept = ?, dropped = ?, errors = ?, snapshot_id = ?, detail = ? WHERE run_id = ?",
                (
                    format_time(ended_at),
                    outcome.status,
                    outcome.pages,
                    outcome.articles_found,
                    outcome.kept,
                    outcome.dropped,
                    outcome.errors,
                    outcome.snapshot_id,
                    json.dumps(outcome.detail, sort_keys=True),
                    run_id,
                ),
            )
            db.executemany(
                "INSERT INTO source_yield (run_id, source, kept) VALUES (?, ?, ?)",
                ((run_id, source, kept) for source, kept in sorted((yields or {}).items())),
            )

    def record_not_run(
        self, run_id: str, job: str, status: str, at: datetime, scheduled_at: datetime, why: str
    ) -> None:
        """A scheduled run that did not happen (overlap or misfire), so operators can see why."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO runs (run_id, job, trigger, scheduled_at, started_at, ended_at, "
                "status, detail) VALUES (?, ?, 'schedule', ?, ?, ?, ?, ?)",
                (
                    run_id,
                    job,
                    format_time(scheduled_at),
                    format_time(at),
                    format_time(at),
                    status,
                    json.dumps({"reason": why}),
                ),
            )

    def abandon_running(self, at: datetime) -> list[str]:
        """Close runs a dead service left `running`; returns their ids."""
        with self._connect() as db:
            ids = [r[0] for r in db.execute("SELECT run_id FROM runs WHERE status = ?", (RUNNING,))]
            db.execute(
                "UPDATE runs SET status = ?, ended_at = ? WHERE status = ?",
                (ABANDONED, format_time(at), RUNNING),
            )
        return ids

    def last(self, limit: int = 20, job: str | None = None) -> list[RunRecord]:
        """The latest `limit` runs (newest first), optionally of one job."""
        where, params = ("WHERE job = ?", [job]) if job else ("", [])
        with self._connect() as db:
            rows = db.execute(
                f"SELECT * FROM runs {where} ORDER BY started_at DESC, rowid DESC LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [RunRecord.from_row(row) for row in rows]

    def get(self, run_id: str) -> RunRecord | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return RunRecord.from_row(row) if row else None

    def running(self) -> list[RunRecord]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM runs WHERE status = ?", (RUNNING,)).fetchall()
        return [RunRecord.from_row(row) for row in rows]

    def last_success(self) -> dict[str, datetime]:
        """Per job, when its latest successful run ended."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT job, MAX(ended_at) FROM runs WHERE status = ? GROUP BY job", (OK,)
            ).fetchall()
        return {job: parse_time(ended) for job, ended in rows}

    def totals(self) -> list[JobTotals]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT job, status, COUNT(*), COALESCE(SUM(kept), 0), "
                "ROUND(COALESCE(SUM(julianday(ended_at) - julianday(started_at)) * 86400, 0), 3) "
                "FROM runs WHERE status != ? GROUP BY job, status ORDER BY job, status",
                (RUNNING,),
            ).fetchall()
        return [JobTotals(*row) for row in rows]

    def source_kept_totals(self) -> dict[str, int]:
        with self._connect() as db:
            rows = db.execute("SELECT source, SUM(kept) FROM source_yield GROUP BY source")
            return dict(rows.fetchall())

    def zero_yield_streaks(self) -> dict[str, int]:
        """Per source, how many of its latest crawls in a row kept no article."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT source, SUM(kept = 0 AND seq > COALESCE((SELECT MAX(seq) FROM "
                "source_yield z WHERE z.source = y.source AND z.kept > 0), 0)) "
                "FROM source_yield y GROUP BY source"
            )
            return dict(rows.fetchall())
