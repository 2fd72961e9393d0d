"""The test web's articles as data, and the ground truth built from them at serve time.

Stories are written once as `ArticleSpec` (text, age, flags) in the per-site `catalog_*`
modules. Dates and URLs depend on the clock and on the ports the servers got, so
`build_articles` turns specs into `CatalogArticle` records only when the sites start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from newsspider.testweb import (
    catalog_hankook,
    catalog_koreatimes,
    catalog_kyiv,
    catalog_tass,
    catalog_yonhap,
)
from newsspider.testweb.sites import SITES, SiteSpec
from newsspider.testweb.spec import DATELINE, ArticleSpec


@dataclass(frozen=True)
class CatalogArticle:
    """Ground truth of one article URL as served: what a perfect extraction returns."""

    site: str
    url: str
    title: str
    published_at: datetime
    modified_at: datetime | None
    authors: list[str]
    wire: str | None
    language: str
    body_paragraphs: list[str]
    captions: list[str]
    section: str
    relevant: bool
    in_window: bool
    syndicated_group: str | None
    status: int
    robots_disallowed: bool = False
    path: str = ""
    summary: str = ""
    key: str = field(default="", repr=False)

    @property
    def body(self) -> str:
        """The story text as one string, paragraphs separated by blank lines."""
        return "\n\n".join(self.body_paragraphs)

    @property
    def reachable(self) -> bool:
        """Served with 200 at a path a robots-obeying crawler may fetch."""
        return self.status == 200 and not self.robots_disallowed

    def is_in_window(self, now: datetime, recency_days: float) -> bool:
        return now - self.published_at <= timedelta(days=recency_days)


ALL_SPECS: tuple[ArticleSpec, ...] = (
    *catalog_yonhap.ARTICLES,
    *catalog_koreatimes.ARTICLES,
    *catalog_kyiv.ARTICLES,
    *catalog_hankook.ARTICLES,
    *catalog_tass.ARTICLES,
)


def floor_minute(moment: datetime) -> datetime:
    """Drop seconds so every date format (minute-precision pages included) agrees exactly."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def build_article(
    spec: ArticleSpec, site: SiteSpec, base_url: str, now: datetime, recency_days: float = 3
) -> CatalogArticle:
    """Resolve a spec's dates, URL and dateline against the clock and the site's address."""
    published = floor_minute(now - timedelta(hours=spec.age_hours))
    modified = None
    if spec.modified_age_hours is not None:
        modified = floor_minute(now - timedelta(hours=spec.modified_age_hours))
    local = published.astimezone(site.zone)
    dateline = site.dateline_date(local)
    paragraphs = [p.replace(DATELINE, dateline) for p in spec.paragraphs]
    path = site.article_path(spec, local)
    return CatalogArticle(
        site=site.name,
        url=base_url + path,
        title=spec.title,
        published_at=published,
        modified_at=modified,
        authors=list(spec.authors),
        wire=spec.wire,
        language=site.language,
        body_paragraphs=paragraphs,
        captions=list(spec.captions),
        section=spec.section,
        relevant=spec.relevant,
        in_window=now - published <= timedelta(days=recency_days),
        syndicated_group=spec.syndicated_group,
        status=spec.status,
        robots_disallowed=spec.robots_disallowed,
        path=path,
        summary=spec.summary or paragraphs[0][:200],
        key=spec.key,
    )


def build_articles(now: datetime, base_urls: dict[str, str]) -> list[CatalogArticle]:
    """Every article of every site, newest first within a site."""
    articles = [
        build_article(spec, SITES[spec.site], base_urls[spec.site], now) for spec in ALL_SPECS
    ]
    return sorted(articles, key=lambda a: (a.site, -a.published_at.timestamp()))
