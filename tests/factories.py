"""Small builders of realistic records for tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newsspider.record import empty_record


def make_record(n: int, source: str, published: str) -> dict:
    record = empty_record()
    record.update(
        url=f"http://{source}.example/view/{n}",
        canonical_url=f"http://{source}.example/view/{n}",
        source=source,
        title=f"Story {n}",
        body=f"Body of story {n} about North Korean troops in Kursk.",
        published_at=published,
        fetched_at="2026-11-05T11:00:00Z",
        authors=["Kim Eun-jung"],
        topics=["nk"],
        topic_scores={"nk": 2.0},
        content_sha256=f"{n:064x}",
    )
    return record


def one_site_config(workdir: Path, base: str, *, dedup: str = "") -> Path:
    """A config crawling one loopback site's feed for stories on Kursk, all state in
    `workdir`, no politeness delay; `dedup` is extra TOML for the `[dedup]` table."""
    config = workdir / "newsspider.toml"
    config.write_text(
        f"""
[archive]
uri = "file://{workdir}/archive"
[state]
uri = "sqlite:///{workdir}/seen.db"
staging = "{workdir}/staging.db"
spool = "{workdir}/warc"
revisions = "{workdir}/revisions.db"
[crawl]
autothrottle = false
download_delay = 0
[dedup]
{dedup}
[[topics]]
name = "nk-troops"
include = ["kursk"]
[[sources]]
name = "site"
home = "{base}/"
feeds = ["{base}/rss.xml"]
robots_sitemaps = false
"""
    )
    return config


def run_newsspider(config: Path, *args: str) -> subprocess.CompletedProcess:
    """`newsspider ARGS --config CONFIG` in its folder; it must succeed."""
    result = subprocess.run(
        [sys.executable, "-m", "newsspider", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=config.parent,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result
