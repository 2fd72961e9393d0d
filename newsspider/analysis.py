"""Page analysis off the reactor: extraction, topic scores and the near-duplicate sketch.

Everything CPU-bound a page costs runs here, in worker processes, so the process driving
the downloads keeps one core to itself. Threads would not do: extraction is pure-Python
tree walking, and a reactor thread competing for the GIL with extraction threads pays up
to a switch interval (5 ms) on every socket, SQLite or zlib call that releases it.

Workers fork from a `forkserver` that has already imported the extraction stack
(`analyzer.py`), so each starts in milliseconds and shares those pages, while the crawl
process never imports it. A worker that dies (a parser crash, the OOM killer) breaks only
its pool: the pool is rebuilt and the pages in flight are retried once each, then dropped
as `analysis_failed`.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import select
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsspider.analyzer import PageAnalyzer
    from newsspider.article import FetchedPage
    from newsspider.config import Config
    from newsspider.dedup.minhash import NearDupParams

#: What the workers run: imported by the forkserver, so every worker shares those pages, and
#: never by the crawl process, which keeps its memory free of the extraction stack.
WORKER_MODULES = ["newsspider.analyzer", "newsspider.extraction.extract"]

log = logging.getLogger(__name__)


class AnalysisFailed(Exception):
    """A page whose analysis killed its worker process twice."""


_worker: PageAnalyzer | None = None


def _start_worker(config: Config, neardup: NearDupParams | None, crawl_pid: int) -> None:
    global _worker
    from newsspider.analyzer import PageAnalyzer

    _exit_with(crawl_pid)

    _worker = PageAnalyzer(config, neardup)


def _exit_with(crawl_pid: int) -> None:
    """End this worker when the crawl process that started it ends, however it ends.

    A crawl killed with SIGKILL cannot shut its pool down, and the fork server, the workers'
    parent, outlives it (every worker holds the pipe whose closing would end it), so idle
    workers would wait for work forever. A daemon thread waits on a pidfd of the crawl
    process (Linux; no PID reuse race) and exits the worker when it closes.
    """
    try:
        pidfd = os.pidfd_open(crawl_pid)
    except ProcessLookupError:  # killed while this worker was starting
        os._exit(0)
    except (AttributeError, OSError):  # not Linux
        return

    def watch() -> None:
        select.select([pidfd], [], [])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-crawl", daemon=True).start()


def _started() -> None:
    """Nothing: returns once a worker has run `_start_worker`."""


def _analyze_in_worker(page: FetchedPage) -> dict:
    assert _worker is not None, "worker started without _start_worker"
    return _worker.analyze(page)


def default_workers() -> int:
    """One analysis worker per core the process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class AnalysisPool:
    """A process pool of `PageAnalyzer`s, awaited from the asyncio reactor."""

    def __init__(self, config: Config, neardup: NearDupParams | None, workers: int) -> None:
        self._initargs = (config, neardup, os.getpid())
        self._workers = workers
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(WORKER_MODULES)
        self._pool = self._new_pool()
        self.restarts = 0

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self._workers,
            mp_context=self._context,
            initializer=_start_worker,
            initargs=self._initargs,
        )

    async def start(self) -> None:
        """Start the workers now (imports, topic compilation), before the first page waits
        for them; on a loaded machine that takes seconds, during which a crawler that is
        already fetching would fill its memory with pages nobody analyses."""
        await asyncio.gather(
            *(asyncio.wrap_future(self._pool.submit(_started)) for _ in range(self._workers))
        )

    async def analyze(self, page: FetchedPage) -> dict:
        """The page's record; raises what analysis raised (`NotAnArticle`) or `AnalysisFailed`."""
        for last_try in (False, True):
            pool = self._pool
            try:
                return await asyncio.wrap_future(pool.submit(_analyze_in_worker, page))
            except BrokenProcessPool:
                self._replace(pool, page.url)
                if last_try:
                    raise AnalysisFailed(f"{page.url}: its analysis worker died twice") from None
        raise AssertionError("unreachable")

    def _replace(self, broken: ProcessPoolExecutor, url: str) -> None:
        """A new pool for a broken one; the pages that were in flight in it retry there."""
        if broken is not self._pool:
            return
        self.restarts += 1
        log.error("an analysis worker died (with %s among the pages in flight); restarting", url)
        # A worker the broken pool started after the death (a submit racing the breakage)
        # waits on a queue lock the dead worker may hold, and the pool's manager thread waits
        # for it, which would hang this process at exit: its workers are killed, all of them.
        workers = list((broken._processes or {}).values())
        broken.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            if worker.is_alive():
                worker.kill()
        self._pool = self._new_pool()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
