"""The bundled test web: five small news sites on loopback for the demo and the tests.

`TestWeb.start()` serves them on real HTTP servers; `web.articles` is the ground truth of
every article page, and `web.expected()` what a correct crawl must keep.
"""

from __future__ import annotations

from newsspider.testweb.catalog import CatalogArticle
from newsspider.testweb.server import RequestLog, TestWeb

__all__ = ["CatalogArticle", "RequestLog", "TestWeb"]
