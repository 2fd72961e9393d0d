"""The scheduled job functions, referenced by text (`"jobs.tasks:crawl_group"`) in the job store.

They take only plain arguments so stored jobs survive restarts and code changes; the work is
done by the `Runner` that `newsspider serve` binds here when it starts.
"""

from __future__ import annotations

from jobs.runner import Runner
from jobs.settings import RETENTION_JOB, SNAPSHOT_JOB, crawl_job_id

_runner: Runner | None = None


def bind(runner: Runner) -> None:
    """Make `runner` do the work of the job functions in this process."""
    global _runner
    _runner = runner


def _bound() -> Runner:
    if _runner is None:
        raise RuntimeError("no runner bound: job functions run inside `newsspider serve`")
    return _runner


def crawl_group(group: str) -> None:
    """Crawl the sources of `group` in a child process."""
    _bound().run_job(crawl_job_id(group))


def seal_snapshot() -> None:
    """Seal the staged articles into a snapshot in a child process."""
    _bound().run_job(SNAPSHOT_JOB)


def purge_seen() -> None:
    """Drop seen-store entries older than `[state] seen_ttl_days`."""
    _bound().run_job(RETENTION_JOB)
