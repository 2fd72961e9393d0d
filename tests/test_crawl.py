"""A crawl whose state store refuses it or cannot be reached fails in one line and loses nothing.

A real crawl of the bundled test web stages articles first (SQLite state); then `crawl` and
`run` are pointed at a Redis state store that rejects the login (the real Redis on loopback,
an unknown user) or at a loopback port nothing listens on. Each must exit non-zero with one
line naming the store, no traceback and no password, and leave the staged articles staged.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from newsspider.cli import demo_config_text
from newsspider.staging import Staging
from newsspider.testweb import TestWeb
from tests.realredis import require_redis

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/0"
PASSWORD = "wrong-pw-5c1d9e7a"


def newsspider(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsspider", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_rejecting_login() -> str:
    """The real Redis on loopback, asked for a user it does not have."""
    require_redis(REDIS_URL).close()
    return f"redis://no-such-user:{PASSWORD}@127.0.0.1:6379/0"


def redis_not_listening() -> str:
    return f"redis://default:{PASSWORD}@127.0.0.1:{closed_port()}/0"


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory) -> Iterator[tuple[Path, int, str]]:
    """A config whose crawl of the running test web staged articles, how many, and its log."""
    workdir = tmp_path_factory.mktemp("crawl-start")
    with TestWeb.start() as web:
        config = workdir / "newsspider.toml"
        config.write_text(demo_config_text(web.sources(), workdir))
        result = newsspider("crawl", "-v", "--config", str(config), cwd=workdir)
        assert result.returncode == 0, result.stderr[-3000:]
        with Staging(workdir / "state" / "staging.db") as staging:
            count = staging.count()
        assert count > 0
        yield config, count, result.stderr


@pytest.fixture(scope="module")
def staged(first_crawl) -> tuple[Path, int]:
    return first_crawl[:2]


def test_requests_wait_on_disk_and_the_frontier_is_removed_after_the_crawl(first_crawl):
    config, _, log = first_crawl
    stats = dict(re.findall(r"'(scheduler/[^']+)': (\d+)", log.rpartition("Dumping Scrapy")[2]))
    assert int(stats["scheduler/enqueued/disk"]) > 10
    assert int(stats.get("scheduler/enqueued/memory", 0)) == 0
    assert stats["scheduler/dequeued/disk"] == stats["scheduler/enqueued/disk"]
    assert not list((config.parent / "state").glob(".frontier-*"))


@pytest.mark.parametrize("state_uri", [redis_rejecting_login, redis_not_listening])
@pytest.mark.parametrize("command", [["crawl"], ["run", "-v"]], ids=["crawl", "run-v"])
def test_unusable_redis_state_fails_the_crawl_in_one_line_keeping_staged_articles(
    staged, tmp_path, state_uri, command
):
    config, staged_count = staged
    data = tomllib.loads(config.read_text())
    uri = state_uri()
    data["state"]["uri"] = uri
    failing = tmp_path / "newsspider.toml"
    failing.write_text(tomli_w.dumps(data))

    result = newsspider(*command, "--config", str(failing), cwd=tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-3000:]
    assert PASSWORD not in output
    assert "Traceback" not in output
    store = "redis://***@" + uri.split("@", 1)[1]
    error = f"error: the crawl could not start: state store {store}: "
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(error), output[-3000:]
    if command == ["crawl"]:
        assert lines == [lines[-1]], "more than the one error line"
    root = config.parent
    with Staging(root / "state" / "staging.db") as staging:
        assert staging.count() == staged_count
    assert not list((root / "archive").glob("manifests/*.json")), "sealed after a failed crawl"
