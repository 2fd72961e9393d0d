"""scrapy-redis's scheduler on our reliable frontier: leased pops, per-round fingerprints.

`DistributedScheduler` keeps scrapy-redis's `Scheduler` (and its queue base class for
encoding) but swaps the parts that lose or misfile work:

- the queue leases each pop (`ReliableQueue`, see `frontier.py`) instead of forgetting it;
- a retry or redirect of a leased request takes over its lease in the same transaction;
- the duplicate filter uses Scrapy's `REQUEST_FINGERPRINTER_CLASS` (scrapy-redis's own
  ignores it) and keeps one fingerprint set per seeding round, so the next round fetches
  feeds' sitemaps and section pages again;
- requests are stored as JSON, not pickles: a shared Redis must not be able to run code in
  every worker.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from scrapy import Request
from scrapy.dupefilters import BaseDupeFilter
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler

from newsspider.distributed.frontier import ROUND_META, Frontier, LeaseTracker

log = logging.getLogger(__name__)

#: Meta key holding the lease id of a request taken from the frontier.
LEASE_META = "newsspider_lease"
#: Meta key naming the lease of the response a request was found in (until it is queued).
PARENT_META = "newsspider_parent_lease"
#: Fingerprint round of requests that came from no seeding round.
NO_ROUND = "unseeded"


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"__b64__": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _plain(item) for key, item in value.items()}
        return {"__pairs__": [[_plain(key), _plain(item)] for key, item in value.items()]}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot queue a {type(value).__name__} in a request: {value!r}")


def _restore(obj: dict) -> Any:
    if "__b64__" in obj and len(obj) == 1:
        return base64.b64decode(obj["__b64__"])
    if "__pairs__" in obj and len(obj) == 1:
        return {key: value for key, value in obj["__pairs__"]}
    return obj


class JsonRequestSerializer:
    """`request.to_dict()` as compact, key-sorted JSON (bytes and byte-keyed headers tagged),
    so one request always encodes to the same queue member."""

    @staticmethod
    def dumps(obj: dict) -> bytes:
        return json.dumps(_plain(obj), sort_keys=True, separators=(",", ":")).encode()

    @staticmethod
    def loads(data: bytes) -> dict:
        return json.loads(data, object_hook=_restore)


class ReliableQueue(Base):
    """The frontier's priority queue behind scrapy-redis's queue interface."""

    def __init__(self, server, spider, key: str, serializer=JsonRequestSerializer) -> None:
        super().__init__(server, spider, key, serializer)
        self.frontier: Frontier = spider.frontier
        self.leases: LeaseTracker = spider.leases

    def __len__(self) -> int:
        return self.frontier.redis.zcard(self.frontier.keys.pending)

    def push(self, request: Request, handover: str | None = None) -> None:
        self.frontier.push(self._encode_request(request), -request.priority, handover=handover)

    def pop(self, timeout: int = 0) -> Request | None:
        lease = self.frontier.take_request()
        if lease is None:
            return None
        try:
            request = self._decode_request(lease.payload)
        except (ValueError, TypeError, KeyError) as exc:
            # Unreadable (written by another version?): keep it for a human, do not retry.
            log.error("request %s cannot be decoded (%s): moved to the dead letters", lease.id, exc)
            self.frontier.bury(lease)
            return None
        request.meta[LEASE_META] = lease.id
        self.leases.hold(lease.id)
        return request


class RoundDupeFilter(BaseDupeFilter):
    """Request fingerprints (Scrapy's fingerprinter) per seeding round, shared in Redis."""

    def __init__(self, frontier: Frontier, fingerprinter) -> None:
        self.frontier = frontier
        self.fingerprinter = fingerprinter

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.fingerprinter.fingerprint(request).hex()
        return self.frontier.fingerprint_seen(request.meta.get(ROUND_META, NO_ROUND), fingerprint)

    def log(self, request: Request, spider=None) -> None:
        log.debug("filtered duplicate request %s", request)


class DistributedScheduler(Scheduler):
    """scrapy-redis's scheduler; the queue, the filter and the serializer are ours."""

    def __init__(self, crawler) -> None:
        # The server, queue and filter come from the spider's frontier in `open()`.
        super().__init__(server=None, persist=True)
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler) -> DistributedScheduler:
        return cls(crawler)

    def open(self, spider) -> None:
        self.spider = spider
        self.frontier: Frontier = spider.frontier
        self.leases: LeaseTracker = spider.leases
        self.server = self.frontier.redis
        self.queue = ReliableQueue(self.server, spider, self.frontier.keys.pending)
        self.df = RoundDupeFilter(self.frontier, self.crawler.request_fingerprinter)
        waiting = len(self.queue)
        if waiting:
            log.info("joining a crawl in progress: %d requests queued", waiting)

    def close(self, reason: str) -> None:
        """The queue is shared: never flush it (scrapy-redis would without `persist`)."""

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.pop(LEASE_META, None)
        request.meta.pop(PARENT_META, None)
        if lease:
            self.leases.forget(lease)
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            if lease:
                self.frontier.ack([lease])
            return False
        self.queue.push(request, handover=lease)
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
