"""Log formatting that keeps item bodies (whole HTML pages) out of the log."""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter


class QuietLogFormatter(LogFormatter):
    """Dropped items are an expected outcome: log the reason at DEBUG, never the item."""

    def dropped(self, item, exception, response, spider=None):
        return {
            "level": logging.DEBUG,
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }

    def scraped(self, item, response, spider=None):
        return {
            "level": logging.DEBUG,
            "msg": "Kept %(url)s",
            "args": {"url": item.get("url") if isinstance(item, dict) else None},
        }
