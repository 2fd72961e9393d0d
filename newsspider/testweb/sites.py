"""The five test sites: address, time zone, URL layout and discovery paths of each.

Each site has its own loopback IP so a crawler sees five distinct domains. Paths here are
the single source for the server's routes, the rendered links and the `[[sources]]` config.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from newsspider.testweb.spec import ArticleSpec

#: An address on loopback that no test site listens on: the target of off-site redirects.
OFFSITE_IP = "127.0.0.99"

_AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec.")  # fmt: skip


def _ap_date(local: datetime) -> str:
    return f"{_AP_MONTHS[local.month - 1]} {local.day}"


def _long_date(local: datetime) -> str:
    return f"{local:%B} {local.day}"


def _no_dateline(local: datetime) -> str:
    return ""


@dataclass(frozen=True)
class SiteSpec:
    """Where a site lives and how its URLs look; everything a crawler config needs."""

    name: str
    title: str
    kind: str
    ip: str
    language: str
    timezone: str
    encoding: str
    feed_path: str
    feed_format: str  # "rss" or "atom"
    sitemap_index_path: str
    news_sitemap_path: str
    sitemap_path: str
    section_path: str
    section_title: str
    disallow: tuple[str, ...]
    article_url_pattern: str
    path_for: Callable[[ArticleSpec, datetime], str]
    dateline_date: Callable[[datetime], str]
    section_page_size: int = 3

    @property
    def templates(self) -> str:
        """Folder under `templates/` holding this site's layout and article page."""
        return self.name.removesuffix("-test")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def article_path(self, spec: ArticleSpec, local: datetime) -> str:
        return self.path_for(spec, local)


def _yonhap_path(spec: ArticleSpec, local: datetime) -> str:
    return f"/view/AEN{local:%Y%m%d}{spec.key}"


def _koreatimes_path(spec: ArticleSpec, local: datetime) -> str:
    section, number = spec.key.split("/")
    return f"/www/{section}/{local:%Y/%m}/{number}.html"


def _kyiv_path(spec: ArticleSpec, local: datetime) -> str:
    return f"/news/{spec.key}"


def _hankook_path(spec: ArticleSpec, local: datetime) -> str:
    return f"/News/Read/A{local:%Y%m%d%H%M}{spec.key}"


def _tass_path(spec: ArticleSpec, local: datetime) -> str:
    return f"/{spec.key}"


SITES: dict[str, SiteSpec] = {
    site.name: site
    for site in (
        SiteSpec(
            name="yonhap-test",
            title="Yonhap Test News Agency",
            kind="wire",
            ip="127.0.0.11",
            language="en",
            timezone="Asia/Seoul",
            encoding="utf-8",
            feed_path="/RSS/news.xml",
            feed_format="rss",
            sitemap_index_path="/sitemap.xml",
            news_sitemap_path="/sitemap-news.xml",
            sitemap_path="/sitemap-articles.xml",
            section_path="/nk/index",
            section_title="North Korea",
            disallow=("/search/",),
            article_url_pattern=r"/view/AEN\d{17}$",
            path_for=_yonhap_path,
            dateline_date=_ap_date,
        ),
        SiteSpec(
            name="koreatimes-test",
            title="The Korea Times Test",
            kind="newspaper",
            ip="127.0.0.12",
            language="en",
            timezone="Asia/Seoul",
            encoding="utf-8",
            feed_path="/www/rss/atom.xml",
            feed_format="atom",
            sitemap_index_path="/sitemap_index.xml",
            news_sitemap_path="/sitemap_news.xml",
            sitemap_path="/sitemap_articles.xml",
            section_path="/www/section/north-korea",
            section_title="North Korea",
            disallow=("/www/member/",),
            article_url_pattern=r"/www/[a-z]+/\d{4}/\d{2}/\d+_\d+\.html$",
            path_for=_koreatimes_path,
            dateline_date=_ap_date,
        ),
        SiteSpec(
            name="kyiv-test",
            title="The Kyiv Test Independent",
            kind="newspaper",
            ip="127.0.0.13",
            language="en",
            timezone="Europe/Kyiv",
            encoding="utf-8",
            feed_path="/news-feed/rss.xml",
            feed_format="rss",
            sitemap_index_path="/sitemap-index.xml",
            news_sitemap_path="/sitemap-google-news.xml",
            sitemap_path="/sitemap-posts.xml",
            section_path="/tag/north-korea",
            section_title="North Korea",
            disallow=("/admin/",),
            article_url_pattern=r"/news/[a-z0-9]+(?:-[a-z0-9]+)+$",
            path_for=_kyiv_path,
            dateline_date=_no_dateline,
        ),
        SiteSpec(
            name="hankook-test",
            title="한국테스트일보",
            kind="newspaper",
            ip="127.0.0.14",
            language="ko",
            timezone="Asia/Seoul",
            encoding="euc-kr",
            feed_path="/rss/politics.xml",
            feed_format="rss",
            sitemap_index_path="/sitemap.xml",
            news_sitemap_path="/sitemap/news.xml",
            sitemap_path="/sitemap/articles.xml",
            section_path="/News/Politics",
            section_title="정치",
            disallow=("/member/",),
            article_url_pattern=r"/News/Read/A\d{19}$",
            path_for=_hankook_path,
            dateline_date=_no_dateline,
        ),
        SiteSpec(
            name="tass-test",
            title="TASS Test",
            kind="agency",
            ip="127.0.0.15",
            language="en",
            timezone="Europe/Moscow",
            encoding="utf-8",
            feed_path="/rss/v2.xml",
            feed_format="rss",
            sitemap_index_path="/sitemap.xml",
            news_sitemap_path="/sitemap/news.xml",
            sitemap_path="/sitemap/articles.xml",
            section_path="/world",
            section_title="World",
            disallow=("/private/",),
            article_url_pattern=r"/(?:world|politics|military-operations|economy)/\d{6,}$",
            path_for=_tass_path,
            dateline_date=_long_date,
        ),
    )
}
