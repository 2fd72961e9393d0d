"""What the browser reads from the archive, through the query layer only (never staging).

Article ids: `<key>-<revision>`, where `key` is the first 32 hex digits of the SHA-256 of the
record's canonical URL. Stored canonical URLs are already canonical, so the key equals
`url_key(canonical_url)`: the key the seen-store uses, and the `dup_group` of a story's first
copy. The id stays the same across snapshots and re-seals and names one revision of a story.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from newsspider.archive.store import KeyNotFound, StoreError, check_key
from newsspider.archive.warc import read_response
from newsspider.query.api import Archive, EmptyArchive
from newsspider.record_arrow import table_to_records

ARTICLE_ID = re.compile(r"^(?P<key>[0-9a-f]{32})-(?P<revision>[1-9][0-9]{0,8})$")
GROUP_ID = re.compile(r"^[0-9a-f]{32}$")
#: Raw captures are read from here only: a record's `warc_file` must point into it.
RAW_PREFIX = "raw/"
#: Fields a result list shows; the article page reads every field.
RESULT_FIELDS = [
    "url",
    "canonical_url",
    "source",
    "title",
    "published_at",
    "fetched_at",
    "wire",
    "language",
    "topics",
    "description",
    "body",
    "dup_group",
    "duplicate_of",
    "revision",
]


class NotFound(LookupError):
    """The id, group or URL asked for is not in the archive; the message says which."""


def article_key(record: dict) -> str:
    """The URL part of an article id (see the module docstring)."""
    url = record.get("canonical_url") or record.get("url") or ""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def article_id(record: dict) -> str:
    return f"{article_key(record)}-{record.get('revision') or 1}"


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search, validated: the same values come from the form, the API and a permalink."""

    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()
    topic: str | None = None
    wire: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Capture:
    """An archived HTTP response: status line, headers and the decoded body."""

    status_line: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return ""


class ArchiveBrowser:
    """Read-only questions the pages ask, each answered by one query-layer call."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def snapshots(self) -> list[dict]:
        return self.archive.snapshots()

    def emptiness(self) -> str | None:
        """Why the archive has nothing to show (a typo in its URI, or nothing sealed yet)."""
        try:
            self.archive.ensure_sealed()
        except EmptyArchive as exc:
            return str(exc)
        return None

    def search(
        self, request: SearchRequest, *, limit: int, offset: int = 0, fields: list[str] | None
    ) -> list[dict]:
        """Matching records, newest first, `limit` of them after skipping `offset`."""
        table = self.archive.query(
            since=request.since,
            until=request.until,
            sources=request.sources,
            topic=request.topic,
            text=request.text,
            wire=request.wire,
            language=request.language,
            fields=fields,
            limit=offset + limit,
        )
        return table_to_records(table.slice(offset))

    def article(self, identifier: str) -> dict:
        """The record named by an article id (the newest fetch, if sealed twice).

        The manifests' URL Bloom filters name the few files that may hold the key, so a
        page view reads those, not the archive."""
        match = ARTICLE_ID.match(identifier)
        if match is None:
            raise NotFound(f"{identifier!r} is not an article id (32 hex digits, '-', revision)")
        revision = int(match["revision"])
        fetches = self.archive.query(article_key=match["key"], sort="fetched_at")
        for record in table_to_records(fetches):
            if (record.get("revision") or 1) == revision:
                return record
        raise NotFound(f"no article {identifier} in the archive")

    def group(self, group: str) -> list[dict]:
        """Every outlet's copy of one story, earliest first (by publication, else fetch)."""
        if not GROUP_ID.match(group):
            raise NotFound(f"{group!r} is not a story group id (32 hex digits)")
        table = self.archive.query(dup_group=group, sort="published_at", descending=False)
        if table.num_rows == 0:
            raise NotFound(f"no story group {group} in the archive")
        records = table_to_records(table)
        return sorted(records, key=lambda r: r["published_at"] or r["fetched_at"] or "")

    def revisions(self, url: str) -> list[dict]:
        """Every archived revision of a URL, oldest first."""
        records = table_to_records(self.archive.revisions(url))
        if not records:
            raise NotFound(f"{url} is not in the archive")
        return records

    def capture(self, record: dict) -> Capture:
        """The archived response behind `record`; the WARC key comes from the record only."""
        key = record.get("warc_file")
        if not key:
            raise NotFound("this article has no raw capture (archived with raw_capture off)")
        try:
            check_key(key)
        except ValueError:
            raise NotFound("this article's raw capture key is not a valid archive key") from None
        if not key.startswith(RAW_PREFIX):
            raise NotFound("this article's raw capture key is outside the raw captures")
        offset = max(record.get("warc_offset") or 0, 0)
        length = record.get("warc_length") or None
        data = self._read_range(key, offset, length)
        try:
            headers, body = read_response(data)
        except Exception as exc:  # warcio raises several types on damaged records
            raise StoreError(f"raw capture {key} at {offset} cannot be read: {exc}") from None
        return Capture(headers.statusline or "", list(headers.headers), body)

    def _read_range(self, key: str, offset: int, length: int | None) -> bytes:
        """One record's bytes: a ranged read in place, else the whole (cached) WARC file."""
        path = self.archive.store.local_path(key)
        if path is not None:
            try:
                with path.open("rb") as handle:
                    handle.seek(offset)
                    return handle.read(length) if length else handle.read()
            except FileNotFoundError:
                raise NotFound(f"raw capture {key} is not in the archive") from None
        digests = {
            entry["key"]: entry.get("sha256")
            for manifest in self.snapshots()
            for entry in manifest.get("raw", [])
        }
        if key not in digests:
            raise NotFound(f"raw capture {key} is not sealed in any snapshot")
        try:
            if self.archive.cache is not None and digests[key]:
                data = self.archive.cache.read(self.archive.store, key, digests[key])
            else:
                data = self.archive.store.get(key)
        except KeyNotFound:
            raise NotFound(f"raw capture {key} is missing from the archive") from None
        return data[offset : offset + length] if length else data[offset:]

    def counts_by_source(self, since: datetime) -> dict[str, int]:
        """Articles fetched since `since`, per source: the yield the dashboard charts."""
        table = self.archive.query(since=since, by="fetched", fields=["source"], sort="source")
        counts = table.group_by("source").aggregate([("source", "count")]) if table else None
        if counts is None or counts.num_rows == 0:
            return {}
        return dict(
            zip(counts["source"].to_pylist(), counts["source_count"].to_pylist(), strict=True)
        )


def archive_bytes(manifests: list[dict]) -> int:
    """Bytes of every sealed file (articles, raw captures, raw index) the manifests list."""
    return sum(
        entry.get("bytes", 0)
        for manifest in manifests
        for kind in ("files", "raw", "raw_index")
        for entry in manifest.get(kind, [])
    )
