"""Page analysis in worker processes: the same record as in-process analysis, and a pool
that survives its workers being killed (the pages in flight are retried, not lost)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from newsspider.analysis import AnalysisPool
from newsspider.analyzer import PageAnalyzer
from newsspider.article import FetchedPage
from newsspider.config import load_config
from newsspider.dedup.neardup import NearDupParams
from newsspider.extraction.errors import NotAnArticle

PAGES = Path(__file__).parent / "data" / "pages"


@pytest.fixture(scope="module")
def config():
    return load_config(None)


def page(config, name: str) -> FetchedPage:
    return FetchedPage(
        url=f"https://www.example.com/news/{name}",
        source=config.sources[0].name,
        html=(PAGES / f"{name}.html").read_bytes(),
        fetched_at="2024-12-01T00:00:00Z",
    )


def analyze_all(pool: AnalysisPool, pages: list[FetchedPage]) -> list:
    async def run():
        return await asyncio.gather(*(pool.analyze(p) for p in pages), return_exceptions=True)

    return asyncio.run(run())


def worker_pids(pool: AnalysisPool) -> list[int]:
    return list(pool._pool._processes)


def test_pool_gives_the_in_process_record_with_scores_and_sketch(config):
    params = NearDupParams()
    expected = PageAnalyzer(config, params).analyze(page(config, "graph_kyiv"))
    pool = AnalysisPool(config, params, workers=2)
    try:
        (record,) = analyze_all(pool, [page(config, "graph_kyiv")])
    finally:
        pool.close()
    sketch, expected_sketch = record.pop("_sketch"), expected.pop("_sketch")
    assert record == expected
    assert record["topic_scores"] and record["topics"] == sorted(record["topic_scores"])
    assert np.array_equal(sketch.band_keys, expected_sketch.band_keys)
    assert np.array_equal(sketch.shingles, expected_sketch.shingles)


def test_not_an_article_crosses_the_process_boundary(config):
    pool = AnalysisPool(config, None, workers=1)
    try:
        (outcome,) = analyze_all(pool, [page(config, "consent_wall")])
    finally:
        pool.close()
    assert isinstance(outcome, NotAnArticle)


def test_killed_workers_are_replaced_and_pages_in_flight_retried(config):
    pool = AnalysisPool(config, None, workers=2)
    try:
        first = analyze_all(pool, [page(config, "graph_kyiv")])
        assert isinstance(first[0], dict)
        for pid in worker_pids(pool):
            os.kill(pid, signal.SIGKILL)
        names = ["graph_kyiv", "korea_times_yonhap", "euckr_korean"]
        records = analyze_all(pool, [page(config, name) for name in names])
    finally:
        pool.close()
    assert pool.restarts == 1
    assert [r["url"].rsplit("/", 1)[1] for r in records] == names


DIES_WITH_THE_CRAWL = """
import asyncio, sys, time
from newsspider.analysis import AnalysisPool
from newsspider.config import load_config

if __name__ == "__main__":
    pool = AnalysisPool(load_config(None), None, 2)
    asyncio.run(pool.start())
    print(" ".join(str(pid) for pid in pool._pool._processes), flush=True)
    time.sleep(300)
"""


def test_workers_exit_when_the_crawl_process_is_killed(tmp_path):
    script = tmp_path / "crawl_stand_in.py"
    script.write_text(DIES_WITH_THE_CRAWL)
    crawl = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in crawl.stdout.readline().split()]
    assert len(workers) == 2 and all(alive(pid) for pid in workers)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(timeout=10)
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "analysis workers outlived the crawl"


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False
