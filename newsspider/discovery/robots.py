"""robots.txt → the sitemaps it announces (``Sitemap:`` lines), read by protego."""

from __future__ import annotations

from protego import Protego

from newsspider.discovery.links import resolve_http_url


def sitemaps_from_robots(body: bytes, url: str) -> list[str]:
    """Absolute http(s) URLs of the ``Sitemap:`` lines, de-duplicated, in file order.

    Relative values are resolved against the robots.txt URL; robots.txt is UTF-8 (RFC 9309).
    """
    robots = Protego.parse(body.decode("utf-8", "replace"))
    found = (resolve_http_url(value, url) for value in robots.sitemaps)
    return list(dict.fromkeys(u for u in found if u))
