from __future__ import annotations

import signal
import subprocess
import sys
import time
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


def test_compaction_merges_closed_days_into_one_file_per_source_and_month(tmp_path):
    store = LocalStore(tmp_path / "archive")
    records = three_snapshots_of_one_day(tmp_path, store)
    before = urls(store)
    result = compact(store, read_manifests(store, None), clock=lambda: NOW)

    assert (result.partitions, result.files_merged, result.articles) == (2, 4, 10)
    assert urls(store) == before == sorted(r["url"] for r in records)
    live = [e for m in read_manifests(store, None) for e in m["files"]]
    assert sorted(e["key"].rsplit("/", 1)[0] for e in live) == [
        "articles_monthly/month=2026-11/source=kyiv",
        "articles_monthly/month=2026-11/source=yonhap",
    ]
    merged = next(e for e in live if e["source"] == "yonhap")
    assert pq.read_table(store.local_path(merged["key"])).num_rows == 9


def test_superseded_files_are_deleted_only_after_the_grace_period(tmp_path):
    store = LocalStore(tmp_path / "archive")
    three_snapshots_of_one_day(tmp_path, store)
    compact(store, read_manifests(store, None), clock=lambda: NOW)
    assert len(list(store.list("articles/date=2026-11-04/"))) == 4

    again = compact(store, read_manifests(store, None), clock=lambda: NOW + timedelta(hours=1))
    assert again.snapshot_id is None and again.deleted == 0
    later = compact(store, read_manifests(store, None), clock=lambda: NOW + timedelta(hours=7))
    assert later.deleted == 4
    assert list(store.list("articles/date=2026-11-04/")) == []
    assert len(list(store.list("articles_monthly/month=2026-11/"))) == 2
    assert len(urls(store)) == 10


