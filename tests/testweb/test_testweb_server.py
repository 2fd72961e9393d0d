"""The test web over real HTTP on loopback: discovery files, pages, broken links, shutdown."""

from __future__ import annotations

import http.client
import json
import re
import socket
from datetime import datetime
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest

from newsspider.config import Source, parse_config
from newsspider.testweb import TestWeb
from newsspider.testweb.sites import OFFSITE_IP, SITES

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _xml(body: bytes) -> lxml.etree._Element:
    return lxml.etree.fromstring(body)


@pytest.mark.parametrize("name", list(SITES))
def test_site_serves_robots_feed_sitemaps_and_paginated_section(web, fetch, name):
    site, base = SITES[name], web.sites[name]
    status, _, robots = fetch(base + "/robots.txt")
    assert status == 200
    assert f"Sitemap: {base}{site.sitemap_index_path}" in robots.decode()
    assert f"Disallow: {site.disallow[0]}" in robots.decode()

    status, _, feed = fetch(base + site.feed_path)
    parsed = feedparser.parse(feed)
    assert status == 200 and len(parsed.entries) >= 6

    status, _, index = fetch(base + site.sitemap_index_path)
    locs = _xml(index).xpath("//sm:sitemap/sm:loc/text()", namespaces=SITEMAP_NS)
    assert status == 200
    assert locs == [base + site.news_sitemap_path, base + site.sitemap_path]
    status, _, news = fetch(locs[0])
    dates = _xml(news).xpath("//news:publication_date/text()", namespaces=SITEMAP_NS)
    assert status == 200 and dates
    assert all(datetime.fromisoformat(d).utcoffset() is not None for d in dates)
    status, _, regular = fetch(locs[1])
    assert status == 200 and _xml(regular).xpath("//sm:lastmod", namespaces=SITEMAP_NS)

    url, pages = base + site.section_path, 0
    while url:
        status, _, body = fetch(url)
        assert status == 200
        doc = lxml.html.fromstring(body)
        assert doc.xpath("//li[@class='item']/a/@href")
        pages += 1
        nexts = doc.xpath("//a[@rel='next']/@href")
        assert nexts == doc.xpath("//link[@rel='next']/@href")
        url = nexts[0] if nexts else None
    assert 2 <= pages <= 3


def test_feed_and_sitemap_links_resolve_to_catalog_articles(web, fetch):
    for name, base in web.sites.items():
        site = SITES[name]
        links = {e.link for e in feedparser.parse(fetch(base + site.feed_path)[2]).entries}
        sitemap = _xml(fetch(base + site.sitemap_path)[2])
        links |= set(sitemap.xpath("//sm:loc/text()", namespaces=SITEMAP_NS))
        for url in links:
            article = web.article(url)
            assert re.search(site.article_url_pattern, url)
            status, _, body = fetch(url)
            assert status == article.status, url
            if status == 200:
                doc = lxml.html.fromstring(body.decode(site.encoding))
                assert doc.xpath("//meta[@property='og:title']/@content") == [article.title]
                assert article.title in doc.xpath("//title/text()")[0]


def test_listing_and_discovery_urls_do_not_match_article_pattern(web):
    for name, base in web.sites.items():
        site = SITES[name]
        for path in (
            "/",
            site.section_path,
            site.section_path + "?page=2",
            site.feed_path,
            site.sitemap_index_path,
            site.news_sitemap_path,
            "/archive/2026/10",
        ):
            assert not re.search(site.article_url_pattern, base + path), (name, path)


def test_korean_page_is_euc_kr_declared_only_in_meta(web, fetch):
    article = next(a for a in web.articles if a.site == "hankook-test" and a.status == 200)
    status, headers, body = fetch(article.url)
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    assert b'<meta charset="euc-kr">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("euc-kr")
    assert article.title in text and article.body_paragraphs[0] in text
    feed = fetch(web.sites["hankook-test"] + SITES["hankook-test"].feed_path)[2]
    assert article.title in feed.decode("utf-8")


def test_broken_kyiv_feed_entries_return_404_500_and_offsite_redirect(web, fetch):
    broken = {a.status: a for a in web.articles if a.site == "kyiv-test" and a.status != 200}
    assert set(broken) == {302, 404, 500}
    assert fetch(broken[404].url)[0] == 404
    assert fetch(broken[500].url)[0] == 500
    status, headers, _ = fetch(broken[302].url)
    assert status == 302
    assert urlsplit(headers["Location"]).hostname == OFFSITE_IP


def test_kyiv_archive_is_an_endless_calendar(web, fetch):
    url = web.sites["kyiv-test"] + "/archive/2026/11"
    for expected_prev in ("/archive/2026/10", "/archive/2026/09"):
        status, _, body = fetch(url)
        assert status == 200
        url = lxml.html.fromstring(body).xpath("//a[@class='archive-prev']/@href")[0]
        assert url.endswith(expected_prev)
    status, _, body = fetch(web.sites["kyiv-test"] + "/archive/1901/01")
    assert status == 200 and b"/archive/1900/12" in body


