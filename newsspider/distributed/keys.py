"""The Redis key layout of one cluster, in one place (the frontier, limits and status use it).

Every key starts with `[distributed] key_prefix`, so two clusters (or two tests) can share a
Redis server. With Redis Cluster, use a hash-tagged prefix such as ``{newsspider}:``: the
frontier's scripts touch several keys at once, which Cluster allows only within one slot.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClusterKeys:
    prefix: str = "newsspider:"

    @property
    def starts(self) -> str:
        """List of JSON start messages (feeds, sitemaps, robots.txt, sections) to crawl."""
        return f"{self.prefix}start_urls"

    @property
    def pending(self) -> str:
        """Sorted set of encoded requests waiting for a worker (score: -priority)."""
        return f"{self.prefix}requests"

    @property
    def processing(self) -> str:
        """Sorted set of lease ids taken by workers (score: deadline, Redis server time)."""
        return f"{self.prefix}processing"

    @property
    def leases(self) -> str:
        """Hash lease id -> the payload it took, to put back when the lease expires."""
        return f"{self.prefix}leases"

    @property
    def lease_seq(self) -> str:
        return f"{self.prefix}lease_seq"

    @property
    def redeliveries(self) -> str:
        """Hash payload SHA-1 -> times it was re-queued after its worker went silent."""
        return f"{self.prefix}redeliveries"

    @property
    def dead(self) -> str:
        """List of payloads re-queued `max_redeliveries` times (they kill or stall workers)."""
        return f"{self.prefix}dead"

    @property
    def requeued(self) -> str:
        """Counter of leases re-queued after their deadline (work recovered from dead workers)."""
        return f"{self.prefix}stats:requeued"

    @property
    def round(self) -> str:
        """The current seeding round (its id names the request fingerprint set)."""
        return f"{self.prefix}round"

    def fingerprints(self, round_id: str) -> str:
        """Set of request fingerprints scheduled in one seeding round."""
        return f"{self.prefix}fingerprints:{round_id}"

    @property
    def domains(self) -> str:
        """Set of domains that have (or had) politeness slots."""
        return f"{self.prefix}domains"

    def domain_slots(self, domain: str) -> str:
        """Sorted set of slot holders of a domain (score: lease expiry)."""
        return f"{self.prefix}domain:{domain}:slots"

    def domain_next(self, domain: str) -> str:
        """Earliest server time at which the next request to a domain may start."""
        return f"{self.prefix}domain:{domain}:next"

    @property
    def workers(self) -> str:
        """Sorted set worker id -> time of its last heartbeat."""
        return f"{self.prefix}workers"

    def worker(self, worker_id: str) -> str:
        """Hash of a worker's last reported numbers; expires when the worker goes silent."""
        return f"{self.prefix}worker:{worker_id}"
