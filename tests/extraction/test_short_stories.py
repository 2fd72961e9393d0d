"""Length rules for short stories: dense scripts (Korean) say more per character."""

from __future__ import annotations

import pytest

from newsspider.extraction.errors import NotAnArticle
from newsspider.extraction.extract import extract_article

KOREAN = (
    "국가정보원은 쿠르스크 전선에 배치된 북한군 병사들이 드론 공격으로 큰 피해를 입고 있다고 "
    "밝혔다.",
    "국정원은 북한이 추가 파병을 준비하고 있으며 포로 송환 문제도 논의되고 있다고 덧붙였다.",
)
ENGLISH = ("Troops were seen near Kursk on Monday.", "Officials declined to comment further.")


def page(paragraphs: tuple[str, str], lang: str) -> str:
    first, second = paragraphs
    return (
        f'<html lang="{lang}"><head><title>t</title>'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-11-05T10:03:00+09:00"></head>'
        f"<body><article><h1>북한군 피해</h1><p>{first}</p><p>{second}</p></article>"
        "</body></html>"
    )


def test_short_korean_story_is_an_article():
    record = extract_article(page(KOREAN, "ko"), "http://127.0.0.14/News/Read/A1")
    assert "쿠르스크" in record["body"]


def test_english_text_of_the_same_length_is_too_short():
    assert len("".join(ENGLISH)) > len("".join(KOREAN)) / 2
    with pytest.raises(NotAnArticle, match="too short"):
        extract_article(page(ENGLISH, "en"), "http://127.0.0.11/view/AEN1")
