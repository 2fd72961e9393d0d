"""The service's knobs (`[schedule]` of newsspider.toml) and the jobs a config asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from apscheduler.triggers.base import BaseTrigger

from jobs.cron import CronError, cron_trigger
from newsspider.config import Config, ConfigError, ScheduleConfig

CRAWL_FUNC = "jobs.tasks:crawl_group"
SNAPSHOT_FUNC = "jobs.tasks:seal_snapshot"
RETENTION_FUNC = "jobs.tasks:purge_seen"
SNAPSHOT_JOB = "snapshot"
RETENTION_JOB = "retention"


#: The service's knobs live in `[schedule]` (one definition, in newsspider.config).
ServiceSettings = ScheduleConfig


def service_settings(config: Config) -> ServiceSettings:
    """The service knobs of `[schedule]` (validated when the config was loaded)."""
    return config.schedule


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
