"""The vectorised hashing against a plain-Python statement of the same scheme: a faster
formulation must keep every value, or persisted indexes would stop matching new documents."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from newsspider.dedup.minhash import (
    _BASE,
    _MIX,
    NearDupParams,
    Sketcher,
    shingle_hashes,
    similarity,
)

MASK = (1 << 64) - 1
MIX = [int(m) for m in _MIX]
#: The punctuation as the first version blanked it: one pattern, after case folding.
PUNCTUATION = re.compile(rb"\xe2[\x80\x81][\x80-\xbf]|\xc2[\xa0-\xbf]")
WORD = re.compile(rb"[0-9a-z\x80-\xff]+")
PIECES = [
    "Wire", "RATES", "held", "4.25", "per", "cent", "\u201cquoted\u201d", "\u2014", "\u2026",
    "\u00a0", "\u00abguillemets\u00bb", "\u00b5m", "Stra\u00dfe", "\u03a3\u038a\u03a3\u03a5\u03a6",
    "\ubd81\ud55c\uad70", "\u00c9lys\u00e9e", "don't", "e-mail", "\u2009", "\n\n", "  ",
]  # fmt: skip


def fmix64(h: int) -> int:
    h ^= h >> 33
    h = h * 0xFF51AFD7ED558CCD & MASK
    h ^= h >> 33
    h = h * 0xC4CEB9FE1A85EC53 & MASK
    return h ^ h >> 33


def reference_shingles(text: str, words: int) -> list[int]:
    folded = PUNCTUATION.sub(b" ", text.casefold().encode())
    hashes = [
        fmix64(sum(c * pow(_BASE, j, 1 << 64) for j, c in enumerate(word)) & MASK)
        for word in WORD.findall(folded)
    ]
    k = min(words, len(hashes))
    shingles = {
        fmix64(sum(hashes[i + j] * MIX[j] for j in range(k)) & MASK) >> 32
        for i in range(len(hashes) - k + 1)
    }
    return sorted(shingles) if hashes else []


def reference_band_keys(signature: list[int], params: NearDupParams) -> list[int]:
    keys = []
    for band in range(params.bands):
        rows = signature[band * params.rows : (band + 1) * params.rows]
        key = fmix64((sum(v * m for v, m in zip(rows, MIX, strict=False)) + band * MIX[-1]) & MASK)
        keys.append(key - (1 << 64) if key >> 63 else key)
    return keys


def random_text(rng: random.Random) -> str:
    return " ".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 60)))


@pytest.mark.parametrize("seed", range(40))
def test_shingles_and_band_keys_equal_the_plain_statement_of_the_scheme(seed):
    rng = random.Random(seed)
    text = random_text(rng)
    if seed % 4 == 0:  # ASCII but for punctuation: the path that skips case folding
        text = text.encode("ascii", "ignore").decode() + " \u201cx\u201d \u2014 \u00a0"
    words = 1 + seed % 5
    assert shingle_hashes(text, words).tolist() == reference_shingles(text, words)
    params = NearDupParams(shingle_words=words)
    sketcher = Sketcher(params)
    signature = sketcher.signature(shingle_hashes(text, words))
    assert sketcher.band_keys(signature).tolist() == reference_band_keys(signature.tolist(), params)


def test_similarity_is_jaccard_and_containment_of_the_smaller_set():
    rng = np.random.default_rng(5)
    for _ in range(50):
        pool = rng.choice(1 << 32, 300, replace=False).astype(np.uint32)
        a = np.unique(rng.choice(pool, rng.integers(1, 200)))
        b = np.unique(rng.choice(pool, rng.integers(1, 200)))
        common = len(set(a.tolist()) & set(b.tolist()))
        assert similarity(a, b) == (
            common / (len(a) + len(b) - common),
            common / min(len(a), len(b)),
        )
    empty = np.empty(0, dtype=np.uint32)
    assert similarity(empty, a) == similarity(a, empty) == (0.0, 0.0)
