"""What an analysis worker does to a page: extraction, topic scores, near-duplicate sketch.

Imported only in worker processes (see `analysis.py`): it pulls in trafilatura, lxml's HTML
tools and the MinHash permutations.
"""

from __future__ import annotations

from newsspider.article import FetchedPage, record_from_page
from newsspider.config import Config
from newsspider.dedup.minhash import NearDupParams, Sketcher
from newsspider.relevance import TopicMatcher


class PageAnalyzer:
    """Fetched page → record with `topic_scores` and, when asked for, a near-dup `_sketch`."""

    def __init__(self, config: Config, neardup: NearDupParams | None) -> None:
        self.sources = {source.name: source for source in config.sources}
        self.matcher = TopicMatcher(config.topics)
        self.sketcher = Sketcher(neardup) if neardup is not None else None

    def analyze(self, page: FetchedPage) -> dict:
        """Raises `NotAnArticle` for pages that are not stories."""
        record = record_from_page(page, self.sources[page.source])
        record["topic_scores"] = self.matcher.match(record)
        record["topics"] = sorted(record["topic_scores"])
        if self.sketcher is not None and record["body"]:
            record["_sketch"] = self.sketcher.sketch(record["body"])
        return record
