"""`newsspider serve` end to end: real scheduler, real crawl children, real test web."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from jobs.service import stored_jobs
from jobs.settings import service_settings
from newsspider.cli import app
from newsspider.config import load_config
from newsspider.staging import Staging
from tests.jobs.conftest import NEVER, Deployment, child_env, wait_for

pytestmark = pytest.mark.slow


def overlapping(runs) -> list[tuple[str, str]]:
    ran = sorted((r for r in runs if r.ended_at and r.status == "ok"), key=lambda r: r.started_at)
    return [
        (a.run_id, b.run_id)
        for a, b in zip(ran, ran[1:], strict=False)
        if b.started_at < a.ended_at
    ]


def test_scheduled_runs_are_recorded_sealed_reported_and_reloaded(deployment: Deployment):
    deployment.write_config({"korea": "* * * * * *"}, snapshot="*/2 * * * * *")
    service = deployment.start()

    def enough_runs():
        crawls = [r for r in deployment.runs("crawl:korea") if r.status == "ok"]
        skipped = [r for r in deployment.runs("crawl:korea") if r.status == "skipped"]
        return len(crawls) >= 2 and skipped and len(deployment.manifests()) >= 2

    wait_for("two crawls, a skipped overlap and two snapshots", enough_runs, timeout=40)

    crawls = [r for r in deployment.runs("crawl:korea") if r.status == "ok"]
    assert not overlapping(crawls), "max_instances=1 must keep crawls of a group apart"
    first = crawls[-1]
    assert first.kept > 0 and first.pages > 0
    assert set(first.detail["kept_by_source"]) <= {"yonhap-test", "koreatimes-test", "hankook-test"}
    sealed = [r for r in deployment.runs("snapshot") if r.snapshot_id]
    assert {r.snapshot_id for r in sealed} <= {m["snapshot_id"] for m in deployment.manifests()}

    status, body = deployment.get("/healthz")
    assert status == 200, body
    assert json.loads(body)["jobs"]["crawl:korea"]["ok"] is True
    status, metrics = deployment.get("/metrics")
    assert status == 200
    assert 'newsspider_runs_total{job="crawl:korea",status="ok"}' in metrics
    assert 'newsspider_runs_total{job="crawl:korea",status="skipped"}' in metrics
    assert 'newsspider_source_zero_yield_streak{source="hankook-test"}' in metrics
    assert deployment.get("/nope")[0] == 404

    second = deployment.serve("--health-address", f"127.0.0.1:{deployment.port}")
    assert second.wait(timeout=30) == 1
    assert "another `newsspider serve` is running" in deployment.log(second)

    cli = CliRunner()
    listed = cli.invoke(app, ["runs", "--config", str(deployment.config), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert any(json.loads(line)["job"] == "crawl:korea" for line in listed.stdout.splitlines())
    jobs = cli.invoke(app, ["jobs", "--config", str(deployment.config)])
    assert jobs.exit_code == 0, jobs.output
    assert "crawl:korea" in jobs.stdout and "retention" in jobs.stdout

    deployment.write_config({"korea": NEVER, "world": NEVER})
    service.send_signal(signal.SIGHUP)
    config = load_config(deployment.config)
    with_world = wait_for(
        "the reload to store crawl:world",
        lambda: _stored(config).get("crawl:world"),
        timeout=10,
    )
    assert with_world.next_run_time.month == 1

    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=60) == 0
    log_lines = [json.loads(line) for line in deployment.log(service).splitlines()]
    assert any(line.get("run_id") and line["logger"].startswith("scrapy") for line in log_lines)


def _stored(config) -> dict:
    with stored_jobs(config, service_settings(config)) as scheduler:
        return {job.id: job for job in scheduler.get_jobs()}


def test_sigterm_during_a_crawl_lets_it_finish_seals_and_exits_0(deployment: Deployment):
    deployment.write_config({"korea": "* * * * * *", "world": NEVER})
    service = deployment.start()
    crawling = wait_for(
        "a crawl to run",
        lambda: [r for r in deployment.history.running() if r.job == "crawl:korea" and r.pid],
    )
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=60) == 0, deployment.log(service)

    crawl = deployment.history.get(crawling[0].run_id)
    assert crawl.status == "ok" and crawl.kept > 0
    assert [r.status for r in deployment.runs("crawl:korea") if r.status != "skipped"] == ["ok"]
    (final,) = deployment.runs("snapshot")
    assert (final.trigger, final.status, final.kept) == ("shutdown", "ok", crawl.kept)
    (manifest,) = deployment.manifests()
    assert manifest["snapshot_id"] == final.snapshot_id
    with Staging(deployment.root / "state" / "staging.db") as staging:
        assert staging.count() == 0


def test_after_sigkill_a_restart_keeps_the_jobs_and_runs_missed_runs_once(deployment: Deployment):
    first_fire = int(time.time()) + 6
    seconds = ",".join(str((first_fire + n) % 60) for n in range(3))
    deployment.write_config({"korea": f"{seconds} * * * * *", "world": NEVER})
    service = deployment.start()
    assert time.time() < first_fire - 0.5, "the service started too slowly for this test"
    service.send_signal(signal.SIGKILL)
    service.wait()
    assert not deployment.runs("crawl:korea")

    wait_for("all three fire times to pass", lambda: time.time() > first_fire + 3, timeout=10)
    restarted = deployment.start()
    run = wait_for(
        "the missed run",
        lambda: [r for r in deployment.runs("crawl:korea") if r.status != "running"],
    )
    assert [(r.status, r.trigger) for r in run] == [("ok", "schedule")], "coalesced into one run"
    assert "jobs added" in deployment.log(service)
    restarted.send_signal(signal.SIGTERM)
    assert restarted.wait(timeout=60) == 0
    assert "jobs added" not in deployment.log(restarted), "jobs come from the job store"
    assert run[0].started_at.timestamp() > first_fire + 3


def run_now(deployment: Deployment, job: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsspider", "run-now", job, "-c", str(deployment.config)],
        cwd=deployment.root,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_now_asks_the_running_service_else_runs_in_the_foreground(deployment: Deployment):
    deployment.write_config({"korea": NEVER, "world": NEVER})
    service = deployment.start()
    result = run_now(deployment, "crawl:world")
    assert result.returncode == 0, result.stderr
    assert "asked the running service" in result.stderr
    (run,) = deployment.runs("crawl:world")
    assert (run.status, run.trigger) == ("ok", "schedule")
    assert run.run_id in result.stderr
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=60) == 0

    alone = run_now(deployment, "snapshot")
    assert alone.returncode == 0, alone.stderr
    manual = deployment.runs("snapshot")[0]
    assert (manual.trigger, manual.status) == ("manual", "ok")
    assert manual.run_id in alone.stderr


def test_run_now_names_the_jobs_when_the_job_is_unknown(deployment: Deployment):
    deployment.write_config({"korea": NEVER})
    result = CliRunner().invoke(app, ["run-now", "crawl:mars", "-c", str(deployment.config)])
    assert result.exit_code == 2
    assert "unknown job 'crawl:mars' (jobs: crawl:korea, snapshot, retention)" in result.output
