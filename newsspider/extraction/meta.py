"""OpenGraph, ``article:*``, Dublin Core and plain ``<meta>`` tags, read in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

_META = etree.XPath("//meta[@content]")
_CANONICAL = etree.XPath('//link[@href][translate(@rel, "CANONICAL", "canonical")="canonical"]')
_TITLE = etree.XPath("//title")


@dataclass
class PageMeta:
    """Meta tags by lower-cased key (property, name or itemprop); repeated keys keep all values."""

    values: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    lang: str | None = None
    title_tag: str | None = None

    def first(self, *keys: str) -> tuple[str, str] | None:
        """The first non-empty value among `keys`, in the order given, with the key found."""
        for key in keys:
            for value in self.values.get(key, ()):
                if value:
                    return key, value
        return None

    def all(self, key: str) -> list[str]:
        return [v for v in self.values.get(key, ()) if v]


def read_meta(tree: etree._Element, url: str) -> PageMeta:
    """Collect meta tags, the canonical link (made absolute) and the page's declared language."""
    meta = PageMeta()
    for element in _META(tree):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        if key:
            content = " ".join(element.get("content", "").split())
            meta.values.setdefault(key.strip().lower(), []).append(content)
    for link in _CANONICAL(tree):
        href = link.get("href", "").strip()
        if href and not href.startswith(("javascript:", "#")):
            meta.canonical = urljoin(url, href)
            break
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    meta.lang = lang.strip() if lang and lang.strip() else None
    titles = _TITLE(tree)
    if titles:
        meta.title_tag = " ".join(titles[0].text_content().split()) or None
    return meta
