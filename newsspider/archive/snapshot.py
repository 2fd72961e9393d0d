"""Seal staged records into an immutable snapshot: Parquet data first, the manifest last.

Publishing protocol (readers list `manifests/` only, so they see a snapshot whole or not at
all):

1. claim the staged rows for a snapshot id (resuming the id of a crashed seal, if any);
2. upload the closed WARC files of the raw-capture spool (`raw/date=…/NAME.warc.gz`) and their
   index as Parquet (`raw_index/date=…/part-<snapshot id>.parquet`);
3. write one Parquet file per (date, source) partition under a key that contains the
   snapshot id; re-writing the same key after a crash is harmless;
4. write `manifests/<snapshot id>.json` with a write-once put; its presence is the commit;
5. run the `on_sealed` hook (e.g. marking URLs as seen), then release the staged rows and
   delete the spooled WARC files the manifest lists.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsspider.archive.file_stats import file_stats
from newsspider.archive.store import KeyNotFound, ObjectStore
from newsspider.archive.warc import (
    INDEX_SUFFIX,
    completed_warcs,
    read_index,
    warc_key,
)
from newsspider.record import SCHEMA_VERSION, format_timestamp
from newsspider.record_arrow import RAW_INDEX_SCHEMA, records_to_table
from newsspider.staging import Staging

log = logging.getLogger(__name__)

MANIFEST_PREFIX = "manifests/"
#: Partition files written at once: uploads wait on the network while Parquet encodes.
UPLOAD_WORKERS = 4
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


def parquet_bytes(
    table: pa.Table, *, row_group_rows: int | None = None, compression: str = "zstd"
) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression=compression, row_group_size=row_group_rows)
    return buffer.getvalue()


def file_entry(key: str, data: bytes, **extra) -> dict:
    return {"key": key, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), **extra}


def _publish_raw(store: ObjectStore, spool: Path, snapshot_id: str) -> tuple[list, list]:
    """Upload closed WARCs and their index; return their manifest entries."""
    raw, index_rows = [], []
    for path in completed_warcs(spool):
        data = path.read_bytes()
        key = warc_key(path.name)
        store.put(key, data)
        raw.append(file_entry(key, data))
        index_rows.extend(read_index(path))
    by_date: dict[str, list[dict]] = defaultdict(list)
    for row in index_rows:
        by_date[row["fetched_at"][:10]].append(row)
    indexes = []
    for day, rows in sorted(by_date.items()):
        key = f"raw_index/date={day}/part-{snapshot_id}.parquet"
        data = parquet_bytes(pa.Table.from_pylist(rows, schema=RAW_INDEX_SCHEMA))
        store.put(key, data)
        indexes.append(file_entry(key, data, date=day, rows=len(rows)))
    return raw, indexes


def time_range(records: list[dict], name: str) -> list[str | None]:
    values = sorted(r[name] for r in records if r.get(name))
    return [values[0], values[-1]] if values else [None, None]


def seal_snapshot(
    staging: Staging,
    store: ObjectStore,
    *,
    clock: Clock = utcnow,
    worker: str = "local",
    spool: Path | None = None,
    on_sealed: Callable[[list[dict]], None] | None = None,
) -> SnapshotResult | None:
    """Seal everything staged into one snapshot; None when there is nothing to seal."""
    snapshot_id = staging.pending_claim()
    resumed = snapshot_id is not None
    if resumed:
        log.warning("resuming interrupted snapshot %s", snapshot_id)
    else:
        snapshot_id = new_snapshot_id(clock(), worker)
        if staging.claim(snapshot_id) == 0 and not (spool and completed_warcs(spool)):
            return None
    records = [staged.record for staged in staging.claimed(snapshot_id)]
    manifest_key = f"{MANIFEST_PREFIX}{snapshot_id}.json"
    try:
        published = json.loads(store.get(manifest_key))
    except KeyNotFound:
        published = None
    if published is not None:
        log.info("manifest %s already published; finishing the interrupted seal", manifest_key)
        return _finish(staging, published, records, spool, on_sealed, resumed)

    raw, raw_index = _publish_raw(store, spool, snapshot_id) if spool else ([], [])

    partitions: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for record in records:
        partitions[(partition_date(record), record["source"])].append(record)

    def publish_partition(date: str, source: str, rows: list[dict]) -> dict:
        key = f"articles/date={date}/source={source}/part-{snapshot_id}.parquet"
        table = records_to_table(rows)
        data = parquet_bytes(table)
        store.put(key, data)
        return file_entry(key, data, date=date, source=source, **file_stats(table))

    with ThreadPoolExecutor(max_workers=UPLOAD_WORKERS) as pool:
        futures = [
            pool.submit(publish_partition, date, source, rows)
            for (date, source), rows in sorted(partitions.items())
        ]
        try:
            files = [future.result() for future in futures]
        except BaseException:
            for future in futures:  # a failed upload fails the seal: skip the rest
                future.cancel()
            raise

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
        "published_range": time_range(records, "published_at"),
        "fetched_range": time_range(records, "fetched_at"),
        "files": files,
        "raw": raw,
        "raw_index": raw_index,
    }
    payload = json.dumps(manifest, indent=2, sort_keys=True).encode()
    if not store.put(manifest_key, payload, if_absent=True):
        manifest = json.loads(store.get(manifest_key))
    return _finish(staging, manifest, records, spool, on_sealed, resumed)


def _finish(
    staging: Staging,
    manifest: dict,
    records: list[dict],
    spool: Path | None,
    on_sealed: Callable[[list[dict]], None] | None,
    resumed: bool,
) -> SnapshotResult:
    """After the manifest exists: remember, release staged rows, drop sealed WARCs."""
    snapshot_id = manifest["snapshot_id"]
    if on_sealed is not None:
        on_sealed(records)
    staging.release(snapshot_id)
    sealed_names = {entry["key"].rsplit("/", 1)[1] for entry in manifest.get("raw", [])}
    for path in completed_warcs(spool) if spool else []:
        if path.name in sealed_names:
            path.with_name(path.name + INDEX_SUFFIX).unlink(missing_ok=True)
            path.unlink()
    log.info(
        "sealed snapshot %s: %d articles, %d WARC files",
        snapshot_id,
        len(records),
        len(manifest.get("raw", [])),
    )
    return SnapshotResult(
        snapshot_id,
        f"{MANIFEST_PREFIX}{snapshot_id}.json",
        len(records),
        manifest["files"],
        resumed,
    )
