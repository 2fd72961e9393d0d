"""The vectorised hashing against a plain-Python statement of the same scheme: a faster
formulation must keep every value, or persisted indexes would stop matching new documents."""

from __future__ import annotations

import bisect
import random
import re

import numpy as np
import pytest

from newsspider.dedup import kernels
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


def reference_oph32_signature(shingles: list[int], params: NearDupParams) -> list[int]:
    """One permutation hashing with optimal densification, as the scheme states it: the hashes
    rotated by a drawn offset, `num_perm` equal ranges of their values, each range's smallest
    value; an empty range takes the first non-empty of its 32 drawn donors, else the next
    non-empty range."""
    bins = params.num_perm
    draw = np.random.RandomState(params.seed)
    offset = int(draw.randint(1, 1 << 32, dtype=np.uint64))
    donors = draw.randint(0, bins, (32, bins)).tolist()
    if not shingles:
        return [0xFFFFFFFF] * bins
    lower = [j * (1 << 32) // bins for j in range(bins)]
    smallest: list[int | None] = [None] * bins
    for value in sorted((h + offset) % (1 << 32) for h in shingles):
        j = bisect.bisect_right(lower, value) - 1
        if smallest[j] is None:
            smallest[j] = value
    signature = []
    for j in range(bins):
        chosen = smallest[j]
        for attempt in range(32):
            if chosen is None:
                chosen = smallest[donors[attempt][j]]
        if chosen is None:
            chosen = next(v for v in smallest[j + 1 :] + smallest[:j] if v is not None)
        signature.append(chosen)
    return signature


@pytest.mark.parametrize("size", [0, 1, 2, 3, 7, 30, 119, 120, 600, 3000])
def test_oph32_signature_equals_the_plain_statement_of_the_scheme(size):
    rng = np.random.default_rng(size)
    shingles = np.unique(rng.integers(0, 1 << 32, size, dtype=np.uint32))
    for params in (NearDupParams(), NearDupParams(bands=16, rows=2, seed=9)):
        signature = Sketcher(params).signature(shingles)
        assert signature.dtype == np.uint32
        assert signature.tolist() == reference_oph32_signature(shingles.tolist(), params)


@pytest.mark.parametrize(("size", "jaccard"), [(600, 0.5), (600, 0.2), (40, 0.6), (8, 0.5)])
@pytest.mark.parametrize("scheme", ["oph32", "affine32"])
def test_signatures_agree_in_the_share_of_values_given_by_the_jaccard_similarity(
    scheme, size, jaccard
):
    """What LSH relies on: per signature value, P(equal) = Jaccard, also for short texts
    (mostly empty bins, filled by densification)."""
    sketcher = Sketcher(NearDupParams(scheme=scheme))
    rng = np.random.default_rng(size)
    common = round(2 * jaccard * size / (1 + jaccard))
    exact = common / (2 * size - common)
    agreement = []
    for _ in range(300):
        pool = rng.choice(1 << 32, 2 * size - common, replace=False).astype(np.uint32)
        a, b = np.sort(pool[:size]), np.sort(pool[size - common :])
        assert similarity(a, b)[0] == exact
        agreement.append(np.mean(sketcher.signature(a) == sketcher.signature(b)))
    assert np.mean(agreement) == pytest.approx(exact, abs=0.015)


def test_kernels_refuse_inputs_they_cannot_handle():
    """Unchecked compiled loops: a bad table would read past it, an empty set never end."""
    with pytest.raises(ValueError, match="256"):
        kernels.word_shingle_hashes(b"text", b"\0" * 10, 5, np.uint64(3), np.ones(5, np.uint64))
    with pytest.raises(ValueError, match="no shingles"):
        kernels.one_permutation_signature(
            np.empty(0, np.uint32),
            1,
            np.uint32(5),
            np.zeros(4, np.uint32),
            np.zeros((2, 4), np.intp),
        )
    assert Sketcher(NearDupParams()).signature(np.empty(0, np.uint32)).max() == 0xFFFFFFFF
