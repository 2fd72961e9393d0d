"""Small builders of realistic records for tests."""

from __future__ import annotations

from newsspider.record import empty_record


def make_record(n: int, source: str, published: str) -> dict:
    record = empty_record()
    record.update(
        url=f"http://{source}.example/view/{n}",
        canonical_url=f"http://{source}.example/view/{n}",
        source=source,
        title=f"Story {n}",
        body=f"Body of story {n} about North Korean troops in Kursk.",
        published_at=published,
        fetched_at="2026-11-05T11:00:00Z",
        authors=["Kim Eun-jung"],
        topics=["nk"],
        topic_scores={"nk": 2.0},
        content_sha256=f"{n:064x}",
    )
    return record
