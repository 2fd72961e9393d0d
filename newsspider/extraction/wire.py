"""Recognise news agencies, so syndicated copy is credited to its wire service.

A credit can sit at the end of the body ("... (Yonhap)"), in the dateline
("SEOUL, Nov. 5 (Yonhap) --", "(서울=연합뉴스)"), in JSON-LD/meta, or among the authors.
"""

from __future__ import annotations

import re
import unicodedata

#: Canonical agency name -> lower-cased names and abbreviations that mean it.
AGENCIES: dict[str, tuple[str, ...]] = {
    "Yonhap": ("yonhap", "yonhap news", "yonhap news agency", "yna", "연합뉴스", "연합"),
    "AP": ("ap", "associated press", "the associated press"),
    "Reuters": ("reuters", "thomson reuters", "로이터"),
    "AFP": ("afp", "agence france-presse", "agence france presse", "france-presse"),
    "TASS": ("tass", "itar-tass", "тасс", "итар-тасс"),
    "RIA Novosti": ("ria novosti", "ria", "риа новости"),
    "Interfax": ("interfax", "интерфакс"),
    "Ukrinform": ("ukrinform", "укрінформ"),
    "Kyodo": ("kyodo", "kyodo news", "교도"),
    "Xinhua": ("xinhua", "신화"),
    "KCNA": ("kcna", "korean central news agency", "조선중앙통신"),
    "Newsis": ("newsis", "뉴시스"),
    "News1": ("news1", "뉴스1"),
    "UPI": ("upi", "united press international"),
    "dpa": ("dpa", "deutsche presse-agentur"),
    "EFE": ("efe",),
    "ANSA": ("ansa",),
    "Bloomberg": ("bloomberg", "bloomberg news"),
}
_BY_ALIAS = {alias: name for name, aliases in AGENCIES.items() for alias in aliases}
_ALIASES = "|".join(
    sorted((re.escape(a) for a in _BY_ALIAS if not a.isascii() or len(a) > 1), key=len)[::-1]
)
# "(Yonhap)" / "(AFP)" at the very end, optionally followed by "(END)" or an e-mail line.
_TRAILING = re.compile(rf"\((?:{_ALIASES})\)\s*(?:\(END\)|\S+@\S+)?\s*$", re.IGNORECASE)
# "SEOUL, Nov. 5 (Yonhap) --", "KYIV (Reuters) -", "(서울=연합뉴스) 김철수 기자 ="
_DATELINE = re.compile(
    rf"^[^\n]{{0,80}}?\((?:[^()=\n]{{1,20}}=)?(?P<agency>{_ALIASES})\)\s*(?:--|—|–|-|[^\n=]{{0,25}}=)",
    re.IGNORECASE,
)

# Russian agencies put their credit between slashes: "МОСКВА, 5 ноября. /ТАСС/."
_SLASHED = re.compile(rf"^[^\n]{{0,80}}?/(?P<agency>{_ALIASES})/", re.IGNORECASE)


def canonical_agency(name: str | None) -> str | None:
    """The canonical agency for a credited name ("The Associated Press" -> "AP"), else None."""
    if not name:
        return None
    key = unicodedata.normalize("NFKC", name).strip().strip(".,;:()").casefold()
    key = re.sub(r"^(via|source:|출처:?)\s+", "", key)
    return _BY_ALIAS.get(key)


def _agency_in(fragment: str) -> str | None:
    inner = re.search(r"\(([^()]*)\)", fragment)
    if not inner:
        return None
    return canonical_agency(inner[1].split("=")[-1])


def wire_from_text(body: str) -> tuple[str | None, str]:
    """The agency credited by the body's final credit or its dateline, and where it was found."""
    tail = body[-200:]
    if match := _TRAILING.search(tail):
        return _agency_in(match[0]), "trailing"
    if match := _DATELINE.match(body[:160]) or _SLASHED.match(body[:160]):
        return canonical_agency(match["agency"]), "dateline"
    return None, ""
