"""A loopback web of misbehaving sites: the hostile-input corpus for crawl tests.

Each `Case` is one small site on its own loopback address, so it gets its own Scrapy download
slot and a stalled case cannot starve the others. A case holds the routes it serves, the
`[[sources]]` entry that leads a crawl into it, and what the crawl must show afterwards
(`Expect`). `HostileWeb.start()` serves every case on 127.0.0.x; nothing here listens
anywhere else, and links or redirects to private and metadata addresses are only ever
written into responses, never served.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
from backports import zstd

#: First loopback address used by the corpus (the test web uses 127.0.0.11–15 and .99).
FIRST_IP = 40
MB = 1024 * 1024
GB = 1024 * MB
#: A line of /etc/passwd: it must never turn up in anything the crawl produces.
PASSWD_MARKER = "root:x:0:0"
#: Addresses a hostile site points the crawler at; the guard refuses them before connecting.
FORBIDDEN_TARGETS = {
    "metadata": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "metadata-decimal": "http://2852039166/latest/meta-data/",
    "private-10": "http://10.0.0.1/admin",
    "private-192": "http://192.168.1.1/",
    "private-172": "http://172.16.0.1:8080/",
    "ipv6-ula": "http://[fd00::1]/",
    "ipv6-link-local": "http://[fe80::1]/",
    "unspecified": "http://0.0.0.0:6379/",
}

Reply = Callable[["_Handler"], None]


@dataclass(frozen=True)
class Expect:
    """What a crawl must show for a case; ``{base}`` in strings is the case's site URL."""

    kept: int | None = 0  # articles of this source in the archive (None: not judged)
    log: tuple[str, ...] = ()  # each must occur in the crawl log: the case was reported
    stats: dict[str, int] = field(default_factory=dict)  # stat → minimum value: it was counted
    never_requested: tuple[str, ...] = ()  # request targets the crawler must not fetch
    max_requests: int | None = None  # bounded work: requests to this site at most


@dataclass(frozen=True)
class Case:
    """One hostile site: what it attacks, what it serves, how a source finds it."""

    name: str
    why: str
    routes: Callable[[str], dict[str, Reply]]  # base URL → request target → reply
    expect: Expect
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    robots_sitemaps: bool = False

    @property
    def source(self) -> str:
        return f"h-{self.name}"


# Replies ------------------------------------------------------------------------------------


