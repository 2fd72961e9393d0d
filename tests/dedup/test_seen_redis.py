from __future__ import annotations

import time
from datetime import timedelta

import redis

from newsspider.dedup.seen import open_seen_store
from newsspider.dedup.seen_redis import RedisSeenStore
from tests.dedup.conftest import REDIS_URL


def test_urls_and_contents_are_shared_between_two_workers(client, prefix):
    worker_a = RedisSeenStore(redis.Redis.from_url(REDIS_URL), timedelta(days=30), prefix)
    worker_b = RedisSeenStore(redis.Redis.from_url(REDIS_URL), timedelta(days=30), prefix)
    worker_a.mark_urls(["a", "b"])
    worker_a.mark_content("f" * 64, "http://x.example/1")
    assert worker_b.has_url("a") and worker_b.has_url("b") and not worker_b.has_url("c")
    assert worker_b.content_owner("f" * 64) == "http://x.example/1"
    assert worker_b.content_owner("e" * 64) is None
    assert worker_b.stats()["urls"] == 2 and worker_b.stats()["contents"] == 1
    worker_a.close()
    worker_b.close()


def test_content_keeps_its_first_owner_when_marked_again(client, prefix):
    store = RedisSeenStore(client, timedelta(days=1), prefix)
    store.mark_content("f" * 64, "http://first.example/1")
    store.mark_content("f" * 64, "http://second.example/1")
    assert store.content_owner("f" * 64) == "http://first.example/1"


def test_entries_carry_the_ttl_and_marking_again_refreshes_it(client, prefix):
    store = RedisSeenStore(client, timedelta(hours=2), prefix)
    store.mark_urls(["a"])
    store.mark_content("f" * 64, "http://x.example/1")
    assert 7190 <= client.ttl(f"{prefix}u:a") <= 7200
    assert 7190 <= client.ttl(f"{prefix}c:{'f' * 64}") <= 7200
    client.expire(f"{prefix}u:a", 5)
    store.mark_urls(["a"])
    assert client.ttl(f"{prefix}u:a") > 7000


def test_expired_entries_are_gone_without_a_purge(client, prefix):
    store = RedisSeenStore(client, timedelta(days=1), prefix)
    store.mark_urls(["a"])
    client.pexpire(f"{prefix}u:a", 1)
    time.sleep(0.01)
    assert not store.has_url("a")
    assert store.purge_expired() == 0


def test_open_seen_store_maps_redis_uri_to_the_redis_store(client):
    store = open_seen_store(REDIS_URL, timedelta(days=1))
    assert isinstance(store, RedisSeenStore)
    store.close()
