from __future__ import annotations

import csv
import io
import json

from tests.web.conftest import REVISED_URL


def test_search_api_pages_through_records_with_their_ids(client, sealed):
    first = client.get("/api/search", params={"q": "kursk", "size": 1})
    assert first.status_code == 200
    body = first.json()
    assert body["page"] == 1 and body["size"] == 1 and body["has_next"] is True
    assert body["results"][0]["id"] in sealed.ids.values()
    everything = client.get("/api/search", params={"q": "kursk", "size": 50}).json()
    assert {r["id"] for r in everything["results"]} >= {sealed.ids["wire"], sealed.ids["copy"]}
    assert everything["has_next"] is False


def test_search_api_takes_the_topic_query_language_and_filters(client, sealed):
    found = client.get(
        "/api/search", params={"q": '"spy agency" NOT lawmakers', "source": "koreatimes"}
    ).json()
    assert [r["id"] for r in found["results"]] == [sealed.ids["copy"]]
    assert client.get("/api/search", params={"q": "kursk", "wire": "yonhap"}).json()["results"]
    by_day = client.get("/api/search", params={"since": "2026-11-05", "until": "2026-11-05"})
    sources = {r["source"] for r in by_day.json()["results"]}
    assert sources == {"evil-source", "yonhap", "koreatimes"}


def test_article_api_names_the_revision_and_links_to_group_revisions_and_capture(client, sealed):
    article = client.get(f"/api/articles/{sealed.ids['wire']}").json()
    assert article["id"] == sealed.ids["wire"]
    assert article["source"] == "yonhap" and article["wire"] == "Yonhap"
    assert article["links"]["group"] == f"/groups/{sealed.group}"
    assert article["links"]["revisions"].startswith("/revisions?url=http")
    revised = client.get(f"/api/articles/{sealed.ids['revised']}").json()
    assert revised["revision"] == 2 and revised["title"] == "Seoul says 3,000 troops sent"


def test_group_api_lists_every_copy_with_sentences_added_and_removed(client, sealed):
    group = client.get(f"/api/groups/{sealed.group}").json()
    assert [c["source"] for c in group["copies"]] == ["yonhap", "koreatimes"]
    earliest, copy = group["copies"]
    assert earliest["earliest"] and not earliest["added_sentences"]
    assert copy["removed_sentences"] == ["Lawmakers were briefed on Tuesday."]
    assert copy["added_sentences"] == ["Seoul and Washington condemned the deployment."]


def test_revisions_api_lists_a_urls_revisions_oldest_first(client):
    revisions = client.get("/api/revisions", params={"url": REVISED_URL}).json()
    assert [r["revision"] for r in revisions["revisions"]] == [1, 2]


def test_capture_api_gives_the_archived_status_and_headers(client, sealed):
    captured = client.get(f"/api/articles/{sealed.ids['hostile']}/capture").json()
    assert captured["status_line"] == "200 OK"
    assert ["Content-Type", "text/html; charset=utf-8"] in captured["headers"]


def test_openapi_describes_every_api_route(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/search",
        "/api/articles/{article_id}",
        "/api/articles/{article_id}/capture",
        "/api/groups/{group_id}",
        "/api/revisions",
        "/api/dashboard",
    } <= set(paths)
    assert not any(path.startswith("/search") for path in paths)  # pages are not API


def test_downloads_hold_every_field_as_csv_or_json_lines(client, sealed):
    jsonl = client.get("/search/download", params={"q": "kursk", "format": "jsonl"})
    assert jsonl.headers["content-disposition"] == 'attachment; filename="newsspider-search.jsonl"'
    records = [json.loads(line) for line in jsonl.text.splitlines()]
    assert {"body", "warc_file", "topic_scores"} <= set(records[0])
    table = list(csv.DictReader(io.StringIO(client.get("/search/download?q=kursk").text)))
    assert len(table) == len(records)
    assert all(not row["title"].startswith(("=", "+", "@")) for row in table)


def test_csv_cells_that_a_spreadsheet_would_run_are_defused():
    from newsspider.web.search import to_csv

    rows = list(csv.reader(io.StringIO(to_csv([{"title": "=HYPERLINK(1)"}], ["title"]))))
    assert rows == [["title"], ["'=HYPERLINK(1)"]]


def test_csv_download_replaces_control_characters():
    from newsspider.web.search import to_csv

    records = [{"title": "\x1b[2Jnews\u202e", "body": "one\n\ttwo\x07"}]
    rows = list(csv.reader(io.StringIO(to_csv(records, ["title", "body"]))))
    assert rows == [["title", "body"], [" [2Jnews ", "one\n\ttwo "]]


def test_dashboard_api_reports_archive_and_yield(client):
    dashboard = client.get("/api/dashboard").json()
    assert dashboard["snapshots"] == 3 and dashboard["archive_bytes"] > 0
    assert "quiet" in dashboard["silent_sources"]
