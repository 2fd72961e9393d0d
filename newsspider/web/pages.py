"""The HTML pages: search, article, story group, revisions, raw capture, dashboard, login."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsspider.web.browse import ARTICLE_ID, GROUP_ID, RESULT_FIELDS
from newsspider.web.chart import bar_chart
from newsspider.web.dashboard import YIELD_DAYS, build_dashboard
from newsspider.web.presentation import group_copies, moment, revision_steps, search_result
from newsspider.web.search import SearchParams, search_params, to_csv, to_jsonl
from newsspider.web.security import (
    CAPTURE_CSP,
    SESSION_COOKIE,
    authorized,
    session_value,
    token_matches,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

ArticleId = Annotated[str, Path(pattern=ARTICLE_ID.pattern, description="`<url key>-<revision>`")]
GroupId = Annotated[str, Path(pattern=GROUP_ID.pattern, description="32 hex digits")]
MAX_URL = 4096
#: Captured types shown as a document in the sandbox; anything else is only offered as a file.
SHOWN_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def render(request: Request, name: str, status: int = 200, **context: object) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


def _source_names(request: Request, snapshots: list[dict]) -> list[str]:
    config = request.app.state.web.config
    archived = {name for m in snapshots for name in m.get("by_source", {})}
    return sorted({s.name for s in config.sources} | archived)


@router.get("/")
@router.get("/search")
async def search(
    request: Request, params: Annotated[SearchParams, Depends(search_params)]
) -> Response:
    """Search: the latest articles, or those a topic query and the filters match."""
    web = request.app.state.web
    snapshots = await web.run(web.browser.snapshots)
    context = {
        "params": params,
        "sources": _source_names(request, snapshots),
        "topics": [topic.name for topic in web.config.topics],
        "results": [],
        "has_next": False,
        "empty": None if snapshots else await web.run(web.browser.emptiness),
    }
    if snapshots:
        offset = (params.page - 1) * params.size
        records = await web.run(
            web.browser.search,
            params.request,
            limit=params.size + 1,
            offset=offset,
            fields=RESULT_FIELDS,
        )
        context["has_next"] = len(records) > params.size
        context["results"] = [
            search_result(r, params.words, web.zones) for r in records[: params.size]
        ]
    return render(request, "search.html", **context)


@router.get("/search/download")
async def download(
    request: Request,
    params: Annotated[SearchParams, Depends(search_params)],
    format: Annotated[str, Query(pattern="^(csv|jsonl)$")] = "csv",
) -> Response:
    """Every field of the matching records (up to `max_download`) as CSV or JSON lines."""
    web = request.app.state.web
    records = await web.run(
        web.browser.search, params.request, limit=web.settings.max_download, fields=None
    )
    body, media = (
        (to_csv(records), "text/csv; charset=utf-8")
        if format == "csv"
        else (to_jsonl(records), "application/x-ndjson; charset=utf-8")
    )
    disposition = f'attachment; filename="newsspider-search.{format}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@router.get("/articles/{article_id}")
async def article(request: Request, article_id: ArticleId) -> Response:
    web = request.app.state.web
    record = await web.run(web.browser.article, article_id)
    return render(
        request, "article.html", record=record, id=article_id, when=moment(record, web.zones)
    )


@router.get("/groups/{group_id}")
async def group(request: Request, group_id: GroupId) -> Response:
    web = request.app.state.web
    records = await web.run(web.browser.group, group_id)
    return render(request, "group.html", group=group_id, copies=group_copies(records, web.zones))


@router.get("/revisions")
async def revisions(
    request: Request, url: Annotated[str, Query(min_length=1, max_length=MAX_URL)]
) -> Response:
    web = request.app.state.web
    records = await web.run(web.browser.revisions, url)
    return render(request, "revisions.html", url=url, steps=revision_steps(records))


@router.get("/articles/{article_id}/capture")
async def capture_page(request: Request, article_id: ArticleId) -> Response:
    """The raw capture's status and headers, and its document framed in a sandbox."""
    web = request.app.state.web
    record = await web.run(web.browser.article, article_id)
    captured = await web.run(web.browser.capture, record)
    return render(
        request,
        "capture.html",
        record=record,
        id=article_id,
        capture=captured,
        shown=captured.content_type.split(";")[0].strip().lower() in SHOWN_TYPES,
    )


@router.get("/captures/{article_id}")
async def capture_document(request: Request, article_id: ArticleId) -> Response:
    """The archived document itself, under a policy that lets nothing in it load or run."""
    web = request.app.state.web
    record = await web.run(web.browser.article, article_id)
    captured = await web.run(web.browser.capture, record)
    kind = captured.content_type.split(";")[0].strip().lower()
    charset = _charset(captured.content_type)
    if kind in SHOWN_TYPES:
        media = f"{kind}; charset={charset}" if charset else kind
        disposition = f'inline; filename="capture-{article_id}.html"'
    else:
        media = "application/octet-stream"
        disposition = f'attachment; filename="capture-{article_id}.bin"'
    return Response(
        captured.body,
        media_type=media,
        headers={"Content-Security-Policy": CAPTURE_CSP, "Content-Disposition": disposition},
    )


def _charset(content_type: str) -> str | None:
    """The charset parameter, if it is a plain name (it goes back into a header)."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        value = value.strip().strip('"')
        if name.lower() == "charset" and re.fullmatch(r"[A-Za-z0-9_-]{1,40}", value):
            return value
    return None


@router.get("/dashboard")
async def dashboard(request: Request) -> Response:
    web = request.app.state.web
    data = await web.run(build_dashboard, web.browser, web.config, web.reporter, web.clock())
    chart = bar_chart(data.yields, f"Articles per source, last {YIELD_DAYS} days")
    return render(request, "dashboard.html", dashboard=data, chart=chart)


@router.get("/login")
async def login_form(
    request: Request, token: Annotated[str, Query(max_length=512)] = ""
) -> Response:
    """`/login?token=…` signs in at once; without a token, the form."""
    if token:
        return _sign_in(request, token)
    token = request.app.state.settings.token
    if not token or authorized(request, token):
        return RedirectResponse("/", status_code=303)
    return render(request, "login.html", failed=False)


@router.post("/login")
async def login(request: Request) -> Response:
    body = (await request.body())[:2048].decode("utf-8", "replace")
    return _sign_in(request, parse_qs(body).get("token", [""])[0])


def _sign_in(request: Request, given: str) -> Response:
    token = request.app.state.settings.token
    if not token:
        return RedirectResponse("/", status_code=303)
    if not token_matches(given, token):
        return render(request, "login.html", status=401, failed=True)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, session_value(token), httponly=True, samesite="strict", path="/"
    )
    return response
