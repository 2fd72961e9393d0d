"""Serving the browser with uvicorn: in the foreground (`newsspider web`) or in a thread
(`newsspider serve` beside the scheduler, and the browser tests)."""

from __future__ import annotations

import threading
import time

import uvicorn
from fastapi import FastAPI

STARTUP_SECONDS = 10


def server_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """uvicorn without its access log: it would log query strings (searches, login tokens);
    the app logs method, path and status instead."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_config=None,
        server_header=False,
        proxy_headers=False,
    )


def serve(app: FastAPI, host: str, port: int) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM)."""
    uvicorn.Server(server_config(app, host, port)).run()


class BackgroundServer:
    """The browser on a daemon thread; `start` returns once it accepts connections."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = uvicorn.Server(server_config(app, host, port))
        self.thread = threading.Thread(target=self.server.run, name="newsspider-web", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=STARTUP_SECONDS)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
