"""Bylines become clean author lists; agency credits become ``wire``."""

from __future__ import annotations

import pytest

from newsspider.extraction.authors import clean_authors
from newsspider.extraction.wire import canonical_agency, wire_from_text


@pytest.mark.parametrize(
    ("raw", "people", "agency"),
    [
        (["By Kim Jin-ho and Lee Min-ji"], ["Kim Jin-ho", "Lee Min-ji"], None),
        (["By Kim Tong-hyung, Associated Press"], ["Kim Tong-hyung"], "AP"),
        (["Jane Doe (jane.doe@ktimes.com)", "Yonhap"], ["Jane Doe"], "Yonhap"),
        (["홍길동 기자", "gildong@yna.co.kr"], ["홍길동"], None),
        (["BY JOHN SMITH, Staff Reporter"], ["John Smith"], None),
        (["Hyonhee Shin; Ju-min Park | Reuters"], ["Hyonhee Shin", "Ju-min Park"], "Reuters"),
        (["https://www.facebook.com/someone"], [], None),
        (["AFP", "TASS"], [], "AFP"),
        (["Kim Eun-jung", "kim eun-jung"], ["Kim Eun-jung"], None),
    ],
)
def test_clean_authors(raw: list[str], people: list[str], agency: str | None) -> None:
    assert clean_authors(raw) == (people, agency)


@pytest.mark.parametrize(
    ("name", "agency"),
    [
        ("The Associated Press", "AP"),
        ("Yonhap News Agency", "Yonhap"),
        ("연합뉴스", "Yonhap"),
        ("Agence France-Presse", "AFP"),
        ("ТАСС", "TASS"),
        ("The Korea Times", None),
    ],
)
def test_canonical_agency(name: str, agency: str | None) -> None:
    assert canonical_agency(name) == agency


@pytest.mark.parametrize(
    ("body", "agency", "where"),
    [
        ("... for both Europe and the Indo-Pacific. (Yonhap)", "Yonhap", "trailing"),
        ("Story text here (AFP)\n\n(END)", "AFP", "trailing"),
        ("SEOUL, Dec. 23 (Yonhap) -- North Korean troops", "Yonhap", "dateline"),
        ("KYIV, Jan 11 (Reuters) - Ukraine said", "Reuters", "dateline"),
        ("(서울=연합뉴스) 김철수 기자 = 러시아에 파병돼", "Yonhap", "dateline"),
        ("МОСКВА, 28 ноября. /ТАСС/. Российские", "TASS", "dateline"),
        ("The agency (AP) reported nothing new.", None, ""),
        ("He spoke (in Seoul) on Monday.", None, ""),
    ],
)
def test_wire_from_text(body: str, agency: str | None, where: str) -> None:
    assert wire_from_text(body) == (agency, where)
