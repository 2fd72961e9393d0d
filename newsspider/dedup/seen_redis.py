"""Seen-store in Redis, for several crawl workers sharing one memory of archived URLs.

Same contract as `SqliteSeenStore`. Each URL key and each content hash is one Redis string
with its own expiry (``SET ... EX ttl``), so Redis drops entries by itself and the store stays
bounded without a purge job; marking again refreshes the expiry, as in SQLite.

Memory (Redis 7.0, benchmarks/bench_seen_redis.py, 200k keys of 32 hex digits, default-length
prefix): 128 bytes per URL by ``INFO used_memory`` (``MEMORY USAGE`` says 104 bytes a key,
without the keyspace and expiry tables), i.e. ~128 MB per million URLs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import redis


class RedisSeenStore:
    """Seen URLs and contents under one key prefix; `ttl` is Redis expiry in whole seconds."""

    def __init__(
        self, client: redis.Redis, ttl: timedelta, prefix: str = "newsspider:seen:"
    ) -> None:
        self._redis = client
        self.ttl = ttl
        self.prefix = prefix
        self._ttl_seconds = max(1, int(ttl.total_seconds()))

    @classmethod
    def from_url(cls, uri: str, ttl: timedelta, prefix: str = "newsspider:seen:") -> RedisSeenStore:
        return cls(redis.Redis.from_url(uri), ttl, prefix)

    def _url(self, key: str) -> str:
        return f"{self.prefix}u:{key}"

    def _content(self, sha256: str) -> str:
        return f"{self.prefix}c:{sha256}"

    def has_url(self, key: str) -> bool:
        return bool(self._redis.exists(self._url(key)))

    def mark_urls(self, keys: Iterable[str]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.set(self._url(key), 1, ex=self._ttl_seconds)
        pipe.execute()

    def content_owner(self, sha256: str) -> str | None:
        """The URL first archived with this exact content, if any."""
        owner = self._redis.get(self._content(sha256))
        return owner.decode() if owner is not None else None

    def mark_content(self, sha256: str, url: str) -> None:
        """Keep the first owner (SET NX), refresh the expiry either way, in one round trip."""
        key = self._content(sha256)
        pipe = self._redis.pipeline(transaction=False)
        pipe.set(key, url, nx=True, ex=self._ttl_seconds)
        pipe.expire(key, self._ttl_seconds)
        pipe.execute()

    def purge_expired(self) -> int:
        """Nothing to do: Redis expires entries itself (the SQLite store needs this call)."""
        return 0

    def stats(self) -> dict[str, int]:
        """Counts by SCAN (O(keys in the database)): for summaries, not for the hot path.
        `bytes` is the whole Redis server's memory, as SQLite's is the whole file."""
        urls = sum(1 for _ in self._redis.scan_iter(match=f"{self.prefix}u:*", count=1000))
        contents = sum(1 for _ in self._redis.scan_iter(match=f"{self.prefix}c:*", count=1000))
        memory = self._redis.info("memory")["used_memory"]
        return {"urls": urls, "contents": contents, "bytes": memory}

    def close(self) -> None:
        self._redis.close()
