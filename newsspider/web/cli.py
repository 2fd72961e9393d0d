"""`newsspider web`: the archive browser, added to the `newsspider` command line.

`newsspider/cli.py` calls `register(app)`. This module is command-line glue, so (like
`newsspider/cli.py`) it may read the scheduler's run history from `jobs`; the web app itself
only sees the `SchedulerReporter` built here.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newsspider.config import CONFIG_ENV, Config, ConfigError, load_config, resolve_config_path

if TYPE_CHECKING:  # the browser's modules load pyarrow and DuckDB: only `web` needs them
    from newsspider.web.dashboard import SchedulerReport, SchedulerReporter

log = logging.getLogger(__name__)
RECENT_RUNS = 20


def jobs_reporter(config: Config) -> SchedulerReporter:
    """The scheduler's jobs (next fire times from their cron triggers, so nothing is opened
    for writing) and, when `runs.db` exists, its latest runs and zero-yield streaks."""
    from jobs.runs import RunHistory
    from jobs.settings import desired_jobs, service_settings, state_dir
    from newsspider.web.dashboard import JobStatus, RunSummary, SchedulerReport

    settings = service_settings(config)
    specs = desired_jobs(config, settings)
    path = state_dir(config) / "runs.db"

    def report(now: datetime) -> SchedulerReport:
        history = RunHistory(path) if path.is_file() else None
        jobs = []
        for spec in specs:
            last = history.last(1, spec.id) if history else []
            jobs.append(
                JobStatus(
                    job=spec.id,
                    schedule=spec.cron,
                    next_run=spec.trigger.get_next_fire_time(None, now),
                    last_started=last[0].started_at if last else None,
                    last_status=last[0].status if last else None,
                )
            )
        runs = [
            RunSummary(
                run_id=r.run_id,
                job=r.job,
                started_at=r.started_at,
                ended_at=r.ended_at,
                status=r.status,
                pages=r.pages,
                kept=r.kept,
                errors=r.errors,
                snapshot_id=r.snapshot_id,
            )
            for r in (history.last(RECENT_RUNS) if history else [])
        ]
        streaks = history.zero_yield_streaks() if history else {}
        alerting = {s: n for s, n in streaks.items() if n >= settings.zero_yield_runs}
        return SchedulerReport(jobs, runs, alerting, history is not None)

    return report


def web(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help=f"Config file (default: ${CONFIG_ENV}, else ./newsspider.toml).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(help="Address to bind (default: [web] host, 127.0.0.1).", show_default=False),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="TCP port (default: [web] port, 8080).", show_default=False),
    ] = None,
) -> None:
    """Browse the archive in a web browser: search, articles, story groups, revisions,
    raw captures and a dashboard. Read-only; beyond 127.0.0.1 it needs an access token."""
    from newsspider.web.app import create_app
    from newsspider.web.server import serve
    from newsspider.web.settings import check_binding, web_settings

    cfg = load_config(resolve_config_path(config))
    settings = web_settings(cfg)
    chosen_host, chosen_port = host or settings.host, port or settings.port
    check_binding(chosen_host, settings)
    try:
        reporter = jobs_reporter(cfg)
    except ConfigError as exc:
        log.warning("dashboard without scheduler jobs: %s", exc)
        reporter = None
    app = create_app(cfg, settings, reporter=reporter)
    logging.getLogger("newsspider").setLevel(logging.INFO)
    typer.echo(f"archive browser on http://{chosen_host}:{chosen_port}/ (Ctrl-C stops)", err=True)
    serve(app, chosen_host, chosen_port)


def register(app: typer.Typer) -> None:
    """Add `web` to the `newsspider` command line."""
    app.command()(web)
