"""Which addresses the crawler may connect to: the SSRF policy, in plain Python.

A crawler follows URLs chosen by strangers (feed entries, sitemaps, redirects, robots.txt), so
a hostile site can point it at the machine it runs on or at the network behind it: the cloud
metadata service (credentials), admin consoles, Redis. Only http(s) to globally routable
addresses is allowed; loopback only for sources whose own home is on loopback (the test web,
a local mirror). Hostnames are judged by every address they resolve to, since the connection
may use any of them. The Scrapy side (a downloader middleware and a resolver that re-checks at
connect time, against DNS rebinding) lives in `newsspider.middlewares`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})

#: Cloud instance-metadata endpoints: they hand out credentials to whoever asks from inside.
#: Most are link-local or private anyway; two are globally routable and listed for that reason.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text)
    for text in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
        "169.254.170.2",  # AWS ECS task credentials
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure WireServer (globally routable)
        "192.0.0.192",  # Oracle Cloud
    )
)

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOOPBACK_NAMES = ("localhost", "localhost.")


@dataclass(frozen=True, slots=True)
class Blocked:
    """Why a URL may not be fetched: a short reason code for stats and a readable message."""

    reason: str  # "scheme", "metadata", "loopback", "private", "link_local", "multicast", ...
    host: str
    address: str | None = None

    def __str__(self) -> str:
        if self.reason == "scheme":
            return f"{self.host!r}: only http and https URLs are fetched"
        if self.address and self.address != self.host:
            return f"{self.host} resolves to {self.address}, a {self.reason} address"
        return f"{self.host} is a {self.reason} address"


def address_problem(address: IPAddress, *, allow_loopback: bool) -> str | None:
    """The reason code why ``address`` is off limits, or None when it may be connected to.

    IPv4 addresses wrapped in IPv6 (``::ffff:10.0.0.1``, 6to4, NAT64) are judged as the IPv4
    address they reach.
    """
    address = _embedded_ipv4(address) or address
    if address in METADATA_ADDRESSES:
        return "metadata"
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    if address.is_link_local:
        return "link_local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private or not address.is_global:
        return "private"  # RFC 1918, ULA, shared (CGNAT) and documentation ranges
    return None


def check_url(url: str, *, allow_loopback: bool) -> Blocked | None:
    """What can be judged without DNS: the scheme and a literal IP host.

    A hostname passes here and must then be resolved and judged with `check_addresses`.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return Blocked("scheme", parts.scheme or url[:40])
    host = parts.hostname or ""
    if not host:
        return Blocked("invalid", url[:80])
    literal = literal_address(host)
    if literal is None:
        return None
    reason = address_problem(literal, allow_loopback=allow_loopback)
    return Blocked(reason, host, str(literal)) if reason else None


def check_addresses(
    host: str, addresses: Iterable[IPAddress], *, allow_loopback: bool
) -> Blocked | None:
    """The first forbidden address among those ``host`` resolves to, or None if all are fine."""
    for address in addresses:
        reason = address_problem(address, allow_loopback=allow_loopback)
        if reason:
            return Blocked(reason, host, str(address))
    return None


def literal_address(host: str) -> IPAddress | None:
    """The IP address when ``host`` is written as one (canonical dotted or IPv6 form), else None.

    Other spellings that resolvers accept (``2130706433``, ``0x7f.1``, ``127.1``) are not
    literals here: they go through resolution, which turns them into the address they reach.
    """
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str, port: int | None) -> list[IPAddress]:
    """Every address ``host`` resolves to (blocking: call it in a thread); [] when unresolvable.

    An unresolvable name is not blocked here: the download fails on its own and is reported
    as the DNS error it is.
    """
    try:
        infos = socket.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    found: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        literal = literal_address(str(sockaddr[0]).split("%", 1)[0])
        if literal is not None:
            found[literal] = None
    return list(found)


def is_loopback_host(host: str | None) -> bool:
    """True for a host that names this machine without DNS: 127/8, ::1, ``localhost``."""
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES or host.lower().rstrip(".").endswith(".localhost"):
        return True
    literal = literal_address(host)
    return literal is not None and literal.is_loopback


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if address.version == 4:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
