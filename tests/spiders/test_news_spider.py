from __future__ import annotations

import asyncio

from scrapy.utils.test import get_crawler

from newsspider.cli import demo_config_text
from newsspider.config import load_config
from newsspider.settings import settings_from_config
from newsspider.spiders.news import NewsSpider
from newsspider.testweb import TestWeb


def seed_requests(config_path, **spider_args):
    settings = {"NEWSSPIDER_CONFIG": str(config_path)}
    crawler = get_crawler(NewsSpider, settings)
    spider = NewsSpider.from_crawler(crawler, **spider_args)

    async def collect():
        return [request async for request in spider.start()]

    return spider, asyncio.run(collect())


def write_config(tmp_path, web):
    path = tmp_path / "newsspider.toml"
    path.write_text(demo_config_text(web.sources(), tmp_path))
    return path


def test_spider_yields_feed_sitemap_robots_and_section_requests(tmp_path):
    with TestWeb.start() as web:
        path = write_config(tmp_path, web)
        spider, requests = seed_requests(path)
    config = load_config(path)
    urls = {request.url for request in requests}
    for source in config.sources:
        assert set(source.feeds) <= urls
        assert set(source.sitemaps) <= urls
        assert set(source.sections) <= urls
        assert source.home.rstrip("/") + "/robots.txt" in urls
    assert {r.meta["via"] for r in requests} == {"feed", "sitemap", "robots", "section"}
    assert sorted(spider.allowed_domains) == sorted(
        domain for source in config.sources for domain in source.allowed_domains
    )


def test_spider_can_be_limited_to_named_sources(tmp_path):
    with TestWeb.start() as web:
        path = write_config(tmp_path, web)
        _, requests = seed_requests(path, sources="tass-test")
    assert {r.meta["source"] for r in requests} == {"tass-test"}


def test_config_becomes_scrapy_politeness_settings(tmp_path):
    with TestWeb.start() as web:
        config = load_config(write_config(tmp_path, web))
    settings = settings_from_config(config)
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["DOWNLOAD_SLOTS"]["127.0.0.11"] == {"delay": 0.0, "concurrency": 4}
    assert settings["DOWNLOAD_MAXSIZE"] == config.crawl.max_page_bytes
