"""The generic, config-driven news spider: feeds, sitemaps, robots.txt and sections → articles.

Discovery parsing lives in `newsspider.discovery` (plain functions); this class only turns
their results into requests, applies the recency window and the article URL pattern, and
hands article responses to the item pipelines.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any, TypeVar

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError

from newsspider.config import Config, ConfigError, Source, load_config
from newsspider.dedup.tracker import RevisionTracker
from newsspider.discovery.feeds import parse_feed
from newsspider.discovery.links import Link, within_window
from newsspider.discovery.robots import sitemaps_from_robots
from newsspider.discovery.sections import parse_section
from newsspider.discovery.sitemaps import parse_sitemap
from newsspider.record import format_timestamp
from newsspider.settings import settings_from_config

ARTICLE_PRIORITY = 10
T = TypeVar("T")


def config_from_settings(settings: BaseSettings) -> Config:
    """The config named by the NEWSSPIDER_CONFIG setting (or env var / ./newsspider.toml)."""
    cached = settings.get("_NEWSSPIDER_CONFIG_OBJECT")
    if cached is not None:
        return cached
    return load_config(settings.get("NEWSSPIDER_CONFIG"))


class NewsSpider(Spider):
    """Crawl the configured sources. Arguments: `-a sources=a,b` or `-a group=NAME`."""

    name = "news"

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        try:
            config = config_from_settings(settings)
        except ConfigError as exc:
            raise SystemExit(f"newsspider: {exc}") from None
        settings.set("_NEWSSPIDER_CONFIG_OBJECT", config, priority="spider")
        for key, value in settings_from_config(config).items():
            settings.set(key, value, priority="spider")

    def __init__(self, *args: Any, sources: str = "", group: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._only_sources = [name for name in sources.split(",") if name]
        self._only_group = group

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = config_from_settings(crawler.settings)
        spider.sources = spider._select_sources()
        spider.allowed_domains = sorted(
            {domain for source in spider.sources.values() for domain in source.allowed_domains}
        )
        spider.window = timedelta(days=spider.config.crawl.recency_days)
        spider._parsing = asyncio.Semaphore(1)
        spider.patterns = {
            name: re.compile(source.article_url_pattern) if source.article_url_pattern else None
            for name, source in spider.sources.items()
        }
        return spider

    def _select_sources(self) -> dict[str, Source]:
        chosen = [s for s in self.config.sources if s.enabled]
        if self._only_sources:
            chosen = [self.config.source(name) for name in self._only_sources]
        if self._only_group:
            chosen = [s for s in chosen if s.group == self._only_group]
        return {source.name: source for source in chosen}

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def start(self) -> AsyncIterator[Request]:
        for request in self._recheck_requests():
            yield request
        for request in self._seed_requests():
            yield request

    def _recheck_requests(self) -> Iterator[Request]:
        """Archived stories whose re-check milestone has come: fetch them again."""
        offsets = self.config.dedup.recheck_offsets()
        if not offsets:
            return
        tracker = RevisionTracker(self.config.state.revisions, offsets)
        try:
            due = tracker.due(self.now(), set(self.sources))
        finally:
            tracker.close()
        for story in due:
            self._count("rechecks")
            yield Request(
                story.url,
                self.parse_article,
                priority=ARTICLE_PRIORITY,
                errback=self.article_failed,
                dont_filter=True,
                meta={"source": story.source, "via": "recheck", "recheck": True},
            )

    def _seed_requests(self) -> Iterator[Request]:
        for source in self.sources.values():
            seeds = [(url, self.parse_feed, "feed") for url in source.feeds]
            seeds += [(url, self.parse_sitemap, "sitemap") for url in source.sitemaps]
            if source.robots_sitemaps:
                seeds.append((source.home.rstrip("/") + "/robots.txt", self.parse_robots, "robots"))
            seeds += [(url, self.parse_section, "section") for url in source.sections]
            for url, callback, via in seeds:
                meta = {"source": source.name, "via": via, "section_page": 1}
                yield Request(url, callback, meta=meta, errback=self.discovery_failed)

    def _count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsspider/{key}", n)

    def _in_window(self, link: Link) -> bool:
        # A page last modified before the window was also published before it.
        when = link.published_at or link.modified_at
        if within_window(when, self.now(), self.window.total_seconds() / 86400):
            return True
        self._count("discovery/outside_window")
        return False

    def _article_requests(self, links: Iterable[Link], source: str, *, check_pattern: bool):
        pattern = self.patterns[source]
        for link in links:
            if check_pattern and pattern is not None and not pattern.search(link.url):
                continue
            if not self._in_window(link):
                continue
            self._count(f"discovery/articles/{link.via}")
            yield Request(
                link.url,
                self.parse_article,
                priority=ARTICLE_PRIORITY,
                errback=self.article_failed,
                meta={
                    "source": source,
                    "via": link.via,
                    "newsspider_article": True,
                    "listed_at": format_timestamp(link.published_at),
                },
            )

    def _capped(self, requests: Iterable[Request], response: Response) -> Iterator[Request]:
        """At most `max_links_per_page` requests from one document: a page listing 100,000
        URLs must not turn into 100,000 requests."""
        limit = self.config.crawl.max_links_per_page
        for count, request in enumerate(requests):
            if count == limit:
                self._count("discovery/links_capped")
                self.logger.warning(
                    "%s (%s) lists more than %d links; the rest are ignored",
                    response.url,
                    response.meta["source"],
                    limit,
                )
                return
            yield request

    async def _parse_aside(self, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a discovery parser in a thread, one document at a time.

        A 10 MB feed of 100,000 entries takes feedparser ~10 s and ~150 MB: the reactor keeps
        downloading meanwhile, and two such documents never take their memory at once.
        """
        async with self._parsing:
            return await asyncio.to_thread(parse, *args, **kwargs)

    async def parse_feed(self, response: Response):
        source = response.meta["source"]
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        result = await self._parse_aside(parse_feed, response.body, response.url, content_type)
        if result.problem:
            self._count("discovery/feed_problems")
            self.logger.warning("feed %s (%s): %s", response.url, source, result.problem)
        requests = self._article_requests(result.links, source, check_pattern=False)
        for request in self._capped(requests, response):
            yield request

    async def parse_sitemap(self, response: Response):
        source = response.meta["source"]
        result = await self._parse_aside(parse_sitemap, response.body, response.url)
        if result.problem:
            self._count("discovery/sitemap_problems")
            self.logger.warning("sitemap %s (%s): %s", response.url, source, result.problem)
        children = (
            Request(
                child.url,
                self.parse_sitemap,
                meta=_discovery_meta(response, "sitemap"),
                errback=self.discovery_failed,
            )
            for child in result.sitemaps
            if self._in_window(child)
        )
        pages = self._article_requests(result.pages, source, check_pattern=True)
        for request in chain(self._capped(children, response), self._capped(pages, response)):
            yield request

    def parse_robots(self, response: Response):
        sitemaps = (
            Request(
                url,
                self.parse_sitemap,
                meta=_discovery_meta(response, "sitemap"),
                errback=self.discovery_failed,
            )
            for url in sitemaps_from_robots(response.body, response.url)
        )
        yield from self._capped(sitemaps, response)

    async def parse_section(self, response: Response):
        source_name = response.meta["source"]
        source = self.sources[source_name]
        result = await self._parse_aside(
            parse_section,
            response.body,
            response.url,
            article_pattern=self.patterns[source_name],
            allowed_domains=source.allowed_domains,
            encoding=response.encoding if isinstance(response, TextResponse) else None,
        )
        requests = self._article_requests(result.articles, source_name, check_pattern=True)
        for request in self._capped(requests, response):
            yield request
        page = response.meta["section_page"]
        if page >= self.config.crawl.max_section_pages:
            if result.next_pages:
                self._count("discovery/pagination_capped")
            return
        for url in result.next_pages[:1]:
            yield Request(
                url,
                self.parse_section,
                meta=_discovery_meta(response, "section", section_page=page + 1),
                errback=self.discovery_failed,
            )

    def parse_article(self, response: Response):
        self._count("pages/articles")
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        charset = re.search(r"charset=([\w.:-]+)", content_type, re.I)
        yield {
            "url": response.url,
            "requested_url": response.request.url if response.request else response.url,
            "source": response.meta["source"],
            "status": response.status,
            "html": response.body,
            "encoding": charset.group(1) if charset else None,
            "fetched_at": format_timestamp(self.now()),
            "listed_at": response.meta.get("listed_at"),
            "warc": response.meta.get("warc"),
            "recheck": response.meta.get("recheck", False),
        }

    def article_failed(self, failure) -> None:
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self._count("skipped/ignored")
            # After redirects a skip is the site's doing (a loop, a refused target): show it.
            level = logging.INFO if request.meta.get("redirect_times") else logging.DEBUG
            self.logger.log(level, "article %s skipped: %s", request.url, _describe(failure))
            return
        self._count("errors/articles")
        self.logger.warning("article %s failed: %s", request.url, _describe(failure))

    def discovery_failed(self, failure) -> None:
        request = failure.request
        via = request.meta.get("via", "discovery")
        self._count(f"errors/{via}")
        self.logger.warning(
            "%s %s (%s) failed: %s",
            via,
            request.url,
            request.meta.get("source"),
            _describe(failure),
        )


def _discovery_meta(response: Response, via: str, **extra: Any) -> dict:
    """Fresh meta for a follow-up discovery request (never Scrapy's internal keys)."""
    return {
        "source": response.meta["source"],
        "via": via,
        "section_page": response.meta.get("section_page", 1),
        **extra,
    }


def _describe(failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    # Some download errors (size limit, data loss) carry no message: name the error instead.
    return failure.getErrorMessage() or failure.type.__name__
