"""Rebuild article records from archived WARC files alone, with the current extractor."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from newsspider.archive.warc import CapturedResponse, iter_responses
from newsspider.article import FetchedPage, record_from_page
from newsspider.config import Config, Source
from newsspider.extraction.errors import NotAnArticle
from newsspider.query.api import Archive
from newsspider.relevance import TopicMatcher

log = logging.getLogger(__name__)


def source_for_url(config: Config, url: str) -> Source | None:
    """The configured source whose allowed domains cover the URL's host."""
    host = (urlsplit(url).hostname or "").lower()
    for source in config.sources:
        for domain in source.allowed_domains:
            if host == domain or host.endswith("." + domain):
                return source
    return None


def reextract(archive: Archive, config: Config, *, keep_irrelevant: bool = False) -> Iterator[dict]:
    """Records re-extracted from every sealed WARC file of the archive, in archive order."""
    matcher = TopicMatcher(config.topics)
    for manifest in archive.snapshots():
        for entry in manifest.get("raw", []):
            data = archive.store.get(entry["key"])
            for response in iter_responses(data):
                record = _record(response, entry["key"], config)
                if record is None:
                    continue
                scores = matcher.match(record)
                record["topics"], record["topic_scores"] = sorted(scores), scores
                if scores or keep_irrelevant:
                    yield record


def _record(response: CapturedResponse, warc_file: str, config: Config) -> dict | None:
    headers = response.http_headers
    content_type = headers.get_header("Content-Type") or ""
    if headers.get_statuscode() != "200" or "html" not in content_type.lower():
        return None
    source = source_for_url(config, response.url)
    if source is None:
        return None
    if source.article_url_pattern and not re.search(source.article_url_pattern, response.url):
        return None
    charset = re.search(r"charset=([\w.:-]+)", content_type, re.I)
    page = FetchedPage(
        url=response.url,
        source=source.name,
        html=response.payload,
        fetched_at=response.warc_date,
        encoding=charset.group(1) if charset else None,
        warc={
            "warc_file": warc_file,
            "warc_record_id": response.record_id,
            "warc_offset": response.offset,
            "warc_length": response.length,
        },
    )
    try:
        return record_from_page(page, source)
    except NotAnArticle as exc:
        log.debug("not an article: %s (%s)", response.url, exc)
        return None
