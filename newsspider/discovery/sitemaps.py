"""Sitemaps → child sitemaps and pages with their dates (sitemaps.org and Google News).

Parsing is XXE-safe and namespace-agnostic (many sites get the namespace wrong); gzip bodies
are inflated with a bound; plain-text sitemaps (one URL a line) are accepted as the protocol
allows. Sitemaps that are really RSS/Atom feeds (also allowed) go to the feed parser.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from lxml import etree

from newsspider.discovery.feeds import parse_feed
from newsspider.discovery.links import Link, dedupe_links, resolve_http_url

log = logging.getLogger(__name__)

#: The protocol's limit for an uncompressed sitemap; a bigger gzip body is refused unread.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024

_FEED_ROOTS = frozenset({"rss", "feed", "RDF"})

# "&" not starting an entity: the commonest sitemap bug (raw query strings in <loc>); left to
# the recovering parser it silently drops the parameter, so escape it before parsing.
_BARE_AMPERSAND = re.compile(rb"&(?!#?\w+;)")

# W3C datetime (YYYY, YYYY-MM, YYYY-MM-DD, with optional time and zone); also accepts the
# common deviations: a space instead of "T", "+0900", and no zone (read as UTC).
_W3C_DATETIME = re.compile(
    r"(?P<y>\d{4})(?:-(?P<mo>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)?)?",
    re.IGNORECASE,
)


@dataclass
class SitemapResult:
    """Child sitemaps (of an index) and pages (of a urlset); ``problem`` None when clean."""

    sitemaps: list[Link]
    pages: list[Link]
    problem: str | None


def parse_sitemap(body: bytes, url: str) -> SitemapResult:
    """Links of the sitemap or sitemap index at ``url``; an unusable body gives an empty result."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = _gunzip(body, MAX_SITEMAP_BYTES)
        except ValueError as exc:
            return _failed(url, str(exc))
    if not body.strip():
        return _failed(url, "empty body")
    text_start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:8].lower()
    if text_start.startswith((b"http://", b"https://")):
        return _parse_text_sitemap(body, url)

    xml_body, bare_ampersands = _BARE_AMPERSAND.subn(b"&amp;", body)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        recover=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(xml_body, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return _failed(url, "not XML")
    kind = _localname(root)
    if kind in _FEED_ROOTS:
        feed = parse_feed(body, url)
        return SitemapResult([], feed.links, feed.problem)

    sitemaps: list[Link] = []
    pages: list[Link] = []
    if kind == "sitemapindex":
        sitemaps = dedupe_links(_entries(root, "sitemap", url))
    elif kind == "urlset":
        pages = dedupe_links(_entries(root, "url", url))
    else:
        return _failed(url, f"not a sitemap (root element <{kind}>)")

    # Undeclared namespace prefixes are common and harmless here: matching is by local name.
    errors = [
        f"{error.message} at line {error.line}"
        for error in parser.error_log
        if error.domain_name != "NAMESPACE"
    ]
    if bare_ampersands:
        errors.insert(0, f"{bare_ampersands} unescaped '&'")
    if not errors:
        return SitemapResult(sitemaps, pages, None)
    found = len(sitemaps) + len(pages)
    problem = f"malformed XML ({errors[0]}), {found} URLs recovered"
    log.info("sitemap %s: %s", url, problem)
    return SitemapResult(sitemaps, pages, problem)


def parse_w3c_datetime(value: str | None) -> datetime | None:
    """Aware UTC datetime for a W3C datetime (date-only means midnight UTC), None if invalid."""
    match = _W3C_DATETIME.fullmatch((value or "").strip())
    if match is None:
        return None
    g = match.groupdict()
    try:
        parsed = datetime(
            int(g["y"]),
            int(g["mo"] or 1),
            int(g["d"] or 1),
            int(g["h"] or 0),
            int(g["mi"] or 0),
            int(g["s"] or 0),
            int((g["f"] or "0")[:6].ljust(6, "0")),
            tzinfo=_zone(g["tz"]),
        )
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _zone(designator: str | None) -> timezone:
    if designator is None or designator.upper() == "Z":
        return UTC
    sign = -1 if designator[0] == "-" else 1
    digits = designator[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _entries(root: etree._Element, tag: str, base: str) -> list[Link]:
    """One link per ``<sitemap>``/``<url>`` with a valid ``<loc>``, matched by local name.

    Searches the whole tree: the recovering parser nests siblings after an unclosed tag.
    """
    links = []
    for element in root.iter():
        if _localname(element) != tag:
            continue
        fields = _child_texts(element)
        loc = resolve_http_url(fields.get("loc"), base)
        if loc is None:
            continue
        lastmod = parse_w3c_datetime(fields.get("lastmod"))
        published, title = None, None
        news = next((c for c in element if _localname(c) == "news"), None)
        if news is not None:
            news_fields = _child_texts(news)
            published = parse_w3c_datetime(news_fields.get("publication_date"))
            title = news_fields.get("title") or None
        links.append(Link(loc, published, lastmod, title, via="sitemap"))
    return links


def _child_texts(element: etree._Element) -> dict[str, str]:
    return {
        _localname(child): (child.text or "").strip()
        for child in element
        if isinstance(child.tag, str)
    }


def _localname(element: etree._Element) -> str:
    """Tag without namespace, also without an undeclared prefix (which lxml keeps as "p:tag")."""
    if not isinstance(element.tag, str):
        return ""
    return element.tag.rpartition("}")[2].rpartition(":")[2]


def _parse_text_sitemap(body: bytes, url: str) -> SitemapResult:
    """One absolute URL a line (the protocol allows no relative ones); other lines are skipped."""
    lines = body.decode("utf-8", "replace").split()
    links = [
        Link(u, None, via="sitemap")
        for line in lines
        if line.lower().startswith(("http://", "https://")) and (u := resolve_http_url(line, url))
    ]
    return SitemapResult([], dedupe_links(links), None)


def _gunzip(body: bytes, limit: int) -> bytes:
    """Inflate a (possibly multi-member) gzip body; refuse to produce more than ``limit`` bytes.

    Bytes after the last member (servers pad with zeros) are ignored, as gzip(1) does.
    """
    out = bytearray()
    data = body
    while data[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(data, limit + 1 - len(out))
        except zlib.error as exc:
            raise ValueError(f"corrupt gzip body ({exc})") from None
        if len(out) > limit:
            raise ValueError(f"gzip body inflates beyond {limit // (1024 * 1024)} MB; not read")
        if not inflater.eof:
            raise ValueError("truncated gzip body")
        data = inflater.unused_data
    return bytes(out)


def _failed(url: str, problem: str) -> SitemapResult:
    log.info("sitemap %s: %s", url, problem)
    return SitemapResult([], [], problem)
