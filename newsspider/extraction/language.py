"""A small, dependency-free language guess: writing system first, then stop words.

News text gives strong signals: Hangul means Korean, kana Japanese; Cyrillic text is Ukrainian
or Russian by their distinct letters and function words; Latin text by function words. Short or
mixed text returns None so the caller can fall back to the page's ``lang`` attribute.
"""

from __future__ import annotations

import re

_SAMPLE = 3000
_WORD = re.compile(r"[^\W\d_]+")
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and to in is that for on with was as by at from it its are has have "
        "were said he they this be will an which not but who after their been",
        "de": "der die und das ist nicht ein eine zu den mit sich von auf für dem des im "
        "auch wird sie hat nach bei wurde",
        "fr": "le la les et des est une un du que pour dans qui au sur pas par ne il se avec "
        "sont été aux",
        "es": "el la los las y de que en un una es por con para del al se su como fue más pero sus",
        "uk": "і й та що не на як це до від за про він вона вони але його її було був також "
        "щодо україни які який яка після під час",
        "ru": "и в не что на как это к от за о он она они но его её было был также которые "
        "который которая после под россии так уже",
    }.items()
}
_UK_LETTERS = frozenset("іїєґІЇЄҐ")
_RU_LETTERS = frozenset("ыэъёЫЭЪЁ")


_SCRIPTS = {
    script: re.compile(f"[{ranges}]")
    for script, ranges in {
        "hangul": "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f",
        "kana": "\u3040-\u30ff",
        "han": "\u4e00-\u9fff",
        "cyrillic": "\u0400-\u04ff",
        "arabic": "\u0600-\u06ff",
        # The letters below U+0250 (Basic Latin to Latin Extended-B).
        "latin": "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f",
    }.items()
}


def _script_counts(text: str) -> dict[str, int]:
    """Letters per writing system (one C-speed scan per script, not a Python loop per char)."""
    return {script: len(pattern.findall(text)) for script, pattern in _SCRIPTS.items()}


def _by_stopwords(text: str, langs: tuple[str, ...]) -> str | None:
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < 5:
        return None
    scores = {lang: sum(w in _STOPWORDS[lang] for w in words) for lang in langs}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= max(2, len(words) // 25) else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the sample is too small or mixed."""
    sample = text[:_SAMPLE]
    counts = _script_counts(sample)
    letters = sum(counts.values())
    if letters < 20:
        return None
    share = {script: n / letters for script, n in counts.items()}
    if share["hangul"] > 0.3:
        return "ko"
    if share["kana"] > 0.1:
        return "ja"
    if share["han"] > 0.5:
        return "zh"
    if share["arabic"] > 0.5:
        return "ar"
    if share["cyrillic"] > 0.5:
        uk = sum(ch in _UK_LETTERS for ch in sample)
        ru = sum(ch in _RU_LETTERS for ch in sample)
        if uk and not ru:  # і, ї, є, ґ are Ukrainian-only; ы, э, ъ, ё Russian-only
            return "uk"
        if ru and not uk:
            return "ru"
        return _by_stopwords(sample, ("uk", "ru"))
    if share["latin"] > 0.5:
        return _by_stopwords(sample, ("en", "de", "fr", "es"))
    return None


def normalize_lang(value: str | None) -> str | None:
    """ "ko-KR", "en_US", "kor" -> ISO 639-1 ("ko", "en"), None when unrecognisable."""
    if not value:
        return None
    code = re.split(r"[-_\s]", value.strip().lower(), maxsplit=1)[0]
    code = {"kor": "ko", "eng": "en", "ukr": "uk", "rus": "ru", "jpn": "ja", "zho": "zh"}.get(
        code, code
    )
    return code if re.fullmatch(r"[a-z]{2}", code) else None
