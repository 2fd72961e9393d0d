from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime

import pytest

from newsspider.archive.s3 import MiB, S3Store
from newsspider.archive.snapshot import seal_snapshot
from newsspider.archive.store import KeyNotFound, StoreError, open_store
from newsspider.query.api import Archive
from newsspider.query.cache import ObjectCache
from newsspider.record_arrow import table_to_records
from newsspider.staging import Staging
from tests.archive.conftest import SECRET, free_port
from tests.factories import make_record

NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


def stage(staging: Staging, *records: dict) -> list[dict]:
    for record in records:
        staging.add(record["url"], record, "2026-11-05T11:00:00Z")
    return list(records)


@pytest.fixture
def staging(tmp_path):
    with Staging(tmp_path / "staging.db") as staging:
        yield staging


class CountingStore:
    """Passes every call through to a real store and remembers which keys were downloaded."""

    def __init__(self, store) -> None:
        self._store = store
        self.uri = store.uri
        self.downloaded: list[str] = []

    def get(self, key: str) -> bytes:
        self.downloaded.append(key)
        return self._store.get(key)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_put_get_list_delete_round_trip_under_a_prefix(bucket):
    store = bucket.store("team/archive")
    assert store.put("articles/date=2026-11-05/a.parquet", b"one")
    assert store.put("manifests/1.json", b"{}")
    store.put("articles/date=2026-11-04/b.parquet", b"two")

    assert store.get("articles/date=2026-11-05/a.parquet") == b"one"
    assert list(store.list("articles/")) == [
        "articles/date=2026-11-04/b.parquet",
        "articles/date=2026-11-05/a.parquet",
    ]
    raw = bucket.client().list_objects_v2(Bucket=bucket.name)["Contents"]
    assert all(item["Key"].startswith("team/archive/") for item in raw)
    assert store.exists("manifests/1.json") and store.local_path("manifests/1.json") is None

    store.delete("manifests/1.json")
    assert not store.exists("manifests/1.json")
    with pytest.raises(KeyNotFound):
        store.get("manifests/1.json")


def test_listing_pages_through_more_than_a_thousand_keys(bucket):
    store = bucket.store()
    client = bucket.client()
    keys = [f"k/{n:05d}" for n in range(1005)]
    for key in keys:
        client.put_object(Bucket=bucket.name, Key=f"archive/{key}", Body=b"")
    assert list(store.list("k/")) == keys


def test_unsafe_keys_and_prefixes_are_refused(bucket):
    with pytest.raises(ValueError):
        bucket.store().put("../escape", b"x")
    with pytest.raises(StoreError, match="invalid key prefix"):
        bucket.store("a/../b")


def test_conditional_put_refuses_to_overwrite(bucket):
    store = bucket.store()
    assert store.put("manifests/s1.json", b"first", if_absent=True)
    assert not store.put("manifests/s1.json", b"second", if_absent=True)
    assert store.get("manifests/s1.json") == b"first"


