"""Compaction: rewrite the many small Parquet files of closed days into one file per month.

Every snapshot writes one file per (date, source) it touched, so late-found articles and
frequent snapshots leave a day spread over many small files, and opening files dominates full
scans. Compaction merges, per source, the files of every closed day (before the cutoff,
default today UTC) into one file for its month, under
`articles_monthly/month=YYYY-MM/source=…/`: a year is 12 files per source, plus the days
since the last run. The month so far is rewritten by each run that finds new days for it
(the daily retention job: one month of a source's articles, ~2 MB per 3,000 articles); a
late-found article of an earlier month lands in a daily file and the next run merges that
month anew.

Merged files are sorted by publication time (else fetch time), then URL, in row groups of
`ROW_GROUP_ROWS`, so a reader's time filter also skips row groups inside a file; their
manifest entries carry the statistics of `file_stats` (time ranges, a Bloom filter of URLs)
so readers skip whole files.

Compaction keeps the publishing protocol: merged files are written first, then a compaction
manifest (write-once) that lists them and the keys they `supersede`. Readers apply
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsspider.archive.file_stats import file_stats
from newsspider.archive.snapshot import (
    MANIFEST_PREFIX,
    UPLOAD_WORKERS,
    file_entry,
    new_snapshot_id,
    parquet_bytes,
)
from newsspider.archive.store import ObjectStore
from newsspider.record import SCHEMA_VERSION, format_timestamp
from newsspider.record_arrow import ARROW_SCHEMA

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

MONTHLY_PREFIX = "articles_monthly/"
#: Rows per row group of a merged file (a multiple of DuckDB's 2,048-row vectors).
ROW_GROUP_ROWS = 16_384
#: Codec of merged files: LZ4 decompresses about twice as fast as zstd, which halves the
#: time a text search spends reading bodies, for ~1.6x the bytes (zstd: daily files).
MERGED_COMPRESSION = "lz4"


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


def monthly_key(month: str, source: str, snapshot_id: str) -> str:
    return f"{MONTHLY_PREFIX}month={month}/source={source}/part-{snapshot_id}.parquet"


def merge_month(entry: dict, cutoff: date) -> str | None:
    """The month ("2026-11") a live file is merged into, or None while its day is open."""
    if "month" in entry:
        return entry["month"]
    day = entry.get("date")
    if not day or day == "unknown" or day >= cutoff.isoformat():
        return None
    return day[:7]


def _read_all(store: ObjectStore, entries: list[dict]) -> pa.Table:
    """The rows of several files in the current record schema (older files lack new fields),
    sorted by publication time (else fetch time), then URL."""
    tables = []
    for entry in entries:
        table = pq.read_table(io.BytesIO(store.get(entry["key"])))
        if table.schema != ARROW_SCHEMA:
            columns = [
                table.column(field.name).cast(field.type)
                if field.name in table.column_names
                else pa.nulls(table.num_rows, field.type)
                for field in ARROW_SCHEMA
            ]
            table = pa.Table.from_arrays(columns, schema=ARROW_SCHEMA)
        tables.append(table)
    merged = pa.concat_tables(tables)
    order = pa.table(
        {
            "time": pc.coalesce(merged.column("published_at"), merged.column("fetched_at")),
            "url": merged.column("url"),
        }
    )
    return merged.take(pc.sort_indices(order, [("time", "ascending"), ("url", "ascending")]))


def _delete_superseded(
    store: ObjectStore, manifests: list[dict], now: datetime, grace: timedelta
) -> int:
    """Delete the files that compactions older than `grace` superseded, where they remain.

    Every compaction manifest keeps its `supersedes` list, so each daily run sees every file
    ever superseded: which of them remain is learnt from one listing per top-level prefix
    (the live files and a day's superseded ones), not from a request per file."""
    due = set()
    for manifest in manifests:
        created = datetime.fromisoformat(manifest["created_at"].replace("Z", "+00:00"))
        if manifest.get("supersedes") and now - created >= grace:
            due.update(manifest["supersedes"])
    prefixes = sorted({key.split("/", 1)[0] + "/" for key in due})
    remaining = [key for prefix in prefixes for key in store.list(prefix) if key in due]
    for key in remaining:
        store.delete(key)
    return len(remaining)


def _span(files: list[dict], name: str) -> list[str | None]:
    lows = [f[name][0] for f in files if f.get(name) and f[name][0]]
    highs = [f[name][1] for f in files if f.get(name) and f[name][1]]
    return [min(lows), max(highs)] if lows else [None, None]


def compact(
    store: ObjectStore,
    manifests: list[dict],
    *,
    before: datetime | None = None,
    grace: timedelta = timedelta(hours=6),
    clock: Clock = lambda: datetime.now(UTC),
    worker: str = "compact",
) -> CompactionResult:
    """Merge each source's files of every closed day into its month's file (see the module
    docstring); delete files superseded longer than `grace` ago."""
    now = clock()
    cutoff = (before or now).date()
    deleted = _delete_superseded(store, manifests, now, grace)
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for manifest in live_manifests(manifests):
        for entry in manifest["files"]:
            if month := merge_month(entry, cutoff):
                groups[(month, entry["source"])].append(entry)
    work = {
        group: entries
        for group, entries in groups.items()
        if len(entries) > 1 or "month" not in entries[0]
    }
    if not work:
        return CompactionResult(None, 0, 0, 0, deleted)

    snapshot_id = new_snapshot_id(now, worker)

    def merge(month: str, source: str, entries: list[dict]) -> dict:
        table = _read_all(store, entries)
        key = monthly_key(month, source, snapshot_id)
        data = parquet_bytes(table, row_group_rows=ROW_GROUP_ROWS, compression=MERGED_COMPRESSION)
        store.put(key, data)
        return file_entry(key, data, month=month, source=source, **file_stats(table))

    with ThreadPoolExecutor(max_workers=UPLOAD_WORKERS) as pool:
        futures = [
            pool.submit(merge, month, source, entries)
            for (month, source), entries in sorted(work.items())
        ]
        files = [future.result() for future in futures]
    supersedes = [entry["key"] for _, entries in sorted(work.items()) for entry in entries]
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
        "published_range": _span(files, "published_range"),
        "fetched_range": _span(files, "fetched_range"),
        "files": files,
        "supersedes": supersedes,
        "raw": [],
        "raw_index": [],
    }
    key = f"{MANIFEST_PREFIX}{snapshot_id}.json"
    store.put(key, json.dumps(manifest, indent=2, sort_keys=True).encode(), if_absent=True)
    log.info("compacted %d files into %d (%s)", len(supersedes), len(files), snapshot_id)
    return CompactionResult(snapshot_id, len(files), len(supersedes), manifest["articles"], deleted)
