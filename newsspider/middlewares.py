"""Download-side guards: skip articles already archived before spending a request on them."""

from __future__ import annotations

from datetime import timedelta

from scrapy.exceptions import IgnoreRequest

from newsspider.dedup.seen import open_seen_store
from newsspider.dedup.urls import canonicalize_url, url_key
from newsspider.spiders.news import config_from_settings


class SeenArticleMiddleware:
    """Ignore article requests whose canonical URL the seen-store already knows."""

    def __init__(self, crawler) -> None:
        self.stats = crawler.stats
        state = config_from_settings(crawler.settings).state
        self.seen = open_seen_store(state.uri, timedelta(days=state.seen_ttl_days))

    @classmethod
    def from_crawler(cls, crawler) -> SeenArticleMiddleware:
        return cls(crawler)

    def process_request(self, request, spider=None) -> None:
        if not request.meta.get("newsspider_article") or request.meta.get("redirect_times"):
            return None
        if self.seen.has_url(url_key(canonicalize_url(request.url))):
            self.stats.inc_value("newsspider/skipped/seen")
            raise IgnoreRequest(f"already archived: {request.url}")
        return None
