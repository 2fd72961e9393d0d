"""The real Redis on loopback that the Redis-backed tests need."""

from __future__ import annotations

import os

import pytest
import redis


def require_redis(url: str) -> redis.Redis:
    """A connected client for `url`; a missing Redis skips locally and fails under CI."""
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        client.close()
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Redis at {url} is unreachable: {exc}")
        pytest.skip(f"Redis at {url} is unreachable (start one, or set CI to fail)")
    return client
