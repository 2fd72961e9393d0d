"""Records turned into what the pages and the API show: times in two zones, safe links,
story-group copies with their sentence changes, revision steps with word diffs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup

from newsspider.record import parse_timestamp
from newsspider.web.browse import article_id
from newsspider.web.diffs import SentenceChange, sentence_changes, word_diff
from newsspider.web.highlight import HitWords, mark, snippet


def safe_href(url: object) -> str | None:
    """`url` if it may become a link (absolute http or https), else None: shown as text."""
    if not isinstance(url, str) or any(ord(c) < 33 or c in "\\<>\"'`" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


@dataclass(frozen=True, slots=True)
class Moment:
    """A record time in UTC and in its source's zone (when the config names one)."""

    utc: datetime
    zone: str | None

    @property
    def utc_text(self) -> str:
        return f"{self.utc:%Y-%m-%d %H:%M} UTC"

    @property
    def local_text(self) -> str | None:
        if not self.zone or self.zone == "UTC":
            return None
        local = self.utc.astimezone(ZoneInfo(self.zone))
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({self.zone})"


def moment(record: dict, zones: dict[str, str]) -> Moment | None:
    """Publication time (else fetch time) of `record`, with its source's zone."""
    stamp = parse_timestamp(record.get("published_at") or record.get("fetched_at"))
    return Moment(stamp.astimezone(UTC), zones.get(record.get("source") or "")) if stamp else None


@dataclass(frozen=True, slots=True)
class GroupCopy:
    """One outlet's copy of a story; `changes` compare its body with the earliest copy."""

    record: dict
    id: str
    when: Moment | None
    earliest: bool
    changes: list[SentenceChange] = field(default_factory=list)

    @property
    def added(self) -> list[str]:
        return [c.text for c in self.changes if c.kind == "added"]

    @property
    def removed(self) -> list[str]:
        return [c.text for c in self.changes if c.kind == "removed"]


def group_copies(records: list[dict], zones: dict[str, str]) -> list[GroupCopy]:
    """The copies of a group (earliest first), each compared with the earliest one."""
    first = records[0]
    return [
        GroupCopy(
            record=record,
            id=article_id(record),
            when=moment(record, zones),
            earliest=index == 0,
            changes=sentence_changes(first.get("body"), record.get("body")),
        )
        for index, record in enumerate(records)
    ]


@dataclass(frozen=True, slots=True)
class RevisionStep:
    """One revision of a URL and what changed since the one before (None for the first)."""

    record: dict
    id: str
    title_diff: Markup | None
    body_diff: Markup | None


def revision_steps(records: list[dict]) -> list[RevisionStep]:
    steps = []
    for index, record in enumerate(records):
        before = records[index - 1] if index else None
        steps.append(
            RevisionStep(
                record=record,
                id=article_id(record),
                title_diff=word_diff(before.get("title"), record.get("title")) if before else None,
                body_diff=word_diff(before.get("body"), record.get("body")) if before else None,
            )
        )
    return steps


def human_bytes(size: int) -> str:
    units = ("B", "KiB", "MiB", "GiB", "TiB")
    value, index = float(size), 0
    while value >= 1024 and index < len(units) - 1:
        value, index = value / 1024, index + 1
    return f"{size} B" if index == 0 else f"{value:.1f} {units[index]}"


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One hit in a result list: the record with its id, times, marked title and snippet."""

    record: dict
    id: str
    when: Moment | None
    title: Markup
    snippet: Markup


def search_result(record: dict, words: HitWords, zones: dict[str, str]) -> SearchResult:
    return SearchResult(
        record=record,
        id=article_id(record),
        when=moment(record, zones),
        title=mark(record.get("title") or "(no title)", words),
        snippet=snippet(record, words),
    )
