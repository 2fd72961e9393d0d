"""The real Redis on loopback for the Redis-backed stores, one key prefix per test."""

from __future__ import annotations

import uuid

import pytest

from tests.realredis import require_redis

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def client():
    """The real Redis on loopback; a missing Redis skips locally but fails under CI."""
    client = require_redis(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def prefix(client):
    prefix = f"test:{uuid.uuid4().hex}:"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
