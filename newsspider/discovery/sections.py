"""Section (list) pages → article links on the site, and the page that comes next."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urldefrag, urlsplit

import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode

from newsspider.discovery.links import Link, host_in_domains, resolve_http_url

_LONG_NUMERIC_ID = re.compile(r"\d{6,}")
_DATED_PATH = re.compile(
    r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2]|[a-z]{3})/(?:0?[1-9]|[12]\d|3[01])/[^/]", re.IGNORECASE
)
_NOT_A_PAGE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|avif|svg|ico|pdf|mp3|mp4|m4a|webm|zip|css|js|json|xml|rss)$",
    re.IGNORECASE,
)
_SLUG_MIN_WORDS = 4

_NEXT_WORDS = frozenset(
    {
        "next",
        "next page",
        "older",
        "older posts",
        "older entries",
        "older articles",
        "older stories",
        "다음",
        "다음 페이지",
        "다음페이지",
    }
)
_NEXT_ARROWS = frozenset("›»→")
_ARROWS_AROUND_WORDS = " ›»→>«‹←<"


@dataclass
class SectionResult:
    """Article links in page order, and pagination links to scan next."""

    articles: list[Link]
    next_pages: list[str]


def parse_section(
    body: bytes,
    url: str,
    *,
    article_pattern: re.Pattern[str] | None,
    allowed_domains: Iterable[str],
    encoding: str | None = None,
) -> SectionResult:
    """Article and next-page links of the section page at ``url``.

    Only links on ``allowed_domains`` (or their subdomains; the page's own host when none are
    given) count. An article link matches ``article_pattern`` (searched in the absolute URL)
    or, without a pattern, looks like an article (see ``looks_like_article``).
    """
    domains = frozenset(d.strip().lower().strip(".") for d in allowed_domains if d.strip())
    domains = domains or frozenset({urlsplit(url).hostname or ""})
    document = _parse_html(body, encoding)
    if document is None:
        return SectionResult([], [])
    base = resolve_http_url(next(iter(document.xpath("//base/@href")), None), url) or url
    page = urldefrag(url).url

    def on_site(href: str | None) -> str | None:
        resolved = resolve_http_url(href, base)
        if resolved is None or not host_in_domains(resolved, domains):
            return None
        resolved = urldefrag(resolved).url
        return None if resolved == page else resolved

    next_pages: dict[str, None] = {}
    for element in document.xpath("//link[@href]"):
        if "next" in _tokens(element.get("rel")) and (target := on_site(element.get("href"))):
            next_pages[target] = None

    titles: dict[str, str | None] = {}
    for anchor in document.iter("a"):
        target = on_site(anchor.get("href"))
        if target is None:
            continue
        text = " ".join(anchor.text_content().split())
        if _points_to_next_page(anchor, text):
            next_pages[target] = None
        elif target not in next_pages and _is_article(target, article_pattern):
            # First position wins; the title comes from the first link with text (the
            # thumbnail link before a headline usually has none).
            titles[target] = titles.get(target) or text or None

    articles = [
        Link(target, None, title=title, via="section")
        for target, title in titles.items()
        if target not in next_pages
    ]
    return SectionResult(articles, list(next_pages))


def looks_like_article(url: str) -> bool:
    """Heuristic for sites without a configured pattern.

    An article URL has a long numeric id (path or query), a dated path (/2026/11/05/slug or
    /2026/nov/05/slug) or a slug of at least four hyphenated words, and is not a media file.
    """
    parts = urlsplit(url)
    path = unquote(parts.path)
    if _NOT_A_PAGE.search(path):
        return False
    if _LONG_NUMERIC_ID.search(path) or _LONG_NUMERIC_ID.search(parts.query):
        return True
    if _DATED_PATH.search(path):
        return True
    return any(
        len([word for word in segment.rsplit(".", 1)[0].split("-") if word]) >= _SLUG_MIN_WORDS
        for segment in path.split("/")
    )


def _is_article(url: str, pattern: re.Pattern[str] | None) -> bool:
    return bool(pattern.search(url)) if pattern is not None else looks_like_article(url)


def _points_to_next_page(anchor: lxml.html.HtmlElement, text: str) -> bool:
    if "next" in _tokens(anchor.get("rel")):
        return True
    if "next" in (anchor.get("class") or "").lower():
        return True
    labels = (text, anchor.get("aria-label") or "", anchor.get("title") or "")
    return any(_says_next(label) for label in labels)


def _says_next(label: str) -> bool:
    """ "Next", "Older posts", "다음", "Next ›", "« Older entries", or a bare "›", "»", "→"."""
    normalized = " ".join(label.split()).casefold()
    if normalized and set(normalized.replace(" ", "")) <= _NEXT_ARROWS:
        return True
    return normalized.strip(_ARROWS_AROUND_WORDS) in _NEXT_WORDS


def _tokens(value: str | None) -> set[str]:
    return set((value or "").lower().split())


def _parse_html(body: bytes, encoding: str | None) -> lxml.html.HtmlElement | None:
    """Parse with the given encoding, else the one the page declares (BOM, meta) or UTF-8.

    Decoding happens here (w3lib, like Scrapy) so lxml always gets UTF-8 bytes: it refuses
    str input that starts with an XML declaration and knows fewer encoding names than Python.
    """
    content_type = f"text/html; charset={encoding}" if encoding else None
    _, text = html_to_unicode(content_type, body)
    if not text.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except etree.ParserError:
        return None
