"""Article pages: each site puts dates, bylines, captions and metadata its own way.

The differences are the point: JSON-LD with offsets (yonhap), naive KST dates and OpenGraph
only (koreatimes, hankook), a JSON-LD `@graph` (kyiv), meta tags with offsets (tass).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from newsspider.testweb.catalog import CatalogArticle
from newsspider.testweb.render import (
    SiteContext,
    json_ld,
    meta_tags,
    page,
    paragraphs_html,
    template,
)

Values = tuple[dict[str, str], str]  # template values, extra <head> markup


def render_article(ctx: SiteContext, article: CatalogArticle) -> str:
    others = [a for a in ctx.listed if a.url != article.url and not a.robots_disallowed]
    values, head = ARTICLE_VALUES[ctx.site.name](ctx, article, others)
    common = {
        "home": ctx.base,
        "headline": escape(article.title, quote=False),
        "section": escape(article.section),
        "section_url": escape(ctx.section_url),
        "most_viewed": "\n".join(
            f'    <li><a href="{escape(a.url)}">{escape(a.title)}</a></li>' for a in others[:10]
        ),
    }
    content = template(f"{ctx.site.templates}/article.html").substitute(common | values)
    return page(ctx, article.title, content, head)


def _iso(ctx: SiteContext, moment: datetime) -> str:
    return ctx.local(moment).isoformat()


def _naive(ctx: SiteContext, moment: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return ctx.local(moment).strftime(fmt)


def _names(authors: list[str]) -> str:
    return " and ".join(authors) if len(authors) < 3 else ", ".join(authors)


def _image_url(ctx: SiteContext, article: CatalogArticle, index: int) -> str:
    return f"{ctx.base}/images/{article.key.replace('/', '-')}-{index}.jpg"


def _og(ctx: SiteContext, article: CatalogArticle) -> list[tuple[str, str, str]]:
    tags = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", ctx.site.title),
        ("property", "og:title", article.title),
        ("property", "og:url", article.url),
        ("property", "og:description", article.summary),
        ("name", "description", article.summary),
    ]
    if article.captions:
        tags.append(("property", "og:image", _image_url(ctx, article, 0)))
    return tags


def _yonhap(ctx: SiteContext, article: CatalogArticle, others: list[CatalogArticle]) -> Values:
    surname, _, given = article.authors[0].partition(" ")
    initials = "".join(part[0] for part in given.split("-")).lower()
    figures = "\n".join(
        f'    <figure class="img-con"><img src="{_image_url(ctx, article, i)}" '
        f'alt="{escape(caption)}">\n'
        f'      <figcaption class="desc-con">{escape(caption)}</figcaption></figure>'
        for i, caption in enumerate(article.captions)
    )
    updated = ""
    if article.modified_at:
        updated = f'<p class="modified-time">Updated : {_naive(ctx, article.modified_at)} KST</p>'
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.url},
        "headline": article.title,
        "description": article.summary,
        "datePublished": _iso(ctx, article.published_at),
        "dateModified": _iso(ctx, article.modified_at or article.published_at),
        "author": [{"@type": "Person", "name": name} for name in article.authors],
        "publisher": {"@type": "Organization", "name": ctx.site.title},
        "articleSection": article.section,
        "inLanguage": "en",
    }
    if article.captions:
        data["image"] = [_image_url(ctx, article, 0)]
    values = {
        "published_compact": _naive(ctx, article.published_at, "%Y%m%d%H%M%S"),
        "published_text": _naive(ctx, article.published_at),
        "updated_html": updated,
        "byline": escape("By " + _names(article.authors)),
        "figures": figures,
        "paragraphs": paragraphs_html(article.body_paragraphs),
        "email": f"{initials}{surname.lower()}@yna-test.example",
    }
    return values, meta_tags(_og(ctx, article)) + "\n" + json_ld(data)


def _koreatimes(ctx: SiteContext, article: CatalogArticle, others: list[CatalogArticle]) -> Values:
    figures = "\n".join(
        f'  <figure class="view_article_img"><img src="{_image_url(ctx, article, i)}" alt="">\n'
        f'    <figcaption class="img_txt">{escape(caption)}</figcaption></figure>\n'
        f'  <div class="view_img_caption">{escape(caption)}</div>'
        for i, caption in enumerate(article.captions)
    )
    naive_iso = "%Y-%m-%dT%H:%M:%S"
    tags = _og(ctx, article) + [
        ("property", "article:published_time", _naive(ctx, article.published_at, naive_iso)),
        ("property", "article:section", article.section),
    ]
    updated = ""
    if article.modified_at:
        tags.append(
            ("property", "article:modified_time", _naive(ctx, article.modified_at, naive_iso))
        )
        updated = f'<span class="updated">Updated : {_naive(ctx, article.modified_at)}</span>'
    byline = f"By {_names(article.authors)}" if article.authors else ""
    values = {
        "published_text": _naive(ctx, article.published_at),
        "updated_html": updated,
        "byline": escape(byline),
        "figures": figures,
        "paragraphs": paragraphs_html(article.body_paragraphs, "  "),
    }
    return values, meta_tags(tags)


def _kyiv(ctx: SiteContext, article: CatalogArticle, others: list[CatalogArticle]) -> Values:
    figures = "\n".join(
        f'  <figure class="post__feature-image"><img src="{_image_url(ctx, article, i)}" '
        f'alt="">\n    <figcaption>{escape(caption)}</figcaption></figure>'
        for i, caption in enumerate(article.captions)
    )
    paragraphs = paragraphs_html(article.body_paragraphs).split("\n")
    related = next((a for a in others if a.relevant == article.relevant), None)
    if related and len(paragraphs) > 3:
        paragraphs.insert(
            2,
            f'    <p class="read-also"><strong>Read also:</strong> '
            f'<a href="{escape(related.url)}">{escape(related.title)}</a></p>',
        )
    updated = ""
    if article.modified_at:
        local = ctx.local(article.modified_at)
        updated = (
            f'<time class="post__updated" datetime="{local.isoformat()}">'
            f"Updated: {local:%B} {local.day}, {local:%Y %I:%M %p}</time>"
        )
    local = ctx.local(article.published_at)
    org = {"@type": "NewsMediaOrganization", "@id": f"{ctx.base}/#org", "name": ctx.site.title}
    data = {
        "@context": "https://schema.org",
        "@graph": [
            org,
            {"@type": "WebSite", "@id": f"{ctx.base}/#website", "url": ctx.base + "/"},
            {"@type": "WebPage", "@id": article.url, "url": article.url, "name": article.title},
            {
                "@type": "NewsArticle",
                "@id": article.url + "#article",
                "isPartOf": {"@id": article.url},
                "headline": article.title,
                "datePublished": local.isoformat(),
                "dateModified": _iso(ctx, article.modified_at or article.published_at),
                "author": [
                    {"@type": "Person", "name": name, "url": f"{ctx.base}/authors/{i}"}
                    for i, name in enumerate(article.authors)
                ],
                "publisher": {"@id": org["@id"]},
                "articleSection": [article.section],
                "inLanguage": "en-US",
            },
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": ctx.base + "/"},
                    {"@type": "ListItem", "position": 2, "name": article.title},
                ],
            },
        ],
    }
    tags = _og(ctx, article) + [("property", "article:published_time", local.isoformat())]
    values = {
        "published_iso": local.isoformat(),
        "published_text": f"{local:%B} {local.day}, {local:%Y %I:%M %p}",
        "updated_html": updated,
        "byline": escape(_names(article.authors)),
        "figures": figures,
        "paragraphs": "\n".join(paragraphs),
    }
    return values, meta_tags(tags) + "\n" + json_ld(data)


def _hankook(ctx: SiteContext, article: CatalogArticle, others: list[CatalogArticle]) -> Values:
    figures = "\n".join(
        f'  <div class="editor-img"><img src="{_image_url(ctx, article, i)}" alt="">\n'
        f'    <p class="img-caption">{escape(caption)}</p></div>'
        for i, caption in enumerate(article.captions)
    )
    naive_iso = "%Y-%m-%dT%H:%M:%S"
    tags = _og(ctx, article) + [
        ("property", "article:published_time", _naive(ctx, article.published_at, naive_iso)),
        ("name", "author", " ".join(f"{name} 기자" for name in article.authors)),
    ]
    updated = ""
    if article.modified_at:
        updated = (
            f'<span class="date">수정 {_naive(ctx, article.modified_at, "%Y.%m.%d %H:%M")}</span>'
        )
    byline = " ".join(f"{name} 기자" for name in article.authors)
    values = {
        "published_text": _naive(ctx, article.published_at, "%Y.%m.%d %H:%M"),
        "updated_html": updated,
        "byline": escape(byline),
        "reporter_box": escape(f"{byline} newsroom@hankook-test.example"),
        "figures": figures,
        "paragraphs": paragraphs_html(article.body_paragraphs, "  "),
    }
    return values, meta_tags(tags)


def _tass_date(local: datetime) -> str:
    return f"{local.day} {local:%b %Y, %H:%M}".upper()


def _tass(ctx: SiteContext, article: CatalogArticle, others: list[CatalogArticle]) -> Values:
    figures = "\n".join(
        f'<div class="news-media"><img src="{_image_url(ctx, article, i)}" alt="">\n'
        f'  <div class="news-media__caption">{escape(caption)}</div></div>'
        for i, caption in enumerate(article.captions)
    )
    local = ctx.local(article.published_at)
    tags = _og(ctx, article) + [("property", "article:published_time", local.isoformat())]
    updated = ""
    if article.modified_at:
        tags.append(("property", "article:modified_time", _iso(ctx, article.modified_at)))
        modified = _tass_date(ctx.local(article.modified_at))
        updated = f'<span class="news-header__updated">UPD: {modified}</span>'
    values = {
        "published_iso": local.isoformat(),
        "published_text": _tass_date(local),
        "updated_html": updated,
        "figures": figures,
        "paragraphs": paragraphs_html(article.body_paragraphs, "  "),
    }
    return values, meta_tags(tags)


ARTICLE_VALUES: dict[str, Callable[[SiteContext, CatalogArticle, list[CatalogArticle]], Values]] = {
    "yonhap-test": _yonhap,
    "koreatimes-test": _koreatimes,
    "kyiv-test": _kyiv,
    "hankook-test": _hankook,
    "tass-test": _tass,
}
