"""The search form's parameters, validated once for the page, the API and the downloads.

Every parameter is a GET parameter, so a search is a permalink. Lengths, counts and pages are
bounded so that no request can ask the archive for unbounded work.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request

from newsspider.query.filters import QueryError, parse_text
from newsspider.query.output import csv_cell
from newsspider.record import FIELDS
from newsspider.web.browse import SearchRequest
from newsspider.web.highlight import HitWords, hit_words
from newsspider.web.settings import WebSettings

MAX_PAGE = 1000
MAX_SOURCES = 50
_SLUG = r"^[a-z0-9][a-z0-9_-]{0,62}$"
_LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$"


@dataclass(frozen=True, slots=True)
class SearchParams:
    """A validated search: the query-layer request, the page, and the words to mark."""

    request: SearchRequest
    q: str
    since: str
    until: str
    page: int
    size: int
    words: HitWords

    def link(self, **changes: object) -> str:
        """The query string of this search with `changes` applied (permalinks, paging)."""
        values: dict[str, object] = {
            "q": self.q,
            "since": self.since,
            "until": self.until,
            "source": list(self.request.sources),
            "topic": self.request.topic or "",
            "wire": self.request.wire or "",
            "language": self.request.language or "",
            "page": self.page,
            "size": self.size,
            **changes,
        }
        kept = {k: v for k, v in values.items() if v not in ("", [], None)}
        return urlencode(kept, doseq=True)


def _day(value: str, name: str, end: bool) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)") from None
    return datetime.combine(day, time.max if end else time.min, UTC)


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


def search_params(
    request: Request,
    q: Annotated[str, Query(max_length=10_000, description="Topic query language.")] = "",
    since: Annotated[str, Query(max_length=10, description="From day (UTC), YYYY-MM-DD.")] = "",
    until: Annotated[str, Query(max_length=10, description="Until day (UTC), inclusive.")] = "",
    source: Annotated[list[str], Query(max_length=MAX_SOURCES, description="Sources.")] = [],  # noqa: B006
    topic: Annotated[str, Query(max_length=63)] = "",
    wire: Annotated[str, Query(max_length=100, description="Credited wire service.")] = "",
    language: Annotated[str, Query(max_length=12, description="Language code.")] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    size: Annotated[int | None, Query(ge=1, description="Results per page.")] = None,
) -> SearchParams:
    """FastAPI dependency: the parameters checked against the `[web]` bounds."""
    settings: WebSettings = request.app.state.settings
    if len(q) > settings.max_query_chars:
        raise QueryError(f"the query is longer than {settings.max_query_chars} characters")
    chosen = size or settings.page_size
    if chosen > settings.max_page_size:
        raise QueryError(f"size: at most {settings.max_page_size} results per page")
    for name in source:
        if not re.match(_SLUG, name):
            raise QueryError(f"source: {name!r} is not a source name")
    if topic and not re.match(_SLUG, topic):
        raise QueryError(f"topic: {topic!r} is not a topic name")
    if language and not re.match(_LANGUAGE, language):
        raise QueryError(f"language: {language!r} is not a language code")
    text = q.strip()
    parsed = parse_text(text) if text else None
    start, end = _day(since, "since", False), _day(until, "until", True)
    if start and end and start > end:
        raise QueryError("since is later than until: the time window is empty")
    return SearchParams(
        request=SearchRequest(
            text=text or None,
            since=start,
            until=end,
            sources=tuple(dict.fromkeys(source)),
            topic=_blank(topic),
            wire=_blank(wire),
            language=_blank(language),
        ),
        q=text,
        since=since,
        until=until,
        page=page,
        size=chosen,
        words=hit_words(parsed),
    )


def to_csv(records: list[dict], fields: list[str] = list(FIELDS)) -> str:  # noqa: B006
    """Records as CSV, every cell made safe as `newsspider query -f csv` makes it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(fields)
    for record in records:
        writer.writerow(csv_cell(record.get(name)) for name in fields)
    return buffer.getvalue()


def to_jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
