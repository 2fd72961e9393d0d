"""Global per-domain limits and heartbeats on the real Redis (several limiter instances stand
in for several workers)."""

from __future__ import annotations

import time

import pytest
import redis

from newsspider.config import parse_config
from newsspider.distributed.heartbeat import Heartbeats
from newsspider.distributed.keys import ClusterKeys
from newsspider.distributed.politeness import FULL, DomainLimiter, DomainLimits, DomainPolicy
from tests.distributed.cluster import poll

KEYS = ClusterKeys("t:")


@pytest.fixture
def client(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def test_domain_concurrency_holds_across_workers(client):
    worker_a = DomainLimiter(client, KEYS, lease_seconds=30)
    worker_b = DomainLimiter(redis.Redis(connection_pool=client.connection_pool), KEYS, 30)
    two = DomainLimits(concurrency=2, delay=0)
    assert worker_a.try_acquire("a.example", "a:1", two) == 0
    assert worker_b.try_acquire("a.example", "b:1", two) == 0
    assert worker_b.try_acquire("a.example", "b:2", two) == FULL
    assert worker_a.try_acquire("b.example", "a:2", two) == 0  # other domains are not held up
    assert worker_a.in_flight() == {"a.example": 2, "b.example": 1}
    worker_a.release("a.example", "a:1")
    assert worker_b.try_acquire("a.example", "b:2", two) == 0


def test_the_delay_spaces_request_starts_across_workers(client):
    worker_a = DomainLimiter(client, KEYS, lease_seconds=30)
    worker_b = DomainLimiter(client, KEYS, lease_seconds=30)
    limits = DomainLimits(concurrency=4, delay=0.3)
    assert worker_a.try_acquire("a.example", "a:1", limits) == 0
    wait = worker_b.try_acquire("a.example", "b:1", limits)
    assert 0.2 < wait <= 0.3
    time.sleep(wait)
    assert worker_b.try_acquire("a.example", "b:1", limits) == 0


def test_a_dead_workers_slot_frees_itself_at_expiry(client):
    dead = DomainLimiter(client, KEYS, lease_seconds=0.2)
    alive = DomainLimiter(client, KEYS, lease_seconds=30)
    one = DomainLimits(concurrency=1, delay=0)
    assert dead.try_acquire("a.example", "dead:1", one) == 0
    assert alive.try_acquire("a.example", "alive:1", one) == FULL
    poll(lambda: alive.try_acquire("a.example", "alive:1", one) == 0, 5, "the slot to expire")


def test_source_politeness_overrides_the_crawl_wide_limits():
    config = parse_config(
        """
        [crawl]
        concurrency_per_domain = 4
        download_delay = 0.5
        [[sources]]
        name = "a"
        home = "https://www.a.example/"
        allowed_domains = ["a.example"]
        politeness = { concurrency = 1 }
        """
    )
    policy = DomainPolicy(config)
    assert policy.limits("www.a.example") == DomainLimits(1, 0.5)
    assert policy.limits("b.example") == DomainLimits(4, 0.5)


def test_a_worker_counts_as_alive_only_while_it_beats(client):
    beats = Heartbeats(client, KEYS, interval=0.1)
    beats.beat("w1", {"pages": 3})
    beats.beat("w2", {"pages": 5})
    assert {(b.worker, b.alive, b.info["pages"]) for b in beats.workers()} == {
        ("w1", True, "3"),
        ("w2", True, "5"),
    }
    beats.stopped("w2")

    def w1_is_dead():
        return [(b.worker, b.alive) for b in beats.workers()] == [("w1", False)]

    poll(w1_is_dead, 5, "w1's heartbeat to go stale")


def test_a_renewed_slot_outlives_its_lease(client):
    worker = DomainLimiter(client, KEYS, lease_seconds=0.3)
    other = DomainLimiter(client, KEYS, lease_seconds=0.3)
    one = DomainLimits(concurrency=1, delay=0)
    assert worker.try_acquire("a.example", "w:1", one) == 0
    for _ in range(4):  # 0.8 s in all: past the lease unless renewed
        assert worker.renew([("a.example", "w:1")]) == 1
        time.sleep(0.2)
        assert other.try_acquire("a.example", "o:1", one) == FULL
    worker.release("a.example", "w:1")
    assert worker.renew([("a.example", "w:1")]) == 0
    assert other.try_acquire("a.example", "o:1", one) == 0
