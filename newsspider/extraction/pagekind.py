"""Tell stories from the other pages a news crawl meets, so the pipeline can count and drop them.

Index/tag/section pages, live blogs, paywall teasers, consent walls, bot-block pages and
near-empty pages all parse as HTML; each check here names why a page is not an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MIN_BODY_CHARS = 250
# Hangul and CJK characters carry a syllable or a word each: a 100-character Korean story
# says about as much as a 300-character English one.
_DENSE_SCRIPT = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u4e00-\u9fff\uac00-\ud7af]")
DENSE_SCRIPT_WEIGHT = 3.0

_BLOCKED = re.compile(
    r"access denied|attention required|just a moment|are you a (?:robot|human)|"
    r"security check|captcha|too many requests|forbidden|\b40[34]\b|page not found|"
    r"not found|error \d{3}|service unavailable|요청하신 페이지를 찾을 수 없습니다",
    re.IGNORECASE,
)
_CONSENT = re.compile(
    r"before you continue|we value your privacy|cookie consent|manage (?:your )?(?:cookies|"
    r"consent)|consent to (?:the use of )?cookies|accept all cookies|your privacy choices",
    re.IGNORECASE,
)
_PAYWALL = re.compile(
    r"subscribe to (?:continue|read)|subscribers? only|for subscribers|to continue reading|"
    r"already a subscriber|this (?:article|story|content) is (?:for|available to|reserved for) "
    r"(?:paid )?(?:subscribers|members)|유료 ?(?:회원|기사|구독)|구독자 전용",
    re.IGNORECASE,
)
_LIVE_URL = re.compile(r"/live(?:[-/_]|blog|$)|liveblog|live-updates", re.IGNORECASE)
_LIVE_TITLE = re.compile(
    r"^\s*(?:live(?: updates?| blog)?\b|as it happened)|\blive updates?\b|\(live\)|실시간 ?중계",
    re.IGNORECASE,
)
_INDEX_URL = re.compile(
    r"/(?:tags?|topics?|section|sections|category|categories|search|authors?|archives?|"
    r"list|series|index)(?:/|\.|$|\?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageSignals:
    """What extraction learnt about a page that bears on whether it is a story."""

    url: str
    title_tag: str | None
    title: str | None
    paragraphs: list[str]
    has_article_markup: bool  # article JSON-LD, og:type=article or article:published_time
    is_live_blog_markup: bool
    lists_articles: bool  # JSON-LD collection page or several unrelated articles
    free: bool  # False when JSON-LD says isAccessibleForFree: false


def _looks_like_listing(paragraphs: list[str]) -> bool:
    if len(paragraphs) < 6:
        return False
    short = sum(len(p) < 90 for p in paragraphs)
    return short / len(paragraphs) >= 0.7


def reject_reason(page: PageSignals) -> str | None:
    """Why the page is not an article, or None when it is one."""
    body = "\n\n".join(page.paragraphs)
    if page.title_tag and _BLOCKED.search(page.title_tag) and len(body) < 2000:
        return "blocked or error page"
    head = body[:3000]
    if (_CONSENT.search(head) or _CONSENT.search(page.title_tag or "")) and len(body) < 2500:
        return "consent page"
    if page.is_live_blog_markup or _LIVE_URL.search(urlsplit(page.url).path):
        return "live blog"
    if page.title and _LIVE_TITLE.search(page.title):
        return "live blog"
    if page.lists_articles and not page.has_article_markup:
        return "index page"
    if not page.has_article_markup and (
        _INDEX_URL.search(urlsplit(page.url).path) or _looks_like_listing(page.paragraphs)
    ):
        return "index page"
    if _PAYWALL.search(body[-1500:]) and len(body) < 2500:
        return "paywall"
    if not page.free and len(body) < 800:
        return "paywall"
    if _weighted_length(body) < MIN_BODY_CHARS:
        return f"body too short ({len(body)} chars)"
    return None


def _weighted_length(text: str) -> float:
    dense = len(_DENSE_SCRIPT.findall(text))
    return len(text) - dense + dense * DENSE_SCRIPT_WEIGHT
