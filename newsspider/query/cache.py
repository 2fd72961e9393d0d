"""A local, size-bounded cache of archive files fetched from object storage.

Snapshot files are immutable and the manifest names each one's SHA-256, so the cache is
content-addressed: a file is stored under its digest and is valid for every archive that
holds it. A copy is checked against its digest when it is downloaded and again whenever its
size, modification time or inode differ from those recorded then (`stamps.json`, as git's
index and rsync's quick check do): hashing every cached file on every query would cost more
than the query. A damaged copy is fetched again. Least recently used files are evicted once
the cache grows past its byte budget.

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
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from newsspider.archive.store import ObjectStore, StoreError

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024**3
LIVE_VIEW_FORMAT = 2
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
        self._stamps = _Stamps(self.root / "stamps.json")

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def read(self, store: ObjectStore, key: str, sha256: str) -> bytes:
        """The bytes of `key`, from the cache when a verified copy exists, else downloaded."""
        path = self.path(sha256)
        if self._verified(path, key, sha256):
            return path.read_bytes()
        data = _download(store, key, sha256)
        if len(data) <= self.max_bytes:
            _write_atomically(path, data)
            self._stamps.record(sha256, path)
            self._evict(keep={path})
        self._stamps.save()
        return data

    def fetch(self, store: ObjectStore, files: Sequence[tuple[str, str]]) -> list[Path]:
        """Local, verified copies of `(key, sha256)` objects, downloading the missing ones.

        Downloads run in parallel and eviction runs once at the end, when something was
        downloaded; the files returned are never evicted by this call, even when together
        they exceed the budget.
        """

        def download(item: tuple[str, str]) -> None:
            key, sha256 = item
            path = self.path(sha256)
            _write_atomically(path, _download(store, key, sha256))
            self._stamps.record(sha256, path)

        # cached copies are checked here (a stat each): threads only for the downloads
        missing = [item for item in files if not self._verified(self.path(item[1]), *item)]
        if missing:
            with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
                list(pool.map(download, missing))
        paths = [self.path(sha256) for _, sha256 in files]
        if missing:
            self._evict(keep=set(paths))
        self._stamps.save()
        return paths

    def manifest(self, store: ObjectStore, key: str) -> bytes:
        """A manifest's bytes, downloaded once per archive and name."""
        path = self._archive_dir(store) / key.rsplit("/", 1)[-1]
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        data = store.get(key)
        _write_atomically(path, data)
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
        """Save `view`; the compactions' `supersedes` lists (most of its bytes, needed only
        when a new compaction arrives) go to a file of their own, written first."""
        superseded = {
            m["snapshot_id"]: m["supersedes"] for m in view.manifests if "supersedes" in m
        }
        _write_atomically(
            self._superseded_path(store), json.dumps(superseded, separators=(",", ":")).encode()
        )
        payload = {
            "format": LIVE_VIEW_FORMAT,
            "keys": sorted(view.keys),
            "newest_compaction": view.newest_compaction,
            "manifests": [
                {key: value for key, value in m.items() if key != "supersedes"}
                for m in view.manifests
            ],
        }
        _write_atomically(
            self._view_path(store), json.dumps(payload, separators=(",", ":")).encode()
        )

    def superseded(self, store: ObjectStore) -> dict[str, list[str]] | None:
        """The `supersedes` lists of the saved live view's compactions, by snapshot id."""
        try:
            saved = json.loads(self._superseded_path(store).read_bytes())
        except (FileNotFoundError, ValueError):
            return None
        return saved if isinstance(saved, dict) else None

    def _archive_dir(self, store: ObjectStore) -> Path:
        return self.root / "manifests" / hashlib.sha256(store.uri.encode()).hexdigest()[:32]

    def _view_path(self, store: ObjectStore) -> Path:
        return self._archive_dir(store) / "_live-view.json"

    def _superseded_path(self, store: ObjectStore) -> Path:
        return self._archive_dir(store) / "_live-view-superseded.json"

    def _verified(self, path: Path, key: str, sha256: str) -> bool:
        """Whether a good copy is cached: unchanged since it was verified, or matching its
        digest now (then stamped); a damaged copy is dropped. Marks the copy as used."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            return False
        if not self._stamps.matches(sha256, stat):
            if hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
                log.warning("cached copy of %s is corrupted; fetching it again", key)
                self._stamps.forget(sha256)
                path.unlink(missing_ok=True)
                return False
            self._stamps.record(sha256, path)
        # atime marks recent use (many mounts do not update it on read); mtime is kept
        os.utime(path, ns=(time.time_ns(), stat.st_mtime_ns))
        return True

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


class _Stamps:
    """Size, mtime and inode of each cached copy when its digest was last checked, persisted
    as one JSON file. Processes sharing a cache may overwrite each other's updates: a lost
    stamp only means that copy is hashed once more."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamps: dict[str, list[int]] | None = None
        self._changed = False
        self._lock = threading.Lock()

    def _loaded(self) -> dict[str, list[int]]:
        if self._stamps is None:
            try:
                saved = json.loads(self.path.read_bytes())
            except (FileNotFoundError, ValueError):
                saved = {}
            self._stamps = saved if isinstance(saved, dict) else {}
        return self._stamps

    def matches(self, sha256: str, stat: os.stat_result) -> bool:
        with self._lock:
            stamp = self._loaded().get(sha256)
        return stamp == [stat.st_size, stat.st_mtime_ns, stat.st_ino]

    def record(self, sha256: str, path: Path) -> None:
        stat = path.stat()
        with self._lock:
            self._loaded()[sha256] = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
            self._changed = True

    def forget(self, sha256: str) -> None:
        with self._lock:
            self._changed |= self._loaded().pop(sha256, None) is not None

    def save(self) -> None:
        """Write the stamps if they changed, leaving out copies no longer cached."""
        with self._lock:
            if not self._changed:
                return
            stamps = {
                digest: stamp
                for digest, stamp in self._loaded().items()
                if (self.path.parent / digest[:2] / digest).exists()
            }
            self._stamps, self._changed = stamps, False
        _write_atomically(self.path, json.dumps(stamps, separators=(",", ":")).encode())


def _download(store: ObjectStore, key: str, sha256: str) -> bytes:
    data = store.get(key)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoreError(f"{store.uri}: {key} does not match the SHA-256 in its manifest")
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
