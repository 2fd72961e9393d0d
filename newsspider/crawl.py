"""Run one crawl in this process and summarise it (the CLI's and the scheduler's entry point).

Twisted's reactor cannot be restarted, so a process runs at most one crawl; long-lived
callers (the scheduler) start a child process per crawl.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from redis import RedisError
from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from newsspider.archive.store import StoreError
from newsspider.config import Config, load_config, mask_secret

log = logging.getLogger(__name__)

ProgressCallback = Callable[[dict], None]

# What a store that refuses or cannot be reached raises: the user's to fix, no traceback.
UNAVAILABLE = (RedisError, OSError, sqlite3.Error, StoreError)


class CrawlError(Exception):
    """The crawl failed as a whole (typically: it never started); one line, free of secrets."""


@dataclass(frozen=True, slots=True)
class CrawlSummary:
    """What a crawl did, from the crawler's stats."""

    pages: int
    articles_found: int
    kept: int
    aliases: int = 0
    rechecked: int = 0
    revisions: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    kept_by_source: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    finish_reason: str = ""

    @classmethod
    def from_stats(cls, stats: dict) -> CrawlSummary:
        def under(prefix: str) -> dict[str, int]:
            return {
                key.removeprefix(prefix): value
                for key, value in sorted(stats.items())
                if key.startswith(prefix) and isinstance(value, int)
            }

        return cls(
            pages=stats.get("downloader/response_count", 0),
            articles_found=stats.get("newsspider/pages/articles", 0),
            kept=stats.get("newsspider/kept", 0),
            aliases=stats.get("newsspider/aliases", 0),
            rechecked=stats.get("newsspider/rechecks", 0),
            revisions=stats.get("newsspider/revisions", 0),
            dropped=under("newsspider/dropped/"),
            errors=under("newsspider/errors/"),
            kept_by_source=under("newsspider/kept/"),
            skipped={
                name: value
                for name, value in (
                    ("already archived", stats.get("newsspider/skipped/seen", 0)),
                    ("robots.txt", stats.get("robotstxt/forbidden", 0)),
                    ("off-site", stats.get("offsite/filtered", 0)),
                    (
                        "outside window (listing)",
                        stats.get("newsspider/discovery/outside_window", 0),
                    ),
                )
                if value
            }
            | {f"blocked ({reason})": n for reason, n in under("newsspider/blocked/").items()},
            finish_reason=str(stats.get("finish_reason", "")),
        )


def crawl_settings(config_path: str | os.PathLike, *, log_level: str = "INFO") -> Settings:
    settings = Settings()
    settings.setmodule("newsspider.settings", priority="project")
    settings.set("NEWSSPIDER_CONFIG", str(config_path), priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    # The caller owns logging (the CLI's handler, the scheduler's JSON lines); Scrapy only
    # emits records through it.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Scrapy's own dictConfig pins its loggers to DEBUG: filter at the handlers instead. The
    # root level is lowered too, or the spider's and our modules' INFO records never get there.
    root.setLevel(min(root.getEffectiveLevel(), logging.getLevelName(log_level)))
    for handler in root.handlers:
        handler.setLevel(log_level)
    return settings


def run_crawl(
    config_path: str | os.PathLike,
    *,
    sources: list[str] | None = None,
    group: str | None = None,
    log_level: str = "INFO",
    on_progress: ProgressCallback | None = None,
    extra_settings: dict | None = None,
) -> CrawlSummary:
    """Crawl the configured (or the named) sources once; blocks until the crawl ends."""
    config: Config = load_config(config_path)
    if sources:
        for name in sources:
            config.source(name)
    settings = crawl_settings(config_path, log_level=log_level)
    for key, value in (extra_settings or {}).items():
        settings.set(key, value, priority="cmdline")
    state_dir = Path(config.state.staging).parent
    state_dir.mkdir(parents=True, exist_ok=True)
    # The requests waiting to be fetched go to disk (Scrapy's disk queues, under a JOBDIR of
    # this crawl's own): a sitemap of 20,000 URLs would otherwise hold 20,000 Requests in RAM.
    with tempfile.TemporaryDirectory(prefix=".frontier-", dir=state_dir) as frontier:
        settings.set("JOBDIR", frontier, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("news")
        return crawl_to_end(
            process,
            crawler,
            config,
            on_progress,
            sources=",".join(sources or []),
            group=group or "",
        )


def crawl_to_end(
    process: CrawlerProcess,
    crawler: Crawler,
    config: Config,
    on_progress: ProgressCallback | None = None,
    **spider_kwargs: str,
) -> CrawlSummary:
    """Run `crawler` until it ends and summarise it; `CrawlError` if it failed as a whole."""
    if on_progress is not None:

        def report(*_args, **_kwargs) -> None:
            on_progress(crawler.stats.get_stats())

        for signal in (signals.response_received, signals.item_scraped, signals.item_dropped):
            crawler.signals.connect(report, signal=signal, weak=False)
    opened: list[bool] = []
    crawler.signals.connect(
        lambda **_kwargs: opened.append(True), signal=signals.spider_opened, weak=False
    )
    failures: list[Failure] = []
    # The errback takes the failure, so Twisted does not print it as an unhandled traceback.
    process.crawl(crawler, **spider_kwargs).addErrback(failures.append)
    process.start()
    if failures:
        raise crawl_error(failures[0], config, started=bool(opened))
    if process.bootstrap_failed:
        raise CrawlError("the crawl could not start (see the log above)")
    return CrawlSummary.from_stats(crawler.stats.get_stats())


def crawl_error(failure: Failure, config: Config, *, started: bool) -> CrawlError:
    """One line for the user about a crawl that failed as a whole (a store's password masked).

    A store that refuses or cannot be reached is named and needs no traceback; anything else
    is a bug, so its traceback goes to the log as well.
    """
    exc = failure.value
    where = "the crawl failed" if started else "the crawl could not start"
    if isinstance(exc, RedisError):
        where += f": state store {mask_secret(config.state.uri)}"
    if not isinstance(exc, UNAVAILABLE):
        log.error("%s:\n%s", where, mask_secret(failure.getTraceback()))
    return CrawlError(f"{where}: {type(exc).__name__}: {mask_secret(str(exc))}")
