"""Whatever goes wrong, the browser answers with one clear page (or JSON error), no traceback."""

from __future__ import annotations

from newsspider.archive.local import LocalStore
from newsspider.archive.s3 import S3Store
from newsspider.config import Config
from newsspider.query.api import Archive
from newsspider.web.settings import WebSettings
from tests.archive.conftest import bucket, moto_server  # noqa: F401 (S3 fixtures)
from tests.web.conftest import client_for, config_for, seal_test_archive


def _config(tmp_path, uri: str) -> Config:
    (tmp_path / "state").mkdir(exist_ok=True)
    return config_for(uri, tmp_path / "state")


def test_an_empty_archive_is_a_notice_not_an_error(tmp_path):
    client = client_for(_config(tmp_path, f"file://{tmp_path / 'nothing-here'}"))
    page = client.get("/search", params={"q": "kursk"})
    assert page.status_code == 200 and "no archive here" in page.text
    assert client.get("/dashboard").status_code == 200
    assert client.get("/api/search").json()["results"] == []
    assert not (tmp_path / "nothing-here").exists()  # reading never creates the archive
    (tmp_path / "nothing-here").mkdir()
    assert "no sealed snapshots yet" in client.get("/search").text


def test_a_missing_snapshot_file_is_named_on_a_clear_page(tmp_path):
    sealed = seal_test_archive(tmp_path)
    next((sealed.root / "articles").rglob("*.parquet")).unlink()
    page = client_for(sealed.config).get("/search")
    assert page.status_code == 503
    assert "Archive unavailable" in page.text and "is missing" in page.text
    assert "Traceback" not in page.text


def test_an_unreachable_archive_is_a_clear_page(tmp_path, moto_server):  # noqa: F811
    uri = "s3://no-such-bucket/archive"
    archive = Archive.open(uri, cache=False, endpoint_url="http://127.0.0.1:9")
    client = client_for(_config(tmp_path, uri), archive=archive)
    page = client.get("/search")
    assert page.status_code == 503 and "cannot reach the S3 endpoint" in page.text
    assert client.get("/api/dashboard").json()["error"].startswith("s3://no-such-bucket")


def test_an_s3_archive_is_browsed_like_a_local_one(tmp_path, bucket):  # noqa: F811
    local = seal_test_archive(tmp_path / "local")
    store = S3Store.from_uri(f"s3://{bucket.name}/archive", endpoint_url=bucket.server.url)
    source = LocalStore(local.root)
    for key in source.list():
        store.put(key, source.get(key))
    archive = Archive(store, cache=None)
    client = client_for(_config(tmp_path, store.uri), archive=archive)
    assert client.get("/api/search", params={"q": "kursk"}).json()["results"]
    hostile = local.ids["hostile"]
    assert client.get(f"/captures/{hostile}").content.startswith(b"<html>")


def test_a_slow_query_ends_with_a_clear_page(sealed):
    client = client_for(sealed.config, WebSettings(query_timeout=0.000_001))
    page = client.get("/search", params={"q": "kursk"})
    assert page.status_code == 504 and "did not answer within" in page.text


def test_bad_parameters_and_unknown_ids_get_clear_pages(client, sealed):
    assert client.get("/search", params={"q": "kursk AND ("}).status_code == 400
    assert client.get("/search", params={"q": "x" * 501}).status_code == 400
    assert client.get("/search", params={"size": 101}).status_code == 400
    assert client.get("/search", params={"page": 1001}).status_code == 400
    assert client.get("/search", params={"source": "../etc"}).status_code == 400
    unknown = client.get(f"/articles/{'0' * 32}-1")
    assert unknown.status_code == 404 and "no article" in unknown.text
    assert client.get("/articles/not-an-id").status_code == 400
    assert client.get(f"/groups/{'0' * 32}").status_code == 404
    assert client.get("/revisions", params={"url": "http://nowhere.example/"}).status_code == 404
    assert client.get("/api/articles/zz").json()["error"]
