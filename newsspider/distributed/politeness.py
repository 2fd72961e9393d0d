"""Politeness across all workers: per-domain concurrency and delay held in Redis.

Scrapy's own per-domain slots only see one process; with N workers a site would get N times
the configured load. Before a request goes out, its worker takes a *slot lease* on the domain
(a sorted-set member whose score is its expiry) if fewer than `concurrency` leases are live
and at least `delay` seconds have passed since the last request to that domain started
anywhere; the lease is returned when the response (or error) comes back and renewed with the
worker's heartbeat while the download lasts. A worker that dies holding a lease loses it one
visibility timeout after its last renewal, so a domain never stays blocked. All times are
Redis server time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import redis

from newsspider.config import Config
from newsspider.distributed.keys import ClusterKeys

#: Returned by the script when every slot of the domain is taken (wait for a release).
FULL = -1.0

# ARGV: holder, concurrency, delay, lease seconds, domain. Returns "0" when acquired, else
# the seconds to wait (as a string: Lua numbers would be truncated to integers).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return '-1' end
local next_start = tonumber(redis.call('GET', KEYS[2]) or '0')
if next_start > now then return tostring(next_start - now) end
local lease = tonumber(ARGV[4])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(lease) + 1)
local delay = tonumber(ARGV[3])
if delay > 0 then
  redis.call('SET', KEYS[2], tostring(now + delay), 'EX', math.ceil(delay) + 1)
end
redis.call('SADD', KEYS[3], ARGV[5])
return '0'
"""

# KEYS: the slot sets; ARGV: lease seconds, then one holder per key.
_RENEW = """
local t = redis.call('TIME')
local expiry = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
local renewed = 0
for i, key in ipairs(KEYS) do
  if redis.call('ZSCORE', key, ARGV[i + 1]) then
    redis.call('ZADD', key, expiry, ARGV[i + 1])
    redis.call('EXPIRE', key, math.ceil(tonumber(ARGV[1])) + 1)
    renewed = renewed + 1
  end
end
return renewed
"""


@dataclass(frozen=True, slots=True)
class DomainLimits:
    concurrency: int
    delay: float


class DomainPolicy:
    """The limits of a host: its source's politeness overrides, else the crawl-wide ones."""

    def __init__(self, config: Config) -> None:
        crawl = config.crawl
        self.default = DomainLimits(crawl.concurrency_per_domain, crawl.download_delay)
        self._overrides: list[tuple[str, DomainLimits]] = []
        for source in config.sources:
            politeness = source.politeness
            if politeness.delay is None and politeness.concurrency is None:
                continue
            limits = DomainLimits(
                politeness.concurrency or self.default.concurrency,
                self.default.delay if politeness.delay is None else politeness.delay,
            )
            self._overrides.extend((domain.lower(), limits) for domain in source.allowed_domains)

    def limits(self, host: str) -> DomainLimits:
        host = host.lower()
        for domain, limits in self._overrides:
            if host == domain or host.endswith("." + domain):
                return limits
        return self.default


class DomainLimiter:
    """Slot leases per domain, shared by every worker of the cluster."""

    def __init__(self, client: redis.Redis, keys: ClusterKeys, lease_seconds: float) -> None:
        self.redis = client
        self.keys = keys
        self.lease_seconds = lease_seconds
        self._acquire = client.register_script(_ACQUIRE)
        self._renew = client.register_script(_RENEW)

    def try_acquire(self, domain: str, holder: str, limits: DomainLimits) -> float:
        """0 when the slot is taken; else seconds to wait (`FULL`: until some slot is freed)."""
        k = self.keys
        wait = self._acquire(
            keys=[k.domain_slots(domain), k.domain_next(domain), k.domains],
            args=[holder, limits.concurrency, limits.delay, self.lease_seconds, domain],
        )
        return float(wait)

    def renew(self, slots: Iterable[tuple[str, str]]) -> int:
        """Extend the leases of slots still held ((domain, holder) pairs); a dead worker's
        slots then free themselves one lease after its last heartbeat."""
        pairs = list(slots)
        if not pairs:
            return 0
        return int(
            self._renew(
                keys=[self.keys.domain_slots(domain) for domain, _ in pairs],
                args=[self.lease_seconds, *(holder for _, holder in pairs)],
            )
        )

    def release(self, domain: str, holder: str) -> None:
        self.redis.zrem(self.keys.domain_slots(domain), holder)

    def in_flight(self, domains: Iterable[str] | None = None) -> dict[str, int]:
        """Live slot leases per domain (all domains seen when `domains` is None)."""
        names = (
            sorted(d.decode() for d in self.redis.smembers(self.keys.domains))
            if domains is None
            else list(domains)
        )
        seconds, micros = self.redis.time()
        now = seconds + micros / 1_000_000
        pipe = self.redis.pipeline(transaction=False)
        for name in names:
            pipe.zcount(self.keys.domain_slots(name), now, "+inf")
        return dict(zip(names, pipe.execute(), strict=True))
