"""Manifests as the reader's index: which snapshots exist and which files a query must open.

Only files a manifest lists are read, so a snapshot whose manifest is not written yet stays
invisible. A manifest names each data file's partition (`date`, `source`) and the range of
its publication times; the manifest's fetch-time range bounds every file in it. Pruning on
these alone lets a one-day query on a year-long archive open one day's files.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date

import pyarrow as pa

from newsspider.archive.compact import live_manifests
from newsspider.archive.snapshot import MANIFEST_PREFIX
from newsspider.archive.store import ObjectStore, StoreError
from newsspider.query.cache import ObjectCache
from newsspider.query.filters import TimeWindow
from newsspider.record import parse_timestamp

log = logging.getLogger(__name__)

SNAPSHOTS_SCHEMA = pa.schema(
    [
        ("snapshot_id", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("worker", pa.string()),
        ("schema_version", pa.int32()),
        ("articles", pa.int64()),
        ("files", pa.int32()),
        ("bytes", pa.int64()),
        ("raw_files", pa.int32()),
        ("published_from", pa.timestamp("us", tz="UTC")),
        ("published_to", pa.timestamp("us", tz="UTC")),
        ("fetched_from", pa.timestamp("us", tz="UTC")),
        ("fetched_to", pa.timestamp("us", tz="UTC")),
    ]
)


def read_manifests(store: ObjectStore, cache: ObjectCache | None) -> list[dict]:
    """Every sealed snapshot's manifest, oldest first.

    The listing is always fresh (new snapshots appear at once); the manifests themselves are
    write-once, so a cached copy is as good as the original.
    """
    manifests = []
    for key in store.list(MANIFEST_PREFIX):
        if not key.endswith(".json") or "/" in key.removeprefix(MANIFEST_PREFIX):
            continue
        data = cache.manifest(store, key) if cache is not None else store.get(key)
        try:
            manifests.append(json.loads(data))
        except ValueError:
            raise StoreError(f"{store.uri}: manifest {key} is not valid JSON") from None
    return live_manifests(sorted(manifests, key=lambda m: m["snapshot_id"]))


def _range(pair: Sequence[str | None] | None) -> tuple:
    low, high = pair or (None, None)
    return parse_timestamp(low), parse_timestamp(high)


def article_files(
    manifests: list[dict], window: TimeWindow, sources: Sequence[str] = ()
) -> list[list[dict]]:
    """The data files that may hold articles inside `window` from `sources`, per snapshot.

    A file is kept when its source is wanted and, for a time window on the publication time,
    its `date` partition is inside the window and either its publication range or (for rows
    without a publication time, placed by fetch time) its snapshot's fetch range meets the
    window. For a window on the fetch time only the snapshot's fetch range can prune.
    """
    timed = window.since is not None or window.until is not None
    chosen = []
    for manifest in manifests:
        kept = []
        fetched = _range(manifest.get("fetched_range"))
        fetched_meets = not timed or fetched == (None, None) or window.overlaps(*fetched)
        for entry in manifest["files"]:
            if sources and entry["source"] not in sources:
                continue
            if timed and window.by == "fetched":
                if not fetched_meets:
                    continue
            elif timed:
                if entry["date"] == "unknown":
                    continue  # neither time is known: no time window can match
                if not window.covers_day(date.fromisoformat(entry["date"])):
                    continue
                published = _range(entry.get("published_range"))
                if not (window.overlaps(*published) or fetched_meets):
                    continue
            kept.append(entry)
        if kept:
            chosen.append(kept)
    return chosen


def raw_index_files(manifests: list[dict]) -> list[list[dict]]:
    """The raw-capture index files, per snapshot."""
    return [manifest["raw_index"] for manifest in manifests if manifest.get("raw_index")]


def snapshots_table(manifests: list[dict]) -> pa.Table:
    """One row per sealed snapshot: the `snapshots` view of `newsspider sql`."""
    rows = []
    for m in manifests:
        published, fetched = _range(m.get("published_range")), _range(m.get("fetched_range"))
        rows.append(
            {
                "snapshot_id": m["snapshot_id"],
                "created_at": parse_timestamp(m.get("created_at")),
                "worker": m.get("worker"),
                "schema_version": m.get("schema_version"),
                "articles": m.get("articles"),
                "files": len(m["files"]),
                "bytes": sum(entry.get("bytes", 0) for entry in m["files"]),
                "raw_files": len(m.get("raw", [])),
                "published_from": published[0],
                "published_to": published[1],
                "fetched_from": fetched[0],
                "fetched_to": fetched[1],
            }
        )
    return pa.Table.from_pylist(rows, schema=SNAPSHOTS_SCHEMA)