def test_malformed_tass_feed_breaks_strict_xml_but_keeps_other_entries(web, fetch):
    body = fetch(web.sites["tass-test"] + SITES["tass-test"].feed_path)[2]
    with pytest.raises(lxml.etree.XMLSyntaxError):
        lxml.etree.fromstring(body)
    parsed = feedparser.parse(body)
    assert parsed.bozo
    titles = {e.title for e in parsed.entries}
    listed = {a.title for a in web.articles if a.site == "tass-test" and not a.robots_disallowed}
    assert len(titles & listed) >= len(listed) - 1


def test_robots_disallowed_tass_page_is_linked_from_the_section(web, fetch):
    hidden = next(a for a in web.articles if a.robots_disallowed)
    assert urlsplit(hidden.url).path.startswith("/private/")
    base = web.sites["tass-test"]
    links = []
    for page in ("", "?page=2", "?page=3"):
        links += lxml.html.fromstring(fetch(base + "/world" + page)[2]).xpath("//a/@href")
    assert hidden.url in links
    assert re.search(SITES["tass-test"].article_url_pattern, hidden.url)
    before = web.hits.count("tass-test", urlsplit(hidden.url).path)
    assert fetch(hidden.url)[0] == 200
    assert web.hits.count("tass-test", urlsplit(hidden.url).path) == before + 1


def test_article_dates_match_catalog_in_each_sites_format(web, fetch):
    def page(site):
        article = next(a for a in web.articles if a.site == site and a.status == 200)
        return article, lxml.html.fromstring(fetch(article.url)[2])

    article, doc = page("yonhap-test")
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["@type"] == "NewsArticle"
    assert data["datePublished"].endswith("+09:00")
    assert datetime.fromisoformat(data["datePublished"]) == article.published_at
    assert data["author"][0]["name"] == article.authors[0]

    article, doc = page("koreatimes-test")
    assert not doc.xpath("//script[@type='application/ld+json']")
    naive = doc.xpath("//meta[@property='article:published_time']/@content")[0]
    assert datetime.fromisoformat(naive).tzinfo is None
    seoul = article.published_at.astimezone(SITES["koreatimes-test"].zone)
    assert doc.xpath("//span[@class='date']/text()")[0] == f"{seoul:%Y-%m-%d %H:%M}"

    article, doc = page("kyiv-test")
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    story = next(node for node in data["@graph"] if node["@type"] == "NewsArticle")
    assert datetime.fromisoformat(story["datePublished"]) == article.published_at

    article, doc = page("tass-test")
    meta = doc.xpath("//meta[@property='article:published_time']/@content")[0]
    assert meta.endswith("+03:00")
    assert datetime.fromisoformat(meta) == article.published_at


def test_koreatimes_wire_copy_has_newspaper_boilerplate(web, fetch):
    copy = next(a for a in web.articles if a.site == "koreatimes-test" and a.syndicated_group)
    text = lxml.html.fromstring(fetch(copy.url)[2]).text_content()
    assert text.count(copy.captions[0]) == 2
    for chrome in ("font-size", "Kakao share button", "Top 10 Stories", "go top", "CLOSE"):
        assert chrome in text
    assert copy.body_paragraphs[-1].endswith("(Yonhap)")


def test_unchanged_page_answers_conditional_get_with_304(web, fetch):
    article = web.expected()[0]
    status, headers, _ = fetch(article.url)
    assert status == 200 and headers["Last-Modified"]
    assert fetch(article.url, {"If-None-Match": headers["ETag"]})[0] == 304


def test_sources_validate_against_the_config_schema(web):
    sources = [Source.model_validate(entry) for entry in web.sources()]
    assert [s.name for s in sources] == list(SITES)
    assert all(s.politeness.delay == 0 for s in sources)
    config = parse_config(web.sources_toml(), "testweb.toml")
    assert [s.model_dump() for s in config.sources] == [s.model_dump() for s in sources]


def test_hits_count_requests_per_site_and_path(web, fetch):
    base = web.sites["yonhap-test"]
    before = web.hits.count("yonhap-test", "/robots.txt")
    fetch(base + "/robots.txt")
    fetch(base + "/robots.txt")
    assert web.hits.count("yonhap-test", "/robots.txt") == before + 2
    assert "/robots.txt" in web.hits.fetched("yonhap-test", "/robots")


def test_servers_stop_when_the_context_exits():
    with TestWeb.start() as web:
        address = urlsplit(web.sites["yonhap-test"])
        kept_alive = http.client.HTTPConnection(address.hostname, address.port, timeout=2)
        kept_alive.request("GET", "/robots.txt")
        assert kept_alive.getresponse().read().startswith(b"User-agent")
    with pytest.raises(OSError):
        socket.create_connection((address.hostname, address.port), timeout=2).close()
    with pytest.raises((OSError, http.client.HTTPException)):
        kept_alive.request("GET", "/robots.txt")
        kept_alive.getresponse()
