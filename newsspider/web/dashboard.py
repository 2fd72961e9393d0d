"""The dashboard: scheduler jobs and runs, per-source yield, zero-yield alerts, archive size.

The scheduler's side comes through `SchedulerReporter`, a function the caller passes in
(`newsspider web` builds one over the jobs run history; `serve` can pass its live view), so
`newsspider` never imports `jobs`. Without one, the dashboard shows the archive side only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from newsspider.config import Config
from newsspider.web.browse import ArchiveBrowser, archive_bytes

YIELD_DAYS = 30


@dataclass(frozen=True, slots=True)
class JobStatus:
    """One scheduled job: its schedule, next fire time and latest run."""

    job: str
    schedule: str
    next_run: datetime | None
    last_started: datetime | None = None
    last_status: str | None = None


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One run from the run history, as the dashboard lists it."""

    run_id: str
    job: str
    started_at: datetime
    ended_at: datetime | None
    status: str
    pages: int | None
    kept: int | None
    errors: int | None
    snapshot_id: str | None


@dataclass(frozen=True, slots=True)
class SchedulerReport:
    """What the scheduler side knows; `history` is False when no run history exists yet."""

    jobs: list[JobStatus]
    runs: list[RunSummary]
    zero_yield_streaks: dict[str, int]
    history: bool


SchedulerReporter = Callable[[datetime], SchedulerReport]


@dataclass(frozen=True, slots=True)
class Dashboard:
    now: datetime
    scheduler: SchedulerReport | None
    yields: dict[str, int] = field(default_factory=dict)
    silent_sources: list[str] = field(default_factory=list)
    snapshots: int = 0
    archive_bytes: int = 0
    last_snapshot: str | None = None


def build_dashboard(
    browser: ArchiveBrowser,
    config: Config,
    reporter: SchedulerReporter | None,
    now: datetime,
) -> Dashboard:
    """Everything the dashboard shows; an empty archive gives zero yields, not an error.

    Yield counts articles by fetch time over the last `YIELD_DAYS` days, for every enabled
    source of the config and every source found in the archive; an enabled source with none
    is "silent".
    """
    manifests = browser.snapshots()
    since = now - timedelta(days=YIELD_DAYS)
    counts = browser.counts_by_source(since) if manifests else {}
    enabled = [s.name for s in config.sources if s.enabled]
    yields = {name: counts.get(name, 0) for name in sorted({*enabled, *counts})}
    return Dashboard(
        now=now,
        scheduler=reporter(now) if reporter else None,
        yields=yields,
        silent_sources=[name for name in enabled if not counts.get(name)],
        snapshots=len(manifests),
        archive_bytes=archive_bytes(manifests),
        last_snapshot=manifests[-1]["snapshot_id"] if manifests else None,
    )
