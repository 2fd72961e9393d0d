from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsspider.dedup.tracker import RevisionTracker

T0 = datetime(2026, 11, 5, 1, 0, tzinfo=UTC)
OFFSETS = (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24))


def record(n: int, revision: int = 1, body: str = "Body") -> dict:
    return {
        "canonical_url": f"http://a.example/{n}",
        "url": f"http://a.example/{n}?utm_source=x",
        "source": "a",
        "revision": revision,
        "title": f"Story {n}",
        "body": body,
    }


def test_story_is_due_at_each_milestone_once(tmp_path):
    tracker = RevisionTracker(tmp_path / "r.db", OFFSETS)
    tracker.track(record(1), T0)
    assert tracker.due(T0 + timedelta(minutes=59)) == []
    [due] = tracker.due(T0 + timedelta(hours=1, minutes=1))
    assert due.url == "http://a.example/1?utm_source=x"
    tracker.checked(due.canonical_url, T0 + timedelta(hours=1, minutes=1))
    assert tracker.due(T0 + timedelta(hours=5)) == []
    assert len(tracker.due(T0 + timedelta(hours=7))) == 1
    assert tracker.due(T0 + timedelta(hours=7), sources={"other"}) == []
    tracker.close()


def test_new_revision_keeps_first_sighting_and_replaces_text(tmp_path):
    tracker = RevisionTracker(tmp_path / "r.db", OFFSETS)
    tracker.track(record(1), T0)
    tracker.track(record(1, revision=2, body="Corrected"), T0 + timedelta(hours=1))
    stored = tracker.previous("http://a.example/1")
    assert (stored.revision, stored.body, stored.first_seen) == (2, "Corrected", T0)
    tracker.close()


def test_purge_forgets_stories_past_their_last_milestone(tmp_path):
    tracker = RevisionTracker(tmp_path / "r.db", OFFSETS)
    tracker.track(record(1), T0)
    tracker.track(record(2), T0 + timedelta(hours=30))
    assert tracker.purge(T0 + timedelta(hours=49)) == 1
    assert tracker.previous("http://a.example/1") is None
    assert tracker.previous("http://a.example/2") is not None
    tracker.close()


def test_no_offsets_means_no_rechecks(tmp_path):
    tracker = RevisionTracker(tmp_path / "r.db", ())
    tracker.track(record(1), T0)
    assert tracker.due(T0 + timedelta(days=1)) == []
    tracker.close()
