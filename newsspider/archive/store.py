"""The small object-store interface every archive backend implements, chosen by URI.

Keys are plain relative paths (``articles/date=2026-11-05/source=yonhap/part-….parquet``);
`check_key` rejects anything that could escape the archive root or confuse object stores.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._=/-]*$")


class StoreError(Exception):
    """The archive cannot be reached or used; the message is meant for the user."""


class KeyNotFound(StoreError):
    pass


def check_key(key: str) -> str:
    """Return `key` if it is a safe relative object key, else raise ValueError."""
    if not _KEY_RE.match(key) or ".." in key.split("/") or "//" in key or len(key) > 900:
        raise ValueError(f"unsafe archive key {key!r}")
    return key


class ObjectStore(Protocol):
    """What the snapshot publisher and the query layer need from a storage backend."""

    uri: str

    def put(self, key: str, data: bytes, *, if_absent: bool = False) -> bool:
        """Write an object; with `if_absent`, return False instead of overwriting."""

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys under `prefix`, in lexical order."""

    def delete(self, key: str) -> None: ...

    def local_path(self, key: str) -> Path | None:
        """A filesystem path to read the object directly, when the backend has one."""


def open_store(uri: str, *, endpoint_url: str | None = None, **options: Any) -> ObjectStore:
    """Map an archive URI (`file://PATH`, `s3://bucket/prefix`) to its backend.

    `endpoint_url` and `options` (see `S3Store`) configure object-storage backends; a local
    directory needs none and ignores them.
    """
    scheme = urlsplit(uri).scheme
    if scheme == "file":
        from newsspider.archive.local import LocalStore

        return LocalStore.from_uri(uri)
    if scheme == "s3":
        from newsspider.archive.s3 import S3Store

        return S3Store.from_uri(uri, endpoint_url=endpoint_url, **options)
    raise StoreError(f"unsupported archive URI {uri!r} (use file://PATH or s3://bucket/prefix)")
