"""A local, size-bounded cache of archive files fetched from object storage.

Snapshot files are immutable and the manifest names each one's SHA-256, so the cache is
content-addressed: a file is stored under its digest, is valid for every archive that holds
it, and is checked against the digest each time it is read (a damaged copy is fetched again).
Least recently used files are evicted once the cache grows past its byte budget.

Manifests are cached too, under the archive they belong to and their name: they are written
once and never changed, so a repeated query on S3 only lists `manifests/` again. Beside them
the cache keeps the archive's last computed live view (`live_view`): the manifests with
superseded files left out, and the keys it was computed from. After compaction most
manifests list no live file, so a query starts from that view and parses only manifests
that appeared since, instead of every manifest of the archive's history.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from newsspider.archive.store import ObjectStore, StoreError

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024**3
LIVE_VIEW_FORMAT = 1
#: Downloads at once when a query needs many files: each waits on the network, not the CPU.
FETCH_WORKERS = 8


@dataclass(frozen=True, slots=True)
class LiveView:
    """Live manifests (`compact.live_manifests`) computed from the manifests named `keys`;
    `newest_compaction` is the highest snapshot id of a compaction among them, if any."""

    keys: frozenset[str]
    manifests: list[dict]
    newest_compaction: str | None


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
        data = self._verified(path, key, sha256)
        if data is None:
            data = _download(store, key, sha256)
            if len(data) <= self.max_bytes:
                self._write(path, data)
                self._evict(keep={path})
        return data

    def fetch(self, store: ObjectStore, files: Sequence[tuple[str, str]]) -> list[Path]:
        """Local, verified copies of `(key, sha256)` objects, downloading the missing ones.

        Downloads run in parallel and eviction runs once at the end; the files returned are
        never evicted by this call, even when together they exceed the budget.
        """

        def one(item: tuple[str, str]) -> Path:
            key, sha256 = item
            path = self.path(sha256)
            if self._verified(path, key, sha256) is None:
                self._write(path, _download(store, key, sha256))
            return path

        with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
            paths = list(pool.map(one, files))
        if paths:
            self._evict(keep=set(paths))
        return paths

    def manifest(self, store: ObjectStore, key: str) -> bytes:
        """A manifest's bytes, downloaded once per archive and name."""
        path = self._archive_dir(store) / key.rsplit("/", 1)[-1]
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        data = store.get(key)
        self._write(path, data)
        return data

    def live_view(self, store: ObjectStore) -> LiveView | None:
        """The live view last saved for this archive, if any and readable."""
        try:
            saved = json.loads(self._view_path(store).read_bytes())
        except (FileNotFoundError, ValueError):
            return None
        if not isinstance(saved, dict) or saved.get("format") != LIVE_VIEW_FORMAT:
            return None
        return LiveView(frozenset(saved["keys"]), saved["manifests"], saved["newest_compaction"])

    def save_live_view(self, store: ObjectStore, view: LiveView) -> None:
        payload = {
            "format": LIVE_VIEW_FORMAT,
            "keys": sorted(view.keys),
            "newest_compaction": view.newest_compaction,
            "manifests": view.manifests,
        }
        self._write(self._view_path(store), json.dumps(payload, separators=(",", ":")).encode())

    def _archive_dir(self, store: ObjectStore) -> Path:
        return self.root / "manifests" / hashlib.sha256(store.uri.encode()).hexdigest()[:32]

    def _view_path(self, store: ObjectStore) -> Path:
        return self._archive_dir(store) / "_live-view.json"

    def _verified(self, path: Path, key: str, sha256: str) -> bytes | None:
        """The cached bytes if they still match their digest; a damaged copy is dropped."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if hashlib.sha256(data).hexdigest() == sha256:
            os.utime(path)  # atime marks recent use; many mounts do not update it on read
            return data
        log.warning("cached copy of %s is corrupted; fetching it again", key)
        path.unlink(missing_ok=True)
        return None

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

    def _evict(self, keep: set[Path]) -> None:
        """Delete least recently used files (never those in `keep`) until the cache fits."""
        entries, kept_bytes = [], 0
        for path in self.root.glob("??/*"):
            if path.name.startswith("."):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue  # evicted by another process meanwhile
            if path in keep:
                kept_bytes += stat.st_size
            else:
                entries.append((stat.st_atime, stat.st_size, path))
        total = kept_bytes + sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


def _download(store: ObjectStore, key: str, sha256: str) -> bytes:
    data = store.get(key)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoreError(f"{store.uri}: {key} does not match the SHA-256 in its manifest")
    return data
