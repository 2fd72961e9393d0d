"""The benchmark's crawl done by news-please's own crawler, for comparison.

Run by the Python of a separate environment where news-please is installed (it pins its own
Scrapy stack, so it never shares ours): ``NP_PYTHON news_please_crawl.py SITE_URL WORKDIR``.
It runs news-please's ``SitemapCrawler`` in this process, as ``news-please`` runs it for one
site, with the package's default ``config.cfg`` except for what a benchmark must set: the
working directory, the concurrency used by the other crawlers, Scrapy's telnet console and
remote control off, and one extension counting article pages under the stat the benchmark
reads from every crawler. Everything else stays news-please's default: its heuristics, the
newspaper/readability/date/language extractors, and HTML and JSON file storage of each article.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import newsplease
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response

ARTICLE_PATH = "/news/"
CONCURRENCY = 32


class CountArticles:
    """Counts fetched article pages as ``newsspider/pages/articles``, like the other crawlers."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CountArticles:
        return cls(crawler)

    def response_received(self, response: Response, **_kwargs) -> None:
        if ARTICLE_PATH in response.url:
            self.stats.inc_value("newsspider/pages/articles")


def write_config(site_url: str, workdir: Path) -> tuple[Path, Path]:
    """news-please's default config.cfg with the benchmark's overrides, and a one-site list."""
    text = (Path(newsplease.__file__).parent / "config" / "config.cfg").read_text()
    extra_settings = (
        "TELNETCONSOLE_ENABLED = False\nREMOTE_CONTROL_ENABLED = False\n"
        f"EXTENSIONS = {{'{Path(__file__).stem}.CountArticles': 0}}"
    )
    overrides = {
        r"^working_path = .*$": f"working_path = {workdir}/",
        r"^CONCURRENT_REQUESTS=\d+$": f"CONCURRENT_REQUESTS={CONCURRENCY}",
        r"^CONCURRENT_REQUESTS_PER_DOMAIN=\d+$": f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}",
        r"^ITEM_CLASS = .*$": None,  # kept, with the extra settings after it (same section)
    }
    for pattern, line in overrides.items():
        text, found = re.subn(
            pattern,
            lambda match, line=line: line or f"{match.group(0)}\n{extra_settings}",
            text,
            flags=re.MULTILINE,
        )
        if found != 1:
            raise SystemExit(f"news-please's config.cfg has changed: no single line {pattern!r}")
    config = workdir / "config.cfg"
    config.write_text(text)
    sites = workdir / "sitelist.hjson"
    sites.write_text(json.dumps({"base_urls": [{"url": site_url, "crawler": "SitemapCrawler"}]}))
    return config, sites


def allow_sites_on_any_port() -> None:
    """news-please puts ``host:port`` into ``allowed_domains``; Scrapy 2.19 compares hostnames
    only, so every request to a site on a non-default port would be dropped as off-site."""
    from newsplease.helper_classes.url_extractor import UrlExtractor

    allowed_domain = UrlExtractor.get_allowed_domain

    def without_port(url: str, allow_subdomains: bool = True) -> str:
        return allowed_domain(url, allow_subdomains).rsplit(":", 1)[0]

    UrlExtractor.get_allowed_domain = staticmethod(without_port)


def main() -> None:
    site_url, workdir = sys.argv[1], Path(sys.argv[2]).resolve()
    config, sites = write_config(site_url, workdir)
    allow_sites_on_any_port()
    from newsplease.single_crawler import SingleCrawler

    SingleCrawler(str(config), str(sites), 0, False, False)


if __name__ == "__main__":
    main()
