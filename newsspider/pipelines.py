"""Thin Scrapy adapters: each pipeline calls one room (extraction, relevance, dedup, staging).

Every drop raises `Drop` with a short reason code; the code is counted in the crawler's
stats as `newsspider/dropped/<code>` and the message says why.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from scrapy import signals
from scrapy.exceptions import DropItem

from newsspider.analysis import AnalysisFailed, AnalysisPool, default_workers
from newsspider.article import FetchedPage
from newsspider.config import Config
from newsspider.dedup.neardup import Match, Sketch, index_params, open_neardup_index
from newsspider.dedup.revisions import compare_revision
from newsspider.dedup.seen import open_seen_store
from newsspider.dedup.tracker import RevisionTracker
from newsspider.dedup.urls import canonicalize_url, url_key
from newsspider.extraction.errors import NotAnArticle
from newsspider.record import ALIAS, as_alias, format_timestamp, parse_timestamp
from newsspider.spiders.news import config_from_settings
from newsspider.staging import Staging

log = logging.getLogger(__name__)

#: Drop codes that say something about the page itself; such URLs need not be fetched again.
CONTENT_DROPS = frozenset(
    {
        "not_article",
        "outside_window",
        "irrelevant",
        "duplicate_url",
        "unchanged",
    }
)


class Drop(DropItem):
    """DropItem with a stable reason code for stats and summaries."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


