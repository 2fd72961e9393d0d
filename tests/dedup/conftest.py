"""The real Redis on loopback for the Redis-backed stores, one key prefix per test."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def client():
    """The real Redis on loopback; a missing Redis skips locally but fails under CI."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Redis at {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable (start one, or set CI to fail)")
    yield client
    client.close()


@pytest.fixture
def prefix(client):
    prefix = f"test:{uuid.uuid4().hex}:"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
