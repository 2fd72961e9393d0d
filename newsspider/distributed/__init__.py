"""Distributed crawling: several `newsspider worker` processes share one frontier in Redis.

Plain-Python rooms (no Scrapy): `keys` (the Redis key layout), `frontier` (seeding rounds,
the leased request queue, `LeaseTracker`), `politeness` (cluster-wide per-domain limits),
`heartbeat`, `status` and `workerstate` (a worker's id, own staging and sealing). Scrapy
adapters: `scheduler`, `middlewares` and `worker` (the extension and `run_worker`); the
spider is `newsspider.spiders.distributed`; `cli` adds `worker` and `cluster seed|status`.
"""
