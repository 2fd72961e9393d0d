"""Reconciling the persistent job store with the config (jobs/service.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jobs.service import reconcile, stored_jobs
from jobs.settings import desired_jobs, service_settings
from newsspider.config import Config


def config_with(tmp_path, groups: dict[str, str]) -> Config:
    return Config.model_validate(
        {
            "state": {"staging": str(tmp_path / "state" / "staging.db")},
            "schedule": {"groups": groups, "snapshot": "5 * * * *"},
        }
    )


def test_reconcile_adds_changes_and_removes_jobs_but_keeps_unchanged_next_run_times(tmp_path):
    first = config_with(
        tmp_path, {"korea": "*/20 * * * *", "ukraine": "*/30 * * * *", "old": "0 * * * *"}
    )
    settings = service_settings(first)
    missed = datetime.now(UTC) - timedelta(minutes=7)
    with stored_jobs(first, settings) as scheduler:
        changes = reconcile(scheduler, desired_jobs(first, settings), settings)
        assert changes["added"] == [
            "crawl:korea",
            "crawl:old",
            "crawl:ukraine",
            "snapshot",
            "retention",
        ]
        scheduler.modify_job("crawl:korea", next_run_time=missed)

    second = config_with(
        tmp_path, {"korea": "*/20 * * * *", "ukraine": "0 * * * *", "intl": "15 * * * *"}
    )
    with stored_jobs(second, settings) as scheduler:
        changes = reconcile(scheduler, desired_jobs(second, settings), settings)
        jobs = {job.id: job for job in scheduler.get_jobs()}

    assert changes == {
        "added": ["crawl:intl"],
        "changed": ["crawl:ukraine"],
        "removed": ["crawl:old"],
    }
    assert set(jobs) == {"crawl:korea", "crawl:ukraine", "crawl:intl", "snapshot", "retention"}
    assert jobs["crawl:korea"].next_run_time == missed  # the missed run still happens
    assert jobs["crawl:ukraine"].next_run_time.minute == 0
    assert jobs["crawl:intl"].func_ref == "jobs.tasks:crawl_group"
    assert jobs["crawl:intl"].kwargs == {"group": "intl"}
    assert (jobs["crawl:intl"].max_instances, jobs["crawl:intl"].coalesce) == (1, True)


def test_reconcile_of_an_unchanged_config_changes_nothing(tmp_path):
    config = config_with(tmp_path, {"korea": "*/20 * * * *"})
    settings = service_settings(config)
    with stored_jobs(config, settings) as scheduler:
        reconcile(scheduler, desired_jobs(config, settings), settings)
    with stored_jobs(config, settings) as scheduler:
        changes = reconcile(scheduler, desired_jobs(config, settings), settings)
    assert changes == {"added": [], "changed": [], "removed": []}
