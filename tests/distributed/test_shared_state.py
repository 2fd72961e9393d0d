"""`[state] uri = "redis://…"` alone gives every worker the same seen-store and near-duplicate
index: what one worker stores, another sees (the workers' code opens them exactly so)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsspider.config import parse_config
from newsspider.dedup.neardup import open_neardup_index
from newsspider.dedup.seen import open_seen_store
from tests.distributed.synthetic_site import article_html

#: Three paragraphs of a synthetic story, as plain text.
WIRE = " ".join(
    part.split("</p>")[0]
    for part in article_html(7, "http://wire.example", datetime(2026, 1, 1, tzinfo=UTC)).split(
        "<p>"
    )[2:5]
)


def test_a_copy_fetched_by_worker_b_joins_the_group_worker_a_started(redis_url):
    state = parse_config(f'[crawl]\nmode = "distributed"\n[state]\nuri = "{redis_url}"\n').state
    ttl = timedelta(days=state.seen_ttl_days)
    assert state.neardup_uri() == state.uri
    seen_a, seen_b = open_seen_store(state.uri, ttl), open_seen_store(state.uri, ttl)
    index_a = open_neardup_index(state.neardup_uri(), ttl)
    index_b = open_neardup_index(state.neardup_uri(), ttl)
    try:
        seen_a.mark_urls(["url-key-1"])
        seen_a.mark_content("c" * 64, "http://wire.example/story")
        assert seen_b.has_url("url-key-1")
        assert seen_b.content_owner("c" * 64) == "http://wire.example/story"

        assert index_a.find_or_add("http://wire.example/story", WIRE) is None
        copy = "Seoul (Wire) - " + WIRE + " Reporting by the newspaper's desk."
        match = index_b.find_or_add("http://paper.example/copy", copy)
        assert match is not None
        assert match.group_id == match.duplicate_of == "http://wire.example/story"
    finally:
        for store in (seen_a, seen_b, index_a, index_b):
            store.close()
