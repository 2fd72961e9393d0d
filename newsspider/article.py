"""From a fetched page to an article record: extraction plus the fields the crawl knows.

Shared by the crawl's ExtractionPipeline and by re-extraction from WARC files, so a record
is assembled the same way whichever path produced it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from newsspider.config import Source
from newsspider.dedup.urls import canonicalize_url
from newsspider.record import empty_record, parse_timestamp


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str
    source: str
    html: bytes
    fetched_at: str
    encoding: str | None = None
    listed_at: str | None = None
    warc: dict | None = None


def normalized_text_sha256(text: str) -> str:
    """SHA-256 of the body with case and white space folded: the exact-duplicate key."""
    folded = re.sub(r"\s+", " ", text).strip().casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def record_from_page(page: FetchedPage, source: Source) -> dict:
    """Extract and assemble a record; raises `NotAnArticle` for pages that are not stories."""
    # here, not at the top: the crawl process builds FetchedPages but never extracts
    from newsspider.extraction.extract import extract_article

    fields = extract_article(
        page.html,
        page.url,
        timezone=source.timezone,
        selectors=source.selectors,
        encoding=page.encoding,
        now=parse_timestamp(page.fetched_at),
    )
    record = empty_record()
    record.update({k: v for k, v in fields.items() if k in record and v is not None})
    record["url"] = page.url
    record["source"] = source.name
    record["fetched_at"] = page.fetched_at
    record["canonical_url"] = canonicalize_url(fields.get("canonical_url") or page.url)
    if not record["published_at"] and page.listed_at:
        record["published_at"] = page.listed_at
        record["extraction"] = {**record["extraction"], "published_at": "listing"}
    if not record["language"]:
        record["language"] = source.language
    record["content_sha256"] = normalized_text_sha256(record["body"] or "")
    for name, value in (page.warc or {}).items():
        if name.startswith("warc_"):
            record[name] = value
    return record
