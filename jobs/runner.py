"""Runs one job: a crawl or a seal in a child process with a wall-clock limit, or the retention.

Every run gets an id and a history row before it starts and its outcome after it ends, so a
crash of the service leaves a `running` row that the next start marks `abandoned`.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jobs.logs import current_run
from jobs.runs import (
    FAILED,
    INTERRUPTED,
    OK,
    TIMEOUT,
    RunHistory,
    RunOutcome,
    RunRecord,
    new_run_id,
)
from jobs.settings import (
    CRAWL_FUNC,
    RETENTION_FUNC,
    SNAPSHOT_FUNC,
    JobSpec,
    ServiceSettings,
    desired_jobs,
    group_sources,
    service_settings,
    state_dir,
)
from newsspider.archive.compact import compact
from newsspider.archive.store import open_store
from newsspider.config import Config, load_config
from newsspider.dedup.seen import open_seen_store
from newsspider.query.manifests import read_manifests

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
#: How often a waiting runner checks its child and its stop request.
POLL_SECONDS = 0.1


def utcnow() -> datetime:
    return datetime.now(UTC)


class UnknownJob(KeyError):
    """A job id that the config does not define."""


@dataclass(frozen=True)
class ChildResult:
    returncode: int
    timed_out: bool
    stopped: bool


class ChildProcess:
    """A child with a wall-clock limit, stopped like Scrapy expects: SIGINT, then SIGKILL.

    Scrapy treats the first SIGINT as "finish gracefully" (close the spider, flush the
    pipelines); SIGKILL follows only if that takes longer than `stop_grace` seconds.
    """

    def __init__(self, argv: list[str], timeout: float, stop_grace: float) -> None:
        self.argv = argv
        self.timeout = timeout
        self.stop_grace = stop_grace
        self._stop = threading.Event()

    def request_stop(self) -> None:
        """Ask for a graceful stop now (from any thread)."""
        self._stop.set()

    def run(self, on_start: Callable[[int], None]) -> ChildResult:
        # A new session keeps a terminal's Ctrl-C away from the child: the service decides.
        process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, start_new_session=True)
        on_start(process.pid)
        deadline = time.monotonic() + self.timeout
        interrupted_at: float | None = None
        timed_out = False
        while True:
            try:
                returncode = process.wait(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if interrupted_at is None and (self._stop.is_set() or now >= deadline):
                timed_out = not self._stop.is_set()
                log.warning(
                    "%s: stopping pid %d gracefully (SIGINT)",
                    "wall-clock limit reached" if timed_out else "stop requested",
                    process.pid,
                )
                process.send_signal(signal.SIGINT)
                interrupted_at = now
            elif interrupted_at is not None and now >= interrupted_at + self.stop_grace:
                log.error(
                    "pid %d still running %.0fs after SIGINT: SIGKILL",
                    process.pid,
                    now - interrupted_at,
                )
                process.kill()
                returncode = process.wait()
                break
        return ChildResult(returncode, timed_out, interrupted_at is not None and not timed_out)


class Runner:
    """Runs the jobs of one config and records them in the run history."""

    def __init__(
        self,
        config_path: Path,
        history: RunHistory,
        *,
        log_format: str = "text",
        log_level: str = "INFO",
        clock: Clock = utcnow,
    ) -> None:
        self.config_path = config_path.absolute()
        self.history = history
        self.log_format = log_format
        self.log_level = log_level
        self.clock = clock
        self.config: Config = load_config(self.config_path)
        self.settings: ServiceSettings = service_settings(self.config)
        self._lock = threading.Condition()
        self._children: dict[str, ChildProcess] = {}
        self._active = 0
        self._accepting = True

    def use_config(self, config: Config) -> None:
        """Switch to a reloaded config; runs already going keep theirs."""
        self.config = config
        self.settings = service_settings(config)

    def job(self, job_id: str) -> JobSpec:
        for spec in desired_jobs(self.config, self.settings):
            if spec.id == job_id:
                return spec
        raise UnknownJob(job_id)

    def run_job(self, job_id: str, trigger: str = "schedule") -> RunRecord | None:
        """Run `job_id` now and return its history record; None once shutdown has begun."""
        spec = self.job(job_id)
        with self._lock:
            if not self._accepting:
                log.info("%s not started: the service is stopping", job_id)
                return None
            self._active += 1
        try:
            return self.execute(spec, trigger)
        finally:
            with self._lock:
                self._active -= 1
                self._lock.notify_all()

    def execute(self, spec: JobSpec, trigger: str) -> RunRecord:
        """Run `spec` whether or not the runner still accepts runs (the final seal does)."""
        started = self.clock()
        run_id = new_run_id(started)
        token = current_run.set((spec.id, run_id))
        self.history.start(run_id, spec.id, trigger, started)
        log.info("run started (%s)", trigger)
        yields: dict[str, int] | None = None
        try:
            distributed = self.config.crawl.mode == "distributed"
            if spec.func == RETENTION_FUNC:
                outcome = self._purge_seen()
            elif distributed and spec.func == CRAWL_FUNC:
                outcome = self._seed(spec.kwargs["group"])
            elif distributed and spec.func == SNAPSHOT_FUNC:
                outcome = RunOutcome(OK, detail={"note": "distributed workers seal their own"})
            else:
                outcome, summary = self._run_child(spec, run_id)
                if spec.func == CRAWL_FUNC and summary is not None:
                    yields = self._yields(spec.kwargs["group"], summary)
        except Exception as exc:
            log.exception("run failed")
            outcome = RunOutcome(FAILED, detail={"error": str(exc)})
        try:
            ended = self.clock()
            self.history.finish(run_id, ended, outcome, yields)
            log.info(
                "run finished: %s in %.1fs (kept %s)",
                outcome.status,
                (ended - started).total_seconds(),
                outcome.kept if outcome.kept is not None else "-",
            )
            if yields is not None:
                self._alert_zero_yields(yields)
        finally:
            current_run.reset(token)
        record = self.history.get(run_id)
        assert record is not None
        return record

    def _run_child(self, spec: JobSpec, run_id: str) -> tuple[RunOutcome, dict | None]:
        summary_path = state_dir(self.config) / "runs" / f"{run_id}.json"
        argv = [
            sys.executable,
            "-m",
            "jobs.child",
            "crawl" if spec.func == CRAWL_FUNC else "snapshot",
            "--config",
            str(self.config_path),
            "--summary-json",
            str(summary_path.absolute()),
            "--run-id",
            run_id,
            "--job",
            spec.id,
            "--log-format",
            self.log_format,
            "--log-level",
            self.log_level,
        ]
        if spec.func == CRAWL_FUNC:
            argv += ["--group", spec.kwargs["group"]]
        child = ChildProcess(argv, spec.timeout, self.settings.stop_grace)
        with self._lock:
            self._children[run_id] = child
        try:
            result = child.run(lambda pid: self.history.set_pid(run_id, pid))
        finally:
            with self._lock:
                del self._children[run_id]
        summary = None
        if summary_path.exists():
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
            summary_path.unlink()
        return _outcome(result, summary), summary

    def _seed(self, group: str) -> RunOutcome:
        """Distributed mode: the crawl is done by `newsspider worker`s; start their round."""
        from newsspider.distributed.frontier import seed

        result = seed(self.config, group=group)
        return RunOutcome(OK, detail={"round": result.round_id, "messages": result.messages})

    def _purge_seen(self) -> RunOutcome:
        ttl = timedelta(days=self.config.state.seen_ttl_days)
        store = open_seen_store(self.config.state.uri, ttl)
        try:
            purged = store.purge_expired()
        finally:
            store.close()
        archive = open_store(self.config.archive.uri, **self.config.archive.store_options())
        compacted = compact(archive, read_manifests(archive, None))
        return RunOutcome(
            OK,
            snapshot_id=compacted.snapshot_id,
            detail={
                "purged": purged,
                "files_merged": compacted.files_merged,
                "deleted": compacted.deleted,
            },
        )

    def _yields(self, group: str, summary: dict) -> dict[str, int]:
        kept = summary.get("kept_by_source", {})
        return {name: int(kept.get(name, 0)) for name in group_sources(self.config, group)}

    def _alert_zero_yields(self, yields: dict[str, int]) -> None:
        alerts = zero_yield_alerts(self.history, yields, self.settings.zero_yield_runs)
        for source, streak in alerts.items():
            log.warning(
                "source %s kept no article in %d crawls in a row",
                source,
                streak,
                extra={"alert": "zero_yield", "source": source},
            )

    def stop_accepting(self) -> None:
        with self._lock:
            self._accepting = False

    def stop_all(self) -> None:
        """Ask every running child to stop gracefully."""
        with self._lock:
            children = list(self._children.values())
        for child in children:
            child.request_stop()

    def wait_idle(self, timeout: float, hurry: threading.Event | None = None) -> bool:
        """Wait until no run is going (True), `timeout` passes or `hurry` is set (False)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._active:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (hurry is not None and hurry.is_set()):
                    return False
                self._lock.wait(min(remaining, POLL_SECONDS * 5))
        return True


