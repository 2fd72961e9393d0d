"""Find the page's own article in its JSON-LD, tolerating the malformed markup sites publish.

Handles lists, ``@graph`` and nested ``mainEntity``; one broken script never hides the others.
When a page describes several articles (an index page), the one whose URL is the page's wins;
if none is, there is no article.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from extruct.jsonld import JsonLdExtractor
from lxml import etree

log = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "Article",
        "Report",
        "BlogPosting",
    }
)
LIVE_TYPES = frozenset({"LiveBlogPosting"})
COLLECTION_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"})

_SCRIPTS = etree.XPath('//script[@type="application/ld+json"]')
_EXTRACTOR = JsonLdExtractor()


@dataclass
class JsonLdInfo:
    """What the page's JSON-LD says: the chosen article (if any) and every type seen."""

    article: dict[str, Any] | None = None
    types: set[str] = field(default_factory=set)
    article_count: int = 0


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return {value.rsplit("/", 1)[-1]}
    if isinstance(value, list):
        return {v.rsplit("/", 1)[-1] for v in value if isinstance(v, str)}
    return set()


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement", "item"):
            if key in node:
                yield from _walk(node[key], depth + 1)


def _same_page(a: str, b: str) -> bool:
    def norm(u: str) -> str:
        return u.split("#")[0].split("://", 1)[-1].removeprefix("www.").rstrip("/")

    return bool(a and b) and norm(a) == norm(b)


def _node_urls(node: dict[str, Any]) -> list[str]:
    urls = [node.get("url"), node.get("@id")]
    main = node.get("mainEntityOfPage")
    urls.append(main.get("@id") or main.get("url") if isinstance(main, dict) else main)
    return [u for u in urls if isinstance(u, str)]


def read_jsonld(tree: etree._Element, page_urls: list[str]) -> JsonLdInfo:
    """Collect JSON-LD items and pick the article describing this page."""
    info = JsonLdInfo()
    articles: list[dict[str, Any]] = []
    for script in _SCRIPTS(tree):
        try:
            items = _EXTRACTOR.extract_items(script)
        except Exception as exc:  # invalid JSON-LD is common and must not stop extraction
            log.debug("skipping invalid JSON-LD: %s", exc)
            continue
        for node in _walk(items):
            node_types = _types(node)
            info.types |= node_types
            if node_types & (ARTICLE_TYPES | LIVE_TYPES):
                articles.append(node)
    info.article_count = len(articles)
    if len(articles) == 1:
        info.article = articles[0]
    elif articles:
        for node in articles:
            if any(_same_page(u, p) for u in _node_urls(node) for p in page_urls):
                info.article = node
                break
    return info


def text_value(value: Any) -> str | None:
    """A JSON-LD value as plain text: strings, names of objects, first of lists."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, (str, int, float)) and str(value).strip():
        return str(value).strip()
    return None


def names(value: Any) -> list[str]:
    """Person or organization names from a JSON-LD author/creator value."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = text_value(item)
        if name:
            out.append(name)
    return out
