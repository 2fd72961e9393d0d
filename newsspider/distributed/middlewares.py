"""Scrapy components of a worker: lease acknowledgement, global politeness, WARC naming."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections.abc import AsyncIterator
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import task

from newsspider.distributed.frontier import ROUND_META
from newsspider.distributed.keys import ClusterKeys
from newsspider.distributed.politeness import FULL, DomainLimiter, DomainPolicy
from newsspider.distributed.scheduler import LEASE_META, PARENT_META
from newsspider.middlewares import WarcCaptureMiddleware
from newsspider.spiders.news import config_from_settings

log = logging.getLogger(__name__)

#: Meta key of the domain slot a request holds while it is being downloaded.
DOMAIN_SLOT_META = "newsspider_domain_slot"
#: Longest pause between two attempts at a full domain.
MAX_SLOT_POLL = 0.2


class LeaseAckMiddleware:
    """Acknowledge a frontier lease only when its response is fully handled.

    Outermost spider middleware (it must see the final output): counts each request and item
    the callback yields against the response's lease, and hands the seeding round on to the
    requests. A request counts as handled once it was offered to the scheduler (queued,
    filtered or refused: `request_scheduled` fires just before, and the count is taken after
    the current call returns); an item once it left the pipelines (scraped, dropped or failed).
    A retry or redirect hands its lease to the scheduler, which queues it in the same
    transaction as it acknowledges the lease.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_done, signal=signal)

    @classmethod
    def from_crawler(cls, crawler) -> LeaseAckMiddleware:
        return cls(crawler)

    @property
    def _leases(self):
        return self.crawler.spider.leases

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any], spider=None
    ) -> AsyncIterator[Any]:
        lease = response.meta.get(LEASE_META)
        round_id = response.meta.get(ROUND_META)
        try:
            async for output in result:
                if isinstance(output, Request):
                    if round_id is not None:
                        output.meta.setdefault(ROUND_META, round_id)
                    if lease is not None:
                        output.meta[PARENT_META] = lease
                        self._leases.expect_output(lease)
                elif output is not None and lease is not None:
                    self._leases.expect_output(lease)
                yield output
        finally:
            if lease is not None:
                self._leases.callback_done(lease)

    def request_scheduled(self, request: Request, spider=None) -> None:
        from twisted.internet import reactor  # the installed one (asyncio), not a default

        # Both run after the engine's synchronous enqueue that follows this signal.
        parent = request.meta.get(PARENT_META)
        if parent is not None:
            reactor.callLater(0, self._leases.output_done, parent)
        own = request.meta.get(LEASE_META)
        if own is not None:
            # A retry or redirect: the scheduler takes its lease over, unless the request was
            # refused before reaching it (e.g. a redirect off-site); then the lease is done.
            reactor.callLater(0, self._leases.settle, own)

    def item_done(self, response=None, **_: Any) -> None:
        if isinstance(response, Response) and response.meta.get(LEASE_META) is not None:
            self._leases.output_done(response.meta[LEASE_META])


class DomainLeaseMiddleware:
    """Hold a cluster-wide domain slot (`politeness.py`) while a request is downloaded.

    Next to the downloader (after robots.txt, the seen-store and the address guard have had
    their say), so only requests that really go out take a slot; robots.txt fetches too.
    """

    def __init__(self, crawler) -> None:
        config = config_from_settings(crawler.settings)
        self.stats = crawler.stats
        self.policy = DomainPolicy(config)
        self.limiter = DomainLimiter(
            redis.Redis.from_url(config.state.uri),
            ClusterKeys(config.distributed.key_prefix),
            lease_seconds=config.distributed.visibility_timeout,
        )
        self.worker = crawler.settings.get("NEWSSPIDER_WORKER_ID")
        self._holders = itertools.count()
        self._held: dict[str, str] = {}  # holder -> domain
        self._renewal = task.LoopingCall(self._renew)
        self._renew_every = config.distributed.heartbeat_interval
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> DomainLeaseMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider=None) -> None:
        domain = urlparse_cached(request).hostname or ""
        limits = self.policy.limits(domain)
        holder = f"{self.worker}:{next(self._holders)}"
        pause = 0.02
        waited = 0.0
        while (wait := self.limiter.try_acquire(domain, holder, limits)) != 0:
            if wait == FULL:
                sleep, pause = pause, min(pause * 2, MAX_SLOT_POLL)
            else:
                sleep = wait
            sleep *= random.uniform(1.0, 1.2)  # workers waiting on one domain spread out
            waited += sleep
            await asyncio.sleep(sleep)
        request.meta[DOMAIN_SLOT_META] = [domain, holder]
        self._held[holder] = domain
        if waited:
            self.stats.inc_value("newsspider/politeness/waited_seconds", waited)
        return None

    def _release(self, request: Request) -> None:
        slot = request.meta.pop(DOMAIN_SLOT_META, None)
        if slot is not None:
            domain, holder = slot
            self._held.pop(holder, None)
            self.limiter.release(domain, holder)

    def _renew(self) -> None:
        try:
            self.limiter.renew((domain, holder) for holder, domain in self._held.items())
        except redis.RedisError as exc:
            log.warning("could not renew domain slots (they may expire): %s", exc)

    def spider_opened(self, spider=None) -> None:
        self._renewal.start(self._renew_every, now=False)

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception, spider=None) -> None:
        self._release(request)

    def spider_closed(self, spider=None) -> None:
        if self._renewal.running:
            self._renewal.stop()
        self.limiter.redis.close()


class WorkerWarcCaptureMiddleware(WarcCaptureMiddleware):
    """WARC capture whose file names carry the worker id: containers often share one pid,
    and two workers' files must never get the same archive key."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.spool.worker = crawler.settings.get("NEWSSPIDER_WORKER_ID")
