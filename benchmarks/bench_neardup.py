"""Near-duplicate index: speed, memory and accuracy on the syndication set.

Targets: check + insert >= 5,000 docs/s on one core at 600-word documents (SQLite index);
pairwise precision >= 0.99 and recall >= 0.95. Prints numbers and the machine they ran on.
Run: ``.venv/bin/python benchmarks/bench_neardup.py [--docs 20000] [--redis-docs 3000]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import platform
import resource
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import datasketch
import numpy as np
import redis
from datasketch import MinHash

from newsspider.dedup.neardup import (
    NearDupParams,
    RedisNearDupIndex,
    Sketcher,
    SqliteNearDupIndex,
    shingle_hashes,
)

DATA = Path(__file__).resolve().parent.parent / "tests" / "dedup" / "data"
TTL = timedelta(days=30)


def _generator():
    spec = importlib.util.spec_from_file_location("make_set", DATA / "make_syndication_set.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _machine() -> str:
    cpu = platform.processor() or "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, datasketch {datasketch.__version__}"
    )


def _documents(count: int) -> list[str]:
    """600-word bodies: generated stories (2/3 of them syndicated copies), each padded with
    an unrelated one and cut."""
    records = _generator().make_syndication_set(groups=count // 7, singles=count // 7, seed=11)
    bodies = [r["body"] for r in records]
    docs = []
    for i in range(count):
        padding = bodies[(i * 7919 + 13) % len(bodies)]
        words = (bodies[i % len(bodies)] + " " + padding).split()
        docs.append(" ".join(words[:600]))
    return docs


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_speed(docs: list[str]) -> None:
    params = NearDupParams()
    sketcher = Sketcher(params)
    start = time.perf_counter()
    for text in docs:
        sketcher.sketch(text)
    sketch_rate = len(docs) / (time.perf_counter() - start)

    sample = docs[:300]
    start = time.perf_counter()
    for text in sample:
        words = text.casefold().split()
        minhash = MinHash(num_perm=params.num_perm, seed=params.seed)
        for i in range(len(words) - 4):
            minhash.update(" ".join(words[i : i + 5]).encode())
    baseline = len(sample) / (time.perf_counter() - start)
    print(f"MinHash sketch, numpy bulk:            {sketch_rate:8.0f} docs/s")
    print(f"MinHash, datasketch update() per shingle: {baseline:5.0f} docs/s (for comparison)")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "neardup.db"
        rss = _rss_mb()
        index = SqliteNearDupIndex(path, TTL)
        start = time.perf_counter()
        joined = 0
        for n, text in enumerate(docs):
            joined += index.find_or_add(f"http://site.example/{n}", text) is not None
        index.flush()
        rate = len(docs) / (time.perf_counter() - start)
        stats = index.stats()
        index.close()
        disk = path.stat().st_size / len(docs)
        ram = stats["band_entries"] * 16 / len(docs)
        print(f"SQLite find_or_add (check + insert):   {rate:8.0f} docs/s over {len(docs)} docs")
        print(f"  joined a group: {joined}; groups: {stats['groups']}")
        print(f"  disk {disk:.0f} B/doc = {disk * 1e6 / 2**30:.2f} GiB per 1M docs")
        print(f"  band table in RAM {ram:.0f} B/doc = {ram * 1e6 / 2**20:.0f} MiB per 1M docs")
        print(f"  peak RSS {_rss_mb():.0f} MiB (was {rss:.0f} MiB before the index)")
        start = time.perf_counter()
        SqliteNearDupIndex(path, TTL).close()
        load = time.perf_counter() - start
        print(
            f"  reopen (load band keys): {load:.2f} s = {load * 1e6 / len(docs):.0f} s per 1M docs"
        )


def bench_redis(docs: list[str]) -> None:
    client = redis.Redis()
    try:
        client.ping()
    except redis.ConnectionError as exc:
        print(f"Redis index: skipped, Redis unreachable ({exc})")
        return
    prefix = f"bench:{uuid.uuid4().hex}:"
    before = client.info("memory")["used_memory"]
    index = RedisNearDupIndex(client, TTL, prefix)
    start = time.perf_counter()
    for n, text in enumerate(docs):
        index.find_or_add(f"http://site.example/{n}", text)
    rate = len(docs) / (time.perf_counter() - start)
    used = (client.info("memory")["used_memory"] - before) / len(docs)
    print(f"Redis find_or_add (3 round trips):     {rate:8.0f} docs/s over {len(docs)} docs")
    print(f"  Redis memory {used:.0f} B/doc = {used * 1e6 / 2**30:.2f} GiB per 1M docs")
    version = client.info("server")["redis_version"]
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    print(f"  (Redis {version} on 127.0.0.1)")


def score(records: list[dict], params: NearDupParams) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        index = SqliteNearDupIndex(Path(tmp) / "nd.db", TTL, params)
        groups = {}
        for record in records:
            match = index.find_or_add(record["id"], record["body"])
            groups[record["id"]] = match.group_id if match else record["id"]
        index.close()
    tp = fp = fn = 0
    for a, b in itertools.combinations(records, 2):
        truth, predicted = a["story"] == b["story"], groups[a["id"]] == groups[b["id"]]
        tp += truth and predicted
        fp += predicted and not truth
        fn += truth and not predicted
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp + fn


def bench_accuracy() -> None:
    generator = _generator()
    sets = {
        "committed set": generator.load_syndication_set(),
        "large set (seed 7)": generator.make_syndication_set(groups=400, singles=400, seed=7),
    }
    configs = {
        "default 40x3, bar 0.5": NearDupParams(),
        "32x4 (LSH ~0.42)": NearDupParams(bands=32, rows=4),
        "25x5 (LSH ~0.5)": NearDupParams(bands=25, rows=5),
        "40x3, containment bar 0.3": NearDupParams(min_containment=0.3, min_jaccard=0.3),
        "40x3, 3-word shingles": NearDupParams(shingle_words=3),
    }
    for name, records in sets.items():
        stories = len({r["story"] for r in records})
        print(f"{name}: {len(records)} docs, {stories} stories")
        for label, params in configs.items():
            precision, recall, pairs = score(records, params)
            print(f"  {label:28s} precision {precision:.4f}  recall {recall:.4f} ({pairs} pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--redis-docs", type=int, default=3000)
    args = parser.parse_args()
    print(_machine())
    docs = _documents(max(args.docs, args.redis_docs))
    words = np.mean([len(d.split()) for d in docs])
    shingles = np.mean([len(shingle_hashes(d, 5)) for d in docs[:1000]])
    print(f"documents: {len(docs)}, {words:.0f} words, {shingles:.0f} shingles each")
    bench_speed(docs[: args.docs])
    bench_redis(docs[: args.redis_docs])
    bench_accuracy()


if __name__ == "__main__":
    main()
