"""The scheduler service as a real process against the bundled test web, on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import tomli_w

from jobs.runs import RunHistory, RunRecord
from newsspider.testweb import TestWeb

REPO = Path(__file__).resolve().parents[2]
#: Never fires (1 January, midnight): keeps a job stored but out of the way.
NEVER = "0 0 1 1 *"
KOREA = {"yonhap-test", "koreatimes-test", "hankook-test"}

T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T], timeout: float = 30) -> T:
    """Poll `probe` until it returns something truthy; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env() -> dict[str, str]:
    # The checkout first on the path: the service and its crawl children run this code.
    return {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.fixture(scope="module")
def web() -> Iterator[TestWeb]:
    with TestWeb.start() as running:
        yield running


class Deployment:
    """A config, state and archive in one directory, and the `serve` processes run on them."""

    def __init__(self, root: Path, web: TestWeb) -> None:
        self.root = root
        self.web = web
        self.config = root / "newsspider.toml"
        self.port = free_port()
        self.processes: list[subprocess.Popen] = []
        self.history = RunHistory(root / "state" / "runs.db")

    def write_config(self, groups: dict[str, str], snapshot: str = NEVER) -> None:
        sources = [
            {**source, "group": "korea" if source["name"] in KOREA else "world"}
            for source in self.web.sources()
        ]
        data = {
            "sources": sources,
            "topics": [{"name": "nk", "include": ["North Korea", "North Korean"]}],
            "archive": {"uri": f"file://{self.root / 'archive'}"},
            "state": {
                "uri": f"sqlite:///{self.root / 'state' / 'seen.db'}",
                "staging": str(self.root / "state" / "staging.db"),
                "spool": str(self.root / "state" / "warc"),
            },
            "crawl": {"autothrottle": False, "download_delay": 0, "concurrency_per_domain": 8},
            "schedule": {"groups": groups, "snapshot": snapshot},
        }
        self.config.write_text(tomli_w.dumps(data), encoding="utf-8")

    def serve(self, *extra: str) -> subprocess.Popen:
        log = open(self.root / f"serve-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "newsspider", "serve", "--config", str(self.config), *extra],
            cwd=self.root,
            env=child_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def start(self) -> subprocess.Popen:
        """Start `serve` with JSON logs and wait until /healthz says its scheduler runs."""
        process = self.serve("--log-format", "json", "--health-address", f"127.0.0.1:{self.port}")
        wait_for(
            "/healthz to answer 200",
            lambda: process.poll() is not None or (self.get("/healthz") or [0])[0] == 200,
        )
        assert process.poll() is None, self.log(process)
        return process

    def log(self, process: subprocess.Popen) -> str:
        index = self.processes.index(process)
        return (self.root / f"serve-{index}.log").read_text(encoding="utf-8")

    def get(self, path: str) -> tuple[int, str] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError:
            return None

    def runs(self, job: str | None = None) -> list[RunRecord]:
        if not self.history.path.exists():
            return []
        return self.history.last(1000, job)

    def manifests(self) -> list[dict]:
        folder = self.root / "archive" / "manifests"
        return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()


@pytest.fixture
def deployment(tmp_path, web) -> Iterator[Deployment]:
    running = Deployment(tmp_path, web)
    yield running
    running.stop_all()
