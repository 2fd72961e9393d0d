"""The one exception extraction raises: the page is not a story worth a record."""

from __future__ import annotations


class NotAnArticle(Exception):
    """Raised for index, live-blog, paywall, consent, blocked, empty or broken pages.

    ``reason`` is short and stable enough to count in crawl stats.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
