from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsspider.archive.local import LocalStore
from newsspider.archive.store import StoreError
from newsspider.query.api import Archive, EmptyArchive, QueryError
from newsspider.query.cache import ObjectCache
from newsspider.record import FIELDS
from tests.query.conftest import STORY, seal_all


def urls(table: pa.Table) -> list[str]:
    return table.column("url").to_pylist()


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_time_window_uses_publication_time_else_fetch_time(sealed):
    found = sealed.archive.query(since=day("2026-11-05"), sort="url", descending=False)
    assert urls(found) == [
        "http://kyiv.example/view/5",
        "http://tass.example/view/4",
        "http://yonhap.example/view/6",  # undated: placed by its fetch time
    ]
    window = sealed.archive.query(since=day("2026-11-03"), until=day("2026-11-03T23:59:59"))
    assert urls(window) == [STORY, STORY]


def test_time_window_by_fetch_time(sealed):
    found = sealed.archive.query(
        since=day("2026-11-04"), until=day("2026-11-04T23:59:59"), by="fetched"
    )
    assert found.column("revision").to_pylist() == [2]


def test_source_topic_wire_language_and_group_filters(sealed):
    archive = sealed.archive
    assert set(urls(archive.query(sources=["kyiv", "tass"]))) == {
        "http://kyiv.example/view/3",
        "http://kyiv.example/view/5",
        "http://tass.example/view/4",
    }
    assert urls(archive.query(topic="ukraine")) == ["http://kyiv.example/view/3"]
    assert urls(archive.query(wire="afp")) == ["http://kyiv.example/view/3"]
    assert urls(archive.query(language="DE")) == ["http://kyiv.example/view/5"]
    group = archive.query(dup_group="g-kursk", fields=["source", "dup_group"])
    assert sorted(group.column("source").to_pylist()) == ["kyiv", "tass"]


def test_url_matches_crawled_or_canonical_spelling(sealed):
    assert urls(sealed.archive.query(url="http://kyiv.example/view/3")) == [
        "http://kyiv.example/view/3"
    ]
    assert sealed.archive.query(url="HTTP://KYIV.example/view/3#top").num_rows == 1


def test_revisions_are_listed_oldest_first(sealed):
    found = sealed.archive.revisions(STORY, fields=["revision", "title", "fetched_at"])
    assert found.column("revision").to_pylist() == [1, 2]
    assert found.column("title").to_pylist() == ["Story 10", "Story 10 (updated)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("captured KURSK", {"kyiv/3"}),
        ('"troops were captured"', {"kyiv/3"}),
        ('"north korean troops" NEAR/1 kursk', {"yonhap/1", "yonhap/2", "tass/4", "yonhap/6"}),
        ("kursk NOT body", {"kyiv/3", "kyiv/5"}),
        ("title:breaking OR strasse", {"tass/4", "kyiv/5"}),
        ("kurs*", {"yonhap/1", "yonhap/2", "kyiv/3", "tass/4", "kyiv/5", "yonhap/6"}),
    ],
)
def test_full_text_search_uses_the_topic_query_language(sealed, text, expected):
    found = urls(sealed.archive.query(text=text, fields=["url"]))
    got = {url.removeprefix("http://").replace(".example/view", "") for url in found}
    assert got - {"yonhap/10"} == expected
    assert ("yonhap/10" in got) == ("yonhap/1" in expected)  # the revised story's body is default


def test_pushdown_keeps_records_whose_letters_fold_only_in_python(sealed):
    """`Straße` is "strasse" and `ＫＵＲＳＫ` is "kursk" to the tokenizer, not to DuckDB."""
    assert urls(sealed.archive.query(text='"strasse nach kursk"')) == ["http://kyiv.example/view/5"]


def test_sort_limit_and_fields(sealed):
    found = sealed.archive.query(fields=["url", "source"], sort="source", limit=2)
    assert found.column_names == ["url", "source"]
    assert found.column("source").to_pylist() == ["yonhap", "yonhap"]
    oldest = sealed.archive.query(fields=["published_at"], descending=False, limit=1)
    assert oldest.column("published_at").to_pylist() == [day("2026-11-01T01:00:00")]
    newest = sealed.archive.query(fields=["published_at"])
    published = [p for p in newest.column("published_at").to_pylist() if p]
    assert published == sorted(published, reverse=True)
    assert sealed.archive.query(limit=0).num_rows == 0


def test_results_have_the_record_schema(sealed):
    table = sealed.archive.query()
    assert table.schema.names == list(FIELDS)
    assert table.num_rows == 8


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"fields": ["url", "nope"]}, "unknown field"),
        ({"sort": "topics"}, "cannot sort by 'topics'"),
        ({"limit": -1}, "limit must be zero or more"),
        ({"text": '"north korean'}, "unterminated phrase"),
        ({"by": "modified"}, "time field"),
        ({"since": day("2026-11-05"), "until": day("2026-11-01")}, "window is empty"),
    ],
)
def test_bad_queries_are_clear_errors(sealed, arguments, message):
    with pytest.raises(QueryError, match=message):
        sealed.archive.query(**arguments)


