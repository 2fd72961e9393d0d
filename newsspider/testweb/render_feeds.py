"""Machine-readable discovery files: robots.txt, RSS 2.0, Atom, sitemap index, sitemaps.

Dates carry the site's local offset, as real sites print them. One TASS feed item is
deliberately malformed XML (a raw `&` and an unclosed tag) so lenient parsing is exercised.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from newsspider.testweb.catalog import CatalogArticle
from newsspider.testweb.catalog_tass import MALFORMED_FEED_KEY
from newsspider.testweb.render import SiteContext

#: Google News sitemaps list only the last two days of stories.
NEWS_SITEMAP_MAX_AGE = timedelta(days=2)


def render_robots(ctx: SiteContext) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ctx.site.disallow), "Allow: /"]
    lines += ["", f"Sitemap: {ctx.base}{ctx.site.sitemap_index_path}", ""]
    return "\n".join(lines)


def feed_articles(ctx: SiteContext) -> list[CatalogArticle]:
    """Feed entries: every article, broken links included, but not robots-hidden pages."""
    return [a for a in ctx.articles if not a.robots_disallowed]


def sitemap_articles(ctx: SiteContext) -> list[CatalogArticle]:
    return [a for a in ctx.articles if a.reachable]


def _rss_item(ctx: SiteContext, article: CatalogArticle) -> str:
    description = escape(article.summary)
    if article.key == MALFORMED_FEED_KEY:
        description = "Grain & fertilizer supplies <b>discussed by phone"
    creators = "".join(
        f"\n      <dc:creator>{escape(name)}</dc:creator>" for name in article.authors
    )
    return (
        "    <item>\n"
        f"      <title>{escape(article.title)}</title>\n"
        f"      <link>{escape(article.url)}</link>\n"
        f'      <guid isPermaLink="true">{escape(article.url)}</guid>\n'
        f"      <pubDate>{format_datetime(ctx.local(article.published_at))}</pubDate>\n"
        f"      <category>{escape(article.section)}</category>{creators}\n"
        f"      <description>{description}</description>\n"
        "    </item>"
    )


def render_rss(ctx: SiteContext) -> str:
    items = "\n".join(_rss_item(ctx, a) for a in feed_articles(ctx))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "  <channel>\n"
        f"    <title>{escape(ctx.site.title)}</title>\n"
        f"    <link>{escape(ctx.base)}/</link>\n"
        f'    <atom:link href="{escape(ctx.base + ctx.site.feed_path)}" rel="self" '
        'type="application/rss+xml"/>\n'
        f"    <description>{escape(ctx.site.title)}: latest news</description>\n"
        f"    <language>{ctx.site.language}</language>\n"
        f"    <lastBuildDate>{format_datetime(ctx.local(ctx.now))}</lastBuildDate>\n"
        f"{items}\n"
        "  </channel>\n"
        "</rss>\n"
    )


def render_atom(ctx: SiteContext) -> str:
    entries = []
    for article in feed_articles(ctx):
        updated = ctx.local(article.modified_at or article.published_at).isoformat()
        authors = "".join(
            f"\n    <author><name>{escape(name)}</name></author>" for name in article.authors
        )
        entries.append(
            "  <entry>\n"
            f"    <title>{escape(article.title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(article.url)}"/>\n'
            f"    <id>{escape(article.url)}</id>\n"
            f"    <published>{ctx.local(article.published_at).isoformat()}</published>\n"
            f"    <updated>{updated}</updated>{authors}\n"
            f'    <category term="{escape(article.section)}"/>\n'
            f"    <summary>{escape(article.summary)}</summary>\n"
            "  </entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{ctx.site.language}">\n'
        f"  <title>{escape(ctx.site.title)}</title>\n"
        f"  <id>{escape(ctx.base)}/</id>\n"
        f'  <link rel="self" href="{escape(ctx.base + ctx.site.feed_path)}"/>\n'
        f'  <link rel="alternate" href="{escape(ctx.base)}/"/>\n'
        f"  <updated>{ctx.local(ctx.now).replace(microsecond=0).isoformat()}</updated>\n"
        + "\n".join(entries)
        + "\n</feed>\n"
    )


def render_feed(ctx: SiteContext) -> str:
    return render_atom(ctx) if ctx.site.feed_format == "atom" else render_rss(ctx)


def render_sitemap_index(ctx: SiteContext) -> str:
    lastmod = ctx.local(ctx.now).replace(microsecond=0).isoformat()
    entries = "\n".join(
        f"  <sitemap>\n    <loc>{escape(ctx.base + path)}</loc>\n"
        f"    <lastmod>{lastmod}</lastmod>\n  </sitemap>"
        for path in (ctx.site.news_sitemap_path, ctx.site.sitemap_path)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}\n</sitemapindex>\n"
    )


def render_news_sitemap(ctx: SiteContext) -> str:
    urls = []
    for article in sitemap_articles(ctx):
        if ctx.now - article.published_at > NEWS_SITEMAP_MAX_AGE:
            continue
        urls.append(
            "  <url>\n"
            f"    <loc>{escape(article.url)}</loc>\n"
            "    <news:news>\n"
            "      <news:publication>\n"
            f"        <news:name>{escape(ctx.site.title)}</news:name>\n"
            f"        <news:language>{ctx.site.language}</news:language>\n"
            "      </news:publication>\n"
            "      <news:publication_date>"
            f"{ctx.local(article.published_at).isoformat()}</news:publication_date>\n"
            f"      <news:title>{escape(article.title)}</news:title>\n"
            "    </news:news>\n"
            "  </url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        + "\n".join(urls)
        + "\n</urlset>\n"
    )


def render_sitemap(ctx: SiteContext) -> str:
    urls = "\n".join(
        f"  <url>\n    <loc>{escape(a.url)}</loc>\n"
        f"    <lastmod>{ctx.local(a.modified_at or a.published_at).isoformat()}</lastmod>\n"
        "  </url>"
        for a in sitemap_articles(ctx)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n"
    )
