"""The shared frontier on the real Redis: leases, re-queueing, hand-over, rounds, seeding."""

from __future__ import annotations

import json
import time

import pytest
import redis
from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict

from newsspider.config import ConfigError, parse_config
from newsspider.distributed.frontier import Frontier, LeaseTracker, seed, start_messages
from newsspider.distributed.keys import ClusterKeys
from newsspider.distributed.scheduler import JsonRequestSerializer
from tests.distributed.cluster import poll

KEYS = ClusterKeys("t:")


@pytest.fixture
def client(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def frontier(client, worker: str = "w1", **options) -> Frontier:
    options = {"visibility_timeout": 30, **options}
    return Frontier(client, KEYS, worker=worker, **options)


def test_a_taken_request_is_requeued_after_the_visibility_timeout(client):
    dead = frontier(client, "dead", visibility_timeout=0.2)
    survivor = frontier(client, "alive")
    dead.push(b"page-1", -10)
    lease = dead.take_request()
    assert lease.payload == b"page-1" and lease.worker == "dead"
    assert survivor.take_request() is None
    assert survivor.counts().processing_by_worker == {"dead": 1}
    poll(lambda: survivor.counts().expired == 1, 5, "the lease to pass its deadline")
    assert survivor.reap() == (1, 0)
    counts = survivor.counts()
    assert (counts.pending, counts.processing, counts.requeued) == (1, 0, 1)
    again = survivor.take_request()
    assert again.payload == b"page-1" and again.worker == "alive"


def test_a_renewed_lease_stays_with_its_worker(client):
    slow = frontier(client, visibility_timeout=0.5)
    slow.push(b"page-1", 0)
    lease = slow.take_request()
    for _ in range(4):  # 1.2 s in all: more than twice the timeout
        assert slow.renew([lease.id]) == 1
        time.sleep(0.3)
        assert slow.reap() == (0, 0)
    assert slow.counts().processing == 1


def test_priority_order_is_kept_and_requeued_work_keeps_its_priority(client):
    crawler = frontier(client, visibility_timeout=0.1)
    crawler.push(b"feed", 0)
    crawler.push(b"article", -10)
    first = crawler.take_request()
    assert first.payload == b"article"
    poll(lambda: crawler.reap()[0] == 1, 5, "the article to be re-queued")
    assert crawler.take_request().payload == b"article"


def test_a_retry_takes_over_the_lease_of_the_request_it_replaces(client):
    crawler = frontier(client)
    crawler.push(b"try-1", 0)
    lease = crawler.take_request()
    crawler.push(b"try-2", 0, handover=lease.id)
    counts = crawler.counts()
    assert (counts.pending, counts.processing) == (1, 0)
    assert client.hlen(KEYS.leases) == 0


def test_release_hands_work_back_without_counting_a_redelivery(client):
    crawler = frontier(client, max_redeliveries=0)
    crawler.push(b"page", 0)
    lease = crawler.take_request()
    assert crawler.release([lease.id]) == 1
    counts = crawler.counts()
    assert (counts.pending, counts.processing, counts.requeued, counts.dead) == (1, 0, 0, 0)


def test_a_request_that_keeps_killing_workers_goes_to_the_dead_letters(client):
    crawler = frontier(client, visibility_timeout=0.05, max_redeliveries=2)
    crawler.push(b"poison", 0)
    for _ in range(3):
        assert crawler.take_request() is not None
        poll(lambda: crawler.counts().expired == 1, 5, "the lease to expire")
        crawler.reap()
    counts = crawler.counts()
    assert (counts.pending, counts.processing, counts.dead) == (0, 0, 1)
    assert client.lrange(KEYS.dead, 0, -1) == [b"poison"]


def test_start_messages_are_leased_and_come_back_to_the_start_list(client):
    crawler = frontier(client, visibility_timeout=0.1)
    crawler.push_starts([{"url": "http://a.example/feed", "meta": {}}, {"url": "http://b/"}])
    taken = crawler.take_starts(10)
    assert [json.loads(lease.payload)["url"] for lease in taken] == [
        "http://a.example/feed",
        "http://b/",
    ]
    assert crawler.counts().starts == 0
    poll(lambda: crawler.reap()[0] == 2, 5, "the start leases to be re-queued")
    assert crawler.counts().starts == 2
    assert crawler.counts().pending == 0


def test_fingerprints_are_kept_per_seeding_round(client):
    crawler = frontier(client)
    assert not crawler.fingerprint_seen("round-1", "abc")
    assert crawler.fingerprint_seen("round-1", "abc")
    assert not crawler.fingerprint_seen("round-2", "abc")
    assert 0 < client.ttl(KEYS.fingerprints("round-1")) <= 86400


def test_lease_tracker_acknowledges_only_when_every_output_is_handled():
    done: list[str] = []
    tracker = LeaseTracker(done.append)
    tracker.hold("L")
    tracker.expect_output("L")  # a request
    tracker.expect_output("L")  # an item
    tracker.callback_done("L")
    tracker.callback_done("L")  # an errback after the output wrapper: counted once
    tracker.output_done("L")
    assert done == [] and tracker.held() == ["L"]
    tracker.output_done("L")
    assert done == ["L"] and tracker.held() == []


def test_a_refused_redirect_settles_its_lease_and_a_taken_over_one_does_not():
    done: list[str] = []
    tracker = LeaseTracker(done.append)
    tracker.hold("refused")
    tracker.hold("queued")
    tracker.forget("queued")  # the scheduler took it over
    tracker.settle("refused")
    tracker.settle("queued")
    assert done == ["refused"]


def test_requests_survive_the_json_queue_encoding():
    class Parser(Spider):
        name = "parser"

        def parse_feed(self, response): ...

        def failed(self, failure): ...

    spider = Parser()
    request = Request(
        "http://a.example/feed?x=1",
        callback=spider.parse_feed,
        errback=spider.failed,
        headers={"Referer": "http://a.example/"},
        meta={"source": "a", "warc": {"warc_offset": 3}, "redirect_urls": ["http://x/"]},
        priority=10,
    )
    encoded = JsonRequestSerializer.dumps(request.to_dict(spider=spider))
    assert encoded == JsonRequestSerializer.dumps(request.to_dict(spider=spider))
    restored = request_from_dict(JsonRequestSerializer.loads(encoded), spider=spider)
    assert restored.url == request.url and restored.priority == 10
    assert restored.callback == spider.parse_feed and restored.errback == spider.failed
    assert restored.headers["Referer"] == b"http://a.example/"
    assert restored.meta == request.meta


def test_seeding_queues_one_start_message_per_feed_sitemap_robots_and_section(redis_url):
    config = parse_config(
        f"""
        [crawl]
        mode = "distributed"
        [state]
        uri = "{redis_url}"
        [distributed]
        key_prefix = "t:"
        [[sources]]
        name = "a"
        home = "http://a.example/"
        feeds = ["http://a.example/rss"]
        sitemaps = ["http://a.example/sitemap.xml"]
        sections = ["http://a.example/world"]
        group = "g1"
        [[sources]]
        name = "b"
        home = "http://b.example/"
        robots_sitemaps = true
        group = "g2"
        """
    )
    result = seed(config, group="g1")
    assert (result.messages, result.sources) == (4, ["a"])
    client = redis.Redis.from_url(redis_url)
    messages = [json.loads(m) for m in client.lrange(KEYS.starts, 0, -1)]
    assert {(m["url"], m["meta"]["via"]) for m in messages} == {
        ("http://a.example/rss", "feed"),
        ("http://a.example/sitemap.xml", "sitemap"),
        ("http://a.example/robots.txt", "robots"),
        ("http://a.example/world", "section"),
    }
    assert {m["meta"]["newsspider_round"] for m in messages} == {result.round_id}
    assert client.get(KEYS.round).decode() == result.round_id
    assert start_messages([], "r") == []


def test_distributed_mode_needs_a_redis_state():
    with pytest.raises(ConfigError, match="needs a shared state"):
        parse_config('[crawl]\nmode = "distributed"\n')
    with pytest.raises(ConfigError, match="heartbeat_interval"):
        parse_config(
            '[crawl]\nmode = "distributed"\n[state]\nuri = "redis://h/0"\n'
            "[distributed]\nvisibility_timeout = 10\nheartbeat_interval = 6\n"
        )
