"""Real HTTP servers for the five test sites, one loopback IP each, and the `TestWeb` handle.

Pages are rendered once at start (they hold absolute URLs with the OS-assigned ports); only
the endless archive of kyiv-test and robots-forbidden stubs are rendered per request.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import socket
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from newsspider.testweb import render, render_feeds
from newsspider.testweb.catalog import CatalogArticle, build_articles
from newsspider.testweb.render_article import render_article
from newsspider.testweb.sites import OFFSITE_IP, SITES, SiteSpec

log = logging.getLogger(__name__)

_ARCHIVE_RE = re.compile(r"^/archive/(\d{4})/(\d{2})$")
_GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None
    last_modified: datetime | None = None


class RequestLog:
    """Thread-safe count of request targets (path plus query) served, per site."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, Counter[str]] = defaultdict(Counter)

    def record(self, site: str, target: str) -> None:
        with self._lock:
            self._counts[site][target] += 1

    def __getitem__(self, site: str) -> Counter[str]:
        """A copy of one site's counts: target -> number of requests."""
        with self._lock:
            return Counter(self._counts.get(site, {}))

    def count(self, site: str, target: str | None = None) -> int:
        counts = self[site]
        return counts[target] if target is not None else sum(counts.values())

    def fetched(self, site: str, prefix: str = "/") -> list[str]:
        """Targets of one site that start with `prefix`, sorted."""
        return sorted(t for t in self[site] if t.startswith(prefix))

    def snapshot(self) -> dict[str, Counter[str]]:
        with self._lock:
            return {site: Counter(counts) for site, counts in self._counts.items()}

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


class _QuietServer(ThreadingHTTPServer):
    """Tracks open connections so stopping also ends keep-alive ones; logs client errors."""

    daemon_threads = True

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def process_request_thread(self, request: socket.socket, client_address: object) -> None:
        with self.connections_lock:
            self.connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.connections.discard(request)

    def close_connections(self) -> None:
        with self.connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        log.debug("client %s went away", client_address, exc_info=True)


class SiteServer:
    """One site on its own loopback address: a route table and a threaded HTTP server."""

    def __init__(self, site: SiteSpec, hits: RequestLog) -> None:
        self.site = site
        self.hits = hits
        self.routes: dict[str, Response] = {}
        self.ctx: render.SiteContext | None = None
        handler = type(f"{site.templates.title()}Handler", (_Handler,), {"site_server": self})
        try:
            self.httpd = _QuietServer((site.ip, 0), handler)
        except OSError as exc:
            raise OSError(
                f"cannot listen on {site.ip} for {site.name}: {exc} "
                "(the test web needs all of 127.0.0.0/8 routed to loopback, as on Linux)"
            ) from exc
        self.base = f"http://{site.ip}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # quick shutdown
            name=f"testweb-{site.name}",
            daemon=True,
        )

    def html(self, text: str, status: int = 200, modified: datetime | None = None) -> Response:
        if self.site.encoding == "utf-8":
            return Response(status, text.encode("utf-8"), last_modified=modified)
        # The charset is declared only in <meta charset>, as many older Korean sites do.
        return Response(status, text.encode(self.site.encoding), "text/html", None, modified)

    def build(self, ctx: render.SiteContext) -> None:
        """Render every static page of the site into the route table."""
        self.ctx = ctx
        site, routes = self.site, self.routes
        xml = "application/xml; charset=utf-8"
        feed_type = f"application/{site.feed_format}+xml; charset=utf-8"
        routes["/"] = self.html(render.render_home(ctx))
        routes["/robots.txt"] = Response(
            200, render_feeds.render_robots(ctx).encode(), "text/plain; charset=utf-8"
        )
        routes[site.feed_path] = Response(200, render_feeds.render_feed(ctx).encode(), feed_type)
        routes[site.sitemap_index_path] = Response(
            200, render_feeds.render_sitemap_index(ctx).encode(), xml
        )
        routes[site.news_sitemap_path] = Response(
            200, render_feeds.render_news_sitemap(ctx).encode(), xml
        )
        routes[site.sitemap_path] = Response(200, render_feeds.render_sitemap(ctx).encode(), xml)
        for number in range(1, render.section_page_count(ctx) + 1):
            target = urlsplit(render.section_page_url(ctx, number))
            path = target.path + (f"?{target.query}" if target.query else "")
            routes[path] = self.html(render.render_section(ctx, number))
        for article in ctx.articles:
            routes[article.path] = self._article_response(ctx, article)

    def _article_response(self, ctx: render.SiteContext, article: CatalogArticle) -> Response:
        if article.status == 200:
            modified = article.modified_at or article.published_at
            return self.html(render_article(ctx, article), modified=modified)
        if article.status == 302:
            port = self.httpd.server_address[1]
            target = f"http://{OFFSITE_IP}:{port}/opinion/{article.key}"
            return Response(302, b"", location=target)
        title = "Page not found" if article.status == 404 else "Internal Server Error"
        text = "Sorry, something went wrong." if article.status == 500 else "No such page."
        return self.html(render.render_stub(ctx, title, text), status=article.status)

    def respond(self, target: str) -> Response:
        """The response for a request target; unknown targets get the site's 404 page."""
        assert self.ctx is not None
        path, _, query = target.partition("?")
        if target in self.routes:
            return self.routes[target]
        if path in self.routes and "page=" not in query:
            return self.routes[path]
        if path.startswith("/images/"):
            return Response(200, _GIF, "image/gif")
        if any(path.startswith(prefix) for prefix in self.site.disallow):
            return self.html(render.render_stub(self.ctx, "Members only", "Please sign in."))
        archive = _ARCHIVE_RE.match(path) if self.site.name == "kyiv-test" else None
        if archive and 1 <= int(archive.group(2)) <= 12 and int(archive.group(1)) > 0:
            year, month = int(archive.group(1)), int(archive.group(2))
            return self.html(render.render_archive(self.ctx, year, month))
        return self.html(render.render_stub(self.ctx, "Page not found", "No such page."), 404)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd.close_connections()
        self.thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    site_server: SiteServer
    server_version = "testweb/1.0"
    protocol_version = "HTTP/1.1"
    timeout = 30  # drop idle keep-alive connections

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(with_body=False)

    def _serve(self, with_body: bool) -> None:
        server = self.site_server
        server.hits.record(server.site.name, self.path)
        response = server.respond(self.path)
        etag = '"' + hashlib.sha1(response.body).hexdigest()[:16] + '"'
        if response.status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if response.status == 200:
            self.send_header("ETag", etag)
        if response.location:
            self.send_header("Location", response.location)
        if response.last_modified:
            self.send_header("Last-Modified", format_datetime(response.last_modified, usegmt=True))
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("%s %s", self.site_server.site.name, format % args)


