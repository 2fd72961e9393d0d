"""MinHash sketches of article bodies: word shingles, signatures and LSH band keys.

A `Sketch` is what the near-duplicate index compares: the sorted unique 32-bit hashes of a
text's word shingles (for the exact Jaccard and containment of a candidate) and one 64-bit
key per LSH band (to find candidates). `Sketcher(params).sketch(text)` is a pure function of
the text and the parameters, so sketches can be made in other processes and sent (pickled,
~2.7 KB for 600 words) to the process that owns the index.

Speed comes from compiled loops (`kernels.pyx`): one pass over the folded UTF-8 bytes hashes
every word and mixes consecutive word hashes into shingle hashes. Two signature schemes,
named in the parameters an index stores: "oph32" (the default) is one permutation hashing,
one pass over the sorted shingle hashes; "affine32", the scheme of indexes built before it,
applies all permutations to all shingle hashes as one uint32 matrix and equals
``datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=identity).update_batch(shingle_hashes)`` bit for bit (tested). Both, and the shingle
hash, are pinned by tests: indexes persisted by earlier versions stay comparable.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import asdict, dataclass

import numpy as np

from newsspider.dedup import kernels

#: Name of the shingle hash below; bump it whenever `shingle_hashes` would return other values.
SHINGLE_HASH = "wordpoly64-fmix64-hi32/v1"

_U64 = np.uint64
#: ASCII letters folded to lower case, digits kept, every other ASCII byte a separator (zero);
#: bytes >= 0x80 (UTF-8 letters) are kept; the punctuation among them is blanked before.
_FOLD = bytes(
    (b | 0x20 if 65 <= b <= 90 else b) if (chr(b).isalnum() or b >= 0x80) else 0 for b in range(256)
)
#: The UTF-8 punctuation news text uses: U+2000-U+207F (curly quotes, dashes, ellipsis, thin
#: spaces) and U+00A0-U+00BF (no-break space, guillemets), blanked after case folding. One
#: pattern per lead byte: a pattern that starts with a literal byte is found by a fast scan
#: (3x faster than one pattern with both).
_GENERAL_PUNCTUATION = re.compile(rb"\xe2[\x80\x81][\x80-\xbf]")
_LATIN1_PUNCTUATION = re.compile(rb"\xc2[\xa0-\xbf]")
#: The same but the micro sign U+00B5, the one character there that case folding changes
#: (to Greek mu): a text with no other non-ASCII character needs no case folding at all.
_LATIN1_PUNCTUATION_BUT_MICRO = re.compile(rb"\xc2[\xa0-\xb4\xb6-\xbf]")
_UINT32_MAX = np.uint32(0xFFFFFFFF)
_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_MIX = tuple(
    _U64(c)
    for c in (
        0x9E3779B97F4A7C15,
        0xBF58476D1CE4E5B9,
        0x94D049BB133111EB,
        0xD6E8FEB86659FD93,
        0xA0761D6478BD642F,
        0xE7037ED1A0B428DB,
        0x8EBC6AF09C88C6E3,
        0x589965CC75374CC3,
        0x1D8E4E27C47D124F,
    )
)
_MIX_ARRAY = np.array(_MIX, dtype=_U64)
_BASE_U64 = _U64(_BASE)
_SIGNATURE_CHUNK = 4096  # shingles per permutation block: bounds the temporary matrix


@dataclass(frozen=True)
class NearDupParams:
    """Everything that decides signatures, band keys and matches; persisted with an index.

    Chosen by measurement on the syndication set (benchmarks/bench_neardup.py): 5-word
    shingles keep unrelated same-topic stories below containment 0.4 while copies stay above
    0.55. The match bar is ~0.5 (Jaccard or containment, exact); the bands are tuned lower
    (40 x 3 rows: LSH threshold ~0.29) so truncated copies still become candidates: 32 x 4
    (~0.42) missed 5 % of copy pairs, and false candidates only cost one exact check each.
    One permutation hashing ("oph32") matches the precision and recall of 120 permutations
    ("affine32") on that set, and signs a document in a fifth of the time.
    """

    shingle_words: int = 5
    bands: int = 40
    rows: int = 3
    seed: int = 1
    #: A candidate joins if its exact Jaccard or its containment reaches the bar.
    min_jaccard: float = 0.5
    min_containment: float = 0.5
    #: Candidates confirmed per document, most colliding bands first.
    max_candidates: int = 8
    scheme: str = "oph32"
    shingle_hash: str = SHINGLE_HASH

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> NearDupParams:
        return cls(**json.loads(text))

    @property
    def fingerprint(self) -> int:
        """A 32-bit digest of the parameters, carried by every `Sketch` made with them."""
        return zlib.crc32(self.to_json().encode())


@dataclass(frozen=True, slots=True, eq=False)
class Sketch:
    """One text's sorted unique shingle hashes (uint32) and LSH band keys (int64), plus the
    fingerprint of the parameters that made them (an index refuses other parameters')."""

    shingles: np.ndarray
    band_keys: np.ndarray
    fingerprint: int

    def __reduce__(self):
        # as raw bytes: ~140 bytes smaller than two pickled arrays, and no numpy reconstructor
        return _sketch_from_bytes, (
            self.shingles.tobytes(),
            self.band_keys.tobytes(),
            self.fingerprint,
        )


def _sketch_from_bytes(shingles: bytes, band_keys: bytes, fingerprint: int) -> Sketch:
    return Sketch(
        np.frombuffer(shingles, dtype=np.uint32),
        np.frombuffer(band_keys, dtype=np.int64),
        fingerprint,
    )


def _const(value: int, dtype: type) -> np.ndarray:
    """A 0-d array: as an operand it costs numpy less per call than a numpy scalar."""
    return np.array(value, dtype=dtype)


_SHIFT_13, _SHIFT_16 = _const(13, np.uint32), _const(16, np.uint32)
_MUL32_1, _MUL32_2 = _const(0x85EBCA6B, np.uint32), _const(0xC2B2AE35, np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch's affine32 scheme pre-mixes its input."""
    h = h ^ (h >> _SHIFT_16)
    h *= _MUL32_1
    h ^= h >> _SHIFT_13
    h *= _MUL32_2
    h ^= h >> _SHIFT_16
    return h


def _blank_punctuation(raw: bytes, latin1: re.Pattern[bytes]) -> bytes:
    """`raw` with the punctuation above (`latin1`: which of U+00A0-U+00BF) made spaces."""
    raw = _GENERAL_PUNCTUATION.sub(b" ", raw)
    return latin1.sub(b" ", raw) if b"\xc2" in raw else raw


def _case_folded_utf8(text: str) -> bytes:
    """The text as UTF-8, case-folded but for ASCII letters, punctuation blanked; the
    kernel maps every byte through `_FOLD` (ASCII letters to lower case, separators zero).

    Most English news text is ASCII but for typographic punctuation: blanking that first
    leaves ASCII, which `_FOLD` lower-cases, so the costlier `str.casefold` is skipped.
    """
    raw = text.encode()
    if not raw.isascii():
        raw = _blank_punctuation(raw, _LATIN1_PUNCTUATION_BUT_MICRO)
        if not raw.isascii():
            raw = _blank_punctuation(text.casefold().encode(), _LATIN1_PUNCTUATION)
    return raw


def shingle_hashes(text: str, words: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the `words`-word shingles of the folded text.

    Folding: case, punctuation and white space do not count; a text shorter than one shingle
    is one shingle. Stable across processes and machines (no Python `hash`).
    """
    hashes = kernels.word_shingle_hashes(
        _case_folded_utf8(text), _FOLD, words, _BASE_U64, _MIX_ARRAY
    )
    hashes.sort()  # numpy sorts with SIMD: faster than a plain compiled sort
    return hashes[: kernels.unique_sorted(hashes)]


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Exact (Jaccard, containment of the smaller set) of two sorted unique hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    common = kernels.common_count(a, b)
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def _affine32_permutations(params: NearDupParams) -> tuple[np.ndarray, np.ndarray]:
    """The permutations h -> a*h + b mod 2**32 (odd a) of datasketch's "affine32" scheme for
    `num_perm` and `seed`, drawn as datasketch draws them (equality is tested): importing
    datasketch itself would load scipy, ~80 MB in every analysis worker, for two arrays."""
    generator = np.random.RandomState(params.seed)
    a = generator.randint(0, 1 << 31, params.num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(
        1
    )
    b = generator.randint(0, 1 << 32, params.num_perm, dtype=np.uint32)
    return a, b


class _Affine32Signature:
    """Classic MinHash: `num_perm` permutations, each applied to every shingle hash (the
    first scheme; indexes built with it keep using it). Memory-bound: ~60 µs a document."""

    def __init__(self, params: NearDupParams) -> None:
        self._num_perm = params.num_perm
        self._a, self._b = (column[:, None] for column in _affine32_permutations(params))

    def __call__(self, shingles: np.ndarray) -> np.ndarray:
        if len(shingles) == 0:
            return np.full(self._num_perm, _UINT32_MAX, dtype=np.uint32)
        values = None
        for start in range(0, len(shingles), _SIGNATURE_CHUNK):
            permuted = self._a * _fmix32(shingles[start : start + _SIGNATURE_CHUNK])
            permuted += self._b
            chunk = permuted.min(axis=1)
            values = chunk if values is None else np.minimum(values, chunk, out=values)
        return values


class _OnePermutationSignature:
    """One permutation hashing with optimal densification (Li, Owen & Zhang 2012;
    Shrivastava 2017): one permutation splits the hash range into `num_perm` bins and each
    bin's smallest permuted hash is one signature value, so two sets agree on a bin with
    probability equal to their Jaccard similarity, as with `num_perm` permutations, at the
    cost of one pass instead of `num_perm` (~6 µs a document instead of ~60). The shingle
    hashes are already spread uniformly (fmix64), so the permutation is a rotation by a
    seeded offset: it keeps them sorted, and each bin's smallest is its first.

    An empty bin (short texts) takes the value of a donor bin chosen by a fixed pseudo-random
    sequence per bin, the first non-empty one; if the sequence runs out, the next non-empty
    bin in order. Donors depend only on the bin, never on the text, which keeps the
    collision probability of two sets equal to their Jaccard similarity.
    """

    _ATTEMPTS = 32

    def __init__(self, params: NearDupParams) -> None:
        bins = params.num_perm
        generator = np.random.RandomState(params.seed)
        offset = int(generator.randint(1, 1 << 32, dtype=np.uint64))
        self._offset = offset
        self._wraps_from = np.uint32((1 << 32) - offset)  # these wrap around to 0
        self._lower = ((np.arange(bins, dtype=_U64) << _U64(32)) // _U64(bins)).astype(np.uint32)
        self._donors = generator.randint(0, bins, (self._ATTEMPTS, bins)).astype(np.intp)

    def __call__(self, shingles: np.ndarray) -> np.ndarray:
        """The signature of sorted unique shingle hashes (as `shingle_hashes` gives them)."""
        if len(shingles) == 0:
            return np.full(len(self._lower), _UINT32_MAX, dtype=np.uint32)
        return kernels.one_permutation_signature(
            shingles, self._offset, self._wraps_from, self._lower, self._donors
        )


#: Signature schemes by the name `NearDupParams.scheme` stores with an index.
_SIGNATURES = {"oph32": _OnePermutationSignature, "affine32": _Affine32Signature}


class Sketcher:
    """Text -> `Sketch` for one parameter set (permutations built once)."""

    def __init__(self, params: NearDupParams) -> None:
        if params.scheme not in _SIGNATURES:
            raise ValueError(
                f"unsupported MinHash scheme {params.scheme!r} (use one of {sorted(_SIGNATURES)})"
            )
        if params.shingle_hash != SHINGLE_HASH:
            raise ValueError(f"unsupported shingle hash {params.shingle_hash!r}")
        if not 1 <= params.shingle_words <= len(_MIX) or not 1 <= params.rows <= len(_MIX) - 1:
            raise ValueError(f"shingle_words and rows must be in 1..{len(_MIX) - 1}")
        self.params = params
        self.fingerprint = params.fingerprint
        #: shingle hashes -> the MinHash values (uint32, one per permutation or bin)
        self.signature = _SIGNATURES[params.scheme](params)
        self._row_mix = np.array(_MIX[: params.rows], dtype=_U64)
        self._band_mix = np.arange(params.bands, dtype=_U64) * _MIX[-1]

    def band_keys(self, signature: np.ndarray) -> np.ndarray:
        """One 64-bit key per band (band number mixed in), signed for SQLite INTEGER."""
        return kernels.band_keys(signature, self.params.rows, self._row_mix, self._band_mix)

    def sketch(self, text: str) -> Sketch:
        shingles = shingle_hashes(text, self.params.shingle_words)
        return Sketch(shingles, self.band_keys(self.signature(shingles)), self.fingerprint)
