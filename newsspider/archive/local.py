"""The embedded default archive: a local directory, written with atomic renames."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from newsspider.archive.store import KeyNotFound, StoreError, check_key
from newsspider.archive.warc import _pid_alive

#: Temporary files are `.tmp-<pid>-<random>` beside their target until renamed into place.
_TMP_PREFIX = ".tmp-"


class LocalStore:
    """Objects as files under a root directory; every write is atomic and durable."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).absolute()
        self.uri = f"file://{self.root}"

    @classmethod
    def from_uri(cls, uri: str) -> LocalStore:
        return cls(uri.removeprefix("file://") or ".")

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, *, if_absent: bool = False) -> bool:
        path = self._path(key)
        try:
            return self._write(path, data, if_absent=if_absent)
        except OSError as exc:  # disk full, read-only, not a directory: the user must act
            raise StoreError(f"{self.uri}: cannot write {key}: {exc.strerror or exc}") from exc

    def _write(self, path: Path, data: bytes, *, if_absent: bool) -> bool:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{_TMP_PREFIX}{os.getpid()}-")
        os.fchmod(fd, 0o644)  # archive files are for readers too (query services, web UI)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if if_absent:
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    return False
            else:
                os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _fsync_dir(path.parent)
        _remove_dead_writers_files(path.parent)
        return True

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            raise KeyNotFound(f"{self.uri}: no object {key!r}") from None
        except OSError as exc:
            raise StoreError(f"{self.uri}: cannot read {key}: {exc.strerror or exc}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str = "") -> Iterator[str]:
        if not self.root.is_dir():
            return
        base = self.root / prefix.rsplit("/", 1)[0] if "/" in prefix else self.root
        if not base.is_dir():
            return
        keys = []
        # os.walk reads each folder once, file types included: no stat per file
        for folder, _, names in os.walk(base):
            relative = Path(folder).relative_to(self.root).as_posix()
            stem = "" if relative == "." else relative + "/"
            keys.extend(
                stem + name
                for name in names
                if not name.startswith(_TMP_PREFIX) and (stem + name).startswith(prefix)
            )
        yield from sorted(keys)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def local_path(self, key: str) -> Path:
        return self._path(key)


def _remove_dead_writers_files(directory: Path) -> None:
    """Delete temporary files left in ``directory`` by writers that were killed mid-write.

    A resumed snapshot writes the same keys again, so it passes through the same directories
    and clears what the interrupted attempt left there.
    """
    for leftover in directory.glob(f"{_TMP_PREFIX}*"):
        pid = leftover.name.removeprefix(_TMP_PREFIX).partition("-")[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