class TestWeb:
    """The running test web: five sites, their ground truth and a log of what was fetched."""

    __test__ = False  # not a pytest test class

    def __init__(self, now: datetime | None = None) -> None:
        moment = now or datetime.now(UTC)
        if moment.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.now = moment.astimezone(UTC)
        self.hits = RequestLog()
        self._servers: dict[str, SiteServer] = {}
        self.sites: dict[str, str] = {}
        self.articles: list[CatalogArticle] = []

    @classmethod
    def start(cls, now: datetime | None = None) -> TestWeb:
        """Bind, render and serve all sites; use as a context manager to stop them."""
        web = cls(now)
        try:
            for name, site in SITES.items():
                web._servers[name] = SiteServer(site, web.hits)
            web.sites = {name: server.base for name, server in web._servers.items()}
            web.articles = build_articles(web.now, web.sites)
            for name, server in web._servers.items():
                mine = tuple(a for a in web.articles if a.site == name)
                server.build(render.SiteContext(server.site, server.base, web.now, mine))
        except BaseException:
            web.stop()
            raise
        for server in web._servers.values():
            server.start()
        log.info("test web serving %s", ", ".join(web.sites.values()))
        return web

    def stop(self) -> None:
        for server in self._servers.values():
            if server.thread.is_alive():
                server.stop()
            else:
                server.httpd.server_close()
        self._servers.clear()

    def __enter__(self) -> TestWeb:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def article(self, url: str) -> CatalogArticle:
        """The ground truth for one served URL."""
        for article in self.articles:
            if article.url == url:
                return article
        raise KeyError(url)

    def expected(self, recency_days: float = 3) -> list[CatalogArticle]:
        """What a correct crawl keeps: relevant, recent, served with 200, allowed by robots."""
        window = timedelta(days=recency_days)
        return [
            a
            for a in self.articles
            if a.relevant and a.reachable and self.now - a.published_at <= window
        ]

    def sources(self) -> list[dict]:
        """One `[[sources]]` entry per site, valid for `newsspider.config.Source`."""
        entries = []
        for name, base in self.sites.items():
            site = SITES[name]
            entries.append(
                {
                    "name": name,
                    "kind": site.kind,
                    "home": base + "/",
                    "allowed_domains": [site.ip],
                    "feeds": [base + site.feed_path],
                    "sitemaps": [base + path for path in _LISTED_SITEMAPS[name](site)],
                    "robots_sitemaps": True,
                    "sections": [base + site.section_path],
                    "article_url_pattern": site.article_url_pattern,
                    "language": site.language,
                    "timezone": site.timezone,
                    "group": "default",
                    "politeness": {"delay": 0.0, "concurrency": 4},
                }
            )
        return entries

    def sources_toml(self) -> str:
        """The same sources as TOML `[[sources]]` blocks, ready to paste into a config."""
        blocks = []
        for entry in self.sources():
            lines = ["[[sources]]"]
            for key, value in entry.items():
                if key == "politeness":
                    inner = ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items())
                    lines.append(f"politeness = {{ {inner} }}")
                else:
                    lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + "\n"


#: Which sitemaps each source lists itself; the rest are found through robots.txt only.
_LISTED_SITEMAPS = {
    "yonhap-test": lambda s: [s.sitemap_index_path],
    "koreatimes-test": lambda s: [s.news_sitemap_path],
    "kyiv-test": lambda s: [],
    "hankook-test": lambda s: [s.sitemap_index_path],
    "tass-test": lambda s: [],
}
