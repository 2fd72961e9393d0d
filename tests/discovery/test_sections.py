from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsspider.discovery.sections import looks_like_article, parse_section

DATA = Path(__file__).parent / "data"
COURIER = "https://www.dailycourier.example"
SECTION = f"{COURIER}/world/"


def parse_world(**kwargs):
    body = (DATA / "section_world.html").read_bytes()
    kwargs.setdefault("allowed_domains", ["dailycourier.example"])
    kwargs.setdefault("article_pattern", None)
    return parse_section(body, SECTION, **kwargs)


def test_heuristic_finds_on_site_articles_once_in_page_order_with_their_headline():
    result = parse_world()

    assert [(a.url, a.title) for a in result.articles] == [
        (
            f"{COURIER}/world/2026/11/05/ceasefire-talks-resume-geneva",
            "Ceasefire talks resume in Geneva as envoys arrive",
        ),
        (
            "https://m.dailycourier.example/world/article/20261105001234",
            "Port strike enters third week",
        ),
        (
            f"{COURIER}/world/quake-strikes-off-the-coast-of-chile",
            "Quake strikes off the coast of Chile",
        ),
    ]
    assert {(a.via, a.published_at) for a in result.articles} == {("section", None)}


def test_article_pattern_replaces_the_heuristic():
    result = parse_world(article_pattern=re.compile(r"/world/\d{4}/\d{2}/\d{2}/"))

    assert [a.url for a in result.articles] == [
        f"{COURIER}/world/2026/11/05/ceasefire-talks-resume-geneva",
        f"{COURIER}/world/2026/11/05/gallery-photo.jpg",
    ]


def test_allowed_domain_without_subdomains_excludes_the_mobile_host():
    result = parse_world(allowed_domains=["www.dailycourier.example"])

    assert "https://m.dailycourier.example/world/article/20261105001234" not in [
        a.url for a in result.articles
    ]
    assert len(result.articles) == 2


def test_next_pages_come_from_link_rel_and_next_anchors_on_site_only():
    assert parse_world().next_pages == [f"{COURIER}/world/?page=2"]


def test_pagination_by_anchor_text_class_rel_and_arrows():
    body = """<html><body>
    <a href="/politics/?p=2">Older posts</a>
    <a href="/politics/?p=3" rel="next nofollow">3</a>
    <a href="/politics/?p=4"><span class="icon" aria-hidden="true"></span> 다음 </a>
    <a href="/politics/?p=5">»</a>
    <a href="/politics/?p=6" class="nextpostslink">6</a>
    <a href="/politics/?p=7" aria-label="Next page"><svg></svg></a>
    <a href="/politics/?p=0">‹ Previous</a>
    <a href="/politics/?p=9">Next week's schedule is out</a>
    </body></html>""".encode()

    result = parse_section(
        body,
        "https://news.example.com/politics/",
        article_pattern=None,
        allowed_domains=["example.com"],
    )

    assert result.next_pages == [f"https://news.example.com/politics/?p={n}" for n in range(2, 8)]


def test_declared_legacy_encoding_is_detected_and_base_href_is_honoured():
    html = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
    <base href="https://www.hankook.example/news/"></head><body>
    <a href="articleView.html?idxno=301122">국회, 예산안 처리 합의</a>
    <a href="list.html?sc=S1N2&page=2">다음</a>
    </body></html>"""
    body = html.encode("euc-kr")

    result = parse_section(
        body,
        "https://www.hankook.example/list.html?sc=S1N2",
        article_pattern=None,
        allowed_domains=["hankook.example"],
    )

    assert [(a.url, a.title) for a in result.articles] == [
        ("https://www.hankook.example/news/articleView.html?idxno=301122", "국회, 예산안 처리 합의")
    ]
    assert result.next_pages == ["https://www.hankook.example/news/list.html?sc=S1N2&page=2"]


def test_given_encoding_wins_over_a_wrong_meta_declaration():
    html = """<html><head><meta charset="iso-8859-1"></head><body>
    <a href="/news/2026/11/05/remaniement">Le Premier ministre annonce un remaniement</a>
    <a href="/news/2026/11/05/greve-sncf">Grève à la SNCF: le trafic très perturbé</a>
    </body></html>"""

    result = parse_section(
        html.encode("utf-8"),
        "https://www.lequotidien.example/",
        article_pattern=None,
        allowed_domains=["lequotidien.example"],
        encoding="utf-8",
    )

    assert result.articles[1].title == "Grève à la SNCF: le trafic très perturbé"


def test_xml_declared_xhtml_page_parses():
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<a href="/news/1234567">Story</a></body></html>"""

    result = parse_section(
        body, "https://example.com/", article_pattern=None, allowed_domains=["example.com"]
    )

    assert [a.url for a in result.articles] == ["https://example.com/news/1234567"]


def test_without_allowed_domains_the_pages_own_host_is_the_site():
    body = b"""<a href="https://example.com/news/1234567">on site</a>
    <a href="https://other.example/news/7654321">off site</a>"""

    result = parse_section(body, "https://example.com/", article_pattern=None, allowed_domains=[])

    assert [a.url for a in result.articles] == ["https://example.com/news/1234567"]


@pytest.mark.parametrize("body", [b"", b"   ", b"<!-- nothing -->"])
def test_empty_pages_give_an_empty_result(body):
    result = parse_section(
        body, "https://example.com/", article_pattern=None, allowed_domains=["example.com"]
    )

    assert (result.articles, result.next_pages) == ([], [])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/world/2026/11/05/ceasefire-talks", True),
        ("https://www.theguardian.com/world/2026/nov/05/storm-hits", True),
        ("https://www.hankook.example/news/articleView.html?idxno=301122", True),
        ("https://example.com/article/20261105001234", True),
        ("https://example.com/politics/senate-passes-the-budget-bill", True),
        ("https://example.com/politics/senate-passes-budget.html", False),
        ("https://example.com/world/", False),
        ("https://example.com/2026/11/05/", False),
        ("https://example.com/world/?page=2", False),
        ("https://example.com/tag/climate-change", False),
        ("https://example.com/img/2026/11/05/photo.jpg", False),
    ],
)
def test_article_heuristic(url, expected):
    assert looks_like_article(url) is expected
