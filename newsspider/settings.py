"""Scrapy settings: safe static defaults here, the rest derived from newsspider.toml.

`scrapy crawl news` and `newsspider crawl` both end up with the same settings: the spider
loads the config named by `NEWSSPIDER_CONFIG` (setting or environment variable, default
`./newsspider.toml`) and applies `settings_from_config` at spider priority.
"""

from __future__ import annotations

from newsspider.config import Config

BOT_NAME = "newsspider"
SPIDER_MODULES = ["newsspider.spiders"]
NEWSPIDER_MODULE = "newsspider.spiders"

ROBOTSTXT_OBEY = True
# Both consoles accept code from anyone on the machine; an unattended crawler needs neither.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

COOKIES_ENABLED = False
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
HTTPCACHE_ENABLED = False
DEPTH_LIMIT = 12
# Scrapy starts this many tasks for every response's output; an article response yields one
# item, and 100 tasks per page cost ~10 % of a local crawl's CPU (benchmarks/bench_crawl.py).
CONCURRENT_ITEMS = 16
LOG_LEVEL = "INFO"
LOG_FORMATTER = "newsspider.logformatter.QuietLogFormatter"
LOGSTATS_INTERVAL = 30.0
FEED_EXPORT_ENCODING = "utf-8"

# Only http(s) is ever fetched: Scrapy would otherwise read file:, data:, ftp: and s3: URLs.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# Connect-time half of the SSRF guard (the middleware below is the request-time half).
TWISTED_DNS_RESOLVER = "newsspider.middlewares.GuardedResolver"

DOWNLOADER_MIDDLEWARES = {
    # First: private, loopback and metadata addresses are refused before anything else runs.
    "newsspider.middlewares.AddressGuardMiddleware": 10,
    "newsspider.middlewares.SeenArticleMiddleware": 50,
    # Next to the downloader: sees raw bodies, redirects and every response.
    "newsspider.middlewares.WarcCaptureMiddleware": 950,
}
ITEM_PIPELINES = {
    "newsspider.pipelines.ExtractionPipeline": 100,
    "newsspider.pipelines.RelevancePipeline": 200,
    "newsspider.pipelines.DedupPipeline": 300,
    "newsspider.pipelines.StagingPipeline": 900,
}

NEWSSPIDER_CONFIG = None


def settings_from_config(config: Config) -> dict:
    """The Scrapy settings a config implies (politeness, limits, identity)."""
    crawl = config.crawl
    slots = {}
    for source in config.sources:
        slot = {}
        if source.politeness.delay is not None:
            slot["delay"] = source.politeness.delay
        if source.politeness.concurrency is not None:
            slot["concurrency"] = source.politeness.concurrency
        if slot:
            slots.update({domain: slot for domain in source.allowed_domains})
    return {
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "RETRY_TIMES": crawl.retries,
        "DOWNLOAD_SLOTS": slots,
    }
