"""Service and child logging: text or JSON lines, tagged with the run id, credentials masked.

Crawl children inherit the service's stderr, so both use the same format and a collector
(journald, Docker, Kubernetes) can follow one run across processes by its `run_id`.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

LOG_FORMATS = ("text", "json")

#: The run the current thread works for; set by the runner, read by every log record.
current_run: ContextVar[tuple[str, str] | None] = ContextVar("current_run", default=None)

_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:)[^/\s@]+@")


def mask_credentials(text: str) -> str:
    """Replace passwords in URLs (`redis://:pw@host`, `postgresql://u:pw@host`) with ***."""
    return _URL_PASSWORD.sub(r"\g<head>***@", text)


class RunContextFilter(logging.Filter):
    """Adds `job` and `run_id` to every record: from the thread's run, else the fixed ones."""

    def __init__(self, job: str | None = None, run_id: str | None = None) -> None:
        super().__init__()
        self.job = job
        self.run_id = run_id

    def filter(self, record: logging.LogRecord) -> bool:
        job, run_id = current_run.get() or (self.job, self.run_id)
        record.job = job
        record.run_id = run_id
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, job, run_id (and exc)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_credentials(record.getMessage()),
        }
        for key in ("job", "run_id", "alert", "source"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = mask_credentials(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Human-readable lines with the run id, credentials masked."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(run)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        run_id = getattr(record, "run_id", None)
        record.run = f" [{run_id}]" if run_id else ""
        return mask_credentials(super().format(record))


def configure_logging(
    fmt: str, level: int = logging.INFO, *, job: str | None = None, run_id: str | None = None
) -> None:
    """Replace the root handlers with one stderr handler in `fmt` ("text" or "json").

    Python warnings are routed through it too, so JSON output stays one object per line.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RunContextFilter(job, run_id))
    handler.setLevel(level)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
