"""HTML pages of the test sites: layouts, listings and article pages from `templates/`.

Each site's chrome lives in its `layout.html`, its article page in `article.html`; this
module only computes the values (escaped) and fills the `string.Template` placeholders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from html import escape
from importlib.resources import files
from string import Template

from newsspider.testweb.catalog import CatalogArticle
from newsspider.testweb.sites import SiteSpec


@cache
def template(name: str) -> Template:
    return Template((files("newsspider.testweb") / "templates" / name).read_text("utf-8"))


@dataclass(frozen=True)
class SiteContext:
    """What every page of one site needs: the site, its served address, clock and articles."""

    site: SiteSpec
    base: str
    now: datetime
    articles: tuple[CatalogArticle, ...]  # newest first

    @property
    def listed(self) -> list[CatalogArticle]:
        """Articles linked from home and section pages (broken feed-only entries are not)."""
        return [a for a in self.articles if a.status == 200]

    @property
    def section_url(self) -> str:
        return self.base + self.site.section_path

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.site.zone)

    def archive_url(self, year: int, month: int) -> str:
        return f"{self.base}/archive/{year:04d}/{month:02d}"


def page(ctx: SiteContext, title: str, content: str, head: str = "") -> str:
    """Wrap page content in the site's chrome (header, navigation, footer, banners)."""
    now = ctx.local(ctx.now)
    return template(f"{ctx.site.templates}/layout.html").substitute(
        title=escape(title),
        head=head,
        content=content,
        home=ctx.base,
        feed_url=ctx.base + ctx.site.feed_path,
        section_url=ctx.section_url,
        archive_url=ctx.archive_url(now.year, now.month),
    )


def _listing_items(ctx: SiteContext, articles: list[CatalogArticle]) -> str:
    items = []
    for article in articles:
        when = ctx.local(article.published_at).strftime("%Y-%m-%d %H:%M")
        items.append(
            f'    <li class="item"><a class="item-title" href="{escape(article.url)}">'
            f"{escape(article.title)}</a>\n"
            f'      <span class="item-date">{when}</span>\n'
            f'      <p class="item-lead">{escape(article.summary)}</p></li>'
        )
    return "\n".join(items)


def section_page_count(ctx: SiteContext) -> int:
    size = ctx.site.section_page_size
    return max(1, -(-len(ctx.listed) // size))


def section_page_url(ctx: SiteContext, number: int) -> str:
    return ctx.section_url if number == 1 else f"{ctx.section_url}?page={number}"


def render_section(ctx: SiteContext, number: int) -> str:
    """One page of the paginated section; all but the last carry rel="next"."""
    size = ctx.site.section_page_size
    chunk = ctx.listed[(number - 1) * size : number * size]
    count = section_page_count(ctx)
    head, nav = [], []
    if number > 1:
        prev_url = escape(section_page_url(ctx, number - 1))
        head.append(f'<link rel="prev" href="{prev_url}">')
        nav.append(f'    <a rel="prev" class="prev" href="{prev_url}">Previous</a>')
    nav.append(f'    <span class="current">Page {number} of {count}</span>')
    if number < count:
        next_url = escape(section_page_url(ctx, number + 1))
        head.append(f'<link rel="next" href="{next_url}">')
        nav.append(f'    <a rel="next" class="next" href="{next_url}">Next</a>')
    content = template("listing.html").substitute(
        page=number,
        heading=escape(ctx.site.section_title),
        items=_listing_items(ctx, chunk),
        pagination="\n".join(nav),
    )
    title = ctx.site.section_title + (f" (page {number})" if number > 1 else "")
    return page(ctx, title, content, "\n".join(head))


def render_home(ctx: SiteContext) -> str:
    content = template("listing.html").substitute(
        page=1,
        heading="Latest news",
        items=_listing_items(ctx, [a for a in ctx.listed if not a.robots_disallowed][:8]),
        pagination=f'    <a href="{escape(ctx.section_url)}">More {ctx.site.section_title}</a>',
    )
    return page(ctx, ctx.site.title, content)


def render_archive(ctx: SiteContext, year: int, month: int) -> str:
    """A month of the archive: always links the month before, so it never ends (a trap)."""
    articles = [
        a
        for a in ctx.listed
        if (ctx.local(a.published_at).year, ctx.local(a.published_at).month) == (year, month)
    ]
    prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
    label = datetime(year, month, 1).strftime("%B %Y")
    prev_label = datetime(prev_year, prev_month, 1).strftime("%B %Y")
    prev_url = escape(ctx.archive_url(prev_year, prev_month))
    content = template("listing.html").substitute(
        page=1,
        heading=f"Archive: {label}",
        items=_listing_items(ctx, articles) or "    <li>No articles this month.</li>",
        pagination=f'    <a class="archive-prev" href="{prev_url}">&larr; {prev_label}</a>',
    )
    return page(ctx, f"Archive: {label}", content)


def render_stub(ctx: SiteContext, title: str, text: str) -> str:
    """A plain page (search, login, error) in the site's chrome."""
    content = f'<div class="stub"><h1>{escape(title)}</h1>\n<p>{escape(text)}</p></div>'
    return page(ctx, title, content)


def paragraphs_html(paragraphs: list[str], indent: str = "    ") -> str:
    return "\n".join(f"{indent}<p>{escape(p, quote=False)}</p>" for p in paragraphs)


def meta_tags(pairs: list[tuple[str, str, str]]) -> str:
    """`<meta>` tags from (attribute, key, value) triples, e.g. ("property", "og:title", …)."""
    return "\n".join(
        f'<meta {attr}="{escape(key)}" content="{escape(value)}">' for attr, key, value in pairs
    )


def json_ld(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'
