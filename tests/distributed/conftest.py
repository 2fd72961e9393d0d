"""Distributed-mode tests get a Redis database of their own (see `redis_url`).

The real Redis on 127.0.0.1:6379 is required: a missing Redis skips locally and fails under
CI. Each test claims an empty numbered database (the seen-store and near-duplicate index use
fixed key prefixes) and flushes it afterwards, and uses its own key prefix on top.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from tests.realredis import require_redis

REDIS = "redis://127.0.0.1:6379"
CLAIM_KEY = "newsspider-test:claimed-by"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """`redis://127.0.0.1:6379/<db>` of an empty database claimed for this test."""
    require_redis(f"{REDIS}/0").close()
    token = uuid.uuid4().hex
    for db in range(15, 0, -1):
        client = redis.Redis.from_url(f"{REDIS}/{db}")
        if client.set(CLAIM_KEY, token, nx=True, ex=600) and client.dbsize() == 1:
            try:
                yield f"{REDIS}/{db}"
            finally:
                client.flushdb()
                client.close()
            return
        if client.get(CLAIM_KEY) == token.encode():
            client.delete(CLAIM_KEY)
        client.close()
    pytest.fail("no empty Redis database among 1-15 to claim for this test")
