"""Documents' shingle hashes in append-only files beside the near-duplicate index database.

Confirming a candidate reads its shingle hashes (~2.3 KB for 600 words). As a SQLite column
they cost ~17 µs a document to write (a 4 KB page each) and ~15-30 µs to read back (a query
per candidate); here appends are buffered and written with one `os.pwrite` by `flush()`
(which the index calls before each commit), and a read is one `os.pread` at a position the
index keeps in RAM.

A position addresses segment files of about `segment_bytes` each (named by their number), so
expired documents go a whole file at a time. Positions only grow: after a crash or a power
loss the log continues past both its files' ends and every position the database refers
to, so a position is never written twice; bytes the database never committed to are left
unreferenced, and a record lost with the power reads back short and is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

_SUFFIX = ".u32"


class ShingleLog:
    """Append-only segment files of uint32 arrays in `folder`, read back by position.

    Appends stay in a buffer (readable) until `flush()`: flush before committing anything
    that refers to them."""

    def __init__(self, folder: str | Path, segment_bytes: int = 1 << 28) -> None:
        """Open (or create) the log; appending continues past its last file."""
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.segment_bytes = segment_bytes
        self._readers: dict[int, int] = {}
        self._writer_segment = -1
        self._writer = -1
        self._position = 0
        self._buffer = bytearray()
        self._buffer_at = 0  # position of the buffer's first byte
        segments = self._segments()
        if segments:
            size = self._path(segments[-1]).stat().st_size
            self.continue_past(segments[-1] * segment_bytes, -(-size // 4))

    def _path(self, segment: int) -> Path:
        return self.folder / f"{segment:08d}{_SUFFIX}"

    def _segments(self) -> list[int]:
        return sorted(int(p.stem) for p in self.folder.glob(f"*{_SUFFIX}") if p.stem.isdigit())

    def _after(self, position: int, count: int) -> int:
        """Where the record after `count` values at `position` goes: right after them, or at
        the next segment's start once they reach their segment's nominal end."""
        segment, offset = divmod(position, self.segment_bytes)
        end = offset + 4 * count
        return (
            position + 4 * count
            if end < self.segment_bytes
            else (segment + 1) * (self.segment_bytes)
        )

    @property
    def position(self) -> int:
        """Where the next record goes."""
        return self._position

    def continue_past(self, position: int, count: int) -> None:
        """Never append over the record of `count` values at `position` (one the database
        refers to, which a power loss may have cut from the file)."""
        self.flush()  # the buffer holds contiguous bytes
        self._position = max(self._position, self._after(position, count))

    def append(self, values: np.ndarray) -> int:
        """Add `values` (uint32) at the end; return their position."""
        position = self._position
        if self._buffer and position // self.segment_bytes != self._buffer_at // self.segment_bytes:
            self.flush()  # the buffer holds one segment's bytes
        if not self._buffer:
            self._buffer_at = position
        self._buffer += values.tobytes()
        self._position = self._after(position, len(values))
        return position

    def flush(self) -> None:
        """Write the buffered appends to their segment file."""
        if not self._buffer:
            return
        segment, offset = divmod(self._buffer_at, self.segment_bytes)
        if segment != self._writer_segment:
            if self._writer >= 0:
                os.close(self._writer)
            self._writer = os.open(self._path(segment), os.O_WRONLY | os.O_CREAT, 0o644)
            self._writer_segment = segment
        data = memoryview(self._buffer)
        written = 0
        while written < len(data):  # a short write (a full disk raises instead)
            written += os.pwrite(self._writer, data[written:], offset + written)
        data.release()
        self._buffer.clear()

    def read(self, position: int, count: int) -> np.ndarray | None:
        """The `count` values at `position`, or None if they are gone (deleted or lost)."""
        size = 4 * count
        if self._buffer and position >= self._buffer_at:
            start = position - self._buffer_at
            return np.frombuffer(self._buffer[start : start + size], dtype=np.uint32)
        segment, offset = divmod(position, self.segment_bytes)
        fd = self._readers.get(segment)
        if fd is None:
            try:
                fd = os.open(self._path(segment), os.O_RDONLY)
            except FileNotFoundError:
                return None
            self._readers[segment] = fd
        data = os.pread(fd, size, offset)
        if len(data) < size:
            return None
        return np.frombuffer(data, dtype=np.uint32)

    def drop_before(self, position: int) -> int:
        """Delete the segment files wholly before `position`; return how many."""
        first = position // self.segment_bytes
        dropped = 0
        for segment in self._segments():
            if segment >= first:
                break
            if segment in self._readers:
                os.close(self._readers.pop(segment))
            self._path(segment).unlink(missing_ok=True)
            dropped += 1
        return dropped

    def nbytes(self) -> int:
        """Bytes on disk."""
        return sum(self._path(segment).stat().st_size for segment in self._segments())

    def close(self) -> None:
        self.flush()
        for fd in self._readers.values():
            os.close(fd)
        self._readers.clear()
        if self._writer >= 0:
            os.close(self._writer)
            self._writer, self._writer_segment = -1, -1
