"""The whole path on the bundled test news web: crawl → stage → snapshot → query, via the CLI."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsspider.cli import demo_config_text
from newsspider.record import parse_timestamp
from newsspider.testweb import TestWeb

pytestmark = pytest.mark.slow


def newsspider(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsspider", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def query_jsonl(config: Path, *extra: str) -> list[dict]:
    result = newsspider(
        "query", "--config", str(config), "--format", "jsonl", *extra, cwd=config.parent
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One full `newsspider run` against the test web, then a second run."""
    workdir = tmp_path_factory.mktemp("e2e")
    with TestWeb.start() as web:
        config = workdir / "newsspider.toml"
        dead = {
            "name": "dead-source",
            "home": f"http://127.0.0.1:{closed_port()}/",
            "robots_sitemaps": False,
        }
        dead["feeds"] = [dead["home"] + "rss.xml"]
        config.write_text(demo_config_text([*web.sources(), dead], workdir))
        first = newsspider("run", "--config", str(config), cwd=workdir)
        records_after_first = query_jsonl(config)
        hits_after_first = web.hits.snapshot()
        second = newsspider("run", "--config", str(config), cwd=workdir)
        records_after_second = query_jsonl(config)
        hits_after_second = web.hits.snapshot()
        yield {
            "web": web,
            "config": config,
            "workdir": workdir,
            "first": first,
            "second": second,
            "records": records_after_first,
            "records_again": records_after_second,
            "hits_first": hits_after_first,
            "hits_second": hits_after_second,
        }


def test_run_exits_zero_and_prints_a_summary(crawled):
    first = crawled["first"]
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Crawl summary" in first.stderr
    assert "snapshot " in first.stderr


def test_unreachable_source_and_malformed_feed_are_reported_without_stopping_the_run(crawled):
    stderr = crawled["first"].stderr
    assert re.search(r"feed http://127\.0\.0\.1:\d+/rss\.xml \(dead-source\) failed", stderr)
    assert re.search(r"tass-test\): malformed XML .* entries recovered", stderr)
    assert re.search(r"errors: feed\s*│\s*1\b", stderr)
    kept = {record["source"] for record in crawled["records"]}
    assert "tass-test" in kept and "dead-source" not in kept


def test_query_returns_exactly_the_relevant_in_window_articles(crawled):
    web = crawled["web"]
    expected = {article.url: article for article in web.expected(recency_days=3)}
    records = crawled["records"]
    got = {record["url"] for record in records}
    assert got == set(expected), (
        f"missing: {sorted(set(expected) - got)}\nunexpected: {sorted(got - set(expected))}"
    )
    assert len(records) == len(got), "an article was archived twice"


def test_records_carry_correct_title_body_dates_and_source(crawled):
    expected = {article.url: article for article in crawled["web"].expected(recency_days=3)}
    for record in crawled["records"]:
        article = expected[record["url"]]
        assert record["title"] == article.title
        assert record["source"] == article.site
        published = parse_timestamp(record["published_at"])
        assert abs(published - article.published_at) <= timedelta(seconds=60), record["url"]
        assert record["published_at"].endswith("Z")
        for paragraph in article.body_paragraphs:
            assert paragraph in record["body"], (record["url"], paragraph[:60])
        assert record["topics"] == ["nk-troops-russia"]
        assert len(record["content_sha256"]) == 64


def test_rerun_finds_nothing_new_and_refetches_no_article(crawled):
    assert crawled["second"].returncode == 0, crawled["second"].stderr[-3000:]
    assert ": 0 articles" in crawled["second"].stderr
    assert len(crawled["records_again"]) == len(crawled["records"])
    first, second = crawled["hits_first"], crawled["hits_second"]
    refetched = [
        article.url
        for article in crawled["web"].expected(recency_days=3)
        if second[article.site][article.path] > first[article.site][article.path]
    ]
    assert refetched == []


def test_robots_disallowed_pages_are_never_fetched(crawled):
    web = crawled["web"]
    for article in web.articles:
        if article.robots_disallowed:
            assert crawled["hits_second"].get(article.site, {}).get(article.path, 0) == 0


def test_calendar_trap_is_not_walked(crawled):
    archive_pages = [t for t in crawled["hits_second"].get("kyiv-test", {}) if "/archive/" in t]
    assert len(archive_pages) <= 5


def test_every_record_points_at_its_raw_capture(crawled):
    workdir = crawled["workdir"]
    for record in crawled["records"]:
        path = workdir / "archive" / record["warc_file"]
        with open(path, "rb") as handle:
            handle.seek(record["warc_offset"])
            response = next(iter(ArchiveIterator(handle)))
            assert response.rec_headers.get_header("WARC-Record-ID") == record["warc_record_id"]
            assert response.rec_headers.get_header("WARC-Target-URI") == record["url"]


def test_show_raw_prints_the_archived_page(crawled):
    record = crawled["records"][0]
    config = crawled["config"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsspider",
            "show",
            record["url"],
            "--raw",
            "--config",
            str(config),
        ],
        capture_output=True,
        timeout=120,
        cwd=config.parent,
    )
    assert result.returncode == 0, result.stderr
    assert b"<html" in result.stdout.lower()


def test_reextract_rebuilds_the_same_records_from_warcs(crawled):
    config = crawled["config"]
    result = newsspider("reextract", "--config", str(config), cwd=config.parent)
    assert result.returncode == 0, result.stderr
    rebuilt = {}
    for line in result.stdout.splitlines():
        record = json.loads(line)
        rebuilt.setdefault(record["url"], record)
    for record in crawled["records"]:
        again = rebuilt[record["url"]]
        assert (again["title"], again["body"], again["published_at"]) == (
            record["title"],
            record["body"],
            record["published_at"],
        )


def test_syndicated_wire_copies_share_one_story_group(crawled):
    groups: dict[str, list] = {}
    for article in crawled["web"].expected(recency_days=3):
        if article.syndicated_group:
            groups.setdefault(article.syndicated_group, []).append(article.url)
    assert groups, "the test web has no syndicated story"
    by_url = {record["url"]: record for record in crawled["records"]}
    for urls in groups.values():
        members = [by_url[url] for url in urls]
        assert len({m["dup_group"] for m in members}) == 1
        linked = [m for m in members if m["duplicate_of"]]
        assert len(linked) == len(members) - 1
        first = next(m for m in members if not m["duplicate_of"])
        assert all(m["duplicate_of"] == first["canonical_url"] for m in linked)
    singles = [r for r in crawled["records"] if r["url"] not in sum(groups.values(), [])]
    assert len({r["dup_group"] for r in singles}) == len(singles)


def test_dedup_stats_lists_the_syndicated_group_first(crawled):
    config = crawled["config"]
    result = newsspider("dedup", "stats", "--config", str(config), cwd=config.parent)
    assert result.returncode == 0, result.stderr
    assert re.search(r"seen-store urls\s*│\s*[1-9]", result.stdout)
    groups = result.stdout.split("Largest story groups", 1)[1]
    first_row = next(line for line in groups.splitlines() if re.match(r"│ \w", line))
    assert "│ 2 " in first_row
