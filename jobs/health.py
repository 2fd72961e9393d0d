"""`/healthz` and `/metrics` over stdlib HTTP: what a probe and Prometheus need, nothing more.

Health means the scheduler loop is alive and every job has succeeded recently enough; the
numbers come from the run history, so they are the same after a restart.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from apscheduler.triggers.base import BaseTrigger

from jobs.runs import MISSED, OK, SKIPPED, RunHistory
from jobs.settings import JobSpec

log = logging.getLogger(__name__)

#: The scheduler loop beats every second; this much silence means it is stuck.
HEARTBEAT_LIMIT = timedelta(seconds=30)
#: Consecutive fire times looked at to find a schedule's longest gap.
GAPS_SAMPLED = 8


def longest_gap(trigger: BaseTrigger, now: datetime) -> timedelta:
    """The longest time between consecutive fires of `trigger` in its next few fires."""
    fires: list[datetime] = []
    previous = None
    moment = now
    for _ in range(GAPS_SAMPLED + 1):
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            break
        fires.append(fire)
        previous = fire
        moment = fire + timedelta(microseconds=1)
    gaps = [later - earlier for earlier, later in zip(fires, fires[1:], strict=False)]
    return max(gaps, default=timedelta(days=1))


def age_limit(spec: JobSpec, max_age: float | None, now: datetime) -> timedelta:
    """How old a job's last success may be: configured, else three gaps plus the timeout."""
    if max_age is not None:
        return timedelta(seconds=max_age)
    return 3 * longest_gap(spec.trigger, now) + timedelta(seconds=spec.timeout)


@dataclass(frozen=True)
class SchedulerState:
    """What the service knows about its own loop, for the health report."""

    running: bool
    started_at: datetime
    heartbeat_at: datetime


