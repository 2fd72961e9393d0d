"""What `newsspider cluster status` shows, gathered from Redis in a few round trips."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import redis

from newsspider.config import Config
from newsspider.dedup.neardup import open_neardup_index
from newsspider.dedup.seen import open_seen_store
from newsspider.distributed.frontier import Frontier, FrontierCounts
from newsspider.distributed.heartbeat import Heartbeats, WorkerBeat
from newsspider.distributed.keys import ClusterKeys
from newsspider.distributed.politeness import DomainLimiter


@dataclass(frozen=True)
class ClusterStatus:
    key_prefix: str
    round: str | None
    frontier: FrontierCounts
    workers: list[WorkerBeat]
    domains_in_flight: dict[str, int]
    #: `redis_used_memory` and `redis_keys` always; seen URLs, contents and near-duplicate
    #: documents only when counted (SCAN over the whole database).
    state: dict[str, int] = field(default_factory=dict)

    @property
    def workers_alive(self) -> int:
        return sum(1 for beat in self.workers if beat.alive)


def cluster_status(config: Config, *, count_state: bool = False) -> ClusterStatus:
    settings = config.distributed
    keys = ClusterKeys(settings.key_prefix)
    client = redis.Redis.from_url(config.state.uri)
    try:
        frontier = Frontier(client, keys)
        round_id = client.get(keys.round)
        state = {
            "redis_used_memory": client.info("memory")["used_memory"],
            "redis_keys": client.dbsize(),
        }
        if count_state:
            state |= _count_state(config)
        return ClusterStatus(
            key_prefix=settings.key_prefix,
            round=round_id.decode() if round_id else None,
            frontier=frontier.counts(),
            workers=Heartbeats(client, keys, settings.heartbeat_interval).workers(),
            domains_in_flight=DomainLimiter(client, keys, lease_seconds=0).in_flight(),
            state=state,
        )
    finally:
        client.close()


def _count_state(config: Config) -> dict[str, int]:
    ttl = timedelta(days=config.state.seen_ttl_days)
    seen = open_seen_store(config.state.uri, ttl)
    try:
        counts = seen.stats()
    finally:
        seen.close()
    result = {"seen_urls": counts["urls"], "seen_contents": counts["contents"]}
    if config.dedup.near_duplicates:
        index = open_neardup_index(config.state.neardup_uri(), ttl)
        try:
            result["neardup_docs"] = index.stats()["docs"]
        finally:
            index.close()
    return result
