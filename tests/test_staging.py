from __future__ import annotations

from newsspider.staging import Staging


def test_staged_records_survive_reopening(tmp_path):
    path = tmp_path / "staging.db"
    with Staging(path) as staging:
        assert staging.add("k1", {"source": "a", "url": "u1"}, "2026-11-05T00:00:00Z")
        assert not staging.add("k1", {"source": "a", "url": "u1"}, "2026-11-05T00:00:01Z")
    with Staging(path) as staging:
        assert staging.count() == 1


def test_claim_release_cycle_and_pending_claim(tmp_path):
    with Staging(tmp_path / "s.db") as staging:
        staging.add("k1", {"source": "a"}, "t")
        staging.add("k2", {"source": "b"}, "t")
        assert staging.claim("snap-1") == 2
        staging.add("k3", {"source": "a"}, "t")
        assert staging.pending_claim() == "snap-1"
        assert [r.url_key for r in staging.claimed("snap-1")] == ["k1", "k2"]
        assert staging.release("snap-1") == 2
        assert staging.pending_claim() is None
        assert staging.count(unclaimed_only=True) == 1