def static(
    body: bytes | str,
    content_type: str = "text/html; charset=utf-8",
    *,
    status: int = 200,
    headers: Iterable[tuple[str, str]] = (),
) -> Reply:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def reply(handler: _Handler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    return reply


def redirect(location: str, status: int = 302) -> Reply:
    return static(b"", status=status, headers=[("Location", location)])


def streamed(
    chunks: Callable[[], Iterator[bytes]],
    *,
    content_type: str = "text/html; charset=utf-8",
    length: int | None = None,
    chunked: bool = True,
    delay: float = 0.0,
) -> Reply:
    """A body written piece by piece: chunked, with a (possibly false) length, or until close."""

    def reply(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        if length is not None:
            handler.send_header("Content-Length", str(length))
        elif chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        for chunk in chunks():
            if handler.stopping.is_set():
                return
            if chunked and length is None:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                handler.wfile.write(chunk)
            handler.wfile.flush()
            if delay:
                handler.stopping.wait(delay)

    return reply


def drip(raw: bytes, delay: float) -> Reply:
    """The whole response, status line included, one byte every ``delay`` seconds."""

    def reply(handler: _Handler) -> None:
        handler.close_connection = True
        for byte in raw:
            if handler.stopping.wait(delay):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    return reply


def silent() -> Reply:
    """Read the request, then say nothing until the client gives up."""

    def reply(handler: _Handler) -> None:
        handler.close_connection = True
        handler.stopping.wait(60)

    return reply


def forever(chunk: bytes) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        while True:
            yield chunk

    return chunks


def repeat(chunk: bytes, times: int) -> Callable[[], Iterator[bytes]]:
    return lambda: (chunk for _ in range(times))


# Bombs: tiny bodies that inflate to gigabytes (made once per process, in parallel) -----------


def _deflate_stream(total: int, wbits: int) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    zeros = bytes(4 * MB)
    parts = [compressor.compress(zeros) for _ in range(total // len(zeros))]
    return b"".join([*parts, compressor.flush()])


def _brotli_stream(total: int) -> bytes:
    compressor = brotli.Compressor(quality=5)
    zeros = bytes(4 * MB)
    parts = [compressor.process(zeros) for _ in range(total // len(zeros))]
    return b"".join([*parts, compressor.finish()])


def _zstd_stream(total: int) -> bytes:
    compressor = zstd.ZstdCompressor(level=3)
    zeros = bytes(4 * MB)
    parts = [compressor.compress(zeros) for _ in range(total // len(zeros))]
    return b"".join([*parts, compressor.flush()])


@cache
def bombs() -> dict[str, bytes]:
    """gzip 1 GiB, gzip-in-gzip 1 GiB, deflate 1 GiB, brotli 4 GiB, zstd 4 GiB of zeros."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {
            "gzip": pool.submit(_deflate_stream, GB, 31),
            "deflate": pool.submit(_deflate_stream, GB, 15),
            "br": pool.submit(_brotli_stream, 4 * GB),
            "zstd": pool.submit(_zstd_stream, 4 * GB),
        }
        made = {name: future.result() for name, future in futures.items()}
    made["gzip-gzip"] = gzip.compress(made["gzip"], 9)
    return made


def bomb(encoding: str, content_type: str = "text/html; charset=utf-8") -> Reply:
    header = {"gzip-gzip": "gzip, gzip"}.get(encoding, encoding)
    return static(bombs()[encoding], content_type, headers=[("Content-Encoding", header)])


# Documents ----------------------------------------------------------------------------------


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def article(
    title: str,
    base: str,
    *,
    headline: str | None = None,
    published: str | None = None,
    extra_head: str = "",
    extra_body: str = "",
) -> str:
    """A relevant, recent news article the extractor accepts (the corpus's honest page).

    The body names ``base`` (the case's site): equal bodies would be dropped as duplicates.
    """
    paragraphs = "\n".join(
        f"<p>{escape(text)}</p>"
        for text in (
            "North Korean troops deployed to the Kursk region of Russia suffered heavy "
            "casualties this week, according to Ukrainian military intelligence officials.",
            "The soldiers, dispatched by Pyongyang under a mutual defence treaty with Moscow, "
            "were fighting alongside Russian units near the border, the officials said.",
            "South Korea's spy agency said it was verifying the reports and that several "
            "North Korean soldiers had been captured by Ukrainian forces in recent days.",
            "Analysts say the deployment gives Pyongyang combat experience and access to "
            "Russian military technology, while Moscow gains manpower for its offensive.",
        )
    )
    metadata = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline if headline is not None else title,
        "datePublished": published or now_iso(),
        "author": {"@type": "Person", "name": "Kim Min-ji"},
    }
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title>"
        f"<script type='application/ld+json'>{json.dumps(metadata)}</script>{extra_head}"
        f"</head><body><article><h1>{escape(title)}</h1>"
        f"<p class='byline'>By Kim Min-ji</p>{paragraphs}<p>Filed from {escape(base)}.</p>"
        f"{extra_body}</article></body></html>"
    )


def rss(items: Iterable[tuple[str, str]], *, doctype: str = "", dated: bool = True) -> str:
    """RSS 2.0 with (title, link) items; ``doctype`` is inserted verbatim (entities, DTDs)."""
    date = f"<pubDate>{_rfc822()}</pubDate>" if dated else ""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link>{date}</item>" for title, link in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0"><channel>'
        f"<title>Hostile feed</title><link>http://example.invalid/</link>{body}</channel></rss>"
    )


def urlset(locs: Iterable[str], *, doctype: str = "") -> str:
    body = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
    )


def sitemap_index(locs: Iterable[str]) -> str:
    body = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>'
    )


def section(links: Iterable[str]) -> str:
    anchors = "".join(f'<li><a href="{escape(link)}">Story</a></li>' for link in links)
    return f"<!DOCTYPE html><html><body><h1>Latest</h1><ul>{anchors}</ul></body></html>"


def _rfc822() -> str:
    return datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
LAUGHS = "<!DOCTYPE lolz [<!ENTITY lol0 'lol'>" + "".join(
    f"<!ENTITY lol{i} '{f'&lol{i - 1};' * 10}'>" for i in range(1, 10)
)
XXE_FILE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def xxe_remote(base: str) -> str:
    """A DOCTYPE reading /etc/passwd, loading a DTD and an entity from ``base``."""
    return (
        '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        f'<!ENTITY % dtd SYSTEM "{base}/evil.dtd"> %dtd;'
        f'<!ENTITY ext SYSTEM "{base}/external-entity">]>'
    )


# The corpus ---------------------------------------------------------------------------------

TITLE = "North Korean troops suffer losses in Kursk"
TRAVERSAL_PATH = "/news/..%2F..%2F..%2Fetc%2Fpasswd?source=..%2F..%2Fetc&date=..%2F.."
INJECTED_TITLE = "[bold red]PWNED[/bold red] \x1b[2J\x1b[31mNorth Korean troops in Kursk"
_PRIVATE_NAMES = ("private-10", "private-192", "private-172", "ipv6-ula", "unspecified")


def _ok(base: str, path: str = "/news/ok-article") -> dict[str, Reply]:
    return {path: static(article(TITLE, base))}


CASES: list[Case] = [
    Case(
        "xxe-feed",
        "RSS feed whose DOCTYPE declares an external entity reading /etc/passwd",
        lambda b: {
            "/feed.xml": static(
                rss([("Kursk &xxe;", f"{b}/news/ok-article")], doctype=XXE_FILE), RSS
            ),
            **_ok(b),
        },
        Expect(kept=1),
        feeds=("/feed.xml",),
    ),
    Case(
        "xxe-remote-dtd-feed",
        "feed pulling an external DTD and entity over HTTP (blind XXE / out-of-band)",
        lambda b: {
            "/feed.xml": static(
                rss([("Kursk &ext;", f"{b}/news/ok-article")], doctype=xxe_remote(b)), RSS
            ),
            "/evil.dtd": static('<!ENTITY leak SYSTEM "file:///etc/passwd">', XML),
            **_ok(b),
        },
        Expect(kept=1, never_requested=("/evil.dtd", "/external-entity")),
        feeds=("/feed.xml",),
    ),
    Case(
        "xxe-sitemap",
        "sitemap with file and remote external entities in <loc>",
        lambda b: {
            "/sitemap.xml": static(
                urlset(["&xxe;", f"{b}/news/ok-article", "&ext;"], doctype=xxe_remote(b)),
                XML,
            ),
            **_ok(b),
        },
        Expect(kept=1, never_requested=("/evil.dtd", "/external-entity")),
        sitemaps=("/sitemap.xml",),
    ),
    Case(
        "billion-laughs-feed",
        "feed with nested entities expanding to 10^9 'lol's",
        lambda b: {
            "/feed.xml": static(
                rss([("&lol9;", f"{b}/news/ok-article")], doctype=LAUGHS + "]>"), RSS
            ),
            **_ok(b),
        },
        Expect(
            kept=None, log=("{base}/feed.xml",), stats={"newsspider/discovery/feed_problems": 1}
        ),
        feeds=("/feed.xml",),
    ),
    Case(
        "billion-laughs-sitemap",
        "sitemap with nested entities expanding to 10^9 'lol's",
        lambda b: {
            "/sitemap.xml": static(urlset([f"{b}/news/&lol9;"], doctype=LAUGHS + "]>"), XML),
        },
        Expect(max_requests=3),
        sitemaps=("/sitemap.xml",),
    ),
    Case(
        "quadratic-blowup-feed",
        "one 100 kB entity referenced 10,000 times (1 GB without a DTD nesting)",
        lambda b: {
            "/feed.xml": static(
                rss(
                    [("&a;" * 10_000, f"{b}/news/ok-article")],
                    doctype=f"<!DOCTYPE r [<!ENTITY a '{'A' * 100_000}'>]>",
                ),
                RSS,
            ),
            **_ok(b),
        },
        Expect(kept=None, log=("{base}/feed.xml",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "gzip-bomb-article",
        "article served with Content-Encoding: gzip, 1 MB inflating to 1 GiB",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/bomb")]), RSS),
            "/news/bomb": bomb("gzip"),
        },
        Expect(log=("{base}/news/bomb",), stats={"newsspider/skipped/ignored": 1}),
        feeds=("/feed.xml",),
    ),
    Case(
        "gzip-in-gzip-bomb",
        "Content-Encoding: gzip, gzip: 2 kB inflating to 1 MB inflating to 1 GiB",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/bomb")]), RSS),
            "/news/bomb": bomb("gzip-gzip"),
        },
        Expect(log=("{base}/news/bomb",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "brotli-bomb-article",
        "Content-Encoding: br, a few kB inflating to 4 GiB",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/bomb")]), RSS),
            "/news/bomb": bomb("br"),
        },
        Expect(log=("{base}/news/bomb",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "zstd-bomb-article",
        "Content-Encoding: zstd, inflating to 4 GiB",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/bomb")]), RSS),
            "/news/bomb": bomb("zstd"),
        },
        Expect(log=("{base}/news/bomb",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "deflate-bomb-feed",
        "the feed itself with Content-Encoding: deflate inflating to 1 GiB",
        lambda b: {"/feed.xml": bomb("deflate", RSS)},
        Expect(log=("{base}/feed.xml",), stats={"newsspider/errors/feed": 1}),
        feeds=("/feed.xml",),
    ),
    Case(
        "gzip-bomb-sitemap-file",
        "sitemap.xml.gz body (no Content-Encoding) inflating to 1 GiB",
        lambda b: {"/sitemap.xml.gz": static(bombs()["gzip"], "application/x-gzip")},
        Expect(log=("{base}/sitemap.xml.gz",), stats={"newsspider/discovery/sitemap_problems": 1}),
        sitemaps=("/sitemap.xml.gz",),
    ),
    Case(
        "huge-page",
        "a 50 MB article page with an honest Content-Length",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/huge")]), RSS),
            "/news/huge": streamed(repeat(b"<p>" + b"x" * (MB - 3), 50), length=50 * MB),
        },
        Expect(log=("{base}/news/huge",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "huge-page-unannounced",
        "a 50 MB article page without Content-Length (body until close)",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/huge")]), RSS),
            "/news/huge": streamed(repeat(b"<p>" + b"x" * (MB - 3), 50), chunked=False),
        },
        Expect(log=("{base}/news/huge",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "endless-chunked",
        "a chunked article body that never ends, as fast as the socket takes it",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/endless")]), RSS),
            "/news/endless": streamed(forever(b"<p>more news</p>" * 4096)),
        },
        Expect(log=("{base}/news/endless",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "endless-chunked-feed",
        "a feed that streams <item>s forever",
        lambda b: {
            "/feed.xml": streamed(
                lambda: _endless_feed(b),
                content_type=RSS,
            ),
        },
        Expect(log=("{base}/feed.xml",), max_requests=3),
        feeds=("/feed.xml",),
    ),
    Case(
        "slow-drip-body",
        "an article trickling one small chunk every 0.5 s, forever",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/slow")]), RSS),
            "/news/slow": streamed(forever(b"<p>a</p>"), delay=0.5),
        },
        Expect(log=("{base}/news/slow",), stats={"newsspider/errors/articles": 1}),
        feeds=("/feed.xml",),
    ),
    Case(
        "slow-drip-headers",
        "status line and headers one byte per second (slowloris in reverse)",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/slow")]), RSS),
            "/news/slow": drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>", 1.0),
        },
        Expect(log=("{base}/news/slow",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "never-answers",
        "a sitemap URL that accepts the connection and never answers",
        lambda b: {"/sitemap.xml": silent()},
        Expect(log=("{base}/sitemap.xml",), stats={"newsspider/errors/sitemap": 1}),
        sitemaps=("/sitemap.xml",),
    ),
    Case(
        "short-body",
        "Content-Length promises 100 kB, the server sends 2 kB and closes",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/short")]), RSS),
            "/news/short": streamed(repeat(article(TITLE, b)[:2000].encode(), 1), length=100_000),
        },
        Expect(log=("{base}/news/short",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "mislabeled-encoding",
        "Korean article in EUC-KR served as charset=utf-8",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/euc-kr")]), RSS),
            "/news/euc-kr": static(
                article("북한군 쿠르스크 파병 " + TITLE, b).encode("euc-kr", "replace"),
                "text/html; charset=utf-8",
            ),
        },
        Expect(kept=None),
        feeds=("/feed.xml",),
    ),
    Case(
        "unknown-charset",
        "charset=x-no-such-charset in the header and a bogus <meta charset>",
        lambda b: {
            "/feed.xml": static(
                rss([(TITLE, f"{b}/news/bogus")]), "application/rss+xml; charset=x-nope"
            ),
            "/news/bogus": static(
                article(TITLE, b, extra_head="<meta charset='x-no-such-charset'>"),
                "text/html; charset=x-no-such-charset",
            ),
        },
        Expect(kept=None),
        feeds=("/feed.xml",),
    ),
    Case(
        "utf16-label-on-utf8",
        "UTF-8 bytes labelled charset=utf-16 (feed and article)",
        lambda b: {
            "/feed.xml": static(
                rss([(TITLE, f"{b}/news/utf16")]), "application/rss+xml; charset=utf-16"
            ),
            "/news/utf16": static(article(TITLE, b), "text/html; charset=utf-16"),
        },
        Expect(kept=None),
        feeds=("/feed.xml",),
    ),
    Case(
        "binary-garbage",
        "random bytes with NULs served as an HTML article, and as a feed",
        lambda b: {
            "/feed.xml": static(
                rss([(TITLE, f"{b}/news/garbage")]).encode() + bytes(range(256)) * 64, RSS
            ),
            "/news/garbage": static(bytes(range(256)) * 400 + b"\x00" * 1000, "text/html"),
        },
        Expect(log=("{base}/feed.xml",), stats={"newsspider/dropped/not_article": 1}),
        feeds=("/feed.xml",),
    ),
    Case(
        "invalid-sitemaps",
        "a sitemap index of broken children: truncated XML, HTML, JSON, empty, wrong root",
        lambda b: {
            "/sitemap.xml": static(sitemap_index(f"{b}/sm-{n}.xml" for n in range(5)), XML),
            "/sm-0.xml": static(urlset([f"{b}/news/ok-article"])[:-40], XML),
            "/sm-1.xml": static("<html><body>Not a sitemap</body></html>", XML),
            "/sm-2.xml": static('{"urls": ["/news/ok-article"]}', "application/json"),
            "/sm-3.xml": static("", XML),
            "/sm-4.xml": static("<?xml version='1.0'?><feedburner/>", XML),
            **_ok(b),
        },
        Expect(kept=None, stats={"newsspider/discovery/sitemap_problems": 4}),
        sitemaps=("/sitemap.xml",),
    ),
    Case(
        "sitemap-index-loop",
        "sitemap indexes that list each other and themselves",
        lambda b: {
            "/a.xml": static(sitemap_index([f"{b}/a.xml", f"{b}/b.xml"]), XML),
            "/b.xml": static(sitemap_index([f"{b}/a.xml", f"{b}/b.xml?again=1"]), XML),
            "/b.xml?again=1": static(sitemap_index([f"{b}/a.xml", f"{b}/b.xml"]), XML),
        },
        Expect(max_requests=5, stats={"dupefilter/filtered": 1}),
        sitemaps=("/a.xml",),
    ),
    Case(
        "redirect-loop",
        "two articles redirecting to each other, and one redirecting to itself with a new query",
        lambda b: {
            "/feed.xml": static(
                rss([(TITLE, f"{b}/news/ping"), (TITLE, f"{b}/news/self?n=0")]), RSS
            ),
            "/news/ping": redirect(f"{b}/news/pong"),
            "/news/pong": redirect(f"{b}/news/ping"),
            **{f"/news/self?n={n}": redirect(f"{b}/news/self?n={n + 1}") for n in range(50)},
        },
        Expect(
            log=("{base}/news/self",),
            stats={"newsspider/skipped/ignored": 1, "dupefilter/filtered": 1},
            max_requests=20,
        ),
        feeds=("/feed.xml",),
    ),
    Case(
        "redirect-to-metadata",
        "article redirects to the cloud metadata service (literal and decimal address)",
        lambda b: {
            "/feed.xml": static(
                rss([(TITLE, f"{b}/news/a"), (TITLE, f"{b}/news/b"), (TITLE, f"{b}/news/c")]),
                RSS,
            ),
            "/news/a": redirect(FORBIDDEN_TARGETS["metadata"]),
            "/news/b": redirect(FORBIDDEN_TARGETS["metadata-decimal"]),
            "/news/c": redirect(FORBIDDEN_TARGETS["metadata"], status=307),
        },
        Expect(log=("169.254.169.254",), stats={"newsspider/blocked/metadata": 3}),
        feeds=("/feed.xml",),
    ),
    Case(
        "redirect-to-private",
        "article redirects to 10.0.0.1, 192.168.1.1, 172.16.0.1, fd00::1 and 0.0.0.0",
        lambda b: {
            "/feed.xml": static(rss((TITLE, f"{b}/news/{name}") for name in _PRIVATE_NAMES), RSS),
            **{f"/news/{name}": redirect(FORBIDDEN_TARGETS[name]) for name in _PRIVATE_NAMES},
        },
        Expect(
            log=("10.0.0.1", "192.168.1.1", "172.16.0.1", "fd00::1", "0.0.0.0"),
            stats={"newsspider/blocked/private": 4, "newsspider/blocked/unspecified": 1},
        ),
        feeds=("/feed.xml",),
    ),
    Case(
        "meta-refresh-to-metadata",
        "an article page whose <meta http-equiv=refresh> points at the metadata service",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/refresh")]), RSS),
            "/news/refresh": static(
                "<html><head><meta http-equiv='refresh' content='0;url="
                f"{FORBIDDEN_TARGETS['metadata']}'></head><body>Moved</body></html>"
            ),
        },
        Expect(stats={"newsspider/blocked/metadata": 1}),
        feeds=("/feed.xml",),
    ),
    Case(
        "redirect-to-file",
        "redirects to file:///etc/passwd and data: URLs",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/file"), (TITLE, f"{b}/news/data")]), RSS),
            "/news/file": redirect("file:///etc/passwd"),
            "/news/data": redirect("data:text/html,<title>North Korean troops</title>"),
        },
        Expect(log=("{base}/news/file",)),
        feeds=("/feed.xml",),
    ),
    Case(
        "feed-links-to-forbidden",
        "feed entries linking to private, metadata, file:, data:, ftp: and javascript: URLs",
        lambda b: {
            "/feed.xml": static(
                rss(
                    [(TITLE, escape(url)) for url in FORBIDDEN_TARGETS.values()]
                    + [
                        (TITLE, "file:///etc/passwd"),
                        (TITLE, "data:text/html;base64,PGgxPng8L2gxPg=="),
                        (TITLE, "ftp://127.0.0.1/pub/x"),
                        (TITLE, "javascript:alert(1)"),
                        (TITLE, f"{b}/news/ok-article"),
                    ]
                ),
                RSS,
            ),
            **_ok(b),
        },
        Expect(kept=1, stats={"newsspider/blocked/metadata": 2}),
        feeds=("/feed.xml",),
    ),
    Case(
        "sitemap-links-to-forbidden",
        "sitemap and sitemap-index entries pointing at private and metadata addresses",
        lambda b: {
            "/sitemap.xml": static(
                sitemap_index([FORBIDDEN_TARGETS["metadata"] + "sitemap.xml", f"{b}/child.xml"]),
                XML,
            ),
            "/child.xml": static(
                urlset([escape(u) for u in FORBIDDEN_TARGETS.values()] + [f"{b}/news/ok-article"]),
                XML,
            ),
            **_ok(b),
        },
        Expect(kept=1, stats={"newsspider/blocked/metadata": 3}),
        sitemaps=("/sitemap.xml",),
    ),
    Case(
        "robots-sitemap-to-metadata",
        "robots.txt announcing sitemaps on the metadata service and a private address",
        lambda b: {
            "/robots.txt": static(
                "User-agent: *\nAllow: /\n"
                f"Sitemap: {FORBIDDEN_TARGETS['metadata']}sitemap.xml\n"
                f"Sitemap: {FORBIDDEN_TARGETS['private-10']}/sitemap.xml\n",
                "text/plain",
            ),
        },
        Expect(stats={"newsspider/blocked/metadata": 1, "newsspider/blocked/private": 1}),
        robots_sitemaps=True,
    ),
    Case(
        "section-100k-links",
        "a section page with 100,000 article links",
        lambda b: {
            "/latest": static(
                section(f"/news/2026/01/01/story-{n}-of-many" for n in range(100_000))
            )
        },
        Expect(max_requests=60, stats={"newsspider/discovery/links_capped": 1}),
        sections=("/latest",),
    ),
    Case(
        "sitemap-100k-urls",
        "a sitemap with 100,000 undated URLs",
        lambda b: {
            "/sitemap.xml": static(urlset(f"{b}/news/{n}" for n in range(100_000)), XML),
        },
        Expect(max_requests=60, stats={"newsspider/discovery/links_capped": 1}),
        sitemaps=("/sitemap.xml",),
    ),
    Case(
        "sitemap-index-100k-children",
        "a sitemap index with 100,000 child sitemaps",
        lambda b: {
            "/sitemap.xml": static(sitemap_index(f"{b}/sm/{n}.xml" for n in range(100_000)), XML),
        },
        Expect(max_requests=60, stats={"newsspider/discovery/links_capped": 1}),
        sitemaps=("/sitemap.xml",),
    ),
    Case(
        "feed-100k-entries",
        "an RSS feed with 100,000 items",
        lambda b: {
            "/feed.xml": static(
                rss([(str(n), f"{b}/n/{n}") for n in range(100_000)], dated=False), RSS
            ),
        },
        Expect(max_requests=60, stats={"newsspider/discovery/links_capped": 1}),
        feeds=("/feed.xml",),
    ),
    Case(
        "path-traversal-urls",
        "article URLs and dates that try to climb out of the archive (../, %2F, source=)",
        lambda b: {
            "/feed.xml": static(
                rss(
                    [
                        (TITLE, f"{b}{TRAVERSAL_PATH}"),
                        (TITLE, f"{b}/news/%2e%2e/%2e%2e/archive/manifests/x.json"),
                    ]
                ),
                RSS,
            ),
            TRAVERSAL_PATH: static(article(TITLE, b, published="../../../../etc/passwd")),
            **dict.fromkeys(
                ("/news/%2e%2e/%2e%2e/archive/manifests/x.json", "/archive/manifests/x.json"),
                static(
                    article(
                        "Kursk: North Korean troops captured, Ukraine says",
                        b,
                        published="2026-13-45T99:99:99Z/../../",
                        extra_body="<p>Dated ../../ on purpose.</p>",
                    )
                ),
            ),
        },
        Expect(kept=None),
        feeds=("/feed.xml",),
    ),
    Case(
        "markup-injection",
        "titles with rich markup ([bold red]) and ANSI escapes aimed at the table output",
        lambda b: {
            "/feed.xml": static(rss([(TITLE, f"{b}/news/markup")]), RSS),
            "/news/markup": static(
                article(
                    INJECTED_TITLE,
                    b,
                    headline=INJECTED_TITLE,
                    extra_body="<script>alert(1)</script><p>[link=file:///etc/passwd]x[/link]</p>",
                )
            ),
        },
        Expect(kept=1),
        feeds=("/feed.xml",),
    ),
]


def _endless_feed(base: str) -> Iterator[bytes]:
    yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
    n = 0
    while True:
        n += 1
        yield (f"<item><title>Item {n}</title><link>{base}/news/{n}</link></item>" * 100).encode()


# The server ---------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    site: CaseSite
    stopping: threading.Event
    protocol_version = "HTTP/1.1"
    server_version = "hostile/1.0"
    timeout = 30

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.site.hits[self.path] += 1
        path = self.path.partition("?")[0]
        reply = self.site.routes.get(self.path) or self.site.routes.get(path)
        if reply is None:
            reply = static("<html><body>Not found</body></html>", status=404)
        with contextlib.suppress(OSError):
            reply(self)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up on bombs and endless streams are the point


class CaseSite:
    """One case served on its own loopback address."""

    def __init__(self, case: Case, ip: str, stopping: threading.Event) -> None:
        self.case = case
        self.hits: Counter[str] = Counter()
        handler = type("Handler", (_Handler,), {"site": self, "stopping": stopping})
        self.httpd = _Server((ip, 0), handler)
        self.base = f"http://{ip}:{self.httpd.server_address[1]}"
        self.routes = {
            "/": static("<html><body><h1>Hostile site</h1></body></html>"),
            "/robots.txt": static("User-agent: *\nAllow: /\n", "text/plain"),
            **case.routes(self.base),
        }
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def source(self) -> dict:
        """The `[[sources]]` entry that leads a crawl into this case."""
        case, base = self.case, self.base
        return {
            "name": case.source,
            "home": base + "/",
            "allowed_domains": [self.httpd.server_address[0]],
            "feeds": [base + path for path in case.feeds],
            "sitemaps": [base + path for path in case.sitemaps],
            "sections": [base + path for path in case.sections],
            "robots_sitemaps": case.robots_sitemaps,
            "politeness": {"delay": 0.0, "concurrency": 4},
        }

    def requests(self) -> int:
        """Requests served, robots.txt and the home page not counted."""
        return sum(n for target, n in self.hits.items() if target not in ("/robots.txt", "/"))


class HostileWeb:
    """Every case of the corpus, served; use as a context manager to stop it."""

    __test__ = False

    def __init__(self, cases: list[Case]) -> None:
        self.stopping = threading.Event()
        self.sites: dict[str, CaseSite] = {}
        for offset, case in enumerate(cases):
            self.sites[case.name] = CaseSite(case, f"127.0.0.{FIRST_IP + offset}", self.stopping)

    @classmethod
    def start(cls, cases: list[Case] = CASES) -> HostileWeb:
        bombs()  # made before serving, so no request waits for it
        web = cls(cases)
        for site in web.sites.values():
            site.thread.start()
        return web

    def sources(self) -> list[dict]:
        return [site.source() for site in self.sites.values()]

    def stop(self) -> None:
        self.stopping.set()
        for site in self.sites.values():
            site.httpd.shutdown()
            site.httpd.server_close()

    def __enter__(self) -> HostileWeb:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
