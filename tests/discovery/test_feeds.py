from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsspider.discovery.feeds import parse_feed

DATA = Path(__file__).parent / "data"
COURIER = "https://www.dailycourier.example"


def test_broken_rss_still_yields_its_entries_and_names_the_problem():
    body = (DATA / "rss2_broken.xml").read_bytes()

    result = parse_feed(body, f"{COURIER}/world/rss.xml", "application/rss+xml; charset=utf-8")

    assert [link.url for link in result.links] == [
        f"{COURIER}/world/2026/11/05/ceasefire-talks-resume-geneva?utm_source=rss&utm_medium=feed",
        f"{COURIER}/world/2026/11/05/budget-vote-delayed-again",
        f"{COURIER}/world/2026/11/04/port-strike-third-week",
        f"{COURIER}/world/2026/11/04/quake-off-coast",
    ]
    assert result.problem == (
        "malformed XML (not well-formed (invalid token) at line 16), 4 entries recovered"
    )


def test_rss_dates_become_aware_utc_and_titles_are_kept():
    body = (DATA / "rss2_broken.xml").read_bytes()

    first, second, _, quake = parse_feed(body, f"{COURIER}/world/rss.xml").links

    assert first.published_at == datetime(2026, 11, 5, 0, 30, tzinfo=UTC)
    assert first.title == "Ceasefire talks resume in Geneva as envoys arrive"
    assert first.via == "feed"
    assert second.published_at == datetime(2026, 11, 5, 7, 10, tzinfo=UTC)
    assert second.title == "Markets & ministers: budget vote delayed again"
    assert quake.published_at == datetime(2026, 11, 4, 23, 5, tzinfo=UTC)


def test_atom_resolves_relative_links_against_xml_base_and_separates_updated():
    body = (DATA / "atom.xml").read_bytes()

    result = parse_feed(body, "https://news.example.org/feed.atom", "application/atom+xml")

    assert result.problem is None
    bill, storm = result.links
    assert bill.title == "Parliament passes data bill"
    assert bill.url == "https://news.example.org/politics/2026/11/05/parliament-passes-data-bill"
    assert bill.published_at == datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
    assert bill.modified_at == datetime(2026, 11, 5, 10, 30, tzinfo=UTC)
    # An entry with only <updated> is dated by it: the best estimate of its publication.
    assert storm.url == "https://news.example.org/weather/storm-warning-north-coast"
    assert storm.published_at == storm.modified_at == datetime(2026, 11, 4, 23, 15, tzinfo=UTC)


def test_rss1_reads_dublin_core_dates_including_date_only():
    body = (DATA / "rss1.rdf").read_bytes()

    result = parse_feed(body, "https://kyodo.example.jp/rss", "text/xml")

    assert result.problem is None
    boj, typhoon = result.links
    assert boj.title == "日銀、金利を据え置き"
    assert boj.published_at == datetime(2026, 11, 5, 6, 20, tzinfo=UTC)
    assert typhoon.published_at == datetime(2026, 11, 5, tzinfo=UTC)


def test_relative_links_resolve_against_the_feed_url_without_xml_base():
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>a</title><link>../politics/vote-count-begins-tonight</link></item>
    </channel></rss>"""

    result = parse_feed(body, "https://example.com/feeds/latest.xml")

    assert [link.url for link in result.links] == [
        "https://example.com/politics/vote-count-begins-tonight"
    ]


def test_a_clean_utf8_feed_served_as_text_html_without_charset_is_not_a_problem():
    body = (DATA / "rss1.rdf").read_bytes()

    assert parse_feed(body, "https://kyodo.example.jp/rss", "text/html").problem is None
    assert parse_feed(body, "https://kyodo.example.jp/rss", "text/plain").problem is None


def test_declared_charset_is_honoured_for_legacy_encodings():
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>연합</title>'
        "<item><title>국회 본회의 개최</title><link>https://yna.example.kr/view/AKR2026110500123</link>"
        "</item></channel></rss>"
    ).encode("euc-kr")

    result = parse_feed(body, "https://yna.example.kr/rss", "application/xml; charset=EUC-KR")

    assert [link.title for link in result.links] == ["국회 본회의 개최"]


def test_a_body_that_names_a_local_file_is_not_read_from_disk(tmp_path):
    secret = tmp_path / "feed.xml"
    secret.write_bytes((DATA / "atom.xml").read_bytes())

    result = parse_feed(str(secret).encode(), "https://example.com/feed")

    assert result.links == []
    assert result.problem is not None


def test_html_page_is_reported_as_not_a_feed():
    body = b"<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>"

    result = parse_feed(body, "https://example.com/rss", "text/html; charset=utf-8")

    assert result.links == []
    assert result.problem == "not a feed (no RSS or Atom elements found)"


def test_repeated_entries_are_listed_once():
    item = "<item><title>a</title><link>https://example.com/news/123456</link></item>"
    body = f'<rss version="2.0"><channel><title>t</title>{item}{item}</channel></rss>'.encode()

    assert len(parse_feed(body, "https://example.com/rss").links) == 1