def zero_yield_alerts(history: RunHistory, sources: Iterable[str], limit: int) -> dict[str, int]:
    """The sources (of those given) that kept nothing in their latest `limit` or more crawls."""
    streaks = history.zero_yield_streaks()
    return {source: streaks[source] for source in sources if streaks.get(source, 0) >= limit}


def _outcome(result: ChildResult, summary: dict | None) -> RunOutcome:
    if result.timed_out:
        status = TIMEOUT
    elif result.stopped:
        status = INTERRUPTED
    elif result.returncode == 0 and summary is not None:
        status = OK
    else:
        status = FAILED
    detail: dict = {"returncode": result.returncode}
    if summary is None:
        return RunOutcome(status, detail=detail)
    if "snapshot_id" in summary:
        return RunOutcome(
            status,
            kept=summary["articles"],
            snapshot_id=summary["snapshot_id"],
            detail={**detail, "files": summary["files"]},
        )
    top_level = ("pages", "articles_found", "kept")
    return RunOutcome(
        status,
        pages=summary["pages"],
        articles_found=summary["articles_found"],
        kept=summary["kept"],
        dropped=sum(summary["dropped"].values()),
        errors=sum(summary["errors"].values()),
        detail={**detail, **{k: v for k, v in summary.items() if k not in top_level}},
    )
