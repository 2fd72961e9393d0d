"""A fast synthetic news site on loopback: an RSS feed of N distinct article pages.

Counts the requests it serves at the same moment (`max_in_flight`) and when each started, so
tests can check politeness from the server's side; `latency` makes each response take that
long, so overlapping requests would show. Shared by tests/distributed and
benchmarks/bench_distributed.py.
"""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOPIC_WORD = "harbourfront"
_WORDS = [
    "council",
    "budget",
    "river",
    "bridge",
    "harbour",
    "school",
    "minister",
    "vote",
    "market",
    "rail",
    "storm",
    "plan",
    "city",
    "court",
    "report",
    "health",
    "police",
    "water",
    "energy",
    "price",
    "union",
    "farm",
    "port",
    "road",
    "tax",
    "museum",
    "festival",
    "airport",
    "hospital",
    "election",
    "protest",
    "bank",
    "climate",
    "housing",
    "transport",
    "fishing",
    "tourism",
]


def article_html(number: int, base: str, published: datetime) -> str:
    rng = random.Random(number)
    paragraphs = [
        " ".join(rng.choice(_WORDS) for _ in range(60)).capitalize() + "." for _ in range(6)
    ]
    paragraphs[0] = f"The {TOPIC_WORD} project, story {number}: " + paragraphs[0]
    title = f"Story {number}: {rng.choice(_WORDS)} {rng.choice(_WORDS)} news"
    stamp = published.strftime("%Y-%m-%dT%H:%M:%SZ")
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": stamp,
        "author": {"@type": "Person", "name": "Ann Writer"},
    }
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="{stamp}">
<link rel="canonical" href="{base}/articles/{number}.html">
<script type="application/ld+json">{json.dumps(data)}</script>
</head><body><article><h1>{title}</h1>
<p class="byline">By Ann Writer</p>
{body}
</article></body></html>"""


class SyntheticSite:
    """Serve `articles` pages on 127.0.0.1 until `stop()`; pages are rendered once."""

    def __init__(self, articles: int, *, latency: float = 0.0) -> None:
        self.latency = latency
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.starts: list[float] = []
        self.served = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                site._enter()
                try:
                    if site.latency:
                        time.sleep(site.latency)
                    status, body, kind = site.pages.get(
                        self.path, (404, b"not found", "text/plain")
                    )
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    site._leave()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        now = datetime.now(UTC).replace(microsecond=0)
        self.urls = [f"{self.base}/articles/{n}.html" for n in range(articles)]
        self.pages: dict[str, tuple[int, bytes, str]] = {
            "/robots.txt": (200, b"User-agent: *\nAllow: /\n", "text/plain"),
            "/feed.xml": (200, self._feed(now).encode(), "application/rss+xml"),
        }
        for n in range(articles):
            html = article_html(n, self.base, now - timedelta(minutes=n))
            self.pages[f"/articles/{n}.html"] = (200, html.encode(), "text/html; charset=utf-8")
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _feed(self, now: datetime) -> str:
        items = "".join(
            f"<item><title>Story {n}</title><link>{url}</link>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=n))}</pubDate></item>"
            for n, url in enumerate(self.urls)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Synthetic</title><link>{self.base}/</link>{items}</channel></rss>"
        )

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.served += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.starts.append(time.monotonic())

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def source(self, name: str = "synthetic", **politeness: float) -> dict:
        """A `[[sources]]` entry for this site."""
        entry = {
            "name": name,
            "home": self.base + "/",
            "feeds": [self.base + "/feed.xml"],
            "robots_sitemaps": False,
        }
        if politeness:
            entry["politeness"] = dict(politeness)
        return entry

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
