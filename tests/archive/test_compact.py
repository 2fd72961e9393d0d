from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq

from newsspider.archive.compact import compact, live_manifests
from newsspider.archive.local import LocalStore
from newsspider.archive.snapshot import seal_snapshot
from newsspider.query.api import Archive
from newsspider.query.manifests import read_manifests
from newsspider.staging import Staging
from tests.factories import make_record

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def seal_batches(tmp_path, store, batches):
    with Staging(tmp_path / "staging.db") as staging:
        for n, batch in enumerate(batches):
            for record in batch:
                staging.add(record["url"], record, "t")
            seal_snapshot(staging, store, clock=lambda n=n: NOW + timedelta(minutes=n))


def three_snapshots_of_one_day(tmp_path, store):
    batches = [
        [make_record(i, "yonhap", f"2026-11-04T0{i}:00:00Z") for i in range(b * 3, b * 3 + 3)]
        for b in range(3)
    ]
    batches[1].append(make_record(99, "kyiv", "2026-11-04T09:00:00Z"))
    seal_batches(tmp_path, store, batches)
    return [record for batch in batches for record in batch]


def urls(store) -> list[str]:
    return sorted(Archive(store).query().column("url").to_pylist())


def test_compaction_merges_a_day_into_one_file_per_source_and_readers_see_the_same(tmp_path):
    store = LocalStore(tmp_path / "archive")
    records = three_snapshots_of_one_day(tmp_path, store)
    before = urls(store)
    result = compact(store, read_manifests(store, None), clock=lambda: NOW)

    assert (result.partitions, result.files_merged, result.articles) == (1, 3, 9)
    assert urls(store) == before == sorted(r["url"] for r in records)
    live = [e for m in read_manifests(store, None) for e in m["files"]]
    assert sorted(e["source"] for e in live) == ["kyiv", "yonhap"]
    merged = next(e for e in live if e["source"] == "yonhap")
    assert pq.read_table(store.local_path(merged["key"])).num_rows == 9


def test_superseded_files_are_deleted_only_after_the_grace_period(tmp_path):
    store = LocalStore(tmp_path / "archive")
    three_snapshots_of_one_day(tmp_path, store)
    compact(store, read_manifests(store, None), clock=lambda: NOW)
    assert len(list(store.list("articles/date=2026-11-04/source=yonhap/"))) == 4

    again = compact(store, read_manifests(store, None), clock=lambda: NOW + timedelta(hours=1))
    assert again.snapshot_id is None and again.deleted == 0
    later = compact(store, read_manifests(store, None), clock=lambda: NOW + timedelta(hours=7))
    assert later.deleted == 3
    assert len(list(store.list("articles/date=2026-11-04/source=yonhap/"))) == 1
    assert len(urls(store)) == 10


def test_today_is_left_alone(tmp_path):
    store = LocalStore(tmp_path / "archive")
    three_snapshots_of_one_day(tmp_path, store)
    result = compact(
        store, read_manifests(store, None), clock=lambda: datetime(2026, 11, 4, 20, tzinfo=UTC)
    )
    assert result.snapshot_id is None


def test_a_compaction_that_lost_a_race_is_ignored_by_readers(tmp_path):
    store = LocalStore(tmp_path / "archive")
    three_snapshots_of_one_day(tmp_path, store)
    manifests = read_manifests(store, None)
    compact(store, manifests, clock=lambda: NOW, worker="a")
    compact(store, manifests, clock=lambda: NOW + timedelta(seconds=1), worker="b")
    assert len(urls(store)) == 10  # no row counted twice
    every = [m for m in read_manifests(store, None) if m.get("kind") == "compaction"]
    assert len(every) == 1 and "-a-" in every[0]["snapshot_id"]
    assert len(live_manifests(sorted(every, key=lambda m: m["snapshot_id"]))) == 1
