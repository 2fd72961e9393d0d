from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsspider.archive.local import LocalStore
from newsspider.archive.snapshot import seal_snapshot
from newsspider.query.api import Archive, QueryError
from newsspider.staging import Staging
from tests.factories import make_record


@pytest.fixture
def archive(tmp_path):
    store = LocalStore(tmp_path / "archive")
    with Staging(tmp_path / "s.db") as staging:
        for n, (source, when) in enumerate(
            [
                ("yonhap", "2026-11-01T01:00:00Z"),
                ("yonhap", "2026-11-04T01:00:00Z"),
                ("kyiv", "2026-11-04T05:00:00Z"),
                ("tass", "2026-11-05T05:00:00Z"),
            ]
        ):
            record = make_record(n, source, when)
            if source == "kyiv":
                record["body"] = "Ukrainian forces captured two soldiers near Kursk."
                record["wire"] = "AFP"
            staging.add(record["url"], record, "t")
        seal_snapshot(staging, store)
    return Archive(store)


def test_filters_by_time_source_text_and_wire(archive):
    since = datetime(2026, 11, 3, tzinfo=UTC)
    assert archive.query(since=since).num_rows == 3
    assert archive.query(since=since, sources=["yonhap"]).column("url").to_pylist() == [
        "http://yonhap.example/view/1"
    ]
    assert archive.query(text="captured KURSK").column("source").to_pylist() == ["kyiv"]
    assert archive.query(wire="afp").num_rows == 1
    assert archive.query(limit=2, fields=["url"]).column_names == ["url"]


def test_results_are_sorted_newest_first(archive):
    published = archive.query(fields=["published_at"]).column("published_at").to_pylist()
    assert published == sorted(published, reverse=True)


def test_unknown_field_is_a_clear_error(archive):
    with pytest.raises(QueryError, match="unknown field"):
        archive.query(fields=["nope"])


def test_empty_archive_returns_an_empty_table(tmp_path):
    assert Archive.open(f"file://{tmp_path}/none").query().num_rows == 0
