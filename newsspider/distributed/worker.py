"""A worker process: its Scrapy extension (heartbeat, lease renewal, reaping, sealing) and
`run_worker`, the blocking entry point `newsspider worker` calls."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import UTC, datetime

import redis
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from twisted.internet import task
from twisted.internet.threads import deferToThread

from newsspider.crawl import CrawlSummary, ProgressCallback, crawl_settings, crawl_to_end
from newsspider.distributed.heartbeat import Heartbeats
from newsspider.distributed.keys import ClusterKeys
from newsspider.distributed.workerstate import seal_worker
from newsspider.spiders.news import config_from_settings

log = logging.getLogger(__name__)

#: How often an idle worker looks for work queued by others (Scrapy's own check is every 5 s).
POLL_SECONDS = 0.5


class WorkerExtension:
    """Keeps a worker's place in the cluster while it crawls.

    Every heartbeat: renew the leases in hand, re-queue leases of silent workers (any worker
    may; the script is atomic), report numbers. Every `POLL_SECONDS`: wake the engine so
    work queued by other workers is picked up at once. Every `seal_interval`: seal this
    worker's staging in a thread, so a long-running worker publishes as it goes.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.config = config_from_settings(crawler.settings)
        self.worker: str = crawler.settings.get("NEWSSPIDER_WORKER_ID")
        settings = self.config.distributed
        self.heartbeats = Heartbeats(
            redis.Redis.from_url(self.config.state.uri),
            ClusterKeys(settings.key_prefix),
            settings.heartbeat_interval,
        )
        self.started_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._loops: list[task.LoopingCall] = []
        self._seal_lock = threading.Lock()
        self.spider = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> WorkerExtension:
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        self.spider = spider
        settings = self.config.distributed
        self._every(settings.heartbeat_interval, self.beat, now=True)
        self._every(POLL_SECONDS, self.wake_engine, now=False)
        self._every(settings.seal_interval, self.seal, now=False)

    def _every(self, seconds: float, func, *, now: bool) -> None:
        loop = task.LoopingCall(func)
        loop.start(seconds, now=now).addErrback(
            lambda failure: log.error("%s stopped: %s", func.__name__, failure.getTraceback())
        )
        self._loops.append(loop)

    def beat(self) -> None:
        frontier = self.spider.frontier
        held = self.spider.leases.held()
        try:
            frontier.renew(held)
            requeued, dead = frontier.reap()
            stats = self.crawler.stats.get_stats()
            self.heartbeats.beat(
                self.worker,
                {
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "started_at": self.started_at,
                    "pages": stats.get("downloader/response_count", 0),
                    "kept": stats.get("newsspider/kept", 0),
                    "in_hand": len(held),
                },
            )
        except redis.RedisError as exc:
            log.warning("heartbeat to Redis failed (leases may expire): %s", exc)
            return
        if requeued:
            self.crawler.stats.inc_value("newsspider/frontier/requeued", requeued)
            log.warning("re-queued %d requests taken by workers that went silent", requeued)
        if dead:
            self.crawler.stats.inc_value("newsspider/frontier/dead_letters", dead)
            log.error("%d requests re-queued too often: moved to the dead-letter list", dead)

    def wake_engine(self) -> None:
        # Scrapy has no public "look at the scheduler again": its own check runs every 5 s.
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def seal(self):
        return deferToThread(self._seal_now)

    def _seal_now(self) -> None:
        if not self._seal_lock.acquire(blocking=False):
            return
        try:
            result = seal_worker(self.config, self.worker)
            if result is not None:
                log.info("sealed snapshot %s (%d articles)", result.snapshot_id, result.articles)
        except Exception:
            log.exception("periodic seal failed; the next one retries the same snapshot")
        finally:
            self._seal_lock.release()

    def spider_closed(self, spider, reason: str = "") -> None:
        for loop in self._loops:
            if loop.running:
                loop.stop()
        held = spider.leases.held()
        try:
            if held:
                released = spider.frontier.release(held)
                log.info("handed %d unfinished requests back to the cluster", released)
            self.heartbeats.stopped(self.worker)
        except redis.RedisError as exc:
            log.warning("could not hand work back (it returns after the timeout): %s", exc)
        self.heartbeats.redis.close()


def run_worker(
    config_path: str | os.PathLike,
    worker: str,
    *,
    exit_when_idle: float = 0,
    log_level: str = "INFO",
    on_progress: ProgressCallback | None = None,
    extra_settings: dict | None = None,
) -> CrawlSummary:
    """Crawl from the shared frontier until stopped (SIGINT/SIGTERM: graceful) or, with
    `exit_when_idle`, until the whole cluster has had nothing to do for that many seconds."""
    from newsspider.spiders.distributed import DistributedNewsSpider

    settings = crawl_settings(config_path, log_level=log_level)
    settings.set("NEWSSPIDER_WORKER_ID", worker, priority="cmdline")
    settings.set("NEWSSPIDER_EXIT_WHEN_IDLE", exit_when_idle, priority="cmdline")
    for key, value in (extra_settings or {}).items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(DistributedNewsSpider)
    return crawl_to_end(process, crawler, config_from_settings(settings), on_progress)
