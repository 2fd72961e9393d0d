"""Near-duplicate index: speed, memory and accuracy on the syndication set.

Targets: check + insert >= 5,000 docs/s on one core at 600-word documents (SQLite index);
pairwise precision >= 0.99 and recall >= 0.95. Prints numbers and the machine they ran on.

Speed is measured `--repeat` times (best and median, wall clock and CPU time of this
process: on a shared machine the CPU rate is the steadier one) for the whole path
(`find_or_add(doc, text)`: sketch, candidates, exact check, insert) and for the index alone
with sketches made beforehand, as the crawl makes them in its analysis workers. A run's
time includes `close()`: the last commit and the WAL checkpoint.

Run: ``.venv/bin/python benchmarks/bench_neardup.py [--docs 20000] [--redis-docs 3000]``.
Compare with another version on the same machine (e.g. the first one)::

    git show 4784c33:newsspider/dedup/neardup.py > /tmp/neardup_old.py
    .venv/bin/python benchmarks/bench_neardup.py --module /tmp/neardup_old.py
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import itertools
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import datasketch
import numpy as np
import redis

DATA = Path(__file__).resolve().parent.parent / "tests" / "dedup" / "data"
TTL = timedelta(days=30)


def _generator():
    spec = importlib.util.spec_from_file_location("make_set", DATA / "make_syndication_set.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _implementation(path: str | None) -> ModuleType:
    """The near-duplicate module to measure: ours, or another version's file."""
    if path is None:
        import newsspider.dedup.neardup as module

        return module
    spec = importlib.util.spec_from_file_location("neardup_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
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


def _load() -> str:
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


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


def _takes_sketches(module: ModuleType) -> bool:
    return "sketch" in inspect.signature(module.SqliteNearDupIndex.find_or_add).parameters


def _index_run(
    module: ModuleType, docs: list[str], sketches: list | None, commit_each: bool = False
) -> tuple:
    """One pass over `docs` into a fresh SQLite index: (wall s, CPU s, joined, stats).

    `commit_each`: flush after every document, as the crawl's pipeline did before writes
    were batched."""
    with tempfile.TemporaryDirectory() as tmp:
        index = module.SqliteNearDupIndex(Path(tmp) / "neardup.db", TTL)
        joined = 0
        wall, cpu = time.perf_counter(), time.process_time()
        for n, text in enumerate(docs):
            if sketches is None:
                match = index.find_or_add(f"http://site.example/{n}", text)
            else:
                match = index.find_or_add(f"http://site.example/{n}", text, sketches[n])
            joined += match is not None
            if commit_each:
                index.flush()
        index.flush()
        stats = index.stats()
        index.close()
        return time.perf_counter() - wall, time.process_time() - cpu, joined, stats


def _rates(label: str, docs: list[str], runs: list[tuple]) -> None:
    walls = [len(docs) / run[0] for run in runs]
    cpus = [len(docs) / run[1] for run in runs]
    print(
        f"{label}: best {max(cpus):6.0f} docs/s CPU ({max(walls):.0f} wall), "
        f"median {statistics.median(cpus):.0f} CPU ({statistics.median(walls):.0f} wall) "
        f"over {len(runs)} runs; joined a group: {runs[0][2]}"
    )


def bench_speed(module: ModuleType, docs: list[str], repeat: int) -> None:
    params = module.NearDupParams()
    sketcher = module.Sketcher(params)
    cpu = []
    for _ in range(repeat):
        start = time.process_time()
        sketches = [sketcher.sketch(text) for text in docs]
        cpu.append(len(docs) / (time.process_time() - start))
    print(f"sketch alone:                    best {max(cpu):6.0f} docs/s CPU")
    runs = [_index_run(module, docs, None) for _ in range(repeat)]
    _rates("check + insert (text)         ", docs, runs)
    if _takes_sketches(module):
        runs = [_index_run(module, docs, sketches) for _ in range(repeat)]
        _rates("check + insert (given sketch) ", docs, runs)
    few = docs[:5000]
    _rates("  committing every document   ", few, [_index_run(module, few, None, True)])
    print(f"  ({_load()})")


def bench_memory(module: ModuleType, docs: list[str]) -> None:
    """What the index holds in RAM (Python heap, numpy included; not SQLite's page cache):
    per document, as the growth over the second half of the documents (the recent
    documents' cache is full by then), and the fixed part besides."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "neardup.db"
        tracemalloc.start()
        index = module.SqliteNearDupIndex(path, TTL)
        base = tracemalloc.get_traced_memory()[0]
        half = len(docs) // 2
        for n, text in enumerate(docs):
            if n == half:
                index.flush()
                halfway = tracemalloc.get_traced_memory()[0]
            index.find_or_add(f"http://site.example/{n}", text)
        index.flush()
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stats = index.stats()
        index.close()
        per_doc = (held - halfway) / (len(docs) - half)
        fixed = held - base - per_doc * len(docs)
        arrays = stats.get("ram_bytes", stats["band_entries"] * 16) / len(docs)
        print(
            f"RAM held by the index: {per_doc:.0f} B/doc = {per_doc * 1e6 / 2**20:.0f} MiB per 1M "
            f"docs (band table arrays {arrays:.0f} B/doc) + {fixed / 2**20:.0f} MiB fixed; "
            f"peak while adding {(peak - base) / 2**20:.0f} MiB for {len(docs)} docs"
        )
        start = time.perf_counter()
        reopened = module.SqliteNearDupIndex(path, TTL)
        load = time.perf_counter() - start
        # once closed (WAL checkpointed): the database and, in versions with one, the shingle log
        disk = reopened.stats()["bytes"] / len(docs)
        reopened.close()
        print(f"disk {disk:.0f} B/doc = {disk * 1e6 / 2**30:.2f} GiB per 1M docs")
        print(f"reopen (load band keys): {load:.2f} s = {load * 1e6 / len(docs):.0f} s per 1M docs")


def bench_redis(module: ModuleType, docs: list[str]) -> None:
    client = redis.Redis()
    try:
        client.ping()
    except redis.ConnectionError as exc:
        print(f"Redis index: skipped, Redis unreachable ({exc})")
        return
    prefix = f"bench:{uuid.uuid4().hex}:"
    before = client.info("memory")["used_memory"]
    index = module.RedisNearDupIndex(client, TTL, prefix)
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


def score(module: ModuleType, records: list[dict], params) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        index = module.SqliteNearDupIndex(Path(tmp) / "nd.db", TTL, params)
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


def bench_accuracy(module: ModuleType) -> None:
    generator = _generator()
    sets = {
        "committed set": generator.load_syndication_set(),
        "large set (seed 7)": generator.make_syndication_set(groups=400, singles=400, seed=7),
    }
    params = module.NearDupParams
    configs = {
        "default 40x3, bar 0.5": params(),
        "32x4 (LSH ~0.42)": params(bands=32, rows=4),
        "25x5 (LSH ~0.5)": params(bands=25, rows=5),
        "40x3, containment bar 0.3": params(min_containment=0.3, min_jaccard=0.3),
        "40x3, 3-word shingles": params(shingle_words=3),
    }
    for name, records in sets.items():
        stories = len({r["story"] for r in records})
        print(f"{name}: {len(records)} docs, {stories} stories")
        for label, chosen in configs.items():
            precision, recall, pairs = score(module, records, chosen)
            print(f"  {label:28s} precision {precision:.4f}  recall {recall:.4f} ({pairs} pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--redis-docs", type=int, default=3000, help="0 skips Redis")
    parser.add_argument("--repeat", type=int, default=3, help="speed runs (best and median)")
    parser.add_argument("--module", help="measure this neardup.py instead of ours")
    parser.add_argument("--skip", nargs="*", default=[], choices=["memory", "redis", "accuracy"])
    args = parser.parse_args()
    module = _implementation(args.module)
    print(_machine())
    print(f"module: {module.__file__}; {_load()}")
    docs = _documents(max(args.docs, args.redis_docs))
    words = np.mean([len(d.split()) for d in docs])
    shingles = np.mean([len(module.shingle_hashes(d, 5)) for d in docs[:1000]])
    print(f"documents: {len(docs)}, {words:.0f} words, {shingles:.0f} shingles each")
    bench_speed(module, docs[: args.docs], args.repeat)
    if "memory" not in args.skip:
        bench_memory(module, docs[: args.docs])
    if "redis" not in args.skip and args.redis_docs > 0:
        bench_redis(module, docs[: args.redis_docs])
    if "accuracy" not in args.skip:
        bench_accuracy(module)


if __name__ == "__main__":
    main()
