"""The discovered link: what every discovery parser returns, and the checks they share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

_HOST_RE = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")


@dataclass(frozen=True, slots=True)
class Link:
    """A URL found by discovery, with whatever the source said about its dates and title.

    For window checks use ``published_at or modified_at``: a page last modified before the
    window was also published before it.
    """

    url: str  # absolute http(s)
    published_at: datetime | None  # aware UTC
    modified_at: datetime | None = None  # aware UTC
    title: str | None = None
    via: str = "feed"  # "feed" | "sitemap" | "section" | "robots"


def within_window(published_at: datetime | None, now: datetime, days: float) -> bool:
    """True when a story dated ``published_at`` is recent enough to fetch.

    Unknown dates pass: they are fetched and judged after extraction. Future dates pass too,
    since they are usually time-zone mistakes on fresh stories.
    """
    if published_at is None:
        return True
    return published_at >= now - timedelta(days=days)


def resolve_http_url(href: str | None, base: str) -> str | None:
    """Absolute, safely encoded http(s) URL for ``href`` as found on ``base``, or None.

    None for other schemes (javascript:, data:, mailto:, file:, …) and for URLs whose host or
    port is invalid, so nothing downstream has to re-check what discovery hands out.
    """
    href = strip_html5_whitespace(href or "")
    if not href:
        return None
    try:
        url = safe_url_string(urljoin(base, href))  # also rejects bad ports, broken IPv6 hosts
    except ValueError:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if ":" not in parts.hostname and not _HOST_RE.fullmatch(parts.hostname):
        return None
    return url


def host_in_domains(url: str, domains: frozenset[str]) -> bool:
    """True when the URL's host is one of ``domains`` or a subdomain of one (Scrapy's rule)."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def dedupe_links(links: list[Link]) -> list[Link]:
    """First occurrence of each URL, in order: sources often repeat an entry."""
    seen: set[str] = set()
    unique = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            unique.append(link)
    return unique
