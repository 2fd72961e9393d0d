"""Helpers of the multi-process tests: configs, worker processes, polling, archive queries."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tomllib
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
import tomli_w

from newsspider.cli import demo_config_text
from newsspider.config import load_config
from newsspider.distributed.heartbeat import Heartbeats
from newsspider.distributed.keys import ClusterKeys


def cluster_config(
    workdir: Path,
    redis_url: str,
    sources: list[dict],
    *,
    crawl: dict | None = None,
    distributed: dict | None = None,
    topics: list[dict] | None = None,
) -> Path:
    """The demo config (bundled topics, no delays) in distributed mode on `redis_url`."""
    data = tomllib.loads(demo_config_text(sources, workdir))
    data["state"]["uri"] = redis_url
    data["crawl"] |= {"mode": "distributed", **(crawl or {})}
    data["distributed"] = {
        "key_prefix": f"t{uuid.uuid4().hex[:8]}:",
        "visibility_timeout": 3,
        "heartbeat_interval": 0.5,
        "seal_interval": 600,
        **(distributed or {}),
    }
    if topics is not None:
        data["topics"] = topics
    path = workdir / "newsspider.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def newsspider(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsspider", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


def start_worker(config: Path, worker: str, *, exit_when_idle: float = 1.5) -> subprocess.Popen:
    log = open(config.parent / f"{worker}.log", "a", encoding="utf-8")  # noqa: SIM115
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsspider",
            "worker",
            "--config",
            str(config),
            "--worker-id",
            worker,
            "--exit-when-idle",
            str(exit_when_idle),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=config.parent,
    )


def wait_all(processes: list[subprocess.Popen], timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    for process in processes:
        try:
            codes.append(process.wait(timeout=max(0.1, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            raise
    return codes


def poll(condition: Callable[[], object], timeout: float, what: str) -> object:
    """Poll `condition` until it is truthy; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def archived(config: Path) -> list[dict]:
    result = newsspider("query", "--config", str(config), "--format", "jsonl", cwd=config.parent)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def worker_log(config: Path, worker: str) -> str:
    path = config.parent / f"{worker}.log"
    return path.read_text(encoding="utf-8")[-4000:] if path.exists() else ""


def start_idle_workers(
    config: Path, names: list[str], exit_when_idle: float = 15
) -> list[subprocess.Popen]:
    """Start workers and wait until each beats, so that all of them share the next round
    (a worker started late on a loaded machine could otherwise find the work all done);
    `exit_when_idle` must cover the wait for the slowest one to start: a cold start on a
    fresh virtualenv (byte-compiling Scrapy and Twisted) takes several seconds."""
    workers = [start_worker(config, name, exit_when_idle=exit_when_idle) for name in names]
    loaded = load_config(config)
    client = redis.Redis.from_url(loaded.state.uri)
    beats = Heartbeats(client, ClusterKeys(loaded.distributed.key_prefix), 1.0)
    try:

        def started() -> bool:
            for name, process in zip(names, workers, strict=True):
                if process.poll() is not None:
                    pytest.fail(f"worker {name} exited early:\n{worker_log(config, name)}")
            return set(names) <= {beat.worker for beat in beats.workers() if beat.alive}

        poll(started, 60, f"workers {names} to start")
    finally:
        client.close()
    return workers