def health_report(
    state: SchedulerState,
    jobs: list[JobSpec],
    history: RunHistory,
    max_age: float | None,
    now: datetime,
) -> tuple[bool, dict]:
    """(healthy, JSON body). A job that never succeeded is judged from the service's start."""
    alive = state.running and now - state.heartbeat_at <= HEARTBEAT_LIMIT
    successes = history.last_success()
    report: dict = {
        "scheduler": {
            "running": state.running,
            "heartbeat_age_seconds": round((now - state.heartbeat_at).total_seconds(), 3),
        },
        "jobs": {},
    }
    healthy = alive
    for spec in jobs:
        last = successes.get(spec.id)
        since = max(last, state.started_at) if last else state.started_at
        limit = age_limit(spec, max_age, now)
        fresh = now - since <= limit
        healthy = healthy and fresh
        report["jobs"][spec.id] = {
            "last_success": last.isoformat() if last else None,
            "age_seconds": round((now - since).total_seconds(), 3),
            "limit_seconds": limit.total_seconds(),
            "ok": fresh,
        }
    report["status"] = "ok" if healthy else "unhealthy"
    return healthy, report


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render_metrics(
    history: RunHistory,
    next_runs: dict[str, datetime | None],
    zero_yield_runs: int,
    scheduler_running: bool,
) -> str:
    """The Prometheus text exposition (format 0.0.4) of the service's counters and gauges."""
    lines: list[str] = []

    def family(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        lines.extend(f"{name}{labels} {value:g}" for labels, value in samples)

    totals = history.totals()
    per_job: dict[str, list] = {}
    for row in totals:
        per_job.setdefault(row.job, []).append(row)
    family(
        "newsspider_scheduler_up",
        "gauge",
        "1 while the scheduler runs.",
        [("", float(scheduler_running))],
    )
    family(
        "newsspider_runs_total",
        "counter",
        "Runs of each job by final status (ok, failed, timeout, interrupted, abandoned, "
        "skipped, missed).",
        [(f'{{job="{_label(r.job)}",status="{_label(r.status)}"}}', r.runs) for r in totals],
    )
    family(
        "newsspider_run_failures_total",
        "counter",
        "Runs of each job that did not end ok (skipped and missed runs excluded).",
        [
            (
                f'{{job="{_label(job)}"}}',
                sum(r.runs for r in rows if r.status not in (OK, SKIPPED, MISSED)),
            )
            for job, rows in per_job.items()
        ],
    )
    family(
        "newsspider_articles_kept_total",
        "counter",
        "Articles kept (crawls) or sealed (snapshot) by each job.",
        [(f'{{job="{_label(job)}"}}', sum(r.kept for r in rows)) for job, rows in per_job.items()],
    )
    duration_samples: list[tuple[str, float]] = []
    for job, rows in per_job.items():
        ran = [r for r in rows if r.status not in (SKIPPED, MISSED)]
        duration_samples.append((f'_sum{{job="{_label(job)}"}}', sum(r.duration_sum for r in ran)))
        duration_samples.append((f'_count{{job="{_label(job)}"}}', sum(r.runs for r in ran)))
    lines.append("# HELP newsspider_run_duration_seconds Wall-clock time of runs.")
    lines.append("# TYPE newsspider_run_duration_seconds summary")
    lines.extend(
        f"newsspider_run_duration_seconds{suffix} {value:g}" for suffix, value in duration_samples
    )
    last_success = history.last_success()
    family(
        "newsspider_last_success_timestamp_seconds",
        "gauge",
        "When each job last ended ok (Unix time).",
        [(f'{{job="{_label(job)}"}}', at.timestamp()) for job, at in sorted(last_success.items())],
    )
    family(
        "newsspider_next_run_timestamp_seconds",
        "gauge",
        "When each job runs next (Unix time).",
        [
            (f'{{job="{_label(job)}"}}', at.timestamp())
            for job, at in sorted(next_runs.items())
            if at
        ],
    )
    kept = history.source_kept_totals()
    streaks = history.zero_yield_streaks()
    family(
        "newsspider_source_articles_kept_total",
        "counter",
        "Articles kept per source over all crawls.",
        [(f'{{source="{_label(source)}"}}', count) for source, count in sorted(kept.items())],
    )
    family(
        "newsspider_source_zero_yield_streak",
        "gauge",
        "Latest crawls in a row in which the source kept no article.",
        [(f'{{source="{_label(source)}"}}', count) for source, count in sorted(streaks.items())],
    )
    family(
        "newsspider_source_zero_yield_alert",
        "gauge",
        f"1 when the source kept no article in {zero_yield_runs} or more crawls in a row.",
        [
            (f'{{source="{_label(source)}"}}', float(count >= zero_yield_runs))
            for source, count in sorted(streaks.items())
        ],
    )
    return "\n".join(lines) + "\n"


class HealthServer:
    """A loopback HTTP server in a daemon thread answering /healthz and /metrics."""

    def __init__(
        self,
        address: str,
        health: Callable[[], tuple[bool, dict]],
        metrics: Callable[[], str],
    ) -> None:
        host, _, port = address.rpartition(":")
        self._health = health
        self._metrics = metrics
        self._server = ThreadingHTTPServer((host, int(port)), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="health-http", daemon=True
        )

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                try:
                    if self.path == "/healthz":
                        healthy, body = server._health()
                        self._send(200 if healthy else 503, "application/json", json.dumps(body))
                    elif self.path == "/metrics":
                        self._send(
                            200, "text/plain; version=0.0.4; charset=utf-8", server._metrics()
                        )
                    else:
                        self._send(404, "text/plain", "not found: try /healthz or /metrics\n")
                except Exception:
                    log.exception("health endpoint %s failed", self.path)
                    self._send(500, "text/plain", "internal error\n")

            def _send(self, status: int, content_type: str, text: str) -> None:
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                log.debug("%s " + format, self.address_string(), *args)

        return Handler

    def start(self) -> None:
        self._thread.start()
        log.info("health and metrics on http://%s/healthz and /metrics", self.address)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
