"""The scheduler service: `newsspider serve` runs crawls, snapshots and retention on cron schedules.

It uses `newsspider` (never the reverse) and runs every crawl and seal in a child process,
because Twisted's reactor cannot be restarted and a stuck crawl must not stop the scheduler.
"""
