"""Download-side components: skip articles already archived; capture raw exchanges as WARC;
refuse private, loopback and metadata addresses (SSRF guard, policy in `newsspider.netguard`)."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.datatypes import LocalCache
from twisted.internet.error import DNSLookupError

from newsspider import netguard
from newsspider.archive.warc import Exchange, WarcSpool
from newsspider.config import ConfigError
from newsspider.dedup.seen import open_seen_store
from newsspider.dedup.urls import canonicalize_url, url_key
from newsspider.spiders.news import config_from_settings

log = logging.getLogger(__name__)


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
    sitemaps too; the response's reference is left in `request.meta["warc"]`. Records are
    written by one thread of their own, in order: gzip and digests release the GIL, so the
    reactor keeps downloading meanwhile, and a response moves on only once its bytes are
    in the file its reference points to.
    """

    def __init__(self, crawler) -> None:
        config = config_from_settings(crawler.settings)
        if not config.archive.raw_capture:
            raise NotConfigured("raw capture is off ([archive] raw_capture = false)")
        self.stats = crawler.stats
        self.spool = WarcSpool(
            config.state.spool, max_bytes=config.archive.warc_rotate_mb * 1024 * 1024
        )
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="warc")
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> WarcCaptureMiddleware:
        return cls(crawler)

    async def process_response(self, request, response, spider=None):
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
        ref = await asyncio.wrap_future(self.writer.submit(self.spool.write, exchange))
        request.meta["warc"] = asdict(ref)
        self.stats.inc_value("newsspider/warc/records")
        self.stats.inc_value("newsspider/warc/bytes", ref.warc_length)
        return response

    def spider_closed(self, spider=None) -> None:
        self.writer.shutdown(wait=True)
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


class BlockedAddress(IgnoreRequest):
    """A request refused by the address guard; the message says which address and why."""


class AddressGuardMiddleware:
    """Never connect to private, link-local, multicast, reserved or metadata addresses (SSRF).

    Requests are judged twice: when scheduled (scheme and literal IPs, before Scrapy's
    off-site filter would drop them uncounted) and first in the downloader chain (priority
    10), where hostnames are resolved in a thread and judged by every address. Redirects come
    back through both as new requests; robots.txt passes the chain. `GuardedResolver`
    re-checks the address actually connected to. Loopback is allowed only for requests of a
    source whose home is on loopback (and for robots.txt of hosts such a request reached).
    Blocks are counted as `newsspider/blocked/<reason>` and logged once per host.
    """

    #: Resolved hosts remembered per crawl; a few thousand hosts is a big crawl.
    RESOLVED_CACHE_SIZE = 10_000

    def __init__(self, crawler) -> None:
        config = config_from_settings(crawler.settings)
        self.stats = crawler.stats
        self.loopback_sources = frozenset(
            source.name
            for source in config.sources
            if netguard.is_loopback_host(urlsplit(source.home).hostname)
        )
        self._loopback_hosts: set[str] = set()
        self._resolved: LocalCache[tuple[str, int | None], list] = LocalCache(
            self.RESOLVED_CACHE_SIZE
        )
        self._logged_hosts: set[str] = set()
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler) -> AddressGuardMiddleware:
        return cls(crawler)

    def request_scheduled(self, request, spider=None) -> None:
        blocked = netguard.check_url(request.url, allow_loopback=self._allows_loopback(request))
        if blocked is not None:
            self._refuse(request, blocked)

    async def process_request(self, request, spider=None) -> None:
        allow_loopback = self._allows_loopback(request)
        blocked = netguard.check_url(request.url, allow_loopback=allow_loopback)
        parts = urlsplit(request.url)
        host = (parts.hostname or "").lower()
        if blocked is None and netguard.literal_address(host) is None:
            try:
                port = parts.port
            except ValueError:
                port = None
            addresses = await self._resolve(host, port)
            blocked = netguard.check_addresses(host, addresses, allow_loopback=allow_loopback)
        if blocked is not None:
            self._refuse(request, blocked)
        if request.meta.get("source") in self.loopback_sources:
            self._loopback_hosts.add(host)
        return None

    def _allows_loopback(self, request) -> bool:
        source = request.meta.get("source")
        if source:
            return source in self.loopback_sources
        return (urlsplit(request.url).hostname or "").lower() in self._loopback_hosts

    async def _resolve(self, host: str, port: int | None) -> list:
        key = (host, port)
        if key not in self._resolved:
            self._resolved[key] = await asyncio.to_thread(netguard.resolve, host, port)
        return self._resolved[key]

    def _refuse(self, request, blocked: netguard.Blocked) -> None:
        self.stats.inc_value(f"newsspider/blocked/{blocked.reason}")
        if blocked.host not in self._logged_hosts:
            self._logged_hosts.add(blocked.host)
            log.warning(
                "blocked %s (source %s): %s; further requests to this host are not logged",
                request.url,
                request.meta.get("source", "-"),
                blocked,
            )
        raise BlockedAddress(f"blocked: {blocked}")


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's resolver, refusing to hand out forbidden addresses (`TWISTED_DNS_RESOLVER`).

    The middleware judged the name a moment earlier; a name that re-resolves elsewhere by
    connect time (DNS rebinding) fails here, on the address the connection would really use.
    Loopback is allowed when any configured source has its home on loopback.
    """

    def __init__(self, reactor, cache_size: int, timeout: float, *, allow_loopback: bool) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allow_loopback = allow_loopback

    @classmethod
    def from_crawler(cls, crawler, reactor) -> GuardedResolver:
        settings = crawler.settings
        try:
            sources = config_from_settings(settings).sources
        except ConfigError:
            sources = []  # not our crawl (e.g. `scrapy fetch` outside a project): no loopback
        return cls(
            reactor,
            settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0,
            settings.getfloat("DNS_TIMEOUT"),
            allow_loopback=any(
                netguard.is_loopback_host(urlsplit(source.home).hostname) for source in sources
            ),
        )

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 (Twisted's interface)
        return super().getHostByName(name, timeout).addCallback(self._checked, name)

    def _checked(self, address: str, name: str) -> str:
        literal = netguard.literal_address(address)
        blocked = netguard.check_addresses(
            name, [literal] if literal else [], allow_loopback=self.allow_loopback
        )
        if blocked is not None:
            log.warning("refused to connect: %s", blocked)
            raise DNSLookupError(f"blocked: {blocked}")
        return address
