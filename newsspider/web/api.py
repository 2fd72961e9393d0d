"""The JSON API behind the pages, described by OpenAPI at `/api/openapi.json`.

Records keep the JSON edge form of `newsspider.record` (timestamps as `…Z` strings); the
response models are derived from the record's field list, so a new field appears here by
itself. Every article carries its `id` (see `newsspider.web.browse`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, create_model

from newsspider.record import FIELDS
from newsspider.web.browse import article_id
from newsspider.web.dashboard import build_dashboard
from newsspider.web.pages import MAX_URL, ArticleId, GroupId
from newsspider.web.presentation import group_copies
from newsspider.web.search import SearchParams, search_params

router = APIRouter(prefix="/api", tags=["archive"])


#: Each field kind of `record.FIELDS` as the JSON API's annotation.
_ANNOTATIONS: dict[str, Any] = {
    "str": str | None,
    "str_list": list[str],
    "timestamp": str | None,
    "int32": int | None,
    "int64": int | None,
    "str_float_map": dict[str, float],
    "str_str_map": dict[str, str],
}


Record = create_model(
    "Record",
    id=(str, ...),
    **{name: (_ANNOTATIONS[kind], None) for name, kind in FIELDS.items()},
)


class ArticleLinks(BaseModel):
    page: str
    group: str | None
    revisions: str
    capture: str | None


class Article(Record):  # type: ignore[misc, valid-type]
    links: ArticleLinks


class SearchPage(BaseModel):
    page: int
    size: int
    has_next: bool
    results: list[Record]  # type: ignore[valid-type]


class GroupCopy(BaseModel):
    id: str
    source: str | None
    title: str | None
    published_at: str | None
    url: str | None
    earliest: bool
    added_sentences: list[str]
    removed_sentences: list[str]


class StoryGroup(BaseModel):
    group: str
    copies: list[GroupCopy]


class Revisions(BaseModel):
    url: str
    revisions: list[Record]  # type: ignore[valid-type]


class JobOut(BaseModel):
    job: str
    schedule: str
    next_run: datetime | None
    last_started: datetime | None
    last_status: str | None


class CaptureHeaders(BaseModel):
    status_line: str
    headers: list[tuple[str, str]]


class DashboardOut(BaseModel):
    now: datetime
    snapshots: int
    archive_bytes: int
    last_snapshot: str | None
    yield_last_30_days: dict[str, int]
    silent_sources: list[str]
    jobs: list[JobOut] | None
    zero_yield_streaks: dict[str, int] | None


def _with_id(record: dict) -> dict:
    return {"id": article_id(record), **record}


def _article(record: dict) -> dict:
    identifier = article_id(record)
    links = ArticleLinks(
        page=f"/articles/{identifier}",
        group=f"/groups/{record['dup_group']}" if record.get("dup_group") else None,
        revisions="/revisions?" + urlencode({"url": record.get("canonical_url") or ""}),
        capture=f"/articles/{identifier}/capture" if record.get("warc_file") else None,
    )
    return {**_with_id(record), "links": links}


@router.get("/search", response_model=SearchPage)
async def api_search(
    request: Request, params: Annotated[SearchParams, Depends(search_params)]
) -> dict:
    """One page of the records a search matches, newest first, every field."""
    web = request.app.state.web
    offset = (params.page - 1) * params.size
    records = await web.run(
        web.browser.search, params.request, limit=params.size + 1, offset=offset, fields=None
    )
    return {
        "page": params.page,
        "size": params.size,
        "has_next": len(records) > params.size,
        "results": [_with_id(r) for r in records[: params.size]],
    }


@router.get("/articles/{article_id}", response_model=Article)
async def api_article(request: Request, article_id: ArticleId) -> dict:
    """One revision of one article, every field, with links to its group, revisions, capture."""
    web = request.app.state.web
    return _article(await web.run(web.browser.article, article_id))


@router.get("/articles/{article_id}/capture", response_model=CaptureHeaders)
async def api_capture(request: Request, article_id: ArticleId) -> dict:
    """The HTTP status line and headers of the article's raw capture (the body: /captures/ID)."""
    web = request.app.state.web
    record = await web.run(web.browser.article, article_id)
    captured = await web.run(web.browser.capture, record)
    return {"status_line": captured.status_line, "headers": captured.headers}


@router.get("/groups/{group_id}", response_model=StoryGroup)
async def api_group(request: Request, group_id: GroupId) -> dict:
    """Every outlet's copy of a story; each copy's sentences added/removed vs the earliest."""
    web = request.app.state.web
    copies = group_copies(await web.run(web.browser.group, group_id), web.zones)
    return {
        "group": group_id,
        "copies": [
            GroupCopy(
                id=copy.id,
                source=copy.record.get("source"),
                title=copy.record.get("title"),
                published_at=copy.record.get("published_at"),
                url=copy.record.get("url"),
                earliest=copy.earliest,
                added_sentences=copy.added,
                removed_sentences=copy.removed,
            )
            for copy in copies
        ],
    }


@router.get("/revisions", response_model=Revisions)
async def api_revisions(
    request: Request, url: Annotated[str, Query(min_length=1, max_length=MAX_URL)]
) -> dict:
    """Every archived revision of a URL (crawled or canonical), oldest first."""
    web = request.app.state.web
    records = await web.run(web.browser.revisions, url)
    return {"url": url, "revisions": [_with_id(r) for r in records]}


@router.get("/dashboard", response_model=DashboardOut)
async def api_dashboard(request: Request) -> dict:
    """Archive size and snapshots, per-source yield, and the scheduler's jobs if known."""
    web = request.app.state.web
    data = await web.run(build_dashboard, web.browser, web.config, web.reporter, web.clock())
    scheduler = data.scheduler
    return {
        "now": data.now,
        "snapshots": data.snapshots,
        "archive_bytes": data.archive_bytes,
        "last_snapshot": data.last_snapshot,
        "yield_last_30_days": data.yields,
        "silent_sources": data.silent_sources,
        "jobs": [JobOut.model_validate(job, from_attributes=True) for job in scheduler.jobs]
        if scheduler
        else None,
        "zero_yield_streaks": scheduler.zero_yield_streaks if scheduler else None,
    }
