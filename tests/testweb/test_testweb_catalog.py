"""The catalog as ground truth: the mix of stories, their dates, and their text on the page."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import lxml.html

from newsspider.testweb.sites import SITES


def test_story_mix_covers_relevant_near_misses_and_old_stories(web):
    served = [a for a in web.articles if a.status == 200 and not a.robots_disallowed]
    relevant_recent = [a for a in web.expected()]
    near_misses = [a for a in served if not a.relevant]
    old = [a for a in served if a.relevant and not a.in_window]
    assert 30 <= len(web.articles) <= 40
    assert len(relevant_recent) >= 12
    assert len(near_misses) >= 10
    assert len(old) >= 3
    assert {a.site for a in relevant_recent} == set(SITES)
    assert any(a.language == "ko" for a in relevant_recent)
    assert {a.wire for a in web.articles} >= {"Yonhap", "AFP", "Reuters"}


def test_expected_keeps_only_relevant_recent_reachable_articles(web):
    expected = web.expected()
    assert all(a.relevant and a.status == 200 and not a.robots_disallowed for a in expected)
    assert all(web.now - a.published_at <= timedelta(hours=60) for a in expected)
    excluded = [a for a in web.articles if a.relevant and a not in expected]
    assert Counter(a.status for a in excluded)[200] == len(
        [a for a in excluded if a.robots_disallowed or not a.in_window]
    )
    for article in web.articles:
        if not article.in_window:
            assert web.now - article.published_at >= timedelta(days=8)
    assert len(web.expected(recency_days=40)) > len(expected)


def test_syndicated_wire_story_appears_on_two_sites_with_small_edits(web):
    groups = Counter(a.syndicated_group for a in web.articles if a.syndicated_group)
    group, copies = groups.most_common(1)[0]
    assert copies == 2
    original, copy = sorted(
        (a for a in web.articles if a.syndicated_group == group), key=lambda a: a.published_at
    )
    assert (original.site, copy.site) == ("yonhap-test", "koreatimes-test")
    assert original.title != copy.title
    assert original.body_paragraphs[0].startswith("SEOUL, Nov. 4 (Yonhap) -- ")
    assert original.body_paragraphs[1] == copy.body_paragraphs[1]
    assert original.body_paragraphs != copy.body_paragraphs
    assert copy.wire == "Yonhap" and copy.authors == []
    assert original.authors == ["Kim Eun-jung"]


def test_every_paragraph_and_caption_is_on_the_served_page(web, fetch):
    for article in web.articles:
        if article.status != 200:
            continue
        body = fetch(article.url)[2].decode(SITES[article.site].encoding)
        doc = lxml.html.fromstring(body)
        texts = {p.text_content() for p in doc.xpath("//p")}
        assert set(article.body_paragraphs) <= texts, article.url
        page_text = doc.text_content()
        assert all(caption in page_text for caption in article.captions)
        for author in article.authors:
            assert author in page_text


def test_urls_are_unique_and_on_their_sites_host(web):
    urls = [a.url for a in web.articles]
    assert len(urls) == len(set(urls))
    for article in web.articles:
        assert article.url.startswith(web.sites[article.site] + "/")
        assert article.published_at.tzinfo is not None
