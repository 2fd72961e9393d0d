"""Worker heartbeats: who is alive, and what each worker last reported.

A worker writes its numbers to a hash that expires after three heartbeat intervals and its
last beat (server time) to a sorted set; a worker is alive while its beat is recent. The set
keeps a stopped or dead worker visible (as not alive) for a day, which is what an operator
wants to see after a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from newsspider.distributed.keys import ClusterKeys

#: How long a silent worker stays listed (as dead) in `cluster status`.
FORGET_AFTER_SECONDS = 86400


@dataclass(frozen=True, slots=True)
class WorkerBeat:
    worker: str
    alive: bool
    seconds_since: float
    info: dict[str, str]


class Heartbeats:
    def __init__(self, client: redis.Redis, keys: ClusterKeys, interval: float) -> None:
        self.redis = client
        self.keys = keys
        self.interval = interval

    @property
    def ttl(self) -> float:
        """A worker missing three beats in a row counts as gone."""
        return 3 * self.interval

    def beat(self, worker: str, info: dict[str, str | int | float]) -> None:
        seconds, micros = self.redis.time()
        now = seconds + micros / 1_000_000
        key = self.keys.worker(worker)
        pipe = self.redis.pipeline(transaction=True)
        pipe.zadd(self.keys.workers, {worker: now})
        pipe.zremrangebyscore(self.keys.workers, "-inf", now - FORGET_AFTER_SECONDS)
        pipe.hset(key, mapping={name: str(value) for name, value in info.items()})
        pipe.pexpire(key, int(self.ttl * 1000))
        pipe.execute()

    def stopped(self, worker: str) -> None:
        """A clean exit: the worker disappears from the alive list at once."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.zrem(self.keys.workers, worker)
        pipe.delete(self.keys.worker(worker))
        pipe.execute()

    def workers(self) -> list[WorkerBeat]:
        seconds, micros = self.redis.time()
        now = seconds + micros / 1_000_000
        beats = self.redis.zrange(self.keys.workers, 0, -1, withscores=True)
        pipe = self.redis.pipeline(transaction=False)
        for name, _ in beats:
            pipe.hgetall(self.keys.worker(name.decode()))
        infos = pipe.execute() if beats else []
        return [
            WorkerBeat(
                worker=name.decode(),
                alive=now - when <= self.ttl,
                seconds_since=round(now - when, 1),
                info={k.decode(): v.decode() for k, v in info.items()},
            )
            for (name, when), info in zip(beats, infos, strict=True)
        ]
