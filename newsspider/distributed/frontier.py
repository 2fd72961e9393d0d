"""The shared frontier in Redis: seeding rounds, and a request queue that loses nothing.

scrapy-redis pops a request and forgets it: a worker that dies with requests in hand loses
them. Here every pop is a *lease*: one script moves the payload from the queue into
`processing` (deadline = server time + visibility timeout) and `leases` (id -> payload). The
worker renews its leases with every heartbeat and acknowledges a lease once its response is
fully handled; a lease whose deadline passes (its worker is dead or stalled) is put back by
`reap()`, which any worker runs. A payload re-queued more than `max_redeliveries` times (it
keeps killing workers) goes to a dead-letter list instead.

Lease ids are ``<worker>|<seq>|<kind>|<score>``: who holds it, what it came from (``r``
request queue, ``s`` start messages) and the priority score to put it back with. All times
are Redis server time (``TIME`` inside the scripts), so worker clocks may disagree.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis

from newsspider.config import Config, Source
from newsspider.distributed.keys import ClusterKeys

#: Meta key of a start message naming its seeding round; requests inherit it.
ROUND_META = "newsspider_round"

_TAKE_REQUEST = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local got = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #got == 0 then return false end
redis.call('ZREM', KEYS[1], got[1])
local id = ARGV[1] .. '|' .. redis.call('INCR', KEYS[4]) .. '|r|' .. got[2]
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
redis.call('HSET', KEYS[3], id, got[1])
return {id, got[1]}
"""

