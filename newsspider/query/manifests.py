"""Manifests as the reader's index: which snapshots exist and which files a query must open.

Only files a manifest lists are read, so a snapshot whose manifest is not written yet stays
invisible. A manifest names each data file's partition (`date` or, once compacted, `month`;
`source`) and its statistics (`archive/file_stats.py`): publication and fetch time ranges,
the count of rows without a publication time, a Bloom filter of its URLs. Pruning on these
alone lets a one-day query on a year-long archive open one day's files, and a URL lookup the
few files that may hold it. Manifests written before those statistics existed prune by
partition and by their snapshot's fetch range.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import pyarrow as pa

from newsspider.archive.compact import live_manifests
from newsspider.archive.file_stats import UrlBloom
from newsspider.archive.snapshot import MANIFEST_PREFIX
from newsspider.archive.store import ObjectStore, StoreError
from newsspider.query.cache import LiveView, ObjectCache
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


def read_manifests(
    store: ObjectStore, cache: ObjectCache | None, parsed: dict[str, dict] | None = None
) -> list[dict]:
    """Every sealed snapshot's manifest as readers see it (`live_manifests`), oldest first;
    callers must not change them.

    The listing is always fresh (new snapshots appear at once); the manifests themselves are
    write-once, so a cached copy is as good as the original, a long-lived reader passes
    `parsed` (key -> manifest, filled here) to parse each one only once, and with a `cache`
    only manifests that appeared since its saved live view are read. The view is rebuilt from
    every manifest when one it was built from has gone, or when a new compaction sorts before
    one it knew (which could change which of two racing compactions wins). Manifests from
    the view leave out the compactions' `supersedes` lists (applied already; read back only
    when a new compaction arrives).
    """
    keys = [
        key
        for key in store.list(MANIFEST_PREFIX)
        if key.endswith(".json") and "/" not in key.removeprefix(MANIFEST_PREFIX)
    ]
    view = cache.live_view(store) if cache is not None else None
    if view is None or not view.keys <= set(keys):
        view = LiveView(frozenset(), [], None)
    fresh = [_read_manifest(store, cache, parsed, key) for key in keys if key not in view.keys]
    if view.newest_compaction and any(
        "supersedes" in m and m["snapshot_id"] < view.newest_compaction for m in fresh
    ):
        view = LiveView(frozenset(), [], None)
        fresh = [_read_manifest(store, cache, parsed, key) for key in keys]
    if not fresh:
        return view.manifests
    known = view.manifests
    if known and any("supersedes" in m for m in fresh):
        # a new compaction: the earlier ones' `supersedes` tell whether it raced one of them
        superseded = cache.superseded(store) if cache is not None else None
        if superseded is None:
            known, fresh = [], [_read_manifest(store, cache, parsed, key) for key in keys]
        else:
            known = [
                {**m, "supersedes": superseded[m["snapshot_id"]]}
                if m["snapshot_id"] in superseded
                else m
                for m in known
            ]
    live = live_manifests(sorted([*known, *fresh], key=lambda m: m["snapshot_id"]))
    if cache is not None:
        compactions = [m["snapshot_id"] for m in fresh if "supersedes" in m]
        newest = max([*compactions, view.newest_compaction or ""]) or None
        cache.save_live_view(store, LiveView(frozenset(keys), live, newest))
    return live


def _read_manifest(
    store: ObjectStore, cache: ObjectCache | None, parsed: dict[str, dict] | None, key: str
) -> dict:
    if parsed is not None and key in parsed:
        return parsed[key]
    data = cache.manifest(store, key) if cache is not None else store.get(key)
    try:
        manifest = json.loads(data)
    except ValueError:
        raise StoreError(f"{store.uri}: manifest {key} is not valid JSON") from None
    if parsed is not None:
        parsed[key] = manifest
    return manifest


def _range(pair: Sequence[str | None] | None) -> tuple:
    low, high = pair or (None, None)
    return parse_timestamp(low), parse_timestamp(high)


def article_files(
    manifests: list[dict],
    window: TimeWindow,
    sources: Sequence[str] = (),
    url_keys: Sequence[str] = (),
) -> list[list[dict]]:
    """The data files that may hold articles inside `window` from `sources`, per snapshot.

    With `url_keys` (see `file_stats.url_key`), only files whose Bloom filter may hold one of
    them. For a window on the publication time, a file is kept when its partition meets the
    window and its publication range does, or its fetch range does while it holds undated
    rows (placed by fetch time). For a window on the fetch time, its fetch range must meet it.
    """
    timed = window.since is not None or window.until is not None
    chosen = []
    for manifest in manifests:
        kept = []
        fetched = _range(manifest.get("fetched_range"))
        snapshot_meets = not timed or fetched == (None, None) or window.overlaps(*fetched)
        for entry in manifest["files"]:
            if sources and entry["source"] not in sources:
                continue
            if url_keys and not _may_hold(entry, url_keys):
                continue
            if timed and not _meets(entry, window, snapshot_meets):
                continue
            kept.append(entry)
        if kept:
            chosen.append(kept)
    return chosen


def all_dated(files: list[list[dict]]) -> bool:
    """Whether every file is known to hold only rows with a publication time."""
    return all(entry.get("undated") == 0 for group in files for entry in group)


def _may_hold(entry: dict, url_keys: Sequence[str]) -> bool:
    if "url_bloom" not in entry:
        return True
    bloom = UrlBloom.from_json(entry["url_bloom"])
    return any(bloom.may_contain(key) for key in url_keys)


def _period(entry: dict) -> tuple[datetime, datetime] | None:
    """The first and last instant of the file's `date` or `month` partition."""
    if "month" in entry:
        first = date.fromisoformat(entry["month"] + "-01")
        after = (first + timedelta(days=32)).replace(day=1)
    elif entry.get("date") not in (None, "unknown"):
        first = date.fromisoformat(entry["date"])
        after = first + timedelta(days=1)
    else:
        return None
    start = datetime.combine(first, time.min, UTC)
    return start, datetime.combine(after, time.min, UTC) - timedelta(microseconds=1)


def _meets(entry: dict, window: TimeWindow, snapshot_meets: bool) -> bool:
    """Whether the file may hold a row inside the time window (see `article_files`)."""
    if window.by == "fetched":
        if "fetched_range" in entry:
            return window.overlaps(*_range(entry["fetched_range"]))
        return snapshot_meets
    period = _period(entry)
    if period is None or not window.overlaps(*period):
        return False  # neither time is known, or the partition is outside the window
    if window.overlaps(*_range(entry.get("published_range"))):
        return True
    if "undated" in entry:
        return entry["undated"] > 0 and window.overlaps(*_range(entry.get("fetched_range")))
    return snapshot_meets


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
