"""The cached live view: a query parses only the manifests that appeared since, and always
sees what reading every manifest would show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsspider.archive.compact import compact
from newsspider.archive.local import LocalStore
from newsspider.archive.snapshot import seal_snapshot
from newsspider.query.cache import ObjectCache
from newsspider.query.manifests import read_manifests
from newsspider.staging import Staging
from tests.factories import make_record

NOW = datetime(2026, 11, 10, 12, tzinfo=UTC)


class CountingLocalStore(LocalStore):
    """Remembers which manifests were read."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.read: list[str] = []

    def get(self, key: str) -> bytes:
        self.read.append(key)
        return super().get(key)


def seal(tmp_path, store, records, at):
    with Staging(tmp_path / "staging.db") as staging:
        for record in records:
            staging.add(record["url"], record, "t")
        seal_snapshot(staging, store, clock=lambda: at)


def shown(manifests: list[dict]) -> list[dict]:
    """What readers use of manifests: the cached view leaves out the compactions' `supersedes`
    lists (already applied), so comparisons leave them out too."""
    return [{key: value for key, value in m.items() if key != "supersedes"} for m in manifests]


def every_manifest(store) -> list[dict]:
    return shown(read_manifests(store, None))


def snapshot_batches(tmp_path, store, count):
    for n in range(count):
        records = [
            make_record(n * 3 + i, "yonhap", f"2026-10-0{n + 1}T0{i}:00:00Z") for i in range(3)
        ]
        seal(tmp_path, store, records, NOW - timedelta(days=30 - n))


def test_a_query_parses_only_the_manifests_that_appeared_since_the_saved_view(tmp_path):
    store = CountingLocalStore(tmp_path / "archive")
    cache = ObjectCache(tmp_path / "cache")
    snapshot_batches(tmp_path, store, 3)
    compact(store, read_manifests(store, None), clock=lambda: NOW)
    first = read_manifests(store, cache)
    assert shown(first) == every_manifest(store)

    seal(tmp_path, store, [make_record(50, "kyiv", "2026-11-09T01:00:00Z")], NOW)
    store.read.clear()
    second = read_manifests(store, cache)
    assert store.read == [sorted(store.list("manifests/"))[-1]]  # the rest is in the view
    assert shown(second) == every_manifest(store)
    assert [m["snapshot_id"] for m in second][:-1] == [m["snapshot_id"] for m in first]


def test_the_view_is_rebuilt_when_a_manifest_is_gone_or_a_compaction_sorts_before_a_known_one(
    tmp_path,
):
    store = LocalStore(tmp_path / "archive")
    cache = ObjectCache(tmp_path / "cache")
    for n in range(4):  # two snapshots on each of two days
        record = make_record(n, "yonhap", f"2026-11-0{n % 2 + 1}T0{n}:00:00Z")
        seal(tmp_path, store, [record], NOW - timedelta(days=5 - n))
    before = read_manifests(store, None)
    compact(store, before, clock=lambda: NOW, worker="late")  # both days: one month file
    assert len(live_files(read_manifests(store, cache))) == 1
    # A compaction of the first day only, from the same listing, with an earlier id: it wins
    # the race, so the second day's files come back.
    compact(
        store,
        before,
        clock=lambda: NOW - timedelta(hours=1),
        before=datetime(2026, 11, 2, tzinfo=UTC),
        worker="early",
    )
    assert shown(read_manifests(store, cache)) == every_manifest(store)
    assert len(live_files(read_manifests(store, cache))) == 3

    newest = sorted(store.list("manifests/"))[-1]
    (store.root / newest).unlink()
    assert shown(read_manifests(store, cache)) == every_manifest(store)


def live_files(manifests: list[dict]) -> list[str]:
    return [entry["key"] for manifest in manifests for entry in manifest["files"]]


def test_a_later_compaction_that_raced_one_in_the_saved_view_is_still_ignored(tmp_path):
    store = LocalStore(tmp_path / "archive")
    cache = ObjectCache(tmp_path / "cache")
    snapshot_batches(tmp_path, store, 3)
    listing = read_manifests(store, None)
    compact(store, listing, clock=lambda: NOW, worker="first")
    rows = sum(e["rows"] for m in read_manifests(store, cache) for e in m["files"])
    assert rows == 9  # the view is saved, without the compaction's `supersedes`
    compact(store, listing, clock=lambda: NOW + timedelta(minutes=1), worker="second")

    seen = shown(read_manifests(store, cache))
    assert seen == every_manifest(store)
    assert sum(e["rows"] for m in seen for e in m["files"]) == 9
    assert not any("-second-" in m["snapshot_id"] for m in seen)
