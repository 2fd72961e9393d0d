"""Seal staged records into an immutable snapshot: Parquet data first, the manifest last.

Publishing protocol (readers list `manifests/` only, so they see a snapshot whole or not at
all):

1. claim the staged rows for a snapshot id (resuming the id of a crashed seal, if any);
2. write one Parquet file per (date, source) partition under a key that contains the
   snapshot id; re-writing the same key after a crash is harmless;
3. write `manifests/<snapshot id>.json` with a write-once put; its presence is the commit;
4. run the `on_sealed` hook (e.g. marking URLs as seen) and only then release the rows.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow.parquet as pq

from newsspider.archive.store import ObjectStore
from newsspider.record import SCHEMA_VERSION, format_timestamp, records_to_table
from newsspider.staging import Staging

log = logging.getLogger(__name__)

MANIFEST_PREFIX = "manifests/"
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    snapshot_id: str
    manifest_key: str
    articles: int
    files: list[dict] = field(default_factory=list)
    resumed: bool = False


def new_snapshot_id(now: datetime, worker: str = "local") -> str:
    """Sortable by time, unique across workers: `20261105T010300Z-local-1a2b3c4d`."""
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{worker}-{secrets.token_hex(4)}"


def partition_date(record: dict) -> str:
    """The `date=` partition: the UTC publication day, else the day it was fetched."""
    stamp = record.get("published_at") or record.get("fetched_at")
    return stamp[:10] if stamp else "unknown"


def _parquet_bytes(records: list[dict]) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(records_to_table(records), buffer, compression="zstd")
    return buffer.getvalue()


def _time_range(records: list[dict], name: str) -> list[str | None]:
    values = sorted(r[name] for r in records if r.get(name))
    return [values[0], values[-1]] if values else [None, None]


def seal_snapshot(
    staging: Staging,
    store: ObjectStore,
    *,
    clock: Clock = utcnow,
    worker: str = "local",
    on_sealed: Callable[[list[dict]], None] | None = None,
) -> SnapshotResult | None:
    """Seal everything staged into one snapshot; None when there is nothing to seal."""
    snapshot_id = staging.pending_claim()
    resumed = snapshot_id is not None
    if resumed:
        log.warning("resuming interrupted snapshot %s", snapshot_id)
    else:
        snapshot_id = new_snapshot_id(clock(), worker)
        if staging.claim(snapshot_id) == 0:
            return None
    records = [staged.record for staged in staging.claimed(snapshot_id)]

    partitions: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for record in records:
        partitions[(partition_date(record), record["source"])].append(record)

    files = []
    for (date, source), rows in sorted(partitions.items()):
        key = f"articles/date={date}/source={source}/part-{snapshot_id}.parquet"
        data = _parquet_bytes(rows)
        store.put(key, data)
        files.append(
            {
                "key": key,
                "date": date,
                "source": source,
                "rows": len(rows),
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "published_range": _time_range(rows, "published_at"),
            }
        )

    by_source: dict[str, int] = defaultdict(int)
    for record in records:
        by_source[record["source"]] += 1
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "snapshot_id": snapshot_id,
        "created_at": format_timestamp(clock()),
        "worker": worker,
        "articles": len(records),
        "by_source": dict(sorted(by_source.items())),
        "published_range": _time_range(records, "published_at"),
        "fetched_range": _time_range(records, "fetched_at"),
        "files": files,
    }
    manifest_key = f"{MANIFEST_PREFIX}{snapshot_id}.json"
    payload = json.dumps(manifest, indent=2, sort_keys=True).encode()
    if not store.put(manifest_key, payload, if_absent=True):
        log.info("manifest %s already published; finishing the interrupted seal", manifest_key)

    if on_sealed is not None:
        on_sealed(records)
    staging.release(snapshot_id)
    log.info("sealed snapshot %s: %d articles in %d files", snapshot_id, len(records), len(files))
    return SnapshotResult(snapshot_id, manifest_key, len(records), files, resumed)
