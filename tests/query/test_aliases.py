"""Aliases (other URLs' copies of a record) in query results: folded, unless asked for."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from newsspider.archive.local import LocalStore
from newsspider.archive.snapshot import seal_snapshot
from newsspider.query.api import Archive
from newsspider.record import as_alias
from newsspider.staging import Staging
from tests.factories import make_record

WIRE = "http://yonhap.example/view/1"


def copy_of(record: dict, n: int, source: str, fetched_at: str) -> dict:
    """Another outlet's page with the same text as `record`, archived as its alias."""
    page = make_record(n, source, record["published_at"])
    page.update(
        title=f"{record['title']} ({source})",
        body=record["body"],
        content_sha256=record["content_sha256"],
        dup_group=record["dup_group"],
        fetched_at=fetched_at,
    )
    return as_alias(page, record["canonical_url"])


@pytest.fixture
def archive(tmp_path) -> Archive:
    """A wire story, two exact copies (one sealed a snapshot later), a near copy archived
    under `first_only` and an exact copy of that alias; plus an unrelated story."""
    wire = make_record(1, "yonhap", "2026-11-04T01:00:00Z")
    wire["dup_group"] = "g1"
    other = make_record(2, "yonhap", "2026-11-04T02:00:00Z")
    other["dup_group"] = "g2"
    herald = copy_of(wire, 3, "herald", "2026-11-05T12:00:00Z")
    times = copy_of(wire, 4, "times", "2026-11-05T11:30:00Z")
    near = make_record(5, "daily", "2026-11-04T03:00:00Z")
    as_alias(near, WIRE).update(dup_group="g1", fetched_at="2026-11-05T13:00:00Z")
    copy_of_near = copy_of(near, 6, "weekly", "2026-11-05T14:00:00Z")
    copy_of_near["duplicate_of"] = near["canonical_url"]
    store = LocalStore(tmp_path / "archive")
    with Staging(tmp_path / "staging.db") as staging:
        for batch in ([wire, other], [times], [herald, near, copy_of_near]):
            for record in batch:
                staging.add(record["url"], record, "t")
            seal_snapshot(staging, store, worker="w0")
    return Archive(store)


def test_aliases_are_folded_into_the_record_they_copy(archive):
    rows = archive.query(
        fields=["url", "also_published_at"], sort="url", descending=False
    ).to_pylist()
    assert rows == [
        {
            "url": WIRE,
            "also_published_at": [
                "http://times.example/view/4",
                "http://herald.example/view/3",
                "http://daily.example/view/5",
                "http://weekly.example/view/6",
            ],
        },
        {"url": "http://yonhap.example/view/2", "also_published_at": []},
    ]


def test_limit_and_text_search_count_articles_not_aliases(archive):
    assert archive.query(limit=2).num_rows == 2
    found = archive.query(
        text="kursk", fields=["url", "also_published_at"], sort="url", descending=False
    )
    assert found.column("url").to_pylist() == [WIRE, "http://yonhap.example/view/2"]
    assert len(found.column("also_published_at")[0].as_py()) == 4


def test_a_story_group_lists_every_outlet(archive):
    group = archive.query(
        dup_group="g1", fields=["source", "record_type"], sort="source", descending=False
    )
    assert group.to_pylist() == [
        {"source": "daily", "record_type": "alias"},
        {"source": "herald", "record_type": "alias"},
        {"source": "times", "record_type": "alias"},
        {"source": "weekly", "record_type": "alias"},
        {"source": "yonhap", "record_type": "article"},
    ]


def test_an_alias_url_finds_the_alias_record(archive):
    found = archive.query(url="http://herald.example/view/3").to_pylist()
    assert [(r["record_type"], r["duplicate_of"], r["body"]) for r in found] == [
        ("alias", WIRE, "")
    ]


def test_sql_sees_the_stored_rows(archive):
    rows = archive.sql(
        "SELECT record_type, count(*) AS n, max(len(also_published_at)) AS listed "
        "FROM articles GROUP BY ALL ORDER BY 1"
    ).to_pylist()
    assert rows == [
        {"record_type": "alias", "n": 4, "listed": 0},
        {"record_type": "article", "n": 2, "listed": 0},
    ]


def test_snapshots_written_before_record_type_existed_read_as_articles(archive):
    [older] = [m for m in archive.snapshots() if set(m["by_source"]) == {"yonhap"}]
    for entry in older["files"]:  # the snapshot of the wire story, without aliases
        path = archive.store.local_path(entry["key"])
        pq.write_table(pq.read_table(path).drop_columns(["record_type", "also_published_at"]), path)
    rows = archive.query(fields=["url", "record_type", "also_published_at"], sort="url").to_pylist()
    assert [(r["url"], r["record_type"], len(r["also_published_at"])) for r in rows] == [
        ("http://yonhap.example/view/2", None, 0),
        (WIRE, None, 4),
    ]
