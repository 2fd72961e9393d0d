"""Shared pieces of the fault tests: the test web, a CLI runner and the archive's invariants."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsspider.archive.warc import OPEN_SUFFIX
from newsspider.cli import demo_config_text
from newsspider.query.api import Archive
from newsspider.staging import Staging
from newsspider.testweb import TestWeb
from tests.archive.conftest import bucket, moto_server  # noqa: F401 (S3 fixtures)


@pytest.fixture(scope="package")
def web() -> Iterator[TestWeb]:
    with TestWeb.start() as running:
        yield running


def write_config(web: TestWeb, workdir: Path) -> Path:
    path = workdir / "newsspider.toml"
    path.write_text(demo_config_text(web.sources(), workdir))
    return path


def start(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`newsspider ARGS` as a child process (output kept in files beside ``cwd``)."""
    stem = cwd / f"{args[0]}-{len(list(cwd.glob('*.out')))}"
    return subprocess.Popen(
        [sys.executable, "-m", "newsspider", *args],
        cwd=cwd,
        env=env,
        stdout=open(f"{stem}.out", "wb"),  # noqa: SIM115 - the child owns it
        stderr=open(f"{stem}.err", "wb"),  # noqa: SIM115
    )


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsspider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_archive_complete(workdir: Path, expected_urls: set[str], context: str = "") -> None:
    """Every manifest whole, every expected article exactly once, nothing left behind.

    Complete means: each file a manifest lists exists with its size and SHA-256; the archive
    holds no data file that no manifest lists; staging is empty with no pending claim; the
    WARC spool holds no open or unsealed file.
    """
    archive = workdir / "archive"
    listed: set[str] = set()
    for manifest_path in sorted((archive / "manifests").glob("*.json")):
        manifest = json.loads(manifest_path.read_text())
        for entry in manifest["files"] + manifest["raw"] + manifest["raw_index"]:
            path = archive / entry["key"]
            assert path.is_file(), f"{context}{manifest_path.name} lists missing {entry['key']}"
            assert path.stat().st_size == entry["bytes"], f"{context}{entry['key']} size"
            assert sha256(path) == entry["sha256"], f"{context}{entry['key']} checksum"
            listed.add(entry["key"])
    stored = {
        path.relative_to(archive).as_posix()
        for path in archive.rglob("*")
        if path.is_file() and path.parent.name != "manifests"
    }
    assert stored == listed, f"{context}unlisted objects in the archive: {sorted(stored - listed)}"

    records = Archive.open(f"file://{archive}").query(fields=["url"]).column("url").to_pylist()
    duplicates = sorted({url for url in records if records.count(url) > 1})
    assert not duplicates, f"{context}archived more than once: {duplicates}"
    assert set(records) == expected_urls, (
        f"{context}missing {sorted(expected_urls - set(records))}, "
        f"unexpected {sorted(set(records) - expected_urls)}"
    )

    with Staging(workdir / "state" / "staging.db") as staging:
        assert staging.count() == 0, f"{context}staging still holds {staging.count()} rows"
        assert staging.pending_claim() is None, f"{context}an unfinished seal is pending"
    spool = workdir / "state" / "warc"
    leftovers = sorted(p.name for p in spool.iterdir()) if spool.is_dir() else []
    assert not [n for n in leftovers if n.endswith((OPEN_SUFFIX, ".warc.gz"))], (
        f"{context}spool not sealed: {leftovers}"
    )


def environment(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}
