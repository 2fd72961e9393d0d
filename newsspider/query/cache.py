"""A local, size-bounded cache of archive files fetched from object storage.

Snapshot files are immutable and the manifest names each one's SHA-256, so the cache is
content-addressed: a file is stored under its digest, is valid for every archive that holds
it, and is checked against the digest each time it is read (a damaged copy is fetched again).
Least recently used files are evicted once the cache grows past its byte budget.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from newsspider.archive.store import ObjectStore, StoreError

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024**3


def default_cache_dir() -> Path:
    """`$NEWSSPIDER_CACHE_DIR`, else `newsspider` in the user's cache directory."""
    if configured := os.environ.get("NEWSSPIDER_CACHE_DIR"):
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsspider"


class ObjectCache:
    """Verified local copies of archive objects, keyed by their SHA-256."""

    def __init__(self, root: str | Path | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES):
        self.root = Path(root) if root is not None else default_cache_dir()
        self.max_bytes = max_bytes

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def read(self, store: ObjectStore, key: str, sha256: str) -> bytes:
        """The bytes of `key`, from the cache when a verified copy exists, else downloaded."""
        path = self.path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            pass
        else:
            if hashlib.sha256(data).hexdigest() == sha256:
                os.utime(path)  # atime marks recent use; many mounts do not update it on read
                return data
            log.warning("cached copy of %s is corrupted; fetching it again", key)
            path.unlink(missing_ok=True)
        data = store.get(key)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"{store.uri}: {key} does not match the SHA-256 in its manifest")
        if len(data) <= self.max_bytes:
            self._write(path, data)
            self._evict(keep=path, kept_bytes=len(data))
        return data

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    def _evict(self, keep: Path, kept_bytes: int) -> None:
        """Delete least recently used files until the cache fits its budget."""
        entries = []
        for path in self.root.glob("??/*"):
            if path.name.startswith(".") or path == keep:
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue  # evicted by another process meanwhile
            entries.append((stat.st_atime, stat.st_size, path))
        total = kept_bytes + sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
