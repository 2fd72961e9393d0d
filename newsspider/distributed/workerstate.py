"""A worker's identity and its own local state: staging and WARC spool, sealed by itself.

Workers share the frontier and the de-duplication state in Redis but stage locally, each in
``<directory of [state] staging>/workers/<worker id>/`` (staging.db and warc/). Sealing uses
the same crash-safe protocol as a local crawl, with the worker id in the snapshot id, so
snapshots of different workers never collide and a restarted worker resumes its own seal.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from newsspider.config import SLUG_RE, Config, ConfigError

if TYPE_CHECKING:
    from newsspider.archive.snapshot import SnapshotResult

WORKER_ENV = "NEWSSPIDER_WORKER_ID"


def default_worker_id() -> str:
    """$NEWSSPIDER_WORKER_ID, else the host name (a StatefulSet pod name is stable)."""
    chosen = os.environ.get(WORKER_ENV) or socket.gethostname()
    return re.sub(r"[^a-z0-9_-]+", "-", chosen.lower()).strip("-_")[:63] or "worker"


def check_worker_id(worker: str) -> str:
    if not SLUG_RE.match(worker):
        raise ConfigError(
            f"worker id {worker!r} must be a slug (a-z, 0-9, '-', '_'; at most 63 characters)"
        )
    return worker


def worker_config(config: Config, worker: str) -> Config:
    """The config as this worker uses it: its own staging, WARC spool and re-check list."""
    home = Path(config.state.staging).parent / "workers" / check_worker_id(worker)
    state = config.state.model_copy(
        update={
            "staging": str(home / "staging.db"),
            "spool": str(home / "warc"),
            "revisions": str(home / "revisions.db"),
        }
    )
    return config.model_copy(update={"state": state})


def seal_worker(config: Config, worker: str) -> SnapshotResult | None:
    """Seal what this worker staged (`config` from `worker_config`); resumes a crashed seal."""
    from newsspider.archive.publish import seal  # pyarrow: not for every `newsspider` command

    return seal(config, worker=worker)
