"""The story text: trafilatura's main-text extraction, then removal of what is not the story.

trafilatura finds the article container; news sites still leave chrome inside it (font-size
widgets, share buttons, repeated captions, "Top 10 Stories", cookie banners, copyright lines),
which is removed here paragraph by paragraph. Quoted speech stays. A final wire credit such as
"(Yonhap)" is kept as published; ``wire`` records it.
"""

from __future__ import annotations

import re

import trafilatura
from lxml import etree

from newsspider.extraction.captions import is_caption
from newsspider.extraction.dates import find_date_text
from newsspider.extraction.wire import wire_from_text

_BOILERPLATE = re.compile(
    r"(?:settings|ⓕ?\s*font[- ]?size|[-+]?\d|x|close|x close|top \d+ stories|go top|letter|"
    r"go top letter|related (?:articles?|stories|news)|more (?:stories|news)|"
    r"(?:most (?:read|viewed|popular)|trending)(?: stories| news| now)?|"
    r"(?:(?:facebook|twitter|x|kakao(?:talk|story)?|mail|e-?mail|link|print|copy link|line|"
    r"naver|band|telegram|whatsapp|linkedin)\s*)+(?:share)?\s*(?:button)?|"
    r"share(?: this)?(?: article)?|"
    r"advertisement|ad|sponsored|read more|see more|subscribe(?: now)?|sign up.*|"
    r"accept(?: all)?(?: cookies)?|reject all|cookie (?:settings|policy|preferences)|"
    r"copyright\b.*|ⓒ.*|©.*|\(c\)\s.*|.*all rights reserved.*|.*무단\s*전재.*|.*재배포\s*금지.*|"
    r"(?:(?:additional )?reporting|writing|editing) by .*|"
    r"<저작권자.*|\(end\)|관련 ?기사|많이 본 뉴스|주요 ?뉴스|공유하기|글자 ?크기.*|"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[가-힣]{2,4}\s*기자\s*[\w.+-]+@[\w.-]+)",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"^(?:posted|published|updated|modified|입력|수정|등록|송고|기사입력|최종수정)\s*(?:on|at)?\s*[:：]?"
    r"\s*\d.*$",
    re.IGNORECASE,
)
_COOKIE = re.compile(r"cookie|consent|privacy (?:policy|settings)|개인정보", re.IGNORECASE)
_SHORT = 160


def trafilatura_paragraphs(tree: etree._Element, url: str) -> list[str]:
    """Main-text paragraphs found by trafilatura on our tree (it copies it; ours stays intact)."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_images=False,
        include_links=False,
    )
    if document is None or not getattr(document, "text", None):
        return []
    return [" ".join(line.split()) for line in document.text.split("\n") if line.strip()]


def _is_boilerplate(paragraph: str) -> bool:
    if len(paragraph) <= _SHORT and (
        _BOILERPLATE.fullmatch(paragraph.strip(" |•·-")) or _DATE_LINE.match(paragraph)
    ):
        return True
    if len(paragraph) <= 80 and (date := find_date_text(paragraph)):
        return len(date) >= len(paragraph) / 2  # a dateline widget ("All News 10:48 Dec 23, 2024")
    return len(paragraph) <= 500 and len(_COOKIE.findall(paragraph)) >= 2


def clean_paragraphs(paragraphs: list[str], captions: list[str], title: str | None) -> list[str]:
    """Drop captions, chrome, the repeated headline and trailing page furniture."""
    title_key = title.casefold() if title else None
    kept: list[str] = []
    for paragraph in paragraphs:
        if is_caption(paragraph, captions) or _is_boilerplate(paragraph):
            continue
        if title_key and paragraph.casefold() == title_key:
            continue
        if kept and kept[-1] == paragraph:
            continue
        kept.append(paragraph)
    # The story ends at the wire credit: whatever short lines follow it is page furniture.
    for index, paragraph in enumerate(kept):
        if wire_from_text(paragraph)[1] == "trailing" and all(
            len(rest) < 100 for rest in kept[index + 1 :]
        ):
            return kept[: index + 1]
    return kept


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)
