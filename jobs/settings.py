"""The service's knobs and the jobs a config asks for.

The knobs belong in `[schedule]` of newsspider.toml. Until `ScheduleConfig` declares them,
`service_settings` reads whichever of them it declares and uses the defaults for the rest, so
the service runs with today's config files and picks the keys up as soon as they exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from apscheduler.triggers.base import BaseTrigger
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from jobs.cron import CronError, cron_trigger
from newsspider.config import Config, ConfigError, format_validation_error

CRAWL_FUNC = "jobs.tasks:crawl_group"
SNAPSHOT_FUNC = "jobs.tasks:seal_snapshot"
RETENTION_FUNC = "jobs.tasks:purge_seen"
SNAPSHOT_JOB = "snapshot"
RETENTION_JOB = "retention"


class ServiceSettings(BaseModel):
    """How `newsspider serve` schedules, times out, reports and shuts down its runs."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    retention: str = Field(
        "30 3 * * *", description="Cron expression for purging expired seen-store entries."
    )
    jitter: float = Field(0, ge=0, description="Random delay of up to N seconds for each run.")
    misfire_grace_time: float = Field(
        600, gt=0, description="Seconds a run may start late (after downtime) instead of skipped."
    )
    crawl_timeout: float = Field(3600, gt=0, description="Wall-clock limit of one crawl.")
    snapshot_timeout: float = Field(1800, gt=0, description="Wall-clock limit of one seal.")
    stop_grace: float = Field(
        60, gt=0, description="Seconds between the graceful stop (SIGINT) and SIGKILL of a run."
    )
    shutdown_grace: float = Field(
        300, ge=0, description="On SIGTERM, seconds a running crawl may go on before it is stopped."
    )
    jobstore: str | None = Field(
        None,
        description="SQLAlchemy URL of the job store (default: sqlite:///STATE_DIR/jobs.db).",
    )
    health_address: str = Field(
        "127.0.0.1:9410", description="HOST:PORT of /healthz and /metrics; empty to disable."
    )
    health_max_age: float | None = Field(
        None,
        gt=0,
        description="Seconds since a job's last success before /healthz fails "
        "(default: three of the job's intervals plus its timeout).",
    )
    zero_yield_runs: int = Field(
        5, ge=1, description="Alert when a source keeps no article for N crawls in a row."
    )

    @field_validator("health_address")
    @classmethod
    def _host_port(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^\s:]+:\d{1,5}", value):
            raise ValueError(f"must be HOST:PORT, got {value!r}")
        return value


def service_settings(config: Config) -> ServiceSettings:
    """The service knobs declared in `config.schedule`, defaults for the others."""
    declared = config.schedule.model_dump(include=set(ServiceSettings.model_fields))
    try:
        return ServiceSettings.model_validate(declared)
    except ValidationError as exc:
        raise ConfigError(format_validation_error("[schedule]", exc)) from None


def state_dir(config: Config) -> Path:
    """Where the service keeps its files: beside the staging database (`./state` by default)."""
    return Path(config.state.staging).parent


def jobstore_url(config: Config, settings: ServiceSettings) -> str:
    return settings.jobstore or f"sqlite:///{state_dir(config).absolute() / 'jobs.db'}"


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job as the config asks for it: what the job store must end up holding."""

    id: str
    func: str
    cron: str
    trigger: BaseTrigger = field(compare=False)
    kwargs: dict[str, str] = field(default_factory=dict)
    timeout: float = 0  # wall-clock limit of the run's child process; 0 for in-process jobs


def crawl_job_id(group: str) -> str:
    return f"crawl:{group}"


def desired_jobs(config: Config, settings: ServiceSettings) -> list[JobSpec]:
    """A crawl job per scheduled group, the snapshot job and the retention job."""
    zone = config.schedule.timezone

    def spec(key: str, job_id: str, func: str, cron: str, timeout: float, **kwargs: str) -> JobSpec:
        try:
            trigger = cron_trigger(cron, zone, settings.jitter)
        except CronError as exc:
            raise ConfigError(f"{key}: {exc}") from None
        return JobSpec(job_id, func, cron, trigger, kwargs, timeout)

    jobs = [
        spec(
            f"schedule.groups.{group}",
            crawl_job_id(group),
            CRAWL_FUNC,
            cron,
            settings.crawl_timeout,
            group=group,
        )
        for group, cron in sorted(config.schedule.groups.items())
    ]
    snapshot = config.schedule.snapshot
    jobs.append(
        spec("schedule.snapshot", SNAPSHOT_JOB, SNAPSHOT_FUNC, snapshot, settings.snapshot_timeout)
    )
    jobs.append(spec("schedule.retention", RETENTION_JOB, RETENTION_FUNC, settings.retention, 0))
    return jobs


def group_sources(config: Config, group: str) -> list[str]:
    """Names of the enabled sources a crawl of `group` visits."""
    return [s.name for s in config.sources if s.enabled and s.group == group]
