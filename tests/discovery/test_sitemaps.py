from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsspider.discovery.sitemaps import parse_sitemap, parse_w3c_datetime

DATA = Path(__file__).parent / "data"
COURIER = "https://www.dailycourier.example"


def test_sitemap_index_lists_child_sitemaps_with_lastmod():
    body = (DATA / "sitemap_index.xml").read_bytes()

    result = parse_sitemap(body, f"{COURIER}/sitemap.xml")

    assert result.problem is None
    assert result.pages == []
    assert [(s.url, s.modified_at) for s in result.sitemaps] == [
        (f"{COURIER}/sitemaps/news.xml", datetime(2026, 11, 4, 23, 2, 11, 512000, tzinfo=UTC)),
        (f"{COURIER}/sitemaps/2026-10.xml.gz", datetime(2026, 10, 31, tzinfo=UTC)),
        (f"{COURIER}/sitemaps/2019-01.xml.gz", datetime(2019, 1, 1, tzinfo=UTC)),
        (f"{COURIER}/sitemaps/authors.xml", None),
    ]
    assert {s.via for s in result.sitemaps} == {"sitemap"}


def test_google_news_sitemap_gives_publication_dates_and_titles():
    body = (DATA / "news_sitemap.xml").read_bytes()

    result = parse_sitemap(body, f"{COURIER}/sitemaps/news.xml")

    assert result.problem is None
    ceasefire, budget = result.pages
    assert ceasefire.url == f"{COURIER}/world/2026/11/05/ceasefire-talks-resume-geneva"
    assert ceasefire.published_at == datetime(2026, 11, 5, 0, 30, tzinfo=UTC)
    assert ceasefire.modified_at == datetime(2026, 11, 5, 1, 10, tzinfo=UTC)
    assert ceasefire.title == "Ceasefire talks resume in Geneva as envoys arrive"
    # The image's <image:loc> is not a page.
    assert budget.url == f"{COURIER}/business/2026/11/05/budget-vote-delayed-again"
    assert budget.published_at == datetime(2026, 11, 5, tzinfo=UTC)
    assert budget.modified_at is None


def test_gzipped_sitemap_is_inflated():
    body = gzip.compress((DATA / "news_sitemap.xml").read_bytes())

    result = parse_sitemap(body, f"{COURIER}/sitemaps/news.xml.gz")

    assert len(result.pages) == 2
    assert result.problem is None


def test_multi_member_gzip_with_trailing_padding_is_read_whole():
    head = b"<urlset><url><loc>https://example.com/news/1234567</loc></url>"
    tail = b"<url><loc>https://example.com/news/1234568</loc></url></urlset>"
    body = gzip.compress(head) + gzip.compress(tail) + b"\x00" * 16

    result = parse_sitemap(body, "https://example.com/sitemap.xml.gz")

    assert [p.url for p in result.pages] == [
        "https://example.com/news/1234567",
        "https://example.com/news/1234568",
    ]
    assert result.problem is None


def test_gzip_bomb_is_refused_with_a_problem_not_an_explosion():
    # 60 MB of spaces inside a urlset compresses to about 60 KB.
    xml = b"<urlset>" + b" " * (60 * 1024 * 1024) + b"</urlset>"
    body = gzip.compress(xml, compresslevel=9)

    result = parse_sitemap(body, "https://example.com/sitemap.xml.gz")

    assert result.pages == result.sitemaps == []
    assert result.problem == "gzip body inflates beyond 50 MB; not read"


def test_truncated_or_corrupt_gzip_is_reported():
    body = gzip.compress((DATA / "news_sitemap.xml").read_bytes())

    truncated = parse_sitemap(body[:200], "https://example.com/sitemap.xml.gz")
    corrupt = parse_sitemap(body[:10] + b"\xff" * 64, "https://example.com/sitemap.xml.gz")

    assert (truncated.pages, truncated.problem) == ([], "truncated gzip body")
    assert corrupt.pages == []
    assert corrupt.problem.startswith("corrupt gzip body")


def test_wrong_or_missing_namespaces_are_tolerated():
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.google.com/schemas/sitemap/0.84">
  <url><loc>https://example.com/news/2026/11/05/a</loc><lastmod>2026-11-05</lastmod>
    <news:news><news:publication_date>2026-11-05T08:00:00Z</news:publication_date>
    <news:title>Undeclared prefix</news:title></news:news>
  </url>
