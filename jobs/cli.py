"""The scheduler's commands (`serve`, `jobs`, `runs`, `run-now`), added to the `newsspider` CLI.

`newsspider/cli.py` calls `register(app)`; the heavy imports (APScheduler, SQLAlchemy) happen
inside the commands so that the other commands start as fast as before.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from newsspider.config import CONFIG_ENV, Config, load_config, resolve_config_path

out = Console(soft_wrap=True)
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help=f"Config file (default: ${CONFIG_ENV}, ./newsspider.toml, else the bundled default).",
        show_default=False,
    ),
]


class LogFormat(StrEnum):
    text = "text"
    json = "json"


class RunsFormat(StrEnum):
    table = "table"
    json = "json"


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(code)


def _load(config: Path | None) -> tuple[Path, Config]:
    path = resolve_config_path(config)
    return path, load_config(path)


def _when(value: datetime | None) -> str:
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z" if value else "-"


def serve(
    config: ConfigOption = None,
    log_format: Annotated[
        LogFormat, typer.Option("--log-format", help="Log lines as text or JSON.")
    ] = LogFormat.text,
    health_address: Annotated[
        str | None,
        typer.Option(
            help="HOST:PORT for /healthz and /metrics (overrides the config).", show_default=False
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    """Run the scheduler: crawl groups, snapshots and retention on their cron schedules.

    SIGTERM/SIGINT stop it after running crawls finish (and a final seal); SIGHUP reloads
    the config. Only one `serve` may run per deployment.
    """
    from jobs.lock import LockHeld
    from jobs.logs import configure_logging
    from jobs.service import Service, ServiceError

    path = resolve_config_path(config)
    level = "DEBUG" if verbose else "INFO"
    configure_logging(log_format.value, getattr(logging, level))
    service = Service(
        path, log_format=log_format.value, log_level=level, health_address=health_address
    )
    try:
        service.run()
    except (LockHeld, ServiceError) as exc:
        raise _fail(str(exc)) from None


def list_jobs(config: ConfigOption = None) -> None:
    """List the scheduled jobs with their schedules, next run times and last runs."""
    from jobs.runs import RunHistory
    from jobs.service import stored_jobs
    from jobs.settings import desired_jobs, service_settings, state_dir

    _, cfg = _load(config)
    settings = service_settings(cfg)
    with stored_jobs(cfg, settings) as scheduler:
        stored = {job.id: job for job in scheduler.get_jobs()}
    history = RunHistory(state_dir(cfg) / "runs.db")
    table = Table(title="Scheduled jobs")
    for column in ("job", "schedule", "next run", "last run", "status"):
        table.add_column(column)
    for spec in desired_jobs(cfg, settings):
        job = stored.get(spec.id)
        last = history.last(1, spec.id)
        table.add_row(
            spec.id,
            spec.cron,
            _when(job.next_run_time) if job else "(not stored yet)",
            _when(last[0].started_at) if last else "-",
            last[0].status if last else "-",
        )
    for job_id in sorted(set(stored) - {spec.id for spec in desired_jobs(cfg, settings)}):
        table.add_row(job_id, "(removed from config)", _when(stored[job_id].next_run_time), "", "")
    out.print(table)


def runs(
    config: ConfigOption = None,
    last: Annotated[int, typer.Option("--last", "-n", min=1, help="Show the latest N runs.")] = 20,
    job: Annotated[str | None, typer.Option(help="Only runs of this job.")] = None,
    format: Annotated[RunsFormat, typer.Option("--format", "-f")] = RunsFormat.table,
) -> None:
    """Show the run history, newest first."""
    from jobs.runs import RunHistory
    from jobs.settings import state_dir

    _, cfg = _load(config)
    records = RunHistory(state_dir(cfg) / "runs.db").last(last, job)
    if format is RunsFormat.json:
        for record in records:
            row = {
                **record.__dict__,
                "scheduled_at": _iso(record.scheduled_at),
                "started_at": _iso(record.started_at),
                "ended_at": _iso(record.ended_at),
                "duration": record.duration,
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table(title="Runs")
    for column in ("run id", "job", "started", "secs", "status", "pages", "kept", "errors"):
        table.add_column(column)
    table.add_column("snapshot")
    for r in records:
        table.add_row(
            r.run_id,
            r.job if r.trigger == "schedule" else f"{r.job} ({r.trigger})",
            _when(r.started_at),
            f"{r.duration:.1f}" if r.duration is not None else "-",
            r.status,
            *("" if v is None else str(v) for v in (r.pages, r.kept, r.errors)),
            r.snapshot_id or "",
        )
    out.print(table)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def run_now(
    job: Annotated[str, typer.Argument(help="Job id, as `newsspider jobs` lists it.")],
    config: ConfigOption = None,
    wait: Annotated[bool, typer.Option(help="Wait for the run and show its outcome.")] = True,
) -> None:
    """Run a job now: through the running `serve`, else in the foreground.

    With a service running, the job is made due in the job store and the service starts it
    within a second (unless it is running already). Without one, it runs here.
    """
    from jobs.lock import LockHeld, open_service_lock
    from jobs.runner import Runner, UnknownJob
    from jobs.runs import RunHistory
    from jobs.settings import service_settings, state_dir

    path, cfg = _load(config)
    settings = service_settings(cfg)
    history = RunHistory(state_dir(cfg) / "runs.db")
    runner = Runner(path, history)
    try:
        spec = runner.job(job)
    except UnknownJob:
        from jobs.settings import desired_jobs

        known = ", ".join(s.id for s in desired_jobs(cfg, settings))
        raise _fail(f"unknown job {job!r} (jobs: {known})", 2) from None
    lock = open_service_lock(cfg.state.uri, state_dir(cfg))
    try:
        lock.acquire()
    except LockHeld:
        _run_through_service(cfg, job, history, wait, spec.timeout + settings.stop_grace + 60)
        return
    from jobs.logs import configure_logging

    configure_logging("text")
    # Ctrl-C stops the child gracefully (it runs in its own session and does not see it).
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: runner.stop_all())
    try:
        record = runner.run_job(job, trigger="manual")
    finally:
        signal.signal(signal.SIGINT, previous)
        lock.release()
    _report(record)


def _run_through_service(cfg: Config, job: str, history, wait: bool, timeout: float) -> None:
    from jobs.runs import RUNNING
    from jobs.service import stored_jobs
    from jobs.settings import service_settings

    for record in history.running():
        if record.job == job:
            raise _fail(f"{job} is running now (run {record.run_id}); not started again")
    requested = datetime.now(UTC)
    with stored_jobs(cfg, service_settings(cfg)) as scheduler:
        if scheduler.get_job(job) is None:
            raise _fail(f"the running service has not stored {job} yet (send it SIGHUP)")
        scheduler.modify_job(job, next_run_time=requested)
    err.print(f"{job}: asked the running service to start it now")
    if not wait:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in history.last(5, job):
            if record.started_at >= requested and record.status != RUNNING:
                _report(record)
                return
        time.sleep(0.5)
    raise _fail(f"no finished run of {job} within {timeout:.0f}s; see `newsspider runs`")


def _report(record) -> None:
    from jobs.runs import OK

    if record is None:
        raise _fail("not started")
    err.print(
        f"{record.job} run {record.run_id}: {record.status}"
        + (f", kept {record.kept}" if record.kept is not None else "")
        + (f", snapshot {record.snapshot_id}" if record.snapshot_id else "")
    )
    if record.status != OK:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `serve`, `jobs`, `runs` and `run-now` to the `newsspider` command line."""
    app.command()(serve)
    app.command("jobs")(list_jobs)
    app.command()(runs)
    app.command("run-now")(run_now)
