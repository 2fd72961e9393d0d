from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsspider.dedup.seen import SqliteSeenStore, open_seen_store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_seen_urls_persist_across_reopen(tmp_path):
    uri = f"sqlite:///{tmp_path}/state.db"
    store = open_seen_store(uri, timedelta(days=30))
    store.mark_urls(["a", "b"])
    store.mark_content("f" * 64, "http://x.example/1")
    store.close()
    again = open_seen_store(uri, timedelta(days=30))
    assert again.has_url("a") and again.has_url("b") and not again.has_url("c")
    assert again.content_owner("f" * 64) == "http://x.example/1"
    assert again.stats()["urls"] == 2
    again.close()


def test_entries_expire_after_ttl_and_purge_keeps_store_bounded(tmp_path):
    clock = Clock()
    store = SqliteSeenStore(tmp_path / "s.db", timedelta(days=2), clock)
    store.mark_urls(["old"])
    clock.now += timedelta(days=1)
    store.mark_urls(["new"])
    clock.now += timedelta(days=1, hours=12)
    assert not store.has_url("old")
    assert store.has_url("new")
    assert store.purge_expired() == 1
    assert store.stats()["urls"] == 1
    store.close()


def test_marking_again_refreshes_the_timestamp(tmp_path):
    clock = Clock()
    store = SqliteSeenStore(tmp_path / "s.db", timedelta(days=2), clock)
    store.mark_urls(["a"])
    clock.now += timedelta(days=1, hours=23)
    store.mark_urls(["a"])
    clock.now += timedelta(days=1)
    assert store.has_url("a")
    store.close()
