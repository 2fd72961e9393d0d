"""Photo captions: kept as their own field and taken out of the story text."""

from __future__ import annotations

import re

from lxml import etree

_CAPTIONS = etree.XPath(
    "//figcaption"
    " | //*[@itemprop='caption' or @itemprop='description'][ancestor::figure]"
    " | //*[contains(translate(@class, 'CAPTION', 'caption'), 'caption')"
    "      or contains(@class, 'img_desc') or contains(@class, 'photo_desc')"
    "      or contains(@class, 'photo-desc') or contains(@class, 'image-desc')]"
)
_MAX_CAPTION = 600


def normalize_text(text: str) -> str:
    """Collapse whitespace: the form in which captions and paragraphs are compared."""
    return " ".join(text.split())


def find_captions(tree: etree._Element, extra: list[str] | None = None) -> list[str]:
    """Caption texts in page order, de-duplicated; `extra` adds JSON-LD image captions."""
    captions: list[str] = []
    seen: set[str] = set()
    for element in _CAPTIONS(tree):
        if element.tag in ("script", "style") or element.find(".//p") is not None:
            continue  # a "caption-wrapper" holding paragraphs is a container, not a caption
        _add(captions, seen, element.text_content())
    for text in extra or ():
        _add(captions, seen, text)
    return captions


def _add(captions: list[str], seen: set[str], text: str) -> None:
    text = normalize_text(text)
    key = text.casefold()
    if not text or len(text) > _MAX_CAPTION or key in seen:
        return
    if any(key in other.casefold() for other in captions):  # nested caption elements
        return
    seen.add(key)
    captions.append(text)


def is_caption(paragraph: str, captions: list[str]) -> bool:
    """True when a body paragraph is (a repeat of) a caption."""
    text = re.sub(r"\s+", " ", paragraph).strip().casefold()
    return any(text == c.casefold() or (len(text) > 30 and text in c.casefold()) for c in captions)
