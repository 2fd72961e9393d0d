"""Compaction: merge the many small Parquet files of a closed day into one per partition.

Every snapshot writes one file per (date, source) it touched, so late-found articles and
frequent snapshots leave a day spread over many small files, and opening files dominates full
scans. Compaction keeps the publishing protocol: merged files are written first, then a
compaction manifest (write-once) that lists them and the keys they `supersede`. Readers apply
`live_manifests`, so they see either the old files or the merged ones, never both. If two
compactions raced over the same files, the later one is ignored as a whole.

Superseded files are deleted only by a later run, after a grace period, so a reader that
listed the old view a moment ago can still open its files.
"""

from __future__ import annotations

import io
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq

from newsspider.archive.snapshot import (
    MANIFEST_PREFIX,
    file_entry,
    new_snapshot_id,
    parquet_bytes,
    time_range,
)
from newsspider.archive.store import ObjectStore
from newsspider.record import ARROW_SCHEMA, SCHEMA_VERSION, format_timestamp, table_to_records

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def live_manifests(manifests: list[dict]) -> list[dict]:
    """Manifests (oldest first) as readers must see them: superseded files left out.

    Article counts follow the files that remain; a compaction that supersedes a file an
    earlier compaction already superseded lost a race and is dropped.
    """
    superseded: set[str] = set()
    kept = []
    for manifest in manifests:
        replaces = set(manifest.get("supersedes", []))
        if replaces & superseded:
            log.warning("ignoring %s: it raced another compaction", manifest["snapshot_id"])
            continue
        superseded |= replaces
        kept.append(manifest)
    if not superseded:
        return kept
    live = []
    for manifest in kept:
        files = [entry for entry in manifest["files"] if entry["key"] not in superseded]
        if len(files) == len(manifest["files"]):
            live.append(manifest)
        else:
            live.append({**manifest, "files": files, "articles": sum(f["rows"] for f in files)})
    return live


@dataclass(frozen=True, slots=True)
class CompactionResult:
    snapshot_id: str | None
    partitions: int
    files_merged: int
    articles: int
    deleted: int


def _read_all(store: ObjectStore, entries: list[dict]) -> pa.Table:
    """The rows of several files in the current record schema (older files lack new fields)."""
    tables = []
    for entry in entries:
        table = pq.read_table(io.BytesIO(store.get(entry["key"])))
        columns = [
            table.column(field.name).cast(field.type)
            if field.name in table.column_names
            else pa.nulls(table.num_rows, field.type)
            for field in ARROW_SCHEMA
        ]
        tables.append(pa.Table.from_arrays(columns, schema=ARROW_SCHEMA))
    merged = pa.concat_tables(tables)
    return merged.sort_by([("published_at", "ascending"), ("url", "ascending")])


def _delete_superseded(
    store: ObjectStore, manifests: list[dict], now: datetime, grace: timedelta
) -> int:
    deleted = 0
    for manifest in manifests:
        created = datetime.fromisoformat(manifest["created_at"].replace("Z", "+00:00"))
        if not manifest.get("supersedes") or now - created < grace:
            continue
        for key in manifest["supersedes"]:
            if store.exists(key):
                store.delete(key)
                deleted += 1
    return deleted


def compact(
    store: ObjectStore,
    manifests: list[dict],
    *,
    before: datetime | None = None,
    grace: timedelta = timedelta(hours=6),
    clock: Clock = lambda: datetime.now(UTC),
    worker: str = "compact",
) -> CompactionResult:
    """Merge every (date, source) partition with several live files and a date before
    `before` (default: today, UTC); delete files superseded longer than `grace` ago."""
    now = clock()
    cutoff = (before or now).date().isoformat()
    deleted = _delete_superseded(store, manifests, now, grace)
    partitions: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for manifest in live_manifests(manifests):
        for entry in manifest["files"]:
            if entry["date"] != "unknown" and entry["date"] < cutoff:
                partitions[(entry["date"], entry["source"])].append(entry)
    crowded = {key: entries for key, entries in partitions.items() if len(entries) > 1}
    if not crowded:
        return CompactionResult(None, 0, 0, 0, deleted)

    snapshot_id = new_snapshot_id(now, worker)
    files, supersedes, fetched = [], [], []
    for (day, source), entries in sorted(crowded.items()):
        table = _read_all(store, entries)
        key = f"articles/date={day}/source={source}/part-{snapshot_id}.parquet"
        data = parquet_bytes(table)
        store.put(key, data)
        records = table_to_records(table.select(["published_at", "fetched_at"]))
        fetched.extend(records)
        files.append(
            file_entry(
                key,
                data,
                date=day,
                source=source,
                rows=table.num_rows,
                published_range=time_range(records, "published_at"),
            )
        )
        supersedes.extend(entry["key"] for entry in entries)
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "snapshot_id": snapshot_id,
        "kind": "compaction",
        "created_at": format_timestamp(now),
        "worker": worker,
        "articles": sum(entry["rows"] for entry in files),
        "by_source": {
            source: sum(f["rows"] for f in files if f["source"] == source)
            for source in sorted({f["source"] for f in files})
        },
        "published_range": time_range(fetched, "published_at"),
        "fetched_range": time_range(fetched, "fetched_at"),
        "files": files,
        "supersedes": supersedes,
        "raw": [],
        "raw_index": [],
    }
    key = f"{MANIFEST_PREFIX}{snapshot_id}.json"
    store.put(key, json.dumps(manifest, indent=2, sort_keys=True).encode(), if_absent=True)
    log.info("compacted %d files into %d (%s)", len(supersedes), len(files), snapshot_id)
    return CompactionResult(snapshot_id, len(files), len(supersedes), manifest["articles"], deleted)
