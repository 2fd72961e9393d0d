"""The archive browser's FastAPI application: pages, JSON API, errors, access control.

`create_app` takes everything from outside (config, settings, archive, the scheduler's
report, a clock), so `newsspider web`, `newsspider serve` and the tests build the same app.
Archive reads run in a small thread pool under a deadline: a slow query ends the request with
a clear page while the pool bounds how much work can pile up behind it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from newsspider import __version__
from newsspider.archive.store import StoreError
from newsspider.config import Config
from newsspider.query.api import Archive, EmptyArchive, QueryError
from newsspider.web import api, pages
from newsspider.web.browse import ArchiveBrowser, NotFound
from newsspider.web.dashboard import SchedulerReporter
from newsspider.web.presentation import human_bytes, safe_href
from newsspider.web.security import (
    COMMON_HEADERS,
    LOOPBACK_HOSTS,
    PAGE_CSP,
    authorized,
    is_open_path,
)
from newsspider.web.settings import WebSettings

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
QUERY_WORKERS = 4
T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


class WebState:
    """What every route needs: config, settings, the archive, the clock and the query pool."""

    def __init__(
        self,
        config: Config,
        settings: WebSettings,
        archive: Archive,
        reporter: SchedulerReporter | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.settings = settings
        self.browser = ArchiveBrowser(archive)
        self.reporter = reporter
        self.clock = clock
        self.zones = {source.name: source.timezone for source in config.sources}
        self.pool = ThreadPoolExecutor(QUERY_WORKERS, thread_name_prefix="newsspider-web")

    async def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`work(...)` in the query pool; TimeoutError after `query_timeout` seconds."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, partial(work, *args, **kwargs))
        return await asyncio.wait_for(future, self.settings.query_timeout)


def templates() -> Jinja2Templates:
    """Templates with autoescaping on for every file, whatever its name."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["href"] = safe_href
    env.filters["bytes"] = human_bytes
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.web.pool.shutdown(wait=False, cancel_futures=True)


def create_app(
    config: Config,
    settings: WebSettings,
    *,
    archive: Archive | None = None,
    reporter: SchedulerReporter | None = None,
    clock: Callable[[], datetime] = utcnow,
    trusted_hosts: list[str] | None = None,
) -> FastAPI:
    """The browser over `archive` (default: the config's archive).

    `trusted_hosts` are the Host headers accepted; without a token they default to the
    loopback names, with a token any host is accepted unless they are given.
    """
    app = FastAPI(
        title="newsspider archive browser",
        version=__version__,
        description="Read-only access to the sealed snapshots of a newsspider archive.",
        docs_url=None,  # the interactive docs load scripts from a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    opened = archive or Archive.open(config.archive.uri, **config.archive.store_options())
    app.state.web = WebState(config, settings, opened, reporter, clock)
    app.state.settings = settings
    app.state.templates = templates()
    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _add_access_control(app, settings.token)
    if trusted_hosts or not settings.token:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=trusted_hosts or LOOPBACK_HOSTS)
    _add_error_pages(app)
    return app


def _add_access_control(app: FastAPI, token: str | None) -> None:
    @app.middleware("http")
    async def guard(request: Request, call_next) -> Response:
        started = time.monotonic()
        if token and not is_open_path(request.url.path) and not authorized(request, token):
            response = _unauthorized(request)
        else:
            response = await call_next(request)
        for name, value in COMMON_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        # The path only: query strings may hold a search or a login token.
        log.info(
            "%s %s %s %.0fms",
            request.method,
            request.url.path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _unauthorized(request: Request) -> Response:
    if _wants_json(request):
        return JSONResponse(
            {"error": "a token is required (Authorization: Bearer TOKEN)"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.method == "GET" and request.url.path in ("/", "/search"):
        return RedirectResponse("/login", status_code=303)
    return error_page(request, 401, "Sign in first", "This archive browser needs its access token.")


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    """One clear page (or JSON object for the API) instead of a traceback."""
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return request.app.state.templates.TemplateResponse(
        request,
        "error.html",
        {"title": title, "message": message, "status": status},
        status_code=status,
    )


def _add_error_pages(app: FastAPI) -> None:
    async def not_found(request: Request, exc: Exception) -> Response:
        return error_page(request, 404, "Not found", str(exc))

    async def empty(request: Request, exc: Exception) -> Response:
        return error_page(request, 404, "Nothing archived yet", str(exc))

    async def bad_query(request: Request, exc: Exception) -> Response:
        return error_page(request, 400, "Cannot run this search", str(exc))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
            for e in exc.errors()
        )
        return error_page(request, 400, "Invalid request", problems)

    async def unavailable(request: Request, exc: Exception) -> Response:
        log.warning("archive unavailable: %s", exc)
        return error_page(request, 503, "Archive unavailable", str(exc))

    async def too_slow(request: Request, exc: Exception) -> Response:
        limit = request.app.state.settings.query_timeout
        message = f"The archive did not answer within {limit:g} seconds; narrow the search."
        return error_page(request, 504, "Search took too long", message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_page(request, exc.status_code, "Error", str(exc.detail))

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(EmptyArchive, empty)
    app.add_exception_handler(QueryError, bad_query)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StoreError, unavailable)
    app.add_exception_handler(TimeoutError, too_slow)
    app.add_exception_handler(HTTPException, http_error)
