"""A small news site on loopback for crawl tests: an RSS feed that lists its article pages."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FeedSite:
    """Serves `/rss.xml` and one article page per entry of `pages` (path -> (title,
    paragraphs)), published at `published` (the feed adds a minute per item). Tests edit a story by
    assigning to `pages`; the next request sees the change."""

    def __init__(self, pages: dict[str, tuple[str, list[str]]], published: datetime) -> None:
        self.pages = pages
        self.published = published
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                body = site.response(self.path)
                if body is None:
                    self.send_error(404)
                    return
                content, content_type = body
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def response(self, path: str) -> tuple[bytes, str] | None:
        if path == "/rss.xml":
            items = "".join(
                f"<item><title>{title}</title><link>{self.base}{page}</link>"
                f"<pubDate>{format_datetime(self.published + timedelta(minutes=n))}</pubDate>"
                "</item>"
                for n, (page, (title, _)) in enumerate(self.pages.items())
            )
            feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
            return (feed + "</channel></rss>").encode(), "application/rss+xml"
        if path not in self.pages:
            return None
        title, paragraphs = self.pages[path]
        published = self.published.isoformat()
        text = "".join(f"<p>{p}</p>" for p in paragraphs)
        page = (
            f"<html><head><title>{title}</title>"
            '<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{published}">'
            f"</head><body><article><h1>{title}</h1>{text}</article></body></html>"
        )
        return page.encode(), "text/html; charset=utf-8"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
