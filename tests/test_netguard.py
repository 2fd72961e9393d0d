"""The SSRF guard: the address policy, the downloader middleware and the connect-time resolver.

These run before any crawl test sends a redirect to a private or metadata address: the guard
must refuse such requests without connecting (nothing here opens a socket beyond loopback).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging

import pytest
from scrapy import Request
from scrapy.resolver import dnscache
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from newsspider import netguard
from newsspider.middlewares import AddressGuardMiddleware, BlockedAddress, GuardedResolver
from newsspider.spiders.news import NewsSpider

CONFIG = """
[[sources]]
name = "local"
home = "http://127.0.0.11:8080/"
feeds = ["http://127.0.0.11:8080/feed"]

[[sources]]
name = "remote"
home = "https://news.example/"
feeds = ["https://news.example/feed"]

[[topics]]
name = "all"
include = ["news"]
"""

FORBIDDEN = {
    "169.254.169.254": "metadata",
    "169.254.170.2": "metadata",
    "fd00:ec2::254": "metadata",
    "100.100.100.200": "metadata",
    "168.63.129.16": "metadata",
    "10.0.0.1": "private",
    "172.16.5.4": "private",
    "172.31.255.255": "private",
    "192.168.1.1": "private",
    "100.64.0.1": "private",
    "fc00::1": "private",
    "fd12:3456::1": "private",
    "169.254.1.1": "link_local",
    "fe80::1": "link_local",
    "224.0.0.1": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
    "127.0.0.1": "loopback",
    "127.9.9.9": "loopback",
    "::1": "loopback",
    "::ffff:169.254.169.254": "metadata",
    "::ffff:10.0.0.1": "private",
    "64:ff9b::a9fe:a9fe": "metadata",
    "2002:0a00:0001::1": "private",
}


@pytest.mark.parametrize(("address", "reason"), sorted(FORBIDDEN.items()))
def test_forbidden_addresses_are_refused_with_their_reason(address, reason):
    parsed = ipaddress.ip_address(address)
    assert netguard.address_problem(parsed, allow_loopback=False) == reason


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert netguard.address_problem(ipaddress.ip_address(address), allow_loopback=False) is None


def test_loopback_is_allowed_only_when_asked_for_and_nothing_else_is():
    assert netguard.address_problem(ipaddress.ip_address("127.0.0.11"), allow_loopback=True) is None
    assert netguard.address_problem(ipaddress.ip_address("::1"), allow_loopback=True) is None
    for address in ("10.0.0.1", "169.254.169.254", "0.0.0.0"):
        assert netguard.address_problem(ipaddress.ip_address(address), allow_loopback=True)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "data:text/html,<h1>x</h1>", "ftp://127.0.0.1/x", "gopher://x/"]
)
def test_non_http_schemes_are_refused(url):
    blocked = netguard.check_url(url, allow_loopback=True)
    assert blocked is not None and blocked.reason == "scheme"


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("2852039166", "169.254.169.254"),  # the metadata address as one decimal number
        ("0xa9fea9fe", "169.254.169.254"),
        ("167772161", "10.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("localhost", None),
    ],
)
def test_other_spellings_of_an_address_resolve_to_what_they_reach(name, address):
    assert netguard.literal_address(name) is None
    resolved = netguard.resolve(name, 80)
    assert resolved, name
    if address is not None:
        assert [str(a) for a in resolved] == [address]
    else:
        assert all(a.is_loopback for a in resolved)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.11", True),
        ("::1", True),
        ("localhost", True),
        ("site.localhost", True),
        ("10.0.0.1", False),
        ("news.example", False),
        (None, False),
    ],
)
def test_loopback_homes_are_recognised_without_dns(host, loopback):
    assert netguard.is_loopback_host(host) is loopback


@pytest.fixture
def crawler(tmp_path):
    path = tmp_path / "newsspider.toml"
    path.write_text(CONFIG)
    return get_crawler(NewsSpider, {"NEWSSPIDER_CONFIG": str(path)})


def guard(crawler, url: str, source: str | None) -> None:
    middleware = AddressGuardMiddleware.from_crawler(crawler)
    request = Request(url, meta={"source": source} if source else {})
    asyncio.run(middleware.process_request(request))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/iam/", "metadata"),
        ("http://[fd00:ec2::254]/latest/", "metadata"),
        ("http://10.0.0.1/", "private"),
        ("http://192.168.1.1:8080/admin", "private"),
        ("http://[::ffff:a9fe:a9fe]/", "metadata"),
        ("http://2852039166/latest/meta-data/", "metadata"),
        ("http://0x0a000001/", "private"),
        ("http://0.0.0.0:6379/", "unspecified"),
        ("http://127.0.0.1:6379/", "loopback"),
        ("http://localhost:8080/", "loopback"),
        ("file:///etc/passwd", "scheme"),
    ],
)
def test_middleware_blocks_a_remote_sources_request_before_connecting(crawler, url, reason):
    with pytest.raises(BlockedAddress, match="blocked"):
        guard(crawler, url, "remote")
    assert crawler.stats.get_value(f"newsspider/blocked/{reason}") == 1


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/", "http://10.0.0.1/", "http://192.168.1.1/", "http://[::1]:0/"]
)
def test_a_loopback_source_may_reach_loopback_but_nothing_private(crawler, url):
    if url.startswith("http://[::1]"):
        guard(crawler, url, "local")
        return
    with pytest.raises(BlockedAddress):
        guard(crawler, url, "local")


def test_loopback_source_requests_and_their_robots_txt_pass(crawler):
    middleware = AddressGuardMiddleware.from_crawler(crawler)
    article = Request("http://127.0.0.99:8080/opinion/1", meta={"source": "local"})
    robots = Request("http://127.0.0.99:8080/robots.txt")
    unrelated_robots = Request("http://127.0.0.98:8080/robots.txt")
    asyncio.run(middleware.process_request(article))
    asyncio.run(middleware.process_request(robots))
    with pytest.raises(BlockedAddress):
        asyncio.run(middleware.process_request(unrelated_robots))


def test_blocks_are_counted_every_time_and_logged_once_per_host(crawler, caplog):
    middleware = AddressGuardMiddleware.from_crawler(crawler)
    caplog.set_level(logging.WARNING, logger="newsspider.middlewares")
    for path in ("a", "b", "c"):
        with pytest.raises(BlockedAddress):
            asyncio.run(
                middleware.process_request(
                    Request(f"http://10.0.0.1/{path}", meta={"source": "remote"})
                )
            )
    assert crawler.stats.get_value("newsspider/blocked/private") == 3
    assert len([r for r in caplog.records if "10.0.0.1" in r.getMessage()]) == 1


@pytest.fixture
def rebound_name():
    dnscache["rebound.test"] = "169.254.169.254"
    yield "rebound.test"
    dnscache.pop("rebound.test", None)


@pytest.mark.parametrize("allow_loopback", [True, False])
def test_resolver_refuses_a_name_that_rebinds_to_a_forbidden_address(rebound_name, allow_loopback):
    resolver = GuardedResolver(None, 100, 5.0, allow_loopback=allow_loopback)
    failures = []
    resolver.getHostByName(rebound_name).addErrback(failures.append)
    assert failures and failures[0].check(DNSLookupError)
    assert "metadata" in failures[0].getErrorMessage()


def test_resolver_hands_out_loopback_only_to_crawls_with_loopback_sources():
    dnscache["local.test"] = "127.0.0.11"
    try:
        results, failures = [], []
        GuardedResolver(None, 100, 5.0, allow_loopback=True).getHostByName(
            "local.test"
        ).addCallbacks(results.append, failures.append)
        GuardedResolver(None, 100, 5.0, allow_loopback=False).getHostByName(
            "local.test"
        ).addCallbacks(results.append, failures.append)
    finally:
        dnscache.pop("local.test", None)
    assert results == ["127.0.0.11"]
    assert len(failures) == 1 and failures[0].check(DNSLookupError)


def test_resolver_allows_loopback_when_the_config_has_a_loopback_source(crawler):
    assert GuardedResolver.from_crawler(crawler, None).allow_loopback is True


def test_scrapy_settings_put_the_guard_first_and_disable_non_http_handlers():
    settings = Settings()
    settings.setmodule("newsspider.settings", priority="project")
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    guard_priority = middlewares["newsspider.middlewares.AddressGuardMiddleware"]
    assert guard_priority < min(v for k, v in middlewares.items() if "AddressGuard" not in k)
    assert guard_priority < 50  # before Scrapy's OffsiteMiddleware and RobotsTxtMiddleware
    assert settings["TWISTED_DNS_RESOLVER"] == "newsspider.middlewares.GuardedResolver"
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert all(handlers[scheme] is None for scheme in ("file", "data", "ftp", "s3"))


def test_scheduled_requests_to_literal_forbidden_addresses_are_refused_before_offsite(crawler):
    middleware = AddressGuardMiddleware.from_crawler(crawler)
    with pytest.raises(BlockedAddress):
        middleware.request_scheduled(Request("http://169.254.169.254/", meta={"source": "local"}))
    middleware.request_scheduled(Request("http://127.0.0.12:8080/", meta={"source": "local"}))
    middleware.request_scheduled(Request("http://news.example/", meta={"source": "remote"}))
    assert crawler.stats.get_value("newsspider/blocked/metadata") == 1
