"""Per-source selector overrides: CSS, or XPath when the selector starts with '/'."""

from __future__ import annotations

import logging
from functools import lru_cache

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

log = logging.getLogger(__name__)


@lru_cache(maxsize=512)
def _compile(selector: str) -> etree.XPath | None:
    try:
        if selector.lstrip().startswith("/") or selector.lstrip().startswith("("):
            return etree.XPath(selector)
        return CSSSelector(selector)
    except (SelectorError, etree.XPathSyntaxError) as exc:
        log.warning("ignoring invalid selector %r: %s", selector, exc)
        return None


def select(tree: etree._Element, selector: str | None) -> list:
    """Elements (or strings, for XPath text/attribute selections) matched by `selector`."""
    if not selector:
        return []
    compiled = _compile(selector)
    if compiled is None:
        return []
    try:
        result = compiled(tree)
    except etree.XPathEvalError as exc:
        log.warning("selector %r failed: %s", selector, exc)
        return []
    return result if isinstance(result, list) else [result]


def select_texts(tree: etree._Element, selector: str | None) -> list[str]:
    """Whitespace-normalized, non-empty texts of the matches (attribute values for `@attr`)."""
    texts = []
    for item in select(tree, selector):
        if isinstance(item, str):
            text = item
        elif isinstance(item, etree._Element):
            text = item.get("datetime") or item.get("content") or item.text_content()
        else:
            text = str(item)
        text = " ".join(text.split())
        if text:
            texts.append(text)
    return texts


def select_paragraphs(tree: etree._Element, selector: str | None) -> list[str]:
    """Paragraph texts inside the matched elements: their <p> children, else their text."""
    paragraphs: list[str] = []
    for item in select(tree, selector):
        if not isinstance(item, etree._Element):
            continue
        blocks = item.xpath(".//p | .//h2 | .//h3 | .//blockquote[not(.//p)] | .//li") or [item]
        for block in blocks:
            if block.xpath("ancestor::figure | ancestor::figcaption | ancestor::script"):
                continue
            text = " ".join(block.text_content().split())
            if text:
                paragraphs.append(text)
    return paragraphs
