"""The near-duplicate index's shingle log: positions that read back what was written, across
segment files, reopening, a power loss that cut a file short, and expiry by whole files."""

from __future__ import annotations

import numpy as np

from newsspider.dedup.shinglelog import ShingleLog

SEGMENT = 64  # bytes: 16 values a file, so a handful of records spans several files


def values(n: int, start: int = 0) -> np.ndarray:
    return np.arange(start, start + n, dtype=np.uint32)


def test_records_read_back_across_segments_and_after_reopening(tmp_path):
    log = ShingleLog(tmp_path / "log", segment_bytes=SEGMENT)
    written = [(log.append(values(n, 100 * n)), values(n, 100 * n)) for n in (5, 7, 9, 40, 3)]
    positions = [position for position, _ in written]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    # 5 + 7 fill most of file 0; 9 reaches past its end, so 40 (longer than a file) and 3
    # start files of their own
    assert [position // SEGMENT for position in positions] == [0, 0, 0, 1, 2]
    for position, expected in written:
        assert np.array_equal(log.read(position, len(expected)), expected)
    log.close()
    reopened = ShingleLog(tmp_path / "log", segment_bytes=SEGMENT)
    for position, expected in written:
        assert np.array_equal(reopened.read(position, len(expected)), expected)
    assert reopened.append(values(2)) > positions[-1]
    reopened.close()


def test_a_record_cut_short_reads_as_gone_and_its_place_is_never_reused(tmp_path):
    log = ShingleLog(tmp_path / "log", segment_bytes=1 << 20)
    first = log.append(values(4))
    lost = log.append(values(6, 50))
    log.close()
    segment = tmp_path / "log" / "00000000.u32"
    with segment.open("r+b") as file:  # a power loss kept only the first record
        file.truncate(16)
    log = ShingleLog(tmp_path / "log", segment_bytes=1 << 20)
    assert log.read(lost, 6) is None
    log.continue_past(lost, 6)  # the database still refers to it
    after = log.append(values(3, 90))
    assert after >= lost + 24
    assert np.array_equal(log.read(first, 4), values(4))
    assert np.array_equal(log.read(after, 3), values(3, 90))
    log.close()


def test_expiry_deletes_whole_files_before_a_position_only(tmp_path):
    log = ShingleLog(tmp_path / "log", segment_bytes=40)
    positions = [log.append(values(10, i)) for i in range(6)]  # 40 bytes each: one a file
    log.flush()
    assert log.drop_before(positions[3] + 8) == 3
    assert [log.read(p, 10) is None for p in positions] == [True] * 3 + [False] * 3
    assert log.nbytes() == 3 * 40
    assert log.drop_before(positions[3]) == 0
    log.close()


def test_appends_are_readable_at_once_and_on_disk_after_flush(tmp_path):
    log = ShingleLog(tmp_path / "log")
    position = log.append(values(5, 7))
    assert np.array_equal(log.read(position, 5), values(5, 7))
    assert log.nbytes() == 0
    log.flush()
    assert log.nbytes() == 20
    other = ShingleLog(tmp_path / "log")  # another process reading the index
    assert np.array_equal(other.read(position, 5), values(5, 7))
    other.close()
    log.close()