def test_large_object_goes_up_in_parallel_parts_and_round_trips_with_checksums(bucket):
    store = bucket.store(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    data = os.urandom(17 * MiB)
    store.put("raw/big.warc.gz", data)

    head = bucket.client().head_object(
        Bucket=bucket.name, Key="archive/raw/big.warc.gz", ChecksumMode="ENABLED"
    )
    assert head["ETag"].endswith('-4"')  # four parts
    assert head["ChecksumSHA256"]
    assert head["Metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert store.get("raw/big.warc.gz") == data


def test_download_that_does_not_match_its_checksum_is_refused(bucket):
    bucket.client().put_object(
        Bucket=bucket.name,
        Key="archive/articles/x.parquet",
        Body=b"tampered",
        Metadata={"sha256": hashlib.sha256(b"original").hexdigest()},
    )
    with pytest.raises(StoreError, match="corrupted"):
        bucket.store().get("articles/x.parquet")


def test_encryption_and_storage_class_are_applied(bucket):
    store = bucket.store(sse="AES256", storage_class="STANDARD_IA")
    store.put("articles/a.parquet", b"data")
    head = bucket.client().head_object(Bucket=bucket.name, Key="archive/articles/a.parquet")
    assert head["ServerSideEncryption"] == "AES256"
    assert head["StorageClass"] == "STANDARD_IA"


def test_endpoint_comes_from_aws_endpoint_url(bucket, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", bucket.server.url)
    store = open_store(f"s3://{bucket.name}/archive")
    store.put("a", b"via environment")
    assert bucket.store().get("a") == b"via environment"


def test_picky_server_option_sends_no_checksum_headers_but_still_verifies(bucket):
    store = bucket.store(
        request_checksum_calculation="when_required", response_checksum_validation="when_required"
    )
    store.put("a", b"plain")
    head = bucket.client().head_object(Bucket=bucket.name, Key="archive/a", ChecksumMode="ENABLED")
    assert "ChecksumSHA256" not in head and "ChecksumCRC32" not in head
    assert head["Metadata"]["sha256"] == hashlib.sha256(b"plain").hexdigest()
    assert store.get("a") == b"plain"


def test_unreachable_endpoint_is_one_clear_line_without_secrets(bucket):
    store = S3Store("archive", endpoint_url=f"http://127.0.0.1:{free_port()}", max_attempts=2)
    with pytest.raises(StoreError) as caught:
        list(store.list("manifests/"))
    message = str(caught.value)
    assert "cannot reach the S3 endpoint http://127.0.0.1:" in message
    assert "\n" not in message and SECRET not in message and "testing" not in message


def test_missing_bucket_is_named(bucket):
    with pytest.raises(StoreError, match="bucket 'no-such-bucket' does not exist"):
        S3Store("no-such-bucket", endpoint_url=bucket.server.url).put("a", b"x")


def test_sealed_snapshot_is_queryable_from_s3(bucket, staging, tmp_path):
    records = stage(
        staging,
        make_record(1, "yonhap", "2026-11-04T01:03:00Z"),
        make_record(2, "yonhap", "2026-11-05T02:00:00Z"),
        make_record(3, "kyiv", "2026-11-05T08:30:00Z"),
    )
    result = seal_snapshot(staging, open_store(bucket.uri, endpoint_url=bucket.server.url))
    assert result.articles == 3

    archive = Archive.open(
        bucket.uri, endpoint_url=bucket.server.url, cache=ObjectCache(tmp_path / "cache")
    )
    back = archive.query(sort="url", descending=False)
    assert table_to_records(back) == sorted(records, key=lambda r: r["url"])
    uncached = Archive.open(bucket.uri, endpoint_url=bucket.server.url, cache=False)
    assert uncached.query(sources=["kyiv"]).column("url").to_pylist() == [records[2]["url"]]


def test_publish_interrupted_before_the_manifest_is_invisible_then_completed(
    bucket, staging, tmp_path
):
    store = bucket.store()
    first = stage(staging, make_record(1, "yonhap", "2026-11-04T01:03:00Z"))
    seal_snapshot(staging, store, clock=lambda: NOW)

    class CrashBeforeManifest(Exception):
        pass

    class FailingManifestStore(CountingStore):
        def put(self, key, data, *, if_absent=False):
            if key.startswith("manifests/"):
                raise CrashBeforeManifest
            return self._store.put(key, data, if_absent=if_absent)

    second = stage(
        staging,
        make_record(2, "yonhap", "2026-11-05T02:00:00Z"),
        make_record(3, "kyiv", "2026-11-05T08:30:00Z"),
    )
    with pytest.raises(CrashBeforeManifest):
        seal_snapshot(staging, FailingManifestStore(store), clock=lambda: NOW)
    archive = Archive(store, ObjectCache(tmp_path / "cache"))
    assert len(archive.snapshots()) == 1
    assert archive.query().column("url").to_pylist() == [first[0]["url"]]

    resumed = seal_snapshot(staging, store, clock=lambda: NOW)
    assert resumed.resumed and resumed.articles == 2
    urls = sorted(archive.query().column("url").to_pylist())
    assert urls == sorted(r["url"] for r in [*first, *second])
    assert staging.count() == 0


def test_endpoint_lost_mid_upload_ends_in_a_complete_snapshot_after_retry(
    bucket, staging, tmp_path
):
    """The server stops while a multipart upload is half done, then comes back on its port.

    moto keeps objects in process memory, so what was written before the outage survives the
    restart (as S3 objects survive a network outage). What the test can show honestly: the
    failed seal publishes nothing, leaves its rows staged, and the next seal re-uploads and
    commits everything; the abandoned multipart upload stays behind on the server.
    """
    store = bucket.store(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    big = []
    for n in range(200):
        record = make_record(n, "yonhap", "2026-11-05T02:00:00Z")
        record["body"] = secrets.token_urlsafe(40_000)  # incompressible: a >5 MiB file
        big.append(record)
    records = stage(staging, *big, make_record(900, "kyiv", "2026-11-05T08:30:00Z"))

    def stop_after_first_part(**_):
        if bucket.server.running:
            bucket.server.stop()

    store.client.meta.events.register("after-call.s3.UploadPart", stop_after_first_part)
    with pytest.raises(StoreError, match="cannot reach the S3 endpoint"):
        seal_snapshot(staging, store, clock=lambda: NOW)
    store.client.meta.events.unregister("after-call.s3.UploadPart", stop_after_first_part)
    assert staging.count() == len(records)

    bucket.server.start()
    archive = Archive(store, ObjectCache(tmp_path / "cache"))
    assert archive.snapshots() == []
    assert bucket.client().list_multipart_uploads(Bucket=bucket.name).get("Uploads")

    result = seal_snapshot(staging, store, clock=lambda: NOW)
    assert result.resumed and result.articles == len(records)
    assert sorted(archive.query(fields=["url"]).column("url").to_pylist()) == sorted(
        r["url"] for r in records
    )
    assert staging.count() == 0


def test_cache_serves_a_repeated_query_without_downloading_again(bucket, staging, tmp_path):
    stage(
        staging,
        make_record(1, "yonhap", "2026-11-04T01:03:00Z"),
        make_record(2, "kyiv", "2026-11-05T08:30:00Z"),
    )
    seal_snapshot(staging, bucket.store())
    cache = ObjectCache(tmp_path / "cache")
    counting = CountingStore(bucket.store())
    archive = Archive(counting, cache)

    first = archive.query()
    data_files = [key for key in counting.downloaded if key.startswith("articles/")]
    assert len(data_files) == 2

    counting.downloaded.clear()
    assert archive.query() == first
    assert all(key.startswith("manifests/") for key in counting.downloaded)

    later = Archive(CountingStore(bucket.store()), ObjectCache(tmp_path / "cache"))
    assert later.query() == first and not any(
        key.startswith("articles/") for key in later.store.downloaded
    )


def test_cache_replaces_a_corrupted_copy(bucket, staging, tmp_path):
    stage(staging, make_record(1, "yonhap", "2026-11-04T01:03:00Z"))
    result = seal_snapshot(staging, bucket.store())
    entry = result.files[0]
    cache = ObjectCache(tmp_path / "cache")
    counting = CountingStore(bucket.store())
    archive = Archive(counting, cache)
    expected = archive.query()

    cache.path(entry["sha256"]).write_bytes(b"bit rot")
    counting.downloaded.clear()
    assert archive.query() == expected
    assert entry["key"] in counting.downloaded
    data = cache.path(entry["sha256"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_cache_hashes_an_unchanged_copy_only_once(bucket, staging, tmp_path, monkeypatch):
    stage(staging, make_record(1, "yonhap", "2026-11-04T01:03:00Z"))
    entry = seal_snapshot(staging, bucket.store()).files[0]
    hashed = []
    real_sha256 = hashlib.sha256

    def counting_sha256(data=b""):
        hashed.append(len(data))
        return real_sha256(data)

    monkeypatch.setattr("newsspider.query.cache.hashlib.sha256", counting_sha256)
    cache = ObjectCache(tmp_path / "cache")
    expected = Archive(bucket.store(), cache).query()
    size = cache.path(entry["sha256"]).stat().st_size
    assert size in hashed  # checked as it was downloaded

    hashed.clear()
    again = Archive(bucket.store(), ObjectCache(tmp_path / "cache")).query()  # a new process
    assert again == expected and size not in hashed

    (tmp_path / "cache" / "stamps.json").unlink()  # no record of the check: check again
    hashed.clear()
    assert Archive(bucket.store(), ObjectCache(tmp_path / "cache")).query() == expected
    assert hashed.count(size) == 1


def test_cache_refuses_a_download_that_does_not_match_the_manifest(bucket, tmp_path):
    store = bucket.store()
    store.put("articles/a.parquet", b"actual bytes")
    cache = ObjectCache(tmp_path / "cache")
    wrong = hashlib.sha256(b"what the manifest promised").hexdigest()
    with pytest.raises(StoreError, match="does not match"):
        cache.read(store, "articles/a.parquet", wrong)
    assert not cache.path(wrong).exists()


def test_cache_evicts_least_recently_used_files_beyond_its_budget(bucket, tmp_path):
    store = bucket.store()
    blobs = {name: name.encode() * 100 for name in ("aaa", "bbb", "ccc")}  # 300 bytes each
    digests = {}
    for name, data in blobs.items():
        store.put(name, data)
        digests[name] = hashlib.sha256(data).hexdigest()
    cache = ObjectCache(tmp_path / "cache", max_bytes=700)

    cache.read(store, "aaa", digests["aaa"])
    cache.read(store, "bbb", digests["bbb"])
    os.utime(cache.path(digests["aaa"]), (1, 1))  # "aaa" was used long ago
    cache.read(store, "bbb", digests["bbb"])  # a hit refreshes "bbb"
    cache.read(store, "ccc", digests["ccc"])

    assert not cache.path(digests["aaa"]).exists()
    assert cache.path(digests["bbb"]).exists() and cache.path(digests["ccc"]).exists()