class CountingLocalStore(LocalStore):
    """Remembers which keys the reader asked to open in place."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.opened: list[str] = []

    def local_path(self, key: str):
        self.opened.append(key)
        return super().local_path(key)


def test_a_one_day_query_opens_only_that_days_files(sealed):
    store = CountingLocalStore(sealed.root)
    found = Archive(store).query(since=day("2026-11-04"), until=day("2026-11-04T23:59:59"))
    assert len(urls(found)) == 2
    assert store.opened and all("/date=2026-11-04/" in key for key in store.opened)
    store.opened.clear()
    Archive(store).query(sources=["tass"])
    assert store.opened == [key for key in store.opened if "/source=tass/" in key]


def test_publication_range_prunes_within_a_day(sealed):
    store = CountingLocalStore(sealed.root)
    Archive(store).query(since=day("2026-11-04T03:00:00"), until=day("2026-11-04T06:00:00"))
    assert store.opened == [key for key in store.opened if "/source=kyiv/" in key]


def test_snapshots_written_before_a_field_existed_read_it_as_null(sealed):
    """A snapshot's files share one schema, but an older snapshot may lack newer fields."""
    manifest_path = sorted((sealed.root / "manifests").iterdir())[0]
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["files"]:
        path = sealed.root / entry["key"]
        pq.write_table(pq.read_table(path).drop_columns(["section", "dup_group"]), path)
    found = sealed.archive.query(fields=["url", "dup_group", "section"], sort="url")
    assert found.num_rows == 8 and found.column("dup_group").null_count == 8
    assert sealed.archive.query(dup_group="g-kursk").num_rows == 0


def test_a_missing_sealed_file_is_a_store_error(sealed):
    next((sealed.root / "articles").rglob("*.parquet")).unlink()
    with pytest.raises(StoreError, match="is missing"):
        sealed.archive.query()


def test_empty_or_missing_archive(tmp_path):
    missing = Archive.open(f"file://{tmp_path}/none")
    assert missing.query().num_rows == 0
    with pytest.raises(EmptyArchive, match="does not exist"):
        missing.ensure_sealed()
    (tmp_path / "empty" / "manifests").mkdir(parents=True)
    with pytest.raises(EmptyArchive, match="no sealed snapshots"):
        Archive.open(f"file://{tmp_path}/empty").ensure_sealed()


def test_s3_archive_is_queried_through_the_cache(bucket, tmp_path):
    seal_all(bucket.store(), tmp_path)
    cache = ObjectCache(tmp_path / "cache")
    archive = Archive(bucket.store(), cache)
    first = archive.query(since=day("2026-11-04"), until=day("2026-11-04T23:59:59"))
    assert len(urls(first)) == 2
    cached = sorted(p.name for p in (tmp_path / "cache" / "manifests").rglob("*.json"))
    # three manifests and the view (the compactions' `supersedes` apart)
    assert cached[3:] == ["_live-view-superseded.json", "_live-view.json"] and len(cached) == 5
    assert archive.sql("SELECT count(*) AS n FROM articles").column("n").to_pylist() == [8]
    uncached = Archive(bucket.store(), None)
    assert uncached.query(text="strasse").num_rows == 1


def test_a_url_or_article_key_lookup_opens_only_the_files_that_may_hold_it(sealed):
    store = CountingLocalStore(sealed.root)
    found = Archive(store).query(url="http://kyiv.example/view/3", fields=["url"])
    assert urls(found) == ["http://kyiv.example/view/3"]
    assert store.opened == [key for key in store.opened if "/source=kyiv/" in key]
    assert len(store.opened) == 1  # kyiv has two files; the other one's filter says no

    store.opened.clear()
    key = hashlib.sha256(STORY.encode()).hexdigest()[:32]
    revisions = Archive(store).query(article_key=key, fields=["revision"], sort="revision")
    assert revisions.column("revision").to_pylist() == [2, 1]
    assert len(store.opened) == 2 and all("/source=yonhap/" in k for k in store.opened)


def test_an_article_key_must_be_32_hex_digits(sealed):
    with pytest.raises(QueryError, match="not 32 lower-case hex digits"):
        sealed.archive.query(article_key="' OR 1=1 --")


def test_a_window_on_dated_files_filters_the_publication_time_itself(sealed):
    """Files known to hold no undated rows let the filter use `published_at`, which DuckDB
    prunes row groups by; a file with an undated row keeps the fallback to fetch time."""
    found = sealed.archive.query(since=day("2026-11-04"), until=day("2026-11-06T23:59:59"))
    assert "http://yonhap.example/view/6" in urls(found)  # undated, fetched on the 6th
    dated = sealed.archive.query(since=day("2026-11-04"), until=day("2026-11-04T23:59:59"))
    assert sorted(urls(dated)) == ["http://kyiv.example/view/3", "http://yonhap.example/view/2"]