</urlset>"""

    result = parse_sitemap(body, "https://example.com/sitemap.xml")

    assert result.problem is None
    (page,) = result.pages
    assert page.published_at == datetime(2026, 11, 5, 8, tzinfo=UTC)
    assert page.title == "Undeclared prefix"


def test_unescaped_ampersand_keeps_the_whole_url_and_is_reported():
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.com/view.php?id=123456&section=world</loc></url>
  <url><loc>https://example.com/view.php?id=123457&amp;section=world</loc></url>
</urlset>"""

    result = parse_sitemap(body, "https://example.com/sitemap.xml")

    assert [p.url for p in result.pages] == [
        "https://example.com/view.php?id=123456&section=world",
        "https://example.com/view.php?id=123457&section=world",
    ]
    assert result.problem == "malformed XML (1 unescaped '&'), 2 URLs recovered"


def test_unclosed_tags_are_recovered_with_every_url():
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://example.com/a-1</loc><lastmod>2026-11-05</url>
<url><loc>https://example.com/b-2</loc></url>
<url><loc>https://example.com/c-3</loc></url>
</urlset>"""

    result = parse_sitemap(body, "https://example.com/sitemap.xml")

    assert [p.url for p in result.pages] == [
        "https://example.com/a-1",
        "https://example.com/b-2",
        "https://example.com/c-3",
    ]
    assert result.problem.startswith("malformed XML (Opening and ending tag mismatch")
    assert result.problem.endswith("3 URLs recovered")


def test_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY leak SYSTEM "file://{secret}">]>
<urlset><url><loc>https://example.com/&leak;</loc></url></urlset>""".encode()

    result = parse_sitemap(body, "https://example.com/sitemap.xml")

    assert all("TOPSECRET" not in page.url for page in result.pages)


def test_non_http_locations_are_dropped():
    body = b"""<urlset>
<url><loc>javascript:alert(1)</loc></url>
<url><loc>file:///etc/passwd</loc></url>
<url><loc>https://example.com/news/ok-story-here-now</loc></url>
</urlset>"""

    result = parse_sitemap(body, "https://example.com/sitemap.xml")

    assert [p.url for p in result.pages] == ["https://example.com/news/ok-story-here-now"]


def test_text_sitemap_lists_one_url_per_line():
    body = b"https://example.com/news/1234567\r\nhttps://example.com/news/1234568\n\nnot a url\n"

    result = parse_sitemap(body, "https://example.com/sitemap.txt")

    assert [p.url for p in result.pages] == [
        "https://example.com/news/1234567",
        "https://example.com/news/1234568",
    ]


def test_feed_listed_as_sitemap_is_read_as_a_feed():
    body = (DATA / "atom.xml").read_bytes()

    result = parse_sitemap(body, "https://news.example.org/feed.atom")

    assert len(result.pages) == 2
    assert result.pages[0].published_at == datetime(2026, 11, 5, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "empty body"),
        (b"  \r\n", "empty body"),
        (b"<html><body>Sitemap moved</body></html>", "not a sitemap (root element <html>)"),
        (b"\x00\x01garbage", "not XML"),
    ],
)
def test_invalid_sitemaps_give_an_empty_result_with_a_problem(body, problem):
    result = parse_sitemap(body, "https://example.com/sitemap.xml")

    assert (result.sitemaps, result.pages, result.problem) == ([], [], problem)


KST = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-05", datetime(2026, 11, 5, tzinfo=UTC)),
        ("2026-11", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-11-05T09:30+09:00", datetime(2026, 11, 5, 9, 30, tzinfo=KST)),
        ("2026-11-05T09:30:15Z", datetime(2026, 11, 5, 9, 30, 15, tzinfo=UTC)),
        ("2026-11-05T09:30:15.25-05:00", datetime(2026, 11, 5, 14, 30, 15, 250000, tzinfo=UTC)),
        ("2026-11-05 09:30:15 +0900", datetime(2026, 11, 5, 0, 30, 15, tzinfo=UTC)),
        ("2026-11-05T09:30:15", datetime(2026, 11, 5, 9, 30, 15, tzinfo=UTC)),
        (" 2026-11-05T09:30:15z ", datetime(2026, 11, 5, 9, 30, 15, tzinfo=UTC)),
        ("2026-02-30", None),
        ("2026-11-05T25:00Z", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_w3c_datetimes_become_aware_utc(text, expected):
    parsed = parse_w3c_datetime(text)

    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is UTC
