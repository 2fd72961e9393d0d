"""Seal 10,000 synthetic articles into an S3 archive served by moto on loopback.

Measures `seal_snapshot` end to end (claim, Parquet encoding, uploads, manifest) and then a
cold and a warm full query through the local cache. moto runs in its own process, as S3 would.
Run: ``.venv/bin/python benchmarks/bench_s3_publish.py [--articles N] [--workers W]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

from newsspider.archive import snapshot
from newsspider.archive.s3 import S3Store
from newsspider.query.api import Archive
from newsspider.query.cache import ObjectCache
from newsspider.record import empty_record
from newsspider.staging import Staging

SOURCES = ("yonhap", "tass", "kyiv", "koreatimes", "hankook")
DAYS = 7
BODY_WORDS = 600


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    weights = list(range(len(letters), 0, -1))
    return ["".join(rng.choices(letters, weights, k=rng.randint(2, 10))) for _ in range(5000)]


def _articles(count: int) -> list[dict]:
    """Articles with realistic sizes: 600-word bodies, titles, authors, captions."""
    rng = random.Random(42)
    words = _vocabulary(rng)
    articles = []
    for n in range(count):
        source = SOURCES[n % len(SOURCES)]
        day = 1 + n % DAYS
        record = empty_record()
        record.update(
            url=f"https://{source}.example/news/{n}",
            canonical_url=f"https://{source}.example/news/{n}",
            source=source,
            title=" ".join(rng.choices(words, k=10)).capitalize(),
            description=" ".join(rng.choices(words, k=30)),
            body=" ".join(rng.choices(words, k=BODY_WORDS)),
            authors=["Kim Eun-jung"],
            captions=[" ".join(rng.choices(words, k=12))],
            language="en",
            published_at=f"2026-11-{day:02d}T{n % 24:02d}:00:00Z",
            fetched_at="2026-11-08T00:00:00Z",
            topics=["nk-troops-russia"],
            topic_scores={"nk-troops-russia": 2.0},
            content_sha256=f"{n:064x}",
        )
        articles.append(record)
    return articles


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_moto(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=snapshot.UPLOAD_WORKERS)
    args = parser.parse_args()
    snapshot.UPLOAD_WORKERS = args.workers
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1"
    )

    port = _free_port()
    server = _start_moto(port)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
        store = S3Store("bench", "archive", endpoint_url=endpoint)
        with tempfile.TemporaryDirectory() as workdir:
            staging = Staging(Path(workdir) / "staging.db")
            for record in _articles(args.articles):
                staging.add(record["url"], record, "2026-11-08T00:00:00Z")

            started = time.perf_counter()
            result = snapshot.seal_snapshot(staging, store)
            seal_seconds = time.perf_counter() - started
            staging.close()

            archive = Archive(store, ObjectCache(Path(workdir) / "cache"))
            started = time.perf_counter()
            rows = archive.query(fields=["url"]).num_rows
            cold = time.perf_counter() - started
            started = time.perf_counter()
            archive.query(fields=["url"])
            warm = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()

    uploaded = sum(entry["bytes"] for entry in result.files)
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"articles: {result.articles} in {len(result.files)} Parquet files, "
        f"{uploaded / 1e6:.1f} MB (zstd), upload workers: {args.workers}"
    )
    print(
        f"seal + upload: {seal_seconds:.2f} s, {uploaded / 1e6 / seal_seconds:.1f} MB/s, "
        f"{result.articles / seal_seconds:,.0f} articles/s"
    )
    print(f"query all {rows} rows: cold cache {cold:.2f} s, warm cache {warm:.2f} s")


if __name__ == "__main__":
    main()
