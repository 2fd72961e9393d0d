"""One scheduler per deployment (jobs/lock.py): a file lock, or a Redis lock."""

from __future__ import annotations

import os
import uuid

import pytest

from jobs.lock import FileLock, LockHeld, LockLost, RedisLock, open_service_lock

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_a_second_file_lock_is_refused_with_the_holders_pid(tmp_path):
    first = FileLock(tmp_path / "serve.lock")
    first.acquire()
    try:
        with pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
            FileLock(tmp_path / "serve.lock").acquire()
    finally:
        first.release()
    again = FileLock(tmp_path / "serve.lock")
    again.acquire()
    again.release()


def test_state_uri_chooses_the_lock(tmp_path):
    assert isinstance(open_service_lock("sqlite:///state/seen.db", tmp_path), FileLock)
    assert isinstance(open_service_lock(REDIS_URL, tmp_path), RedisLock)


@pytest.fixture
def redis_key():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    key = f"newsspider-test:{uuid.uuid4().hex}"
    yield key
    client.delete(key)
    client.close()


def test_a_second_redis_lock_is_refused_and_a_lost_lock_is_noticed(redis_key):
    import redis

    first = RedisLock(REDIS_URL, key=redis_key, ttl=30)
    first.acquire()
    with pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
        RedisLock(REDIS_URL, key=redis_key).acquire()
    redis.Redis.from_url(REDIS_URL).delete(redis_key)  # expired, say, while the host slept
    first._refreshed = 0.0
    with pytest.raises(LockLost):
        first.refresh()
    first.release()
