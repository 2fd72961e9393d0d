from __future__ import annotations

import json
from datetime import UTC, datetime

import pyarrow.parquet as pq
import pytest

from newsspider.archive.local import LocalStore
from newsspider.archive.snapshot import seal_snapshot
from newsspider.query.api import Archive
from newsspider.staging import Staging
from tests.factories import make_record

NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def staged(tmp_path):
    staging = Staging(tmp_path / "staging.db")
    records = [
        make_record(1, "yonhap", "2026-11-04T01:03:00Z"),
        make_record(2, "yonhap", "2026-11-05T02:00:00Z"),
        make_record(3, "kyiv", "2026-11-05T08:30:00Z"),
    ]
    for record in records:
        staging.add(record["url"], record, "2026-11-05T11:00:00Z")
    yield staging, records
    staging.close()


def test_seal_writes_partitioned_parquet_and_manifest_last(tmp_path, staged):
    staging, records = staged
    store = LocalStore(tmp_path / "archive")
    result = seal_snapshot(staging, store, clock=lambda: NOW)

    assert result.articles == 3
    keys = list(store.list())
    assert keys[-1] == result.manifest_key
    assert sorted(k.rsplit("/", 1)[0] for k in keys if k.startswith("articles/")) == [
        "articles/date=2026-11-04/source=yonhap",
        "articles/date=2026-11-05/source=kyiv",
        "articles/date=2026-11-05/source=yonhap",
    ]
    manifest = json.loads(store.get(result.manifest_key))
    assert manifest["articles"] == 3
    assert manifest["by_source"] == {"kyiv": 1, "yonhap": 2}
    assert manifest["published_range"] == ["2026-11-04T01:03:00Z", "2026-11-05T08:30:00Z"]
    for entry in manifest["files"]:
        table = pq.read_table(store.local_path(entry["key"]))
        assert table.num_rows == entry["rows"]
    assert staging.count() == 0


def test_snapshot_read_back_equals_what_was_staged(tmp_path, staged):
    staging, records = staged
    store = LocalStore(tmp_path / "archive")
    seal_snapshot(staging, store, clock=lambda: NOW)
    back = Archive(store).query(sort="url", descending=False)
    from newsspider.record_arrow import table_to_records

    assert table_to_records(back) == sorted(records, key=lambda r: r["url"])


def test_nothing_staged_means_no_snapshot(tmp_path):
    with Staging(tmp_path / "s.db") as staging:
        assert seal_snapshot(staging, LocalStore(tmp_path / "a")) is None


def test_crash_between_data_and_manifest_is_invisible_then_rolled_forward(tmp_path, staged):
    staging, records = staged
    store = LocalStore(tmp_path / "archive")

    class CrashBeforeManifest(Exception):
        pass

    class FailingStore(LocalStore):
        def put(self, key, data, *, if_absent=False):
            if key.startswith("manifests/"):
                raise CrashBeforeManifest
            return super().put(key, data, if_absent=if_absent)

    with pytest.raises(CrashBeforeManifest):
        seal_snapshot(staging, FailingStore(store.root), clock=lambda: NOW)
    assert Archive(store).snapshots() == []
    assert Archive(store).query().num_rows == 0

    later = make_record(4, "kyiv", "2026-11-05T09:00:00Z")
    staging.add(later["url"], later, "t")
    resumed = seal_snapshot(staging, store, clock=lambda: NOW)
    assert resumed.resumed and resumed.articles == 3
    assert Archive(store).query().num_rows == 3
    assert staging.count() == 1
    final = seal_snapshot(staging, store, clock=lambda: NOW)
    assert final.articles == 1 and not final.resumed
    urls = Archive(store).query().column("url").to_pylist()
    assert sorted(urls) == sorted(r["url"] for r in [*records, later])
