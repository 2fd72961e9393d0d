"""Distributed crawling: pages/s with 1 and with 2 worker processes on one shared frontier.

Serves `--articles` synthetic article pages (tests/distributed/synthetic_site.py) from a
threaded server on 127.0.0.1, seeds one crawl round, runs the workers (`newsspider worker
--exit-when-idle`) and measures, on the server side, fetched pages over the time from the
first to the last request (start-up and idle exit excluded). Each run gets a fresh archive
and an empty Redis database (`--redis-url`, refused if not empty; flushed afterwards).
Run: ``.venv/bin/python benchmarks/bench_distributed.py [--articles 600]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared synthetic site

from tests.distributed.cluster import cluster_config  # noqa: E402
from tests.distributed.synthetic_site import TOPIC_WORD, SyntheticSite  # noqa: E402


def run(workers: int, articles: int, redis_url: str) -> dict:
    client = redis.Redis.from_url(redis_url)
    if client.dbsize():
        raise SystemExit(f"{redis_url} is not empty: pick an unused database with --redis-url")
    site = SyntheticSite(articles)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            config = cluster_config(
                Path(workdir),
                redis_url,
                [site.source(concurrency=16, delay=0.0)],
                crawl={"concurrency": 16, "concurrency_per_domain": 16},
                distributed={"visibility_timeout": 60, "heartbeat_interval": 5},
                topics=[{"name": "harbour", "include": [TOPIC_WORD]}],
            )
            newsspider = [sys.executable, "-m", "newsspider"]
            subprocess.run([*newsspider, "cluster", "seed", "-c", str(config)], check=True)
            commands = client.info("stats")["total_commands_processed"]
            started = time.perf_counter()
            processes = [
                subprocess.Popen(
                    [*newsspider, "worker", "-c", str(config), "--worker-id", f"w{n}"]
                    + ["--exit-when-idle", "2"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for n in range(workers)
            ]
            cpu = 0.0
            for process in processes:
                _, _, usage = os.wait4(process.pid, 0)
                cpu += usage.ru_utime + usage.ru_stime
            wall = time.perf_counter() - started
            commands = client.info("stats")["total_commands_processed"] - commands
            span = site.starts[-1] - site.starts[0]
            return {
                "workers": workers,
                "pages": site.served,
                "crawl_seconds": round(span, 2),
                "pages_per_second": round(site.served / span, 1),
                "wall_seconds_with_startup_and_idle_exit": round(wall, 1),
                "worker_cpu_ms_per_page": round(1000 * cpu / site.served, 1),
                "redis_commands_per_page": round(commands / site.served, 1),
            }
    finally:
        site.stop()
        client.flushdb()
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=600, help="At most 1000 (one feed).")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    results = [run(n, args.articles, args.redis_url) for n in (1, 2)]
    for result in results:
        print(result)
    ratio = results[1]["pages_per_second"] / results[0]["pages_per_second"]
    print(f"2 workers / 1 worker: {ratio:.2f}x pages/s")


if __name__ == "__main__":
    main()
