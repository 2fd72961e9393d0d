"""The news spider of a distributed worker: NewsSpider's parsing, scrapy-redis's start queue.

It parses exactly as `NewsSpider` (same callbacks, same requests); what differs is where
work comes from and goes: start messages and requests live in the shared Redis frontier
(`newsspider.distributed`), every request taken is a lease acknowledged once its response is
fully handled, and the worker's staging and WARC spool are its own. Run it with
`newsspider worker` (or `scrapy crawl news-distributed -s NEWSSPIDER_WORKER_ID=w1`).
"""

from __future__ import annotations

import json
import time
from typing import Any

from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import BaseSettings
from scrapy_redis.spiders import RedisMixin

from newsspider.config import ConfigError
from newsspider.distributed.frontier import Frontier, LeaseTracker
from newsspider.distributed.keys import ClusterKeys
from newsspider.distributed.scheduler import LEASE_META
from newsspider.distributed.workerstate import check_worker_id, default_worker_id, worker_config
from newsspider.spiders.news import NewsSpider, config_from_settings


class DistributedNewsSpider(RedisMixin, NewsSpider):
    """A worker's spider; settings `NEWSSPIDER_WORKER_ID`, `NEWSSPIDER_EXIT_WHEN_IDLE`."""

    name = "news-distributed"

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        config = config_from_settings(settings)
        try:
            if config.crawl.mode != "distributed":
                raise ConfigError("set [crawl] mode = 'distributed' to run workers")
            worker = check_worker_id(settings.get("NEWSSPIDER_WORKER_ID") or default_worker_id())
        except ConfigError as exc:
            raise SystemExit(f"newsspider: {exc}") from None
        keys = ClusterKeys(config.distributed.key_prefix)
        slots = {
            domain: {name: value for name, value in slot.items() if name != "delay"}
            for domain, slot in settings.getdict("DOWNLOAD_SLOTS").items()
        }
        spider_middlewares = settings.getdict("SPIDER_MIDDLEWARES")
        spider_middlewares["newsspider.distributed.middlewares.LeaseAckMiddleware"] = 10
        downloader_middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        downloader_middlewares |= {
            "newsspider.middlewares.WarcCaptureMiddleware": None,
            "newsspider.distributed.middlewares.WorkerWarcCaptureMiddleware": 950,
            "newsspider.distributed.middlewares.DomainLeaseMiddleware": 960,
        }
        extensions = settings.getdict("EXTENSIONS")
        extensions["newsspider.distributed.worker.WorkerExtension"] = 0
        for key, value in {
            "NEWSSPIDER_WORKER_ID": worker,
            "_NEWSSPIDER_CONFIG_OBJECT": worker_config(config, worker),
            "SCHEDULER": "newsspider.distributed.scheduler.DistributedScheduler",
            "REDIS_URL": config.state.uri,
            "REDIS_START_URLS_KEY": keys.starts,
            # The cluster-wide limiter enforces delays between request starts; a local delay
            # on top would only slow each worker down.
            "DOWNLOAD_DELAY": 0,
            "DOWNLOAD_SLOTS": slots,
            "SPIDER_MIDDLEWARES": spider_middlewares,
            "DOWNLOADER_MIDDLEWARES": downloader_middlewares,
            "EXTENSIONS": extensions,
        }.items():
            settings.set(key, value, priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> DistributedNewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.worker = crawler.settings.get("NEWSSPIDER_WORKER_ID")
        spider.frontier = Frontier.from_config(spider.config, spider.worker)
        spider.leases = LeaseTracker(spider._lease_done)
        spider.exit_when_idle = crawler.settings.getfloat("NEWSSPIDER_EXIT_WHEN_IDLE")
        spider._drained_since = None
        spider.setup_redis(crawler)
        return spider

    async def start(self):
        for request in self.next_requests():
            yield request

    def next_requests(self):
        """Start messages as leases, held until the scheduler's push of their request takes
        them over (or handed back if the worker stops before yielding them)."""
        leases = self.frontier.take_starts(self.redis_batch_size)
        for lease in leases:
            self.leases.hold(lease.id)
        for lease in leases:
            request = self.make_request_from_data(lease.payload)
            if request is None:
                self.leases.forget(lease.id)
                self.frontier.bury(lease)
                continue
            request.meta[LEASE_META] = lease.id
            yield request

    def make_request_from_data(self, data: bytes) -> Request | None:
        """A JSON start message `{"url": …, "meta": {"source", "via", …}}` → its request."""
        try:
            message = json.loads(data)
            meta = dict(message["meta"])
            url, via, source = message["url"], meta["via"], meta["source"]
        except (ValueError, KeyError, TypeError):
            self.logger.error("unreadable start message: %r", data[:200])
            return None
        callbacks = {
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "robots": self.parse_robots,
            "section": self.parse_section,
        }
        if source not in self.sources or via not in callbacks:
            self.logger.error(
                "start message for source %r via %r: not in this worker's config", source, via
            )
            return None
        return Request(
            url, callbacks[via], meta=meta, errback=self.discovery_failed, dont_filter=True
        )

    def spider_idle(self) -> None:
        """Take more start messages; close only when asked to and the cluster ran dry."""
        self.schedule_next_requests()
        if self.exit_when_idle > 0:
            if not self.frontier.is_drained():
                self._drained_since = None
            elif self._drained_since is None:
                self._drained_since = time.monotonic()
            elif time.monotonic() - self._drained_since >= self.exit_when_idle:
                return
        raise DontCloseSpider

    def _lease_done(self, lease_id: str) -> None:
        self.frontier.ack([lease_id])
        self._count("frontier/acked")

    def _handled(self, request: Request) -> None:
        lease = request.meta.get(LEASE_META)
        if lease is not None:
            self.leases.callback_done(lease)

    def article_failed(self, failure) -> None:
        super().article_failed(failure)
        self._handled(failure.request)

    def discovery_failed(self, failure) -> None:
        super().discovery_failed(failure)
        self._handled(failure.request)
