"""The local directory store lists keys as S3 does: sorted, by string prefix, files only."""

from __future__ import annotations

from newsspider.archive.local import LocalStore


def test_listing_is_sorted_by_key_prefix_and_skips_unfinished_writes(tmp_path):
    store = LocalStore(tmp_path / "archive")
    assert list(store.list()) == []  # no directory yet
    for key in (
        "manifests/2.json",
        "articles/date=2026-11-05/source=b/a.parquet",
        "articles/date=2026-11-04/source=a/b.parquet",
        "articles_monthly/month=2026-11/source=a/c.parquet",
        "manifests/1.json",
    ):
        store.put(key, b"x")
    (tmp_path / "archive/manifests/.tmp-123-abc").write_bytes(b"half")  # a writer's temp file

    assert list(store.list("articles/")) == [
        "articles/date=2026-11-04/source=a/b.parquet",
        "articles/date=2026-11-05/source=b/a.parquet",
    ]
    assert list(store.list("articles")) == [
        "articles/date=2026-11-04/source=a/b.parquet",
        "articles/date=2026-11-05/source=b/a.parquet",
        "articles_monthly/month=2026-11/source=a/c.parquet",
    ]
    assert list(store.list("articles/date=2026-11-05/")) == [
        "articles/date=2026-11-05/source=b/a.parquet"
    ]
    assert list(store.list("manifests/")) == ["manifests/1.json", "manifests/2.json"]
    assert list(store.list("manifests/3")) == []
    assert list(store.list("nothing/here/")) == []
    assert len(list(store.list())) == 5
