"""RSS 2.0, RSS 1.0 and Atom feeds → article links, via feedparser's forgiving parsers."""

from __future__ import annotations

import calendar
import io
import logging
import time
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from w3lib.html import remove_tags, replace_entities

from newsspider.discovery.links import Link, dedupe_links, resolve_http_url

log = logging.getLogger(__name__)

_ENCODING_ERRORS = (feedparser.CharacterEncodingOverride, feedparser.CharacterEncodingUnknown)


@dataclass
class FeedResult:
    """Links found in a feed; ``problem`` says what was wrong with it (None when clean)."""

    links: list[Link]
    problem: str | None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> FeedResult:
    """Entries of the feed at ``url`` as links, recovering what it can from broken XML.

    feedparser gets a stream, never a string: given bytes it would try them as a local file
    name first. Entries whose link is not http(s) are dropped.
    """
    headers = _response_headers(url, content_type)
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    links = []
    for entry in parsed.entries:
        link = resolve_http_url(entry.get("link"), url)
        if link is None:
            continue
        # dict.get: feedparser's own lookup silently falls back from "updated" to "published".
        updated = _utc(dict.get(entry, "updated_parsed"))
        title = _plain_title(entry)
        published = _utc(dict.get(entry, "published_parsed")) or updated
        links.append(Link(link, published, updated, title, via="feed"))
    links = dedupe_links(links)
    problem = _describe_problem(parsed, len(links))
    if problem:
        log.info("feed %s: %s", url, problem)
    return FeedResult(links, problem)


def _response_headers(url: str, content_type: str | None) -> dict[str, str]:
    """Headers for feedparser: the feed's location as base URI and only the charset we were told.

    Feeds are routinely served as text/html or text/plain, and feedparser follows RFC 3023
    (text/* without charset means US-ASCII); both would report clean UTF-8 feeds as broken.
    Like RFC 7303 and browsers, we trust a declared charset and otherwise the XML itself.
    """
    charset = None
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            charset = value.strip(" \"'")
    media_type = f"application/xml; charset={charset}" if charset else "application/xml"
    return {"content-type": media_type, "content-location": url}


def _plain_title(entry: feedparser.FeedParserDict) -> str | None:
    """Entry title as plain text: Atom allows (and broken feeds smuggle in) HTML titles."""
    title = entry.get("title") or ""
    if entry.get("title_detail", {}).get("type", "text/plain") != "text/plain":
        title = replace_entities(remove_tags(title))
    return " ".join(title.split()) or None


def _utc(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time → aware datetime (None when absent or impossible)."""
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _describe_problem(parsed: feedparser.FeedParserDict, recovered: int) -> str | None:
    if not parsed.get("version") and not parsed.entries:
        return "not a feed (no RSS or Atom elements found)"
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if isinstance(exc, xml.sax.SAXParseException):
        detail = f"malformed XML ({exc.getMessage()} at line {exc.getLineNumber()})"
    elif isinstance(exc, _ENCODING_ERRORS):
        detail = f"character encoding ({exc})"
    else:
        detail = f"{type(exc).__name__} ({exc})"
    return f"{detail}, {recovered} entries recovered"