_TAKE_STARTS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local messages = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
if #messages == 0 then return {} end
redis.call('LTRIM', KEYS[1], #messages, -1)
local out = {}
for _, message in ipairs(messages) do
  local id = ARGV[1] .. '|' .. redis.call('INCR', KEYS[4]) .. '|s|0'
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
  redis.call('HSET', KEYS[3], id, message)
  out[#out + 1] = id
  out[#out + 1] = message
end
return out
"""

_RENEW = """
local t = redis.call('TIME')
local deadline = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
local renewed = 0
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], deadline, ARGV[i])
    renewed = renewed + 1
  end
end
return renewed
"""

# ARGV: mode ('expired' or 'ids'), limit, max_redeliveries, redelivery ttl, lease ids...
_REQUEUE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local expired = ARGV[1] == 'expired'
local ids = {}
if expired then
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
else
  for i = 5, #ARGV do ids[#ids + 1] = ARGV[i] end
end
local moved, dead = 0, 0
for _, id in ipairs(ids) do
  local payload = redis.call('HGET', KEYS[2], id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  if payload then
    local kind, score = string.match(id, '|(%a)|([^|]*)$')
    local give_up = false
    if expired then
      local n = redis.call('HINCRBY', KEYS[5], redis.sha1hex(payload), 1)
      redis.call('EXPIRE', KEYS[5], tonumber(ARGV[4]))
      give_up = n > tonumber(ARGV[3])
    end
    if give_up then
      redis.call('RPUSH', KEYS[6], payload)
      dead = dead + 1
    else
      if kind == 's' then
        redis.call('LPUSH', KEYS[4], payload)
      else
        redis.call('ZADD', KEYS[3], score, payload)
      end
      moved = moved + 1
    end
  end
end
if expired and moved > 0 then redis.call('INCRBY', KEYS[7], moved) end
return {moved, dead}
"""


@dataclass(frozen=True, slots=True)
class Lease:
    """A payload taken from the frontier; `id` acknowledges (or renews) it."""

    id: str
    payload: bytes

    @property
    def worker(self) -> str:
        return lease_worker(self.id)


def lease_worker(lease_id: str) -> str:
    return lease_id.split("|", 1)[0]


@dataclass(frozen=True, slots=True)
class FrontierCounts:
    starts: int
    pending: int
    processing: int
    #: Leases past their deadline that no worker has re-queued yet (their worker is gone).
    expired: int
    dead: int
    requeued: int
    processing_by_worker: dict[str, int] = field(default_factory=dict)

    @property
    def drained(self) -> bool:
        """Nothing left to do anywhere in the cluster (nothing waiting, nothing in hand)."""
        return self.starts == 0 and self.pending == 0 and self.processing == 0


class Frontier:
    """One worker's handle on the shared queue (or the seeder's / the status command's)."""

    def __init__(
        self,
        client: redis.Redis,
        keys: ClusterKeys,
        *,
        worker: str = "",
        visibility_timeout: float = 120,
        max_redeliveries: int = 3,
        round_ttl_seconds: int = 86400,
    ) -> None:
        if "|" in worker:
            raise ValueError(f"worker id {worker!r} must not contain '|'")
        self.redis = client
        self.keys = keys
        self.worker = worker
        self.visibility_timeout = visibility_timeout
        self.max_redeliveries = max_redeliveries
        self.round_ttl_seconds = round_ttl_seconds
        self._take_request = client.register_script(_TAKE_REQUEST)
        self._take_starts = client.register_script(_TAKE_STARTS)
        self._renew = client.register_script(_RENEW)
        self._requeue = client.register_script(_REQUEUE)

    @classmethod
    def from_config(cls, config: Config, worker: str = "") -> Frontier:
        settings = config.distributed
        return cls(
            redis.Redis.from_url(config.state.uri),
            ClusterKeys(settings.key_prefix),
            worker=worker,
            visibility_timeout=settings.visibility_timeout,
            max_redeliveries=settings.max_redeliveries,
            round_ttl_seconds=int(settings.round_ttl_hours * 3600),
        )

    def take_request(self) -> Lease | None:
        """Lease the highest-priority request, or None when the queue is empty."""
        k = self.keys
        got = self._take_request(
            keys=[k.pending, k.processing, k.leases, k.lease_seq],
            args=[self.worker, self.visibility_timeout],
        )
        return Lease(got[0].decode(), got[1]) if got else None

    def take_starts(self, count: int) -> list[Lease]:
        """Lease up to `count` start messages."""
        k = self.keys
        flat = self._take_starts(
            keys=[k.starts, k.processing, k.leases, k.lease_seq],
            args=[self.worker, self.visibility_timeout, count],
        )
        return [Lease(flat[i].decode(), flat[i + 1]) for i in range(0, len(flat), 2)]

    def push(self, payload: bytes, score: float, *, handover: str | None = None) -> None:
        """Queue a request; `handover` names a lease it replaces (a retry or a redirect of the
        leased request), acknowledged in the same transaction so neither is ever lost."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.zadd(self.keys.pending, {payload: score})
        if handover:
            pipe.zrem(self.keys.processing, handover)
            pipe.hdel(self.keys.leases, handover)
        pipe.execute()

    def push_starts(self, messages: Iterable[dict]) -> int:
        encoded = [json.dumps(message, sort_keys=True) for message in messages]
        if encoded:
            self.redis.rpush(self.keys.starts, *encoded)
        return len(encoded)

    def ack(self, lease_ids: Iterable[str]) -> None:
        ids = list(lease_ids)
        if ids:
            pipe = self.redis.pipeline(transaction=True)
            pipe.zrem(self.keys.processing, *ids)
            pipe.hdel(self.keys.leases, *ids)
            pipe.execute()

    def bury(self, lease: Lease) -> None:
        """Move a leased payload to the dead-letter list (it can never be processed)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.rpush(self.keys.dead, lease.payload)
        pipe.zrem(self.keys.processing, lease.id)
        pipe.hdel(self.keys.leases, lease.id)
        pipe.execute()

    def renew(self, lease_ids: Iterable[str]) -> int:
        """Push the deadlines of leases still held; returns how many still existed."""
        ids = list(lease_ids)
        if not ids:
            return 0
        return int(self._renew(keys=[self.keys.processing], args=[self.visibility_timeout, *ids]))

    def _run_requeue(self, mode: str, limit: int, ids: list[str]) -> tuple[int, int]:
        k = self.keys
        moved, dead = self._requeue(
            keys=[
                k.processing,
                k.leases,
                k.pending,
                k.starts,
                k.redeliveries,
                k.dead,
                k.requeued,
            ],
            args=[mode, limit, self.max_redeliveries, self.round_ttl_seconds, *ids],
        )
        return int(moved), int(dead)

    def release(self, lease_ids: Iterable[str]) -> int:
        """Put leases back at once (a worker shutting down gracefully hands its work on)."""
        ids = list(lease_ids)
        return self._run_requeue("ids", len(ids), ids)[0] if ids else 0

    def reap(self, limit: int = 500) -> tuple[int, int]:
        """Re-queue leases past their deadline: (re-queued, sent to the dead-letter list)."""
        return self._run_requeue("expired", limit, [])

    def fingerprint_seen(self, round_id: str, fingerprint: str) -> bool:
        """Record a request fingerprint in its round; True when the round already had it."""
        key = self.keys.fingerprints(round_id)
        pipe = self.redis.pipeline(transaction=False)
        pipe.sadd(key, fingerprint)
        pipe.expire(key, self.round_ttl_seconds)
        added, _ = pipe.execute()
        return added == 0

    def server_time(self) -> float:
        seconds, micros = self.redis.time()
        return seconds + micros / 1_000_000

    def counts(self) -> FrontierCounts:
        now = self.server_time()
        k = self.keys
        pipe = self.redis.pipeline(transaction=False)
        pipe.llen(k.starts)
        pipe.zcard(k.pending)
        pipe.zrange(k.processing, 0, -1)
        pipe.zcount(k.processing, "-inf", now)
        pipe.llen(k.dead)
        pipe.get(k.requeued)
        starts, pending, processing, expired, dead, requeued = pipe.execute()
        by_worker = Counter(lease_worker(lease.decode()) for lease in processing)
        return FrontierCounts(
            starts=starts,
            pending=pending,
            processing=len(processing),
            expired=expired,
            dead=dead,
            requeued=int(requeued or 0),
            processing_by_worker=dict(sorted(by_worker.items())),
        )

    def is_drained(self) -> bool:
        """Cheaper than `counts().drained`: three lengths in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.llen(self.keys.starts)
        pipe.zcard(self.keys.pending)
        pipe.zcard(self.keys.processing)
        return not any(pipe.execute())

    def has_waiting_work(self) -> bool:
        pipe = self.redis.pipeline(transaction=False)
        pipe.llen(self.keys.starts)
        pipe.zcard(self.keys.pending)
        return any(pipe.execute())

    def close(self) -> None:
        self.redis.close()


class LeaseTracker:
    """What each lease this worker holds still waits for before it may be acknowledged.

    A lease is done only when its response is fully handled: the callback (or errback) has
    finished, every request it yielded has reached the queue and every item it yielded has
    left the item pipelines (staged or dropped). Acknowledging earlier would lose that work
    if the worker died in between.
    """

    def __init__(self, on_done: Callable[[str], None]) -> None:
        self._on_done = on_done
        self._outstanding: dict[str, int] = {}
        self._callback_running: set[str] = set()

    def hold(self, lease_id: str) -> None:
        self._outstanding[lease_id] = 1
        self._callback_running.add(lease_id)

    def expect_output(self, lease_id: str) -> None:
        if lease_id in self._outstanding:
            self._outstanding[lease_id] += 1

    def output_done(self, lease_id: str) -> None:
        if lease_id in self._outstanding:
            self._outstanding[lease_id] -= 1
            self._maybe_done(lease_id)

    def callback_done(self, lease_id: str) -> None:
        """Idempotent: errbacks and the output wrapper may both report the same lease."""
        if lease_id in self._callback_running:
            self._callback_running.discard(lease_id)
            self._outstanding[lease_id] -= 1
            self._maybe_done(lease_id)

    def forget(self, lease_id: str) -> None:
        """The lease was handed over to a follow-up request (retry, redirect)."""
        self._outstanding.pop(lease_id, None)
        self._callback_running.discard(lease_id)

    def settle(self, lease_id: str) -> None:
        """A follow-up request (retry, redirect) was offered to the engine: if the scheduler
        did not take the lease over, the request was refused and the lease is done."""
        if self._outstanding.pop(lease_id, None) is not None:
            self._callback_running.discard(lease_id)
            self._on_done(lease_id)

    def held(self) -> list[str]:
        return list(self._outstanding)

    def _maybe_done(self, lease_id: str) -> None:
        if self._outstanding.get(lease_id) == 0:
            del self._outstanding[lease_id]
            self._on_done(lease_id)


def start_messages(sources: Iterable[Source], round_id: str) -> list[dict]:
    """The JSON start messages of a crawl: what `NewsSpider` starts from, per source."""
    messages = []
    for source in sources:
        seeds = [(url, "feed") for url in source.feeds]
        seeds += [(url, "sitemap") for url in source.sitemaps]
        if source.robots_sitemaps:
            seeds.append((source.home.rstrip("/") + "/robots.txt", "robots"))
        seeds += [(url, "section") for url in source.sections]
        for url, via in seeds:
            meta = {"source": source.name, "via": via, "section_page": 1, ROUND_META: round_id}
            messages.append({"url": url, "meta": meta})
    return messages


def select_sources(
    config: Config, sources: list[str] | None = None, group: str | None = None
) -> list[Source]:
    """Enabled sources, or the named ones, narrowed to a crawl group (as `newsspider crawl`)."""
    chosen = [config.source(name) for name in sources] if sources else config.sources
    if not sources:
        chosen = [source for source in chosen if source.enabled]
    if group:
        chosen = [source for source in chosen if source.group == group]
    return chosen


@dataclass(frozen=True, slots=True)
class SeedResult:
    round_id: str
    messages: int
    sources: list[str]


def seed(
    config: Config,
    *,
    sources: list[str] | None = None,
    group: str | None = None,
    frontier: Frontier | None = None,
) -> SeedResult:
    """Start a crawl round: push the start messages of the chosen sources for the workers.

    Each round has its own request fingerprints, so pages discovered again in a later round
    (sitemaps, section pages) are fetched again; articles already archived are still skipped
    by the seen-store.
    """
    chosen = select_sources(config, sources, group)
    own = frontier is None
    frontier = frontier or Frontier.from_config(config)
    try:
        now = datetime.fromtimestamp(frontier.server_time(), UTC)
        round_id = f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        frontier.redis.set(frontier.keys.round, round_id)
        count = frontier.push_starts(start_messages(chosen, round_id))
    finally:
        if own:
            frontier.close()
    return SeedResult(round_id, count, [source.name for source in chosen])
