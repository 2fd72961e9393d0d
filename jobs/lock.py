"""One scheduler per deployment: a lock that a second `newsspider serve` cannot take.

With local state the lock is `flock` on `STATE_DIR/serve.lock` (released by the kernel when the
process dies, however it dies). With Redis state the deployment may span machines, so the
lock is a Redis key with a TTL that the service keeps refreshing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Protocol

from jobs.logs import mask_credentials

REDIS_LOCK_KEY = "newsspider:serve-lock"
REDIS_LOCK_TTL = 30.0


class LockHeld(Exception):
    """Another scheduler holds the lock; the message says who and where."""


class LockLost(Exception):
    """The lock expired or was taken over while this scheduler ran."""


class ServiceLock(Protocol):
    def acquire(self) -> None:
        """Take the lock or raise `LockHeld`."""

    def refresh(self) -> None:
        """Keep the lock alive; raise `LockLost` if it is no longer ours."""

    def release(self) -> None: ...


def holder_info() -> str:
    return json.dumps(
        {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )


def _describe(holder: str | None) -> str:
    try:
        info = json.loads(holder or "")
        return f"pid {info['pid']} on {info['host']} since {info['since']}"
    except (ValueError, KeyError, TypeError):
        return "unknown holder"


class FileLock:
    """`flock` on a file; the file holds the holder's pid, host and start time."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read()
            handle.close()
            raise LockHeld(
                f"another `newsspider serve` is running ({_describe(holder)}; lock {self.path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(holder_info())
        handle.flush()
        self._file = handle

    def refresh(self) -> None:
        """Nothing to do: the kernel holds a flock for as long as the process lives."""

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class RedisLock:
    """A Redis key set with NX and a TTL; its value names the holder."""

    def __init__(self, url: str, key: str = REDIS_LOCK_KEY, ttl: float = REDIS_LOCK_TTL) -> None:
        import redis

        self.url = url
        self.key = key
        self.ttl = ttl
        self._client = redis.Redis.from_url(url)
        self._lock = self._client.lock(key, timeout=ttl, blocking=False, thread_local=False)
        self._refreshed = 0.0

    def acquire(self) -> None:
        if not self._lock.acquire(token=holder_info()):
            holder = self._client.get(self.key)
            raise LockHeld(
                f"another `newsspider serve` is running ({_describe(holder and holder.decode())}; "
                f"Redis key {self.key} at {mask_credentials(self.url)})"
            )
        self._refreshed = time.monotonic()

    def refresh(self) -> None:
        """Reset the TTL once a third of it has passed."""
        from redis.exceptions import LockError

        if time.monotonic() - self._refreshed < self.ttl / 3:
            return
        try:
            self._lock.reacquire()
        except LockError as exc:
            raise LockLost(f"lost the scheduler lock {self.key}: {exc}") from None
        self._refreshed = time.monotonic()

    def release(self) -> None:
        from redis.exceptions import LockError

        with contextlib.suppress(LockError):  # expired or taken over: nothing left to release
            self._lock.release()
        self._client.close()


def open_service_lock(state_uri: str, state_directory: Path) -> ServiceLock:
    """The lock that fits the state backend: Redis for `redis://` state, else a local file."""
    if state_uri.startswith(("redis://", "rediss://")):
        return RedisLock(state_uri)
    return FileLock(state_directory / "serve.lock")
