# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The near-duplicate hot path's loops, compiled (Cython, built when the package is installed).

Hashing the words of a document, binning its shingles, confirming a candidate and looking up
band keys are a few thousand integer operations each: as numpy array operations they cost
more in per-call overhead than in arithmetic, and as Python loops a hundred times more.
Compiled, each is one pass. The values are those of the numpy formulation they replaced,
pinned by tests/dedup/test_minhash.py against a plain-Python statement of the scheme.
Arguments are C-contiguous arrays; read-only ones (made from bytes) are accepted.
"""

import numpy as np

from libc.stdint cimport uint8_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, qsort, realloc


cdef inline uint64_t _fmix64_high(uint64_t h) noexcept nogil:
    """MurmurHash3's 64-bit finalizer but its last step (which leaves the top 32 bits)."""
    h ^= h >> 33
    h *= <uint64_t>0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    h *= <uint64_t>0xC4CEB9FE1A85EC53ULL
    return h


cdef inline uint64_t _fmix64(uint64_t h) noexcept nogil:
    """MurmurHash3's 64-bit finalizer."""
    h = _fmix64_high(h)
    return h ^ (h >> 33)


def word_shingle_hashes(const uint8_t[::1] text, const uint8_t[::1] fold, Py_ssize_t words,
                        uint64_t base, const uint64_t[::1] mix):
    """The 32-bit hash of every `words`-word shingle of a text, in text order.

    `text`: UTF-8 bytes, each mapped through the 256-byte table `fold` (zero: a separator).
    A word's hash is the polynomial sum(byte_j * base**j) mod 2**64 of its folded bytes,
    finalized by fmix64; shingle i mixes the hashes of words i..i+k-1 as
    sum(word[i + j] * mix[j]) (k = `words`, or all words if fewer), finalized, top 32 bits.
    A text with fewer words than a shingle is one shingle; without words, none.
    """
    cdef Py_ssize_t n = text.shape[0], count = 0, i, j, k
    if fold.shape[0] != 256:
        raise ValueError("fold must map all 256 byte values")
    word_array = np.empty(n // 2 + 1, dtype=np.uint64)
    cdef uint64_t[::1] hashes = word_array
    cdef uint64_t h = 0, power = 1, mixed
    cdef uint8_t c, previous = 0
    with nogil:
        for i in range(n):
            c = fold[text[i]]
            if c != 0:
                if previous == 0:
                    if count:
                        hashes[count - 1] = _fmix64(h)
                    h = 0
                    power = 1
                    count += 1
                h += c * power
                power *= base
            previous = c
        if count:
            hashes[count - 1] = _fmix64(h)
    if count == 0:
        return np.empty(0, dtype=np.uint32)
    k = min(words, count)
    shingle_array = np.empty(count - k + 1, dtype=np.uint32)
    cdef uint32_t[::1] shingles = shingle_array
    with nogil:
        for i in range(count - k + 1):
            mixed = 0
            for j in range(k):
                mixed += hashes[i + j] * mix[j]
            shingles[i] = <uint32_t>(_fmix64_high(mixed) >> 32)
    return shingle_array


def unique_sorted(uint32_t[::1] values):
    """Move the distinct values of sorted `values` to its front; return how many there are."""
    cdef Py_ssize_t i, kept = 1
    if values.shape[0] == 0:
        return 0
    for i in range(1, values.shape[0]):
        if values[i] != values[kept - 1]:
            values[kept] = values[i]
            kept += 1
    return kept


ctypedef fused _Key:
    uint32_t
    uint64_t


cdef inline Py_ssize_t _lower_bound(
    const _Key[::1] values, _Key value, Py_ssize_t low, Py_ssize_t high
) noexcept nogil:
    """The first index in [low, high) whose value is >= `value` in sorted `values` (or high)."""
    cdef Py_ssize_t middle
    while low < high:
        middle = (low + high) // 2
        if values[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


def one_permutation_signature(const uint32_t[::1] shingles, uint32_t offset,
                              uint32_t wraps_from, const uint32_t[::1] lower,
                              const Py_ssize_t[:, ::1] donors):
    """One permutation hashing with optimal densification (see `minhash.py`).

    `shingles`: sorted unique hashes, not empty; the permutation adds `offset` modulo 2**32,
    which keeps them sorted once the ones that wrap around (from `wraps_from` on) are taken
    first. Bin b holds the permuted values in [lower[b], lower[b + 1]) and its value is the
    first of them. An empty bin takes the value of the first non-empty bin among its
    `donors` column, else of the next non-empty bin in order (wrapping around).
    """
    cdef Py_ssize_t n = shingles.shape[0], bins = lower.shape[0]
    if n == 0:
        raise ValueError("no shingles: every bin would be empty")
    cdef Py_ssize_t wrapped = _lower_bound(shingles, wraps_from, 0, n)
    cdef Py_ssize_t t, i, b = 0, attempt, donor
    cdef uint32_t value
    value_array = np.empty(bins, dtype=np.uint32)
    filled_array = np.zeros(bins, dtype=np.uint8)
    cdef uint32_t[::1] values = value_array
    cdef uint8_t[::1] filled = filled_array
    with nogil:
        for t in range(n):
            i = wrapped + t if t < n - wrapped else t - (n - wrapped)
            value = shingles[i] + offset  # modulo 2**32
            while b + 1 < bins and value >= lower[b + 1]:
                b += 1
            if not filled[b]:
                values[b] = value
                filled[b] = 1
        for b in range(bins):
            if filled[b]:
                continue
            donor = -1
            for attempt in range(donors.shape[0]):
                if filled[donors[attempt, b]]:
                    donor = donors[attempt, b]
                    break
            if donor < 0:
                donor = b + 1
                while True:
                    if donor == bins:
                        donor = 0
                    if filled[donor]:
                        break
                    donor += 1
            values[b] = values[donor]
    return value_array


def band_keys(const uint32_t[::1] signature, Py_ssize_t rows, const uint64_t[::1] row_mix,
              const uint64_t[::1] band_mix):
    """One key per band of `rows` signature values, fmix64(sum(v_r * row_mix[r]) +
    band_mix[b]), as int64 (SQLite's INTEGER)."""
    cdef Py_ssize_t bands = signature.shape[0] // rows, b, r
    cdef uint64_t key
    key_array = np.empty(bands, dtype=np.uint64)
    cdef uint64_t[::1] keys = key_array
    for b in range(bands):
        key = band_mix[b]
        for r in range(rows):
            key += signature[b * rows + r] * row_mix[r]
        keys[b] = _fmix64(key)
    return key_array.view(np.int64)


def common_count(const uint32_t[::1] a, const uint32_t[::1] b):
    """How many values two sorted unique arrays share (one branch-free merge)."""
    cdef Py_ssize_t i = 0, j = 0, common = 0, na = a.shape[0], nb = b.shape[0]
    cdef uint32_t x, y
    with nogil:
        while i < na and j < nb:
            x = a[i]
            y = b[j]
            i += x <= y
            j += y <= x
            common += x == y
    return common


cdef struct _Rows:
    uint32_t *data
    Py_ssize_t size
    Py_ssize_t capacity


cdef int _append(_Rows *found, uint32_t row) except -1 nogil:
    cdef uint32_t *grown
    if found.size == found.capacity:
        grown = <uint32_t *>realloc(found.data, 2 * found.capacity * sizeof(uint32_t))
        if grown == NULL:
            with gil:
                raise MemoryError()
        found.data = grown
        found.capacity *= 2
    found.data[found.size] = row
    found.size += 1
    return 0


cdef int _compare_rows(const void *a, const void *b) noexcept nogil:
    cdef uint32_t x = (<const uint32_t *>a)[0], y = (<const uint32_t *>b)[0]
    return (x > y) - (x < y)


cdef int _run_matches(
    const uint64_t[::1] keys, const uint64_t[::1] run_keys, const uint32_t[::1] rows,
    const uint32_t[::1] starts, int shift, _Rows *found,
) except -1 nogil:
    """Append the rows of the run's entries whose key is one of `keys`: each key's bucket
    (`key >> shift`) is searched for the first entry with that key, the equal ones after it
    are taken."""
    cdef Py_ssize_t q, bucket, at, end
    cdef uint64_t key
    for q in range(keys.shape[0]):
        key = keys[q]
        bucket = key >> shift
        end = starts[bucket + 1]
        at = _lower_bound(run_keys, key, starts[bucket], end)
        while at < end and run_keys[at] == key:
            _append(found, rows[at])
            at += 1
    return 0


def ranked_rows(const uint64_t[::1] keys, const uint64_t[:, ::1] recent_keys,
                const uint32_t[::1] recent_rows, Py_ssize_t recent, list runs,
                Py_ssize_t limit):
    """Up to `limit` rows sharing band keys with `keys`, most shared first, ties by
    smallest row: from the first `recent` rows of the matrix `recent_keys` (one row a
    document, one column a band) and from every run of `runs`, each a tuple (sorted keys,
    rows, bucket starts, shift) as `bandtable._Run` holds them."""
    cdef Py_ssize_t d, b, i, c, best, distinct = 0
    cdef const uint64_t[::1] run_keys
    cdef const uint32_t[::1] run_rows, starts
    cdef _Rows found
    found.capacity = 256
    found.size = 0
    found.data = <uint32_t *>malloc(found.capacity * sizeof(uint32_t))
    if found.data == NULL:
        raise MemoryError()
    cdef Py_ssize_t *counts = NULL
    try:
        for d in range(recent):
            for b in range(keys.shape[0]):
                if recent_keys[d, b] == keys[b]:
                    _append(&found, recent_rows[d])
        for run in runs:
            run_keys, run_rows, starts = run[0], run[1], run[2]
            _run_matches(keys, run_keys, run_rows, starts, run[3], &found)
        if found.size == 0:
            return []
        qsort(found.data, found.size, sizeof(uint32_t), _compare_rows)
        counts = <Py_ssize_t *>calloc(found.size, sizeof(Py_ssize_t))
        if counts == NULL:
            raise MemoryError()
        for i in range(found.size):  # distinct rows to the front, with their counts
            if distinct == 0 or found.data[distinct - 1] != found.data[i]:
                found.data[distinct] = found.data[i]
                distinct += 1
            counts[distinct - 1] += 1
        chosen = []
        for c in range(min(limit, distinct)):  # a selection, not a sort: limit is small
            best = 0
            for i in range(1, distinct):
                if counts[i] > counts[best]:
                    best = i
            chosen.append(found.data[best])
            counts[best] = 0
        return chosen
    finally:
        free(found.data)
        free(counts)
