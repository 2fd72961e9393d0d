"""extract_article on bad input, encodings, selectors and language: a dict or NotAnArticle."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspider.config import Selectors
from newsspider.extraction.document import decode_html
from newsspider.extraction.errors import NotAnArticle
from newsspider.extraction.extract import extract_article
from newsspider.extraction.language import detect_language, normalize_lang

PAGES = Path(__file__).parent.parent / "data" / "pages"
NOW = datetime(2026, 11, 20, tzinfo=UTC)
URL = "https://news.example.com/2026/11/05/story"
PARAGRAPHS = [
    "North Korean troops deployed to Russia's Kursk region have suffered heavy casualties in "
    "combat with Ukrainian forces, South Korea's spy agency said on Thursday.",
    "The agency said it had confirmed the deaths of at least 300 soldiers, with another 2,700 "
    "wounded, based on its own intelligence and information shared by allies.",
    '"The troops lack experience of modern warfare and are vulnerable to drone attacks," a '
    "lawmaker quoted the agency as saying after a closed-door briefing.",
]


def article_html(head: str = "", extra_body: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<html lang="en"><head><title>Troops suffer losses</title>'
        f'<meta property="og:type" content="article">{head}</head>'
        f"<body><article><h1>North Korean troops suffer losses</h1>{paragraphs}"
        f"{extra_body}</article></body></html>"
    )


def extract(html: bytes | str, **kwargs) -> dict:
    return extract_article(html, URL, now=NOW, **kwargs)


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (b"", "empty page"),
        ("   \n  ", "empty page"),
        (bytes(range(256)) * 64, "not HTML"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00\x01\xff" * 2000, "not HTML"),
        ("<html><body><p>Too short.</p></body></html>", "body too short"),
        ("<html><head><title>x</title></head></html>", "body too short"),
    ],
)
def test_bad_input_raises_not_an_article_with_reason(html: bytes | str, reason: str) -> None:
    with pytest.raises(NotAnArticle, match=reason):
        extract(html)


def test_truncated_html_still_extracts() -> None:
    html = article_html()
    truncated = html[: html.index(PARAGRAPHS[2][:40]) + 40]
    record = extract(truncated)
    assert PARAGRAPHS[0] in record["body"]


def test_page_without_body_tag_still_extracts() -> None:
    html = "<title>x</title>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    assert PARAGRAPHS[1] in extract(html)["body"]


def test_ten_megabyte_page_is_handled() -> None:
    # Big pages are mostly inline state (e.g. __NEXT_DATA__ JSON) plus a long navigation.
    state = '{"items": [' + ",".join(['{"id": 1, "title": "headline"}'] * 330_000) + "]}"
    navigation = "<li><a href='/x'>link</a></li>" * 5_000
    html = article_html(
        head=f'<script id="__NEXT_DATA__" type="application/json">{state}</script>',
        extra_body=f"<aside><ul>{navigation}</ul></aside>",
    )
    assert len(html) > 10_000_000
    record = extract(html.encode())
    assert PARAGRAPHS[0] in record["body"]


def test_invalid_and_multiple_article_jsonld_do_not_break_extraction() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<script type="application/ld+json">[{"@type":"NewsArticle","url":"https://a/1",'
        '"headline":"Other"},{"@type":"NewsArticle","url":"https://b/2","headline":"Else"}]'
        "</script>"
    )
    record = extract(article_html(head))
    assert record["title"] == "North Korean troops suffer losses"


def test_future_date_in_metadata_falls_back() -> None:
    head = (
        '<meta property="article:published_time" content="2030-01-01T00:00:00Z">'
        '<meta name="pubdate" content="2026-11-05T01:03:00Z">'
    )
    record = extract(article_html(head))
    assert record["published_at"] == "2026-11-05T01:03:00Z"
    assert record["published_at_raw"] == "2026-11-05T01:03:00Z"


def test_pre_1990_date_is_discarded() -> None:
    head = '<meta property="article:published_time" content="1970-01-01T00:00:00Z">'
    assert extract(article_html(head))["published_at"] != "1970-01-01T00:00:00Z"


def test_naive_dates_use_the_source_time_zone() -> None:
    head = '<meta property="article:published_time" content="2026-11-05 10:03">'
    record = extract(article_html(head), timezone="Asia/Seoul")
    assert record["published_at"] == "2026-11-05T01:03:00Z"
    assert record["published_at_raw"] == "2026-11-05 10:03"


def test_unexpected_failures_become_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="extraction failed"):
        extract(article_html(), timezone="Not/AZone")


def test_paywall_teaser_is_not_an_article() -> None:
    html = (
        "<html><head><meta property='og:type' content='article'></head><body><article>"
        f"<p>{PARAGRAPHS[0]}</p><p>Subscribe to continue reading this story.</p>"
        "</article></body></html>"
    )
    with pytest.raises(NotAnArticle, match="paywall"):
        extract(html)


def test_blocked_page_is_not_an_article() -> None:
    html = "<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1></body>"
    with pytest.raises(NotAnArticle, match="blocked"):
        extract(html)


# --- encodings ---------------------------------------------------------------------------

KOREAN = (PAGES / "euckr_korean.html").read_bytes()
KOREAN_TITLE = '국정원 "북한군, 쿠르스크 전투서 사상자 3천명 넘어"'


@pytest.mark.parametrize("http_charset", [None, "euc-kr", "ISO-8859-1", "utf-8", "bogus"])
def test_euc_kr_page_decodes_whatever_the_http_header_says(http_charset: str | None) -> None:
    record = extract(KOREAN, encoding=http_charset, timezone="Asia/Seoul")
    assert record["title"] == KOREAN_TITLE
    assert "\ufffd" not in record["body"]


def test_utf8_page_mislabeled_as_euc_kr_decodes_as_utf8() -> None:
    data = KOREAN.decode("cp949").replace("charset=euc-kr", "charset=euc-kr").encode("utf-8")
    text, encoding = decode_html(data, "euc-kr")
    assert encoding == "utf-8"
    assert KOREAN_TITLE in text


def test_cp949_only_characters_decode() -> None:
    data = '<meta charset="euc-kr"><p>똠방각하 펲</p>'.encode("cp949")
    text, encoding = decode_html(data)
    assert "똠방각하 펲" in text
    assert encoding == "cp949"


def test_utf8_bom_wins() -> None:
    text, encoding = decode_html("<p>Ще не вмерла</p>".encode("utf-8-sig"), "iso-8859-1")
    assert text == "<p>Ще не вмерла</p>"
    assert encoding == "utf-8"


def test_str_input_with_xml_declaration_parses() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>' + article_html()
    assert PARAGRAPHS[0] in extract(html)["body"]


# --- selectors, language -----------------------------------------------------------------


def test_selectors_override_jsonld_and_meta() -> None:
    head = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"LD"}</script>'
    html = article_html(
        head,
        extra_body=(
            '<div class="who">By Park Ji-won</div><span class="when">2026.11.05 10:03</span>'
            '<div class="story"><p>Selected paragraph one, long enough to stand as the story '
            "text of this page for the purposes of this test, with more words added.</p>"
            "<p>Selected paragraph two continues the story with yet more words so that the "
            "body clears the minimum length for an article comfortably.</p></div>"
        ),
    )
    selectors = Selectors(
        title="//h1",
        body="div.story",
        authors=".who",
        published_at="span.when",
    )
    record = extract(html, selectors=selectors, timezone="Asia/Seoul")
    assert record["title"] == "North Korean troops suffer losses"
    assert record["authors"] == ["Park Ji-won"]
    assert record["published_at"] == "2026-11-05T01:03:00Z"
    assert record["body"].startswith("Selected paragraph one")
    assert PARAGRAPHS[0] not in record["body"]
    assert {record["extraction"][k] for k in ("title", "body", "authors", "published_at")} == {
        "selector"
    }


def test_invalid_selector_is_ignored() -> None:
    record = extract(article_html(), selectors=Selectors(body="div[[["))
    assert PARAGRAPHS[0] in record["body"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (" ".join(PARAGRAPHS), "en"),
        (
            "러시아에 파병돼 우크라이나군과 교전 중인 북한군의 사상자가 3천명을 넘어섰다",
            "ko",
        ),
        ("Українські військові завдали втрат підрозділу армії КНДР, який діяв у складі сил", "uk"),
        ("Российские подразделения продолжают операцию по вытеснению формирований ВСУ", "ru"),
        ("Kursk 2026", None),
    ],
)
def test_detect_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_declared_language_is_the_fallback() -> None:
    assert normalize_lang("ko-KR") == "ko"
    assert normalize_lang("en_US") == "en"
    assert normalize_lang("x-klingon") is None


KOREA_TIMES = (PAGES / "korea_times_yonhap.html").read_bytes()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(KOREA_TIMES)), st.binary(max_size=64))
def test_truncated_or_corrupted_pages_give_a_record_or_not_an_article(
    cut: int, junk: bytes
) -> None:
    try:
        record = extract(KOREA_TIMES[:cut] + junk)
    except NotAnArticle as exc:
        assert exc.reason
    else:
        assert record["body"]