class _ConfiguredPipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config: Config = config_from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class ExtractionPipeline(_ConfiguredPipeline):
    """Raw page → scored article record, analysed in worker processes (newsspider.analysis)."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.window = timedelta(days=self.config.crawl.recency_days)
        self.pool: AnalysisPool | None = None

    async def open_spider(self) -> None:
        dedup, state = self.config.dedup, self.config.state
        neardup = index_params(state.neardup_uri()) if dedup.near_duplicates else None
        workers = self.config.crawl.analysis_workers or default_workers()
        self.pool = AnalysisPool(self.config, neardup, workers)
        await self.pool.start()

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.stats.set_value("newsspider/analysis/restarts", self.pool.restarts)

    async def process_item(self, item: dict) -> dict:
        source = self.config.source(item["source"])
        self.stats.inc_value(f"newsspider/pages/{source.name}")
        page = FetchedPage(
            url=item["url"],
            source=source.name,
            html=item["html"],
            fetched_at=item["fetched_at"],
            encoding=item.get("encoding"),
            listed_at=item.get("listed_at"),
            warc=item.get("warc"),
        )
        assert self.pool is not None, "process_item before open_spider"
        try:
            record = await self.pool.analyze(page)
        except NotAnArticle as exc:
            raise Drop("not_article", f"{item['url']}: {exc}") from None
        except AnalysisFailed as exc:
            raise Drop("analysis_failed", str(exc)) from None
        published = parse_timestamp(record["published_at"])
        if published and published < datetime.now(UTC) - self.window:
            raise Drop("outside_window", f"{item['url']} published {record['published_at']}")
        record["requested_url"] = item.get("requested_url", item["url"])
        record["recheck"] = item.get("recheck", False)
        return record


class RelevancePipeline(_ConfiguredPipeline):
    """Drop records that match no topic (scored during analysis) unless `keep_irrelevant`."""

    def process_item(self, item: dict) -> dict:
        if not item["topic_scores"] and not self.config.crawl.keep_irrelevant:
            raise Drop("irrelevant", f"{item['url']} matches no topic")
        return item


class DedupPipeline(_ConfiguredPipeline):
    """Drop URLs already archived; link syndicated copies; remember pages judged by content.

    An exact copy (the `content_sha256` of an earlier record, under another URL) goes on as
    an alias of that record (`record.as_alias`: no body, counted as `newsspider/aliases`);
    so does a near-duplicate under `[dedup] policy = "first_only"`. Near-duplicates are
    grouped with the sketch the analysis workers made (`_sketch`), or one made here.
    """

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        state, dedup = self.config.state, self.config.dedup
        self.seen = open_seen_store(state.uri, timedelta(days=state.seen_ttl_days))
        self.neardup = (
            open_neardup_index(state.neardup_uri(), dedup.neardup_ttl(state))
            if dedup.near_duplicates
            else None
        )
        self.first_only = dedup.policy == "first_only"
        self._run_hashes: dict[str, str] = {}
        self.tracker = RevisionTracker(state.revisions, self.config.dedup.recheck_offsets())
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    def close_spider(self) -> None:
        self.seen.close()
        self.tracker.close()
        if self.neardup is not None:
            self.neardup.purge_expired()
            self.neardup.close()

    def process_item(self, item: dict) -> dict:
        sketch = item.pop("_sketch", None)
        if item.pop("recheck", False):
            return self._revision(item, sketch)
        key = url_key(item["canonical_url"])
        if self.seen.has_url(key):
            raise Drop("duplicate_url", f"{item['canonical_url']} is already archived")
        content = item["content_sha256"]
        owner = self._run_hashes.get(content) or self.seen.content_owner(content)
        if owner and owner != item["canonical_url"]:
            return self._exact_copy(item, owner, sketch)
        self._run_hashes[content] = item["canonical_url"]
        match = self._group(item, sketch)
        if match is not None and self.first_only:
            as_alias(item, match.group_id)
        return item

    def _exact_copy(self, item: dict, owner: str, sketch: Sketch | None) -> dict:
        """Another URL's copy of `owner`'s text: an alias of it, in its group."""
        item["dup_group"] = url_key(owner)
        if self.neardup is not None and item["body"]:
            # the owner's own (stored) answer; the same text re-indexes it if it expired
            match = self.neardup.find_or_add(owner, item["body"], sketch)
            if match is not None:
                item["dup_group"] = url_key(match.group_id)
        log.debug("%s is an exact copy of %s", item["url"], owner)
        return as_alias(item, owner)

    def _revision(self, item: dict, sketch: Sketch | None) -> dict:
        """A re-fetched archived story: a new revision when title or body changed."""
        previous = self.tracker.previous(item["canonical_url"])
        self.tracker.checked(item["canonical_url"], datetime.now(UTC))
        if previous is None:
            raise Drop("unchanged", f"{item['url']} is no longer tracked")
        verdict = compare_revision(
            previous.title, previous.body, previous.revision, item["title"], item["body"]
        )
        if not verdict.changed:
            raise Drop("unchanged", f"{item['url']} unchanged since revision {previous.revision}")
        item["revision"] = verdict.revision
        item["revision_summary"] = f"{verdict.summary}\n{verdict.diff}".strip()
        self._group(item, sketch)
        self.stats.inc_value("newsspider/revisions")
        return item

    def _group(self, item: dict, sketch: Sketch | None) -> Match | None:
        """Join the story group of an earlier near-duplicate, or start one."""
        item["dup_group"] = url_key(item["canonical_url"])
        if self.neardup is None or not item["body"]:
            return None
        match = self.neardup.find_or_add(item["canonical_url"], item["body"], sketch)
        if match is not None:
            item["dup_group"] = url_key(match.group_id)
            item["duplicate_of"] = match.duplicate_of
            self.stats.inc_value("newsspider/near_duplicates")
        return match

    def item_dropped(self, item, response, exception, spider=None) -> None:
        code = getattr(exception, "code", "other")
        self.stats.inc_value(f"newsspider/dropped/{code}")
        if code in CONTENT_DROPS and isinstance(item, dict) and item.get("url"):
            keys = {url_key(canonicalize_url(item["url"]))}
            if item.get("requested_url"):
                keys.add(url_key(canonicalize_url(item["requested_url"])))
            self.seen.mark_urls(keys)


class StagingPipeline(_ConfiguredPipeline):
    """Commit each kept record (or alias) to durable staging, then remember its URL and
    content. Aliases are counted apart (`newsspider/aliases`) and never re-checked."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        state = self.config.state
        self.staging = Staging(state.staging)
        self.seen = open_seen_store(state.uri, timedelta(days=state.seen_ttl_days))
        self.tracker = RevisionTracker(state.revisions, self.config.dedup.recheck_offsets())

    def close_spider(self) -> None:
        self.tracker.purge(datetime.now(UTC))
        self.staging.close()
        self.seen.close()
        self.tracker.close()

    def process_item(self, item: dict) -> dict:
        requested = item.pop("requested_url", item["url"])
        key = url_key(item["canonical_url"])
        revision = item.get("revision") or 1
        staging_key = key if revision == 1 else f"{key}-r{revision}"
        now = datetime.now(UTC)
        if not self.staging.add(staging_key, item, format_timestamp(now)):
            raise Drop("duplicate_url", f"{item['canonical_url']} is already staged")
        alias = item.get("record_type") == ALIAS
        if self.tracker.offsets and not alias:
            self.tracker.track(item, now)
        keys = {key, url_key(canonicalize_url(item["url"])), url_key(canonicalize_url(requested))}
        self.seen.mark_urls(keys)
        self.seen.mark_content(item["content_sha256"], item["canonical_url"])
        if alias:
            self.stats.inc_value("newsspider/aliases")
        else:
            self.stats.inc_value("newsspider/kept")
            self.stats.inc_value(f"newsspider/kept/{item['source']}")
        return item
