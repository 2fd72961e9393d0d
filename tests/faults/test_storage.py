"""Storage faults: a disk that fills up and an archive path that cannot be written.

Either way the seal fails with one clear line (exit 1, no traceback), staged articles and
captured WARCs stay where they are, and the next `snapshot` completes the archive.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

from newsspider.staging import Staging
from tests.faults.conftest import assert_archive_complete, run, write_config

pytestmark = pytest.mark.slow

#: Bigger than the staging database of a test-web crawl, smaller than its WARC file: the seal
#: runs out of room while uploading, as on a full disk.
FILE_SIZE_LIMIT = 128 * 1024


def snapshot_on_a_full_disk(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    """`newsspider snapshot` where writing past FILE_SIZE_LIMIT bytes of a file fails (EFBIG)."""

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "newsspider", "snapshot", "--config", str(config)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_file_size,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess, problem: str) -> None:
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "╭" not in result.stderr, result.stderr[-2000:]
    error = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(error) == 1 and problem in error[0], result.stderr[-2000:]


def staged_and_spooled(workdir: Path) -> tuple[int, list[str]]:
    with Staging(workdir / "state" / "staging.db") as staging:
        count = staging.count()
    return count, sorted(p.name for p in (workdir / "state" / "warc").iterdir())


@pytest.fixture
def crawled(web, tmp_path) -> Path:
    config = write_config(web, tmp_path)
    result = run("crawl", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    return config


def test_full_disk_fails_the_seal_clearly_loses_nothing_and_the_next_run_completes(
    web, tmp_path, crawled
):
    before = staged_and_spooled(tmp_path)
    assert before[0] == len(web.expected(recency_days=3))

    assert_one_clear_line(snapshot_on_a_full_disk(crawled, tmp_path), "File too large")
    assert not list((tmp_path / "archive" / "manifests").glob("*.json"))
    assert staged_and_spooled(tmp_path) == before

    result = run("snapshot", "--config", str(crawled), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert_archive_complete(tmp_path, {a.url for a in web.expected(recency_days=3)})


def test_unwritable_archive_path_is_one_clear_line_and_nothing_is_lost(web, tmp_path, crawled):
    (tmp_path / "blocker").write_text("a file where the archive's parent should be")
    broken = tomllib.loads(crawled.read_text())
    broken["archive"]["uri"] = f"file://{tmp_path / 'blocker' / 'archive'}"
    broken_config = tmp_path / "broken.toml"
    broken_config.write_text(tomli_w.dumps(broken))
    before = staged_and_spooled(tmp_path)

    result = run("snapshot", "--config", str(broken_config), cwd=tmp_path)
    assert_one_clear_line(result, "Not a directory")
    assert staged_and_spooled(tmp_path) == before

    result = run("snapshot", "--config", str(crawled), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert_archive_complete(tmp_path, {a.url for a in web.expected(recency_days=3)})
