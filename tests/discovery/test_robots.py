from __future__ import annotations

import pytest

from newsspider.discovery.robots import sitemaps_from_robots

ROBOTS = b"""# robots.txt for www.dailycourier.example
User-agent: *
Disallow: /search
Disallow: /admin/
Crawl-delay: 2

User-agent: GPTBot
Disallow: /

Sitemap: https://www.dailycourier.example/sitemap.xml
sitemap:   /sitemaps/news.xml
SITEMAP: https://www.dailycourier.example/sitemap.xml
Sitemap: ftp://files.dailycourier.example/sitemap.xml
Sitemap: https://cdn.dailycourier.example/sitemaps/video.xml.gz
"""


def test_sitemap_lines_become_absolute_unique_http_urls_in_order():
    found = sitemaps_from_robots(ROBOTS, "https://www.dailycourier.example/robots.txt")

    assert found == [
        "https://www.dailycourier.example/sitemap.xml",
        "https://www.dailycourier.example/sitemaps/news.xml",
        "https://cdn.dailycourier.example/sitemaps/video.xml.gz",
    ]


@pytest.mark.parametrize("body", [b"User-agent: *\nDisallow:\n", b"\xff\xfe<html>\x00", b""])
def test_robots_without_sitemap_lines_gives_nothing(body):
    assert sitemaps_from_robots(body, "https://example.com/robots.txt") == []
