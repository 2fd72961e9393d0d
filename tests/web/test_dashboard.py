"""The dashboard with the scheduler's run history (read through jobs' API)."""

from __future__ import annotations

from datetime import timedelta

from jobs.runs import OK, RunHistory, RunOutcome
from newsspider.web.cli import jobs_reporter
from tests.web.conftest import NOW, client_for, config_for


def test_dashboard_shows_jobs_runs_yield_and_zero_yield_alerts(sealed, tmp_path):
    config = config_for(sealed.uri, tmp_path)
    history = RunHistory(tmp_path / "runs.db")
    for n in range(5):
        started = NOW - timedelta(hours=5 - n)
        history.start(f"run-{n}", "crawl:korea", "schedule", started)
        history.finish(
            f"run-{n}",
            started + timedelta(minutes=3),
            RunOutcome(OK, pages=40, kept=2, errors=0),
            {"yonhap": 2, "quiet": 0},
        )
    client = client_for(config, reporter=jobs_reporter(config), clock=lambda: NOW)
    page = client.get("/dashboard").text
    assert "crawl:korea" in page and "snapshot" in page and "run-4" in page
    assert "quiet: kept nothing in its last 5 crawls" in page
    assert "quiet: no article archived in the last 30 days" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in page
    jobs = {j["job"]: j for j in client.get("/api/dashboard").json()["jobs"]}
    assert jobs["crawl:korea"]["last_status"] == OK
    assert jobs["crawl:korea"]["next_run"].startswith("2026-11-06T12:00")  # */20 fires at NOW


def test_dashboard_without_run_history_says_so(sealed, tmp_path):
    config = config_for(sealed.uri, tmp_path)
    client = client_for(config, reporter=jobs_reporter(config), clock=lambda: NOW)
    assert "No run history yet" in client.get("/dashboard").text
    assert not (tmp_path / "runs.db").exists()  # the dashboard creates nothing