class CountingLocalStore(LocalStore):
    """Remembers which object-store calls were made."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.calls: list[str] = []

    def exists(self, key: str) -> bool:
        self.calls.append("exists")
        return super().exists(key)

    def list(self, prefix: str = ""):
        self.calls.append(f"list {prefix}")
        return super().list(prefix)


def test_each_run_learns_which_superseded_files_remain_from_a_listing_not_a_request_each(
    tmp_path,
):
    store = CountingLocalStore(tmp_path / "archive")
    three_snapshots_of_one_day(tmp_path, store)
    compact(store, read_manifests(store, None), clock=lambda: NOW)
    store.calls.clear()
    first = compact(store, read_manifests(store, None), clock=lambda: NOW + timedelta(hours=7))
    deleting = [call for call in store.calls if call != "list manifests/"]
    store.calls.clear()
    second = compact(store, read_manifests(store, None), clock=lambda: NOW + timedelta(days=1))

    assert (first.deleted, second.deleted) == (4, 0)
    assert deleting == ["list articles/"]
    assert [call for call in store.calls if call != "list manifests/"] == ["list articles/"]
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


def records_of_october() -> list[list[dict]]:
    """Two snapshots over three October days of two sources, one record without a date."""
    first = [
        make_record(i, "yonhap", f"2026-10-{10 + i % 3:02d}T0{i % 10}:00:00Z") for i in range(6)
    ]
    first += [make_record(20 + i, "kyiv", f"2026-10-{10 + i:02d}T12:00:00Z") for i in range(2)]
    second = [
        make_record(i, "yonhap", f"2026-10-{10 + i % 3:02d}T1{i % 10}:00:00Z") for i in range(6, 9)
    ]
    undated = make_record(30, "kyiv", None)
    undated["fetched_at"] = "2026-10-11T08:00:00Z"
    return [first, [*second, undated]]


def all_rows(store) -> list[dict]:
    table = Archive(store).query(sort="url", descending=False)
    return table.to_pylist()


def test_a_settled_month_becomes_one_time_sorted_file_per_source(tmp_path):
    store = LocalStore(tmp_path / "archive")
    seal_batches(tmp_path, store, records_of_october())
    before = all_rows(store)
    result = compact(store, read_manifests(store, None), clock=lambda: NOW)

    assert (result.partitions, result.files_merged, result.articles) == (2, 9, 12)
    assert all_rows(store) == before
    live = [e for m in read_manifests(store, None) for e in m["files"]]
    assert sorted(e["key"].rsplit("/", 1)[0] for e in live) == [
        "articles_monthly/month=2026-10/source=kyiv",
        "articles_monthly/month=2026-10/source=yonhap",
    ]
    kyiv = next(e for e in live if e["source"] == "kyiv")
    assert "date" not in kyiv and kyiv["month"] == "2026-10"
    assert kyiv["rows"] == 3 and kyiv["undated"] == 1
    assert kyiv["published_range"] == ["2026-10-10T12:00:00Z", "2026-10-11T12:00:00Z"]
    assert kyiv["fetched_range"] == ["2026-10-11T08:00:00Z", "2026-11-05T11:00:00Z"]
    yonhap = pq.read_table(store.local_path(next(e for e in live if e is not kyiv)["key"]))
    times = yonhap.column("published_at").to_pylist()
    assert times == sorted(times) and len(times) == 9


def test_the_month_so_far_is_merged_and_rewritten_as_more_days_close(tmp_path):
    store = LocalStore(tmp_path / "archive")
    three_snapshots_of_one_day(tmp_path, store)  # 4 November
    fifth = make_record(50, "yonhap", "2026-11-05T10:00:00Z")
    with Staging(tmp_path / "fifth.db") as staging:
        staging.add(fifth["url"], fifth, "t")
        seal_snapshot(staging, store, clock=lambda: NOW)
    on_the_fifth = datetime(2026, 11, 5, 20, tzinfo=UTC)
    compact(store, read_manifests(store, None), clock=lambda: on_the_fifth)
    live = [e for m in read_manifests(store, None) for e in m["files"]]
    assert sorted(e.get("month") or e["date"] for e in live) == ["2026-11", "2026-11", "2026-11-05"]

    again = compact(store, read_manifests(store, None), clock=lambda: NOW)
    assert (again.partitions, again.files_merged, again.articles) == (1, 2, 10)
    live = [e for m in read_manifests(store, None) for e in m["files"]]
    assert sorted(e["month"] for e in live) == ["2026-11", "2026-11"]
    assert len(urls(store)) == 11


def test_an_article_found_after_its_month_was_merged_joins_the_month_again(tmp_path):
    store = LocalStore(tmp_path / "archive")
    batches = records_of_october()
    seal_batches(tmp_path, store, batches)
    compact(store, read_manifests(store, None), clock=lambda: NOW)
    late = make_record(99, "yonhap", "2026-10-31T23:00:00Z")
    with Staging(tmp_path / "late.db") as staging:
        staging.add(late["url"], late, "t")
        seal_snapshot(staging, store, clock=lambda: NOW + timedelta(hours=1))
    again = compact(store, read_manifests(store, None), clock=lambda: NOW + timedelta(hours=2))

    assert (again.partitions, again.files_merged, again.articles) == (1, 2, 10)
    yonhap = [e for m in read_manifests(store, None) for e in m["files"] if e["source"] == "yonhap"]
    assert len(yonhap) == 1 and yonhap[0]["month"] == "2026-10"
    assert len(all_rows(store)) == 13


def test_merged_files_are_cut_into_row_groups_that_a_time_filter_skips(tmp_path, monkeypatch):
    monkeypatch.setattr("newsspider.archive.compact.ROW_GROUP_ROWS", 4)
    store = LocalStore(tmp_path / "archive")
    seal_batches(tmp_path, store, records_of_october())
    compact(store, read_manifests(store, None), clock=lambda: NOW)
    live = [e for m in read_manifests(store, None) for e in m["files"]]
    path = store.local_path(next(e for e in live if e["source"] == "yonhap")["key"])
    metadata = pq.ParquetFile(path).metadata
    column = metadata.schema.to_arrow_schema().get_field_index("published_at")
    bounds = [
        (
            metadata.row_group(n).column(column).statistics.min,
            metadata.row_group(n).column(column).statistics.max,
        )
        for n in range(metadata.num_row_groups)
    ]
    assert len(bounds) == 3
    assert metadata.row_group(0).column(column).compression == "LZ4"  # faster to scan than zstd
    assert all(high < low for (_, high), (low, _) in zip(bounds, bounds[1:], strict=False))
    found = Archive(store).query(
        since=datetime(2026, 10, 11, tzinfo=UTC), until=datetime(2026, 10, 11, 23, 59, tzinfo=UTC)
    )
    assert sorted(found.column("url").to_pylist()) == sorted(
        r["url"]
        for batch in records_of_october()
        for r in batch
        if (r["published_at"] or r["fetched_at"]).startswith("2026-10-11")
    )


COMPACT_IN_CHILD = """
import sys
from datetime import datetime, UTC
from newsspider.archive.compact import compact
from newsspider.archive.local import LocalStore
from newsspider.query.manifests import read_manifests
store = LocalStore(sys.argv[1])
compact(store, read_manifests(store, None), clock=lambda: datetime(2026, 11, 10, 12, tzinfo=UTC))
"""


def test_a_compaction_killed_before_its_manifest_changes_nothing_readers_see(tmp_path):
    store = LocalStore(tmp_path / "archive")
    batches = [
        [
            make_record(n * 40 + s, f"source{s:02d}", f"2026-10-0{n + 1}T08:00:00Z")
            for s in range(40)
        ]
        for n in range(2)
    ]
    seal_batches(tmp_path, store, batches)
    before = all_rows(store)
    child = subprocess.Popen([sys.executable, "-c", COMPACT_IN_CHILD, str(store.root)])
    merged = store.root / "articles_monthly"
    while child.poll() is None and not merged.exists():
        time.sleep(0.001)
    child.send_signal(signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL, "compaction finished before it could be killed"

    assert merged.exists()
    assert not [m for m in read_manifests(store, None) if m.get("kind") == "compaction"]
    assert all_rows(store) == before
    finished = compact(store, read_manifests(store, None), clock=lambda: NOW)
    assert (finished.partitions, finished.files_merged) == (40, 80)
    assert all_rows(store) == before
    live = {e["key"] for m in read_manifests(store, None) for e in m["files"]}
    assert all(key.startswith("articles_monthly/") for key in live) and len(live) == 40
