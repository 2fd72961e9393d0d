"""Redis seen-store: bytes per million URLs and operations per second.

Marks `--urls` URL keys (32 hex digits, as `url_key` makes them) under a fresh prefix, reads
`INFO memory` before and after and `MEMORY USAGE` of a sample key, extrapolates to 1M, then
deletes the keys. Run: ``.venv/bin/python benchmarks/bench_seen_redis.py [--urls 200000]``.
"""

from __future__ import annotations

import argparse
import hashlib
import time
import uuid
from datetime import timedelta

import redis

from newsspider.dedup.seen_redis import RedisSeenStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--urls", type=int, default=200_000)
    args = parser.parse_args()
    client = redis.Redis()
    prefix = f"nsbench:{uuid.uuid4().hex[:7]}:"  # as long as the default "newsspider:seen:"
    store = RedisSeenStore(client, timedelta(days=30), prefix)
    keys = [hashlib.sha256(str(n).encode()).hexdigest()[:32] for n in range(args.urls)]
    before = client.info("memory")["used_memory"]
    start = time.perf_counter()
    for batch in range(0, len(keys), 1000):
        store.mark_urls(keys[batch : batch + 1000])
    marked = len(keys) / (time.perf_counter() - start)
    used = (client.info("memory")["used_memory"] - before) / len(keys)
    sample = client.memory_usage(f"{prefix}u:{keys[0]}")
    start = time.perf_counter()
    for key in keys[:20_000]:
        store.has_url(key)
    lookups = 20_000 / (time.perf_counter() - start)
    server = client.info("server")
    print(f"Redis {server['redis_version']} on 127.0.0.1, {args.urls} URL keys")
    print(f"INFO used_memory: {used:.0f} B/URL = {used:.0f} MB per 1M URLs")
    print(f"MEMORY USAGE of one key: {sample} B (excludes the keyspace and expiry tables)")
    print(f"mark_urls: {marked:.0f} URLs/s in batches of 1000; has_url: {lookups:.0f}/s")
    stale = list(client.scan_iter(match=f"{prefix}*", count=5000))
    for batch in range(0, len(stale), 5000):
        client.delete(*stale[batch : batch + 5000])


if __name__ == "__main__":
    main()
