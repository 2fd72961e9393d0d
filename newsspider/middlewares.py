"""Download-side components: skip articles already archived; capture raw exchanges as WARC."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from newsspider.archive.warc import Exchange, WarcSpool
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
            return None  # re-checks carry no newsspider_article flag: they must be fetched
        if self.seen.has_url(url_key(canonicalize_url(request.url))):
            self.stats.inc_value("newsspider/skipped/seen")
            raise IgnoreRequest(f"already archived: {request.url}")
        return None


class WarcCaptureMiddleware:
    """Write every exchange to the WARC spool as it came off the wire (before decompression).

    Sits next to the downloader (priority 950) so it sees redirects, robots.txt, feeds and
    sitemaps too; the response's reference is left in `request.meta["warc"]`.
    """

    def __init__(self, crawler) -> None:
        config = config_from_settings(crawler.settings)
        if not config.archive.raw_capture:
            raise NotConfigured("raw capture is off ([archive] raw_capture = false)")
        self.stats = crawler.stats
        self.spool = WarcSpool(
            config.state.spool, max_bytes=config.archive.warc_rotate_mb * 1024 * 1024
        )
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> WarcCaptureMiddleware:
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        exchange = Exchange(
            url=response.url,
            method=request.method,
            request_headers=_header_pairs(request.headers),
            status=response.status,
            reason=_reason(response.status),
            response_headers=_header_pairs(response.headers, archived=True),
            body=response.body,
            fetched_at=datetime.now(UTC),
        )
        ref = self.spool.write(exchange)
        request.meta["warc"] = asdict(ref)
        self.stats.inc_value("newsspider/warc/records")
        self.stats.inc_value("newsspider/warc/bytes", ref.warc_length)
        return response

    def spider_closed(self, spider=None) -> None:
        self.spool.close()


def _header_pairs(headers, *, archived: bool = False) -> list[tuple[str, str]]:
    """Scrapy headers as (name, value) pairs; framing headers renamed as web archives do."""
    pairs = []
    for name, values in headers.items():
        text = name.decode("latin-1")
        if archived and text.lower() == "transfer-encoding":
            text = "X-Archive-Orig-Transfer-Encoding"
        pairs.extend((text, value.decode("latin-1")) for value in values)
    return pairs


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
