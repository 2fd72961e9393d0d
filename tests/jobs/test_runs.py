"""Run history, health and metrics (jobs/runs.py, jobs/health.py) on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jobs.cron import cron_trigger
from jobs.health import SchedulerState, health_report, render_metrics
from jobs.runner import zero_yield_alerts
from jobs.runs import ABANDONED, FAILED, OK, SKIPPED, RunHistory, RunOutcome
from jobs.settings import JobSpec, crawl_job_id

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def crawl(history: RunHistory, run_id: str, at: datetime, yields: dict[str, int], status=OK):
    history.start(run_id, "crawl:korea", "schedule", at)
    outcome = RunOutcome(status, pages=10, articles_found=5, kept=sum(yields.values()))
    history.finish(run_id, at + timedelta(seconds=2), outcome, yields)


def test_zero_yield_streak_counts_the_latest_empty_crawls_of_each_source(tmp_path):
    history = RunHistory(tmp_path / "runs.db")
    crawl(history, "r1", T0, {"yonhap": 0, "hankook": 3})
    crawl(history, "r2", T0 + timedelta(minutes=1), {"yonhap": 2, "hankook": 0})
    crawl(history, "r3", T0 + timedelta(minutes=2), {"yonhap": 0, "hankook": 0})
    crawl(history, "r4", T0 + timedelta(minutes=3), {"yonhap": 0, "hankook": 0})
    assert history.zero_yield_streaks() == {"yonhap": 2, "hankook": 3}
    assert history.source_kept_totals() == {"yonhap": 2, "hankook": 3}


def test_a_source_is_alerted_once_its_zero_streak_reaches_the_limit(tmp_path):
    history = RunHistory(tmp_path / "runs.db")
    for n in range(3):
        crawl(history, f"r{n}", T0 + timedelta(minutes=n), {"yonhap": 1, "hankook": 0})
    assert zero_yield_alerts(history, ["yonhap", "hankook"], 4) == {}
    crawl(history, "r3", T0 + timedelta(minutes=3), {"yonhap": 1, "hankook": 0})
    assert zero_yield_alerts(history, ["yonhap", "hankook"], 4) == {"hankook": 4}


def test_runs_left_running_by_a_dead_service_are_marked_abandoned(tmp_path):
    history = RunHistory(tmp_path / "runs.db")
    history.start("r1", "snapshot", "schedule", T0)
    assert history.abandon_running(T0 + timedelta(hours=1)) == ["r1"]
    (record,) = history.last()
    assert record.status == ABANDONED
    assert record.duration == 3600


def spec(job_id: str, cron: str, timeout: float = 60) -> JobSpec:
    return JobSpec(job_id, "jobs.tasks:crawl_group", cron, cron_trigger(cron, "UTC"), {}, timeout)


def test_healthz_fails_when_a_jobs_last_success_is_older_than_three_intervals(tmp_path):
    history = RunHistory(tmp_path / "runs.db")
    crawl(history, "r1", T0, {"yonhap": 1})
    jobs = [spec(crawl_job_id("korea"), "*/10 * * * *")]
    started = T0 - timedelta(hours=1)
    state = SchedulerState(
        running=True, started_at=started, heartbeat_at=T0 + timedelta(minutes=29)
    )

    healthy, body = health_report(state, jobs, history, None, T0 + timedelta(minutes=29))
    assert healthy, body
    assert body["jobs"]["crawl:korea"]["limit_seconds"] == 3 * 600 + 60

    late = T0 + timedelta(minutes=32)
    state = SchedulerState(running=True, started_at=started, heartbeat_at=late)
    healthy, body = health_report(state, jobs, history, None, late)
    assert not healthy
    assert body["status"] == "unhealthy"
    assert body["jobs"]["crawl:korea"]["ok"] is False


def test_healthz_judges_a_job_that_never_ran_from_the_service_start(tmp_path):
    history = RunHistory(tmp_path / "runs.db")
    jobs = [spec("snapshot", "5 * * * *", timeout=0)]
    state = SchedulerState(running=True, started_at=T0, heartbeat_at=T0 + timedelta(minutes=5))
    healthy, _ = health_report(state, jobs, history, None, T0 + timedelta(minutes=5))
    assert healthy
    healthy, _ = health_report(state, jobs, history, 60, T0 + timedelta(minutes=5))
    assert not healthy


def test_healthz_fails_when_the_scheduler_loop_is_stuck(tmp_path):
    history = RunHistory(tmp_path / "runs.db")
    state = SchedulerState(running=True, started_at=T0, heartbeat_at=T0)
    healthy, body = health_report(state, [], history, None, T0 + timedelta(minutes=5))
    assert not healthy
    assert body["scheduler"]["heartbeat_age_seconds"] == 300


def test_metrics_expose_runs_failures_articles_durations_and_source_yields(tmp_path):
    history = RunHistory(tmp_path / "runs.db")
    crawl(history, "r1", T0, {"yonhap": 4, "hankook": 0})
    crawl(history, "r2", T0 + timedelta(minutes=1), {"yonhap": 2, "hankook": 0}, status=FAILED)
    history.record_not_run("r3", "crawl:korea", SKIPPED, T0, T0, "previous run still going")
    text = render_metrics(history, {"crawl:korea": T0 + timedelta(minutes=10)}, 2, True)
    lines = set(text.splitlines())
    assert 'newsspider_runs_total{job="crawl:korea",status="ok"} 1' in lines
    assert 'newsspider_runs_total{job="crawl:korea",status="skipped"} 1' in lines
    assert 'newsspider_run_failures_total{job="crawl:korea"} 1' in lines
    assert 'newsspider_articles_kept_total{job="crawl:korea"} 6' in lines
    assert 'newsspider_run_duration_seconds_count{job="crawl:korea"} 2' in lines
    assert 'newsspider_run_duration_seconds_sum{job="crawl:korea"} 4' in lines
    assert 'newsspider_source_articles_kept_total{source="yonhap"} 6' in lines
    assert 'newsspider_source_zero_yield_streak{source="hankook"} 2' in lines
    assert 'newsspider_source_zero_yield_alert{source="hankook"} 1' in lines
    assert 'newsspider_source_zero_yield_alert{source="yonhap"} 0' in lines
    assert "newsspider_scheduler_up 1" in lines
    assert "# TYPE newsspider_run_duration_seconds summary" in lines
