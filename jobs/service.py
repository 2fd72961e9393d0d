"""`newsspider serve`: the scheduler process.

A BackgroundScheduler fires the jobs from a persistent job store; the main thread owns the
lock, the signals, the config reloads and the orderly shutdown. Stored jobs are reconciled
with the config without touching the next run time of unchanged jobs, so runs missed while
the service was down still happen (once: `coalesce`) after a restart.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING

from jobs import tasks
from jobs.health import HealthServer, SchedulerState, health_report, render_metrics
from jobs.lock import LockLost, open_service_lock
from jobs.logs import mask_credentials
from jobs.runner import Runner, utcnow
from jobs.runs import MISSED, SKIPPED, RunHistory, new_run_id
from jobs.settings import (
    SNAPSHOT_JOB,
    JobSpec,
    ServiceSettings,
    desired_jobs,
    group_sources,
    jobstore_url,
    service_settings,
    state_dir,
)
from newsspider.config import Config, ConfigError, load_config

log = logging.getLogger(__name__)

#: The main loop's beat: lock refresh, config reload, and a look at the job store for runs
#: that `newsspider run-now` (another process) made due.
LOOP_SECONDS = 1.0
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1}


def open_scheduler(
    config: Config, settings: ServiceSettings, job_count: int
) -> BackgroundScheduler:
    """A scheduler on the persistent job store, configured but not started."""
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=jobstore_url(config, settings))},
        executors={"default": ThreadPoolExecutor(max(8, 2 * job_count))},
        job_defaults={**JOB_DEFAULTS, "misfire_grace_time": settings.misfire_grace_time},
        timezone=config.schedule.timezone,
    )


@contextmanager
def stored_jobs(config: Config, settings: ServiceSettings) -> Iterator[BackgroundScheduler]:
    """A paused scheduler on the job store, to read or change stored jobs from another process."""
    state_dir(config).mkdir(parents=True, exist_ok=True)
    scheduler = open_scheduler(config, settings, 1)
    scheduler.start(paused=True)
    try:
        yield scheduler
    finally:
        close_scheduler(scheduler)


def close_scheduler(scheduler: BackgroundScheduler) -> None:
    """Shut the scheduler down without it touching the stored jobs.

    APScheduler 3's scheduler thread makes one last pass over the due jobs after `shutdown()`
    (even a paused scheduler): with its executors already shut down it cannot run them, yet it
    moves their next run times on, losing missed and `run-now` runs. Detaching the job store
    first leaves that pass nothing to touch.
    """
    scheduler.remove_jobstore("default")
    scheduler.shutdown(wait=False)


def reconcile(
    scheduler: BackgroundScheduler, jobs: list[JobSpec], settings: ServiceSettings
) -> dict[str, list[str]]:
    """Make the job store hold exactly `jobs`; returns the ids added, changed and removed.

    A changed schedule is rescheduled from now; other changes keep the stored next run time,
    and unchanged jobs are left alone so that their missed runs are not forgotten.
    """
    stored = {job.id: job for job in scheduler.get_jobs()}
    changes: dict[str, list[str]] = {"added": [], "changed": [], "removed": []}
    for spec in jobs:
        options = {
            "func": spec.func,
            "kwargs": spec.kwargs,
            "name": f"{spec.id} ({spec.cron})",
            "misfire_grace_time": settings.misfire_grace_time,
            **JOB_DEFAULTS,
        }
        job = stored.pop(spec.id, None)
        if job is None:
            scheduler.add_job(id=spec.id, trigger=spec.trigger, replace_existing=True, **options)
            changes["added"].append(spec.id)
            continue
        current = {key: getattr(job, key) for key in options if key != "func"}
        current["func"] = job.func_ref
        different = {key: value for key, value in options.items() if current[key] != value}
        rescheduled = repr(job.trigger) != repr(spec.trigger)
        if rescheduled:
            scheduler.reschedule_job(spec.id, trigger=spec.trigger)
        if different:
            scheduler.modify_job(spec.id, **different)
        if rescheduled or different:
            changes["changed"].append(spec.id)
    for job_id in stored:
        scheduler.remove_job(job_id)
        changes["removed"].append(job_id)
    return changes


class ServiceError(Exception):
    """The service cannot start or had to stop; the message is for the operator."""


class Service:
    """One `newsspider serve` process: lock, scheduler, runner, health server, signals."""

    def __init__(
        self,
        config_path: Path,
        *,
        log_format: str = "text",
        log_level: str = "INFO",
        health_address: str | None = None,
    ) -> None:
        self.config_path = config_path
        self.log_format = log_format
        self.log_level = log_level
        self.health_address_override = health_address
        self._stop = threading.Event()
        self._hurry = threading.Event()
        self._reload = threading.Event()
        self.started_at = utcnow()
        self.heartbeat_at = self.started_at

    def run(self) -> None:
        """Serve until SIGTERM/SIGINT; raise `ServiceError` (or `ConfigError`) if it cannot."""
        config = load_config(self.config_path)
        settings = service_settings(config)
        jobs = desired_jobs(config, settings)
        lock = open_service_lock(config.state.uri, state_dir(config))
        lock.acquire()
        try:
            self._serve(config, settings, jobs, lock)
        finally:
            lock.release()

    def _serve(self, config: Config, settings: ServiceSettings, jobs: list[JobSpec], lock) -> None:
        history = RunHistory(state_dir(config) / "runs.db")
        for run_id in history.abandon_running(utcnow()):
            log.warning(
                "run %s was still running when the service stopped: marked abandoned", run_id
            )
        self.runner = Runner(
            self.config_path, history, log_format=self.log_format, log_level=self.log_level
        )
        tasks.bind(self.runner)
        self.history = history
        self.jobs = jobs
        self.scheduler = open_scheduler(config, settings, len(jobs))
        self.scheduler.add_listener(self._on_not_run, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
        server = self._start_health(settings)
        failure: ServiceError | None = None
        try:
            self._install_signals()
            log.info("job store %s", mask_credentials(jobstore_url(config, settings)))
            self.scheduler.start(paused=True)
            self._log_changes(reconcile(self.scheduler, jobs, settings), config)
            self.scheduler.resume()
            while not self._stop.wait(LOOP_SECONDS):
                self.heartbeat_at = utcnow()
                try:
                    lock.refresh()
                except LockLost as exc:
                    failure = ServiceError(str(exc))
                    break
                if self._reload.is_set():
                    self._reload.clear()
                    self._reload_config()
                self.scheduler.wakeup()
            self._shutdown(failure is None)
        finally:
            if server is not None:
                server.stop()
        if failure is not None:
            raise failure

    def _start_health(self, settings: ServiceSettings) -> HealthServer | None:
        address = self.health_address_override
        if address is None:
            address = settings.health_address
        if not address:
            return None
        try:
            server = HealthServer(address, self.health, self.metrics)
        except OSError as exc:
            raise ServiceError(f"cannot serve /healthz on {address}: {exc}") from None
        server.start()
        return server

    def _install_signals(self) -> None:
        def stop(signum: int, _frame: object) -> None:
            # A second signal while stopping means "do not wait for running crawls".
            (self._hurry if self._stop.is_set() else self._stop).set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, lambda _signum, _frame: self._reload.set())

    def _reload_config(self) -> None:
        try:
            config = load_config(self.config_path)
            settings = service_settings(config)
            jobs = desired_jobs(config, settings)
        except ConfigError as exc:
            log.error("config not reloaded, keeping the running jobs: %s", exc)
            return
        self.runner.use_config(config)
        self.jobs = jobs
        self._log_changes(reconcile(self.scheduler, jobs, settings), config)

    def _log_changes(self, changes: dict[str, list[str]], config: Config) -> None:
        for kind, ids in changes.items():
            if ids:
                log.info("jobs %s: %s", kind, ", ".join(ids))
        for group in config.schedule.groups:
            if not group_sources(config, group):
                log.warning("crawl group %r has a schedule but no enabled sources", group)
        for group in sorted({s.group for s in config.sources if s.enabled}):
            if group not in config.schedule.groups:
                log.warning("crawl group %r has no schedule in [schedule.groups]", group)

    def _shutdown(self, graceful: bool) -> None:
        """No new runs; let running ones finish (up to the grace), then seal once more."""
        settings = self.runner.settings
        self.runner.stop_accepting()
        close_scheduler(self.scheduler)
        if graceful:
            log.info("stopping: waiting up to %.0fs for running jobs", settings.shutdown_grace)
        if not self.runner.wait_idle(settings.shutdown_grace if graceful else 0, self._hurry):
            log.warning("stopping running jobs gracefully (SIGINT)")
            self.runner.stop_all()
            self.runner.wait_idle(settings.stop_grace + 10)
        if graceful:
            self.runner.execute(self.runner.job(SNAPSHOT_JOB), "shutdown")
        log.info("stopped")

    def _on_not_run(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_MAX_INSTANCES:
            status, why, when = SKIPPED, "previous run still going", event.scheduled_run_times
        else:
            status, why, when = MISSED, "later than misfire_grace_time", [event.scheduled_run_time]
        now = utcnow()
        for scheduled in when:
            self.history.record_not_run(new_run_id(now), event.job_id, status, now, scheduled, why)
            log.warning("%s run of %s due at %s: %s", status, event.job_id, scheduled, why)

    def health(self) -> tuple[bool, dict]:
        # Paused (while the stored jobs are reconciled at start) does not count as running.
        running = self.scheduler.state == STATE_RUNNING
        state = SchedulerState(running, self.started_at, self.heartbeat_at)
        return health_report(
            state, self.jobs, self.history, self.runner.settings.health_max_age, utcnow()
        )

    def metrics(self) -> str:
        next_runs: dict[str, datetime | None] = {
            job.id: job.next_run_time for job in self.scheduler.get_jobs()
        }
        return render_metrics(
            self.history, next_runs, self.runner.settings.zero_yield_runs, self.scheduler.running
        )
