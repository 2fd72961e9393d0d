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

from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t


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


def word_shingle_hashes(const uint8_t[::1] chars, Py_ssize_t words, uint64_t base,
                        const uint64_t[::1] mix):
    """The 32-bit hash of every `words`-word shingle of folded text, in text order.

    `chars`: the folded UTF-8 bytes, separators zero. A word's hash is the polynomial
    sum(byte_j * base**j) mod 2**64, finalized by fmix64; shingle i mixes the hashes of words
    i..i+k-1 as sum(word[i + j] * mix[j]) (k = `words`, or all words if fewer), finalized, top
    32 bits. A text with fewer words than a shingle is one shingle; without words, none.
    """
    cdef Py_ssize_t n = chars.shape[0], count = 0, i, j, k
    word_array = np.empty(n // 2 + 1, dtype=np.uint64)
    cdef uint64_t[::1] hashes = word_array
    cdef uint64_t h = 0, power = 1, mixed
    cdef uint8_t c, previous = 0
    with nogil:
        for i in range(n):
            c = chars[i]
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


cdef inline Py_ssize_t _lower_bound(const uint32_t[::1] values, uint32_t value) noexcept nogil:
    """The first index whose value is >= `value` in sorted `values`."""
    cdef Py_ssize_t low = 0, high = values.shape[0], middle
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
    cdef Py_ssize_t wrapped = _lower_bound(shingles, wraps_from)
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


def matrix_rows(const uint64_t[:, ::1] matrix, const uint32_t[::1] rows, Py_ssize_t count,
                const uint64_t[::1] keys):
    """The row of each of the first `count` documents of `matrix` (one row a document, one
    column a band) once for every band key it shares with `keys` (same column)."""
    cdef Py_ssize_t bands = keys.shape[0], d, b, n = 0
    found_array = np.empty(count * bands, dtype=np.uint32)
    cdef uint32_t[::1] found = found_array
    for d in range(count):
        for b in range(bands):
            if matrix[d, b] == keys[b]:
                found[n] = rows[d]
                n += 1
    return found_array[:n]


def run_rows(const uint64_t[::1] keys, const uint64_t[::1] run_keys, const uint32_t[::1] rows,
             const uint32_t[::1] starts, int shift):
    """The rows of a sorted run's entries whose key is one of `keys`: each key's bucket (its
    top bits, `key >> shift`) is read from `starts`, then scanned."""
    cdef Py_ssize_t q, at, bucket, total = 0, n = 0
    for q in range(keys.shape[0]):
        bucket = keys[q] >> shift
        for at in range(starts[bucket], starts[bucket + 1]):
            total += run_keys[at] == keys[q]
    found_array = np.empty(total, dtype=np.uint32)
    cdef uint32_t[::1] found = found_array
    for q in range(keys.shape[0]):
        bucket = keys[q] >> shift
        for at in range(starts[bucket], starts[bucket + 1]):
            if run_keys[at] == keys[q]:
                found[n] = rows[at]
                n += 1
    return found_array


def most_shared(const uint32_t[::1] rows, Py_ssize_t limit):
    """Up to `limit` distinct values of sorted `rows`, most frequent first, ties by smallest
    value (a selection, not a sort: `limit` is small)."""
    cdef Py_ssize_t n = 0, i, c, best, size = rows.shape[0]
    distinct_array = np.empty(size, dtype=np.uint32)
    count_array = np.zeros(size, dtype=np.int64)
    cdef uint32_t[::1] distinct = distinct_array
    cdef int64_t[::1] counts = count_array
    for i in range(size):
        if n == 0 or distinct[n - 1] != rows[i]:
            distinct[n] = rows[i]
            n += 1
        counts[n - 1] += 1
    chosen_array = np.empty(min(limit, n), dtype=np.uint32)
    cdef uint32_t[::1] chosen = chosen_array
    for c in range(chosen.shape[0]):
        best = 0
        for i in range(1, n):
            if counts[i] > counts[best]:
                best = i
        chosen[c] = distinct[best]
        counts[best] = 0
    return chosen_array
