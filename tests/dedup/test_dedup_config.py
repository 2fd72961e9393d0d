"""The `[dedup]` settings: copy policy and the near-duplicate index's own TTL."""

from __future__ import annotations

from datetime import timedelta

from newsspider.config import load_config


def test_policy_defaults_to_keep_all_and_index_ttl_to_the_seen_stores(tmp_path):
    path = tmp_path / "newsspider.toml"
    path.write_text("[state]\nseen_ttl_days = 12\n")
    config = load_config(path)
    assert config.dedup.policy == "keep_all"
    assert config.dedup.neardup_ttl(config.state) == timedelta(days=12)


def test_near_duplicate_index_can_forget_sooner_than_the_seen_store(tmp_path):
    path = tmp_path / "newsspider.toml"
    path.write_text('[dedup]\npolicy = "first_only"\nneardup_ttl_days = 3\n')
    config = load_config(path)
    assert config.dedup.policy == "first_only"
    assert config.dedup.neardup_ttl(config.state) == timedelta(days=3)
