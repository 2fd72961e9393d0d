"""Seal what a config's staging holds into its archive: the one entry point for publishing.

Used by `newsspider snapshot`/`run`, the scheduler's snapshot job and distributed workers.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from newsspider.archive.snapshot import SnapshotResult, seal_snapshot
from newsspider.archive.store import open_store
from newsspider.config import Config
from newsspider.dedup.seen import open_seen_store
from newsspider.dedup.urls import canonicalize_url, url_key
from newsspider.staging import Staging


def seal(config: Config, *, worker: str = "local") -> SnapshotResult | None:
    """Seal staged records (resuming a crashed seal) and remember their URLs as archived."""
    seen = open_seen_store(config.state.uri, timedelta(days=config.state.seen_ttl_days))

    def remember(records: list[dict]) -> None:
        seen.mark_urls(
            {url_key(canonicalize_url(r["url"])) for r in records}
            | {url_key(r["canonical_url"]) for r in records if r.get("canonical_url")}
        )

    try:
        with Staging(config.state.staging) as staging:
            store = open_store(config.archive.uri, **config.archive.store_options())
            result = None
            while True:
                sealed = seal_snapshot(
                    staging,
                    store,
                    worker=worker,
                    spool=Path(config.state.spool),
                    on_sealed=remember,
                )
                result = sealed or result
                # A resumed seal finishes the interrupted snapshot only; seal what came since.
                if sealed is None or not sealed.resumed:
                    return result
    finally:
        seen.close()
