"""Discovery: feeds, sitemaps, robots.txt and section pages → article links with dates.

Pure parsing (bytes in, links out, no Scrapy, no I/O), so spiders, tests and tools share it.
"""

from newsspider.discovery.feeds import FeedResult, parse_feed
from newsspider.discovery.links import Link, within_window
from newsspider.discovery.robots import sitemaps_from_robots
from newsspider.discovery.sections import SectionResult, parse_section
from newsspider.discovery.sitemaps import SitemapResult, parse_sitemap

__all__ = [
    "FeedResult",
    "Link",
    "SectionResult",
    "SitemapResult",
    "parse_feed",
    "parse_section",
    "parse_sitemap",
    "sitemaps_from_robots",
    "within_window",
]
