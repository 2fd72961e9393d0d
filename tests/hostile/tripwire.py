"""Run `python -m newsspider ARGS` with outbound connections confined to loopback.

The hostile corpus points the crawler at metadata and private addresses; the SSRF guard must
refuse them, and this launcher makes sure that even a broken guard sends nothing off the
machine: every TCP/UDP connect to an address outside 127.0.0.0/8 and ::1 is refused and
written to the file named by `NEWSSPIDER_TRIPWIRE_LOG`, which the tests assert is empty.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import runpy
import socket
import sys

_LOG = os.environ["NEWSSPIDER_TRIPWIRE_LOG"]


def _allowed(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths
    try:
        return ipaddress.ip_address(str(address[0]).split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a name: only numeric addresses reach connect() in our stack


def _record(address: object) -> None:
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{address!r}\n")


class LoopbackOnlySocket(socket.socket):
    """A socket that refuses to connect anywhere but loopback."""

    def connect(self, address: object) -> None:
        if not _allowed(address):
            _record(address)
            raise ConnectionRefusedError(errno.ECONNREFUSED, "tripwire: not loopback")
        super().connect(address)

    def connect_ex(self, address: object) -> int:
        if not _allowed(address):
            _record(address)
            return errno.ECONNREFUSED
        return super().connect_ex(address)

    def sendto(self, data: bytes, *args: object) -> int:
        if not _allowed(args[-1]):
            _record(args[-1])
            raise ConnectionRefusedError(errno.ECONNREFUSED, "tripwire: not loopback")
        return super().sendto(data, *args)


if __name__ == "__main__":
    socket.socket = LoopbackOnlySocket  # type: ignore[misc]
    sys.argv = ["newsspider", *sys.argv[1:]]
    runpy.run_module("newsspider", run_name="__main__", alter_sys=True)
