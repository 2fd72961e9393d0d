"""End-to-end crawl speed and memory: newsspider against a minimal Scrapy + trafilatura spider.

Both crawl the same N pre-rendered article pages (found through a sitemap index) from a small
asyncio HTTP server in its own process on 127.0.0.30. newsspider runs `newsspider crawl`
with extraction, relevance, de-duplication (URL, content hash, near-duplicates), WARC capture
and durable staging; the baseline is what one writes in an afternoon: a Scrapy spider whose
callback calls trafilatura and yields a dict to a JSON-lines feed. Each crawl runs in a
child process; its pages/s (articles fetched / crawl time from Scrapy's stats, and with
process start-up) and its peak RSS (`wait4`) are printed with the machine they ran on.

With ``--news-please PYTHON`` (the Python of a separate venv where news-please is installed),
news-please's own sitemap crawler crawls the same pages too (see news_please_crawl.py).

Targets: at least the baseline's pages/s; peak RSS under 400 MB and flat from 2,000 to 20,000
pages. Run: ``.venv/bin/python benchmarks/bench_crawl.py [--pages 2000 20000]
[--news-please /tmp/np-venv/bin/python]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from datetime import UTC, datetime, timedelta
from functools import partial
from html import escape
from pathlib import Path

import tomli_w

HOST = "127.0.0.30"
SEED = 20261105
VOCABULARY = (
    "troops soldiers deployment border region officials intelligence ministry statement "
    "government report artillery drones village forces defence casualties agency sources "
    "analysts treaty talks pressure sanctions supply convoy offensive frontline spokesman "
    "regional command counteroffensive assessment reconnaissance battalion weapons shells "
    "winter logistics evacuation satellite imagery corridor briefing commander withdrawal"
)
WORDS = VOCABULARY.split()
BOILERPLATE = "".join(
    f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(60)
)  # navigation and footers, as on real news pages


def article_page(number: int, now: datetime) -> bytes:
    """One news article of ~13 kB: unique text, og:type, JSON-LD, navigation, footer."""
    chance = random.Random(SEED + number)
    title = f"North Korean troops in Kursk: report {number} on {' '.join(chance.sample(WORDS, 4))}"
    published = (now - timedelta(minutes=number % 600)).isoformat(timespec="seconds")
    paragraphs = "".join(
        "<p>"
        + " ".join(chance.choice(WORDS) for _ in range(60))
        + (" North Korean troops deployed to Kursk, Russia, officials said." if i == 0 else "")
        + "</p>"
        for i in range(12)
    )
    metadata = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": published,
            "author": {"@type": "Person", "name": "Benchmark Reporter"},
        }
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><meta property='og:type' content='article'>"
        f"<script type='application/ld+json'>{metadata}</script>"
        f"</head><body><nav><ul>{BOILERPLATE}</ul></nav><main><article><h1>{escape(title)}</h1>"
        f"<p class='byline'>By Benchmark Reporter</p>{paragraphs}</article></main>"
        f"<footer><ul>{BOILERPLATE}</ul></footer></body></html>"
    ).encode()


def site(pages: int, base: str) -> dict[str, bytes]:
    """Every response body by path: robots.txt, a sitemap index, sitemaps of 1,000 URLs, pages."""
    now = datetime.now(UTC)
    routes = {
        # news-please's sitemap crawler finds sitemaps only through robots.txt; newsspider
        # (robots_sitemaps = false) and the baseline are given /sitemap.xml directly.
        "/robots.txt": f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n".encode(),
        "/": b"<html><body>Bench</body></html>",
    }
    children = []
    for start in range(0, pages, 1000):
        path = f"/sitemap-{start // 1000}.xml"
        children.append(base + path)
        locs = "".join(
            f"<url><loc>{base}/news/{n}</loc></url>" for n in range(start, min(pages, start + 1000))
        )
        routes[path] = (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locs}</urlset>"
        ).encode()
    index = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in children)
    routes["/sitemap.xml"] = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{index}</sitemapindex>"
    ).encode()
    for number in range(pages):
        routes[f"/news/{number}"] = article_page(number, now)
    return routes


async def serve(pages: int, port: int) -> None:
    """A keep-alive HTTP/1.1 server answering GETs from pre-rendered bytes (no parsing cost)."""
    base = f"http://{HOST}:{port}"
    responses = {
        path: b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s"
        % (
            b"application/xml" if path.endswith(".xml") else b"text/html; charset=utf-8",
            len(body),
            body,
        )
        for path, body in site(pages, base).items()
    }
    missing = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                path = head.split(b" ", 2)[1].decode("latin-1")
                writer.write(responses.get(path, missing))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, HOST, port, backlog=256)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


BASELINE = """
import sys, trafilatura
from scrapy.crawler import CrawlerProcess
from scrapy.spiders import SitemapSpider

class Baseline(SitemapSpider):
    name = "baseline"
    sitemap_urls = [sys.argv[1]]

    def parse(self, response):
        self.crawler.stats.inc_value("newsspider/pages/articles")  # same count as newsspider's
        doc = trafilatura.bare_extraction(
            response.text, url=response.url, with_metadata=True, include_comments=False
        )
        if doc is not None:
            doc = doc.as_dict()
            yield {k: doc.get(k) for k in ("url", "title", "author", "date", "text")}

process = CrawlerProcess({
    "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "DOWNLOAD_DELAY": 0,
    "ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "INFO", "FEEDS": {sys.argv[2]: {"format": "jsonlines"}},
})
process.crawl(Baseline)
process.start()
"""


def _descendants(pid: int) -> list[int]:
    """`pid` and every process below it (analysis workers, their fork server)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process tree: shared pages counted once, split by sharers."""
    total = 0
    for member in _descendants(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def crawl(command: list[str], cwd: Path) -> dict:
    """Run one crawl process; its wall time, peak memory, and Scrapy's closing stats.

    Peak RSS is the crawl process's own (`wait4`); peak PSS is sampled four times a second
    over the whole process tree, so analysis workers count, and shared pages count once.
    """
    started = time.perf_counter()
    peak_pss = 0.0
    done = threading.Event()

    def sample(pid: int) -> None:
        nonlocal peak_pss
        while not done.wait(0.25):
            peak_pss = max(peak_pss, _tree_pss_mb(pid))

    with open(cwd / "crawl.log", "w+b") as log:
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        sampler = threading.Thread(target=sample, args=(process.pid,), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        done.set()
        sampler.join()
        wall = time.perf_counter() - started
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:4]} failed:\n{text[-3000:]}")
    stats = dict(re.findall(r"'([^']+)': ([\d.]+)[,}]", text.rpartition("Dumping Scrapy")[2]))
    peak_rss = usage.ru_maxrss / 1024
    return {"wall": wall, "peak_mb": peak_rss, "peak_pss_mb": peak_pss, "stats": stats}


def newsspider_crawl(base: str, workdir: Path) -> dict:
    from newsspider.cli import demo_config_text

    source = {
        "name": "bench",
        "kind": "newspaper",
        "home": base + "/",
        "allowed_domains": [HOST],
        "sitemaps": [base + "/sitemap.xml"],
        "robots_sitemaps": False,
        "article_url_pattern": "/news/",
        "group": "default",
    }
    data = tomllib.loads(demo_config_text([source], workdir))
    data["crawl"].update(concurrency=32, concurrency_per_domain=32, download_delay=0)
    config = workdir / "newsspider.toml"
    config.write_text(tomli_w.dumps(data))
    result = crawl(
        [sys.executable, "-m", "newsspider", "crawl", "--config", str(config), "-v"], workdir
    )
    result["articles"] = int(result["stats"].get("newsspider/pages/articles", 0))
    result["kept"] = int(result["stats"].get("newsspider/kept", 0))
    return result


def baseline_crawl(base: str, workdir: Path) -> dict:
    script = workdir / "baseline.py"
    script.write_text(BASELINE)
    items = workdir / "items.jsonl"
    result = crawl([sys.executable, str(script), base + "/sitemap.xml", str(items)], workdir)
    result["articles"] = int(result["stats"].get("newsspider/pages/articles", 0))
    result["kept"] = int(result["stats"].get("item_scraped_count", 0))
    return result


def news_please_crawl(base: str, workdir: Path, python: str) -> dict:
    """news-please's own sitemap crawler, run by the Python of its separate environment."""
    script = Path(__file__).with_name("news_please_crawl.py")
    result = crawl([python, str(script), base + "/", str(workdir)], workdir)
    result["articles"] = int(result["stats"].get("newsspider/pages/articles", 0))
    result["kept"] = int(result["stats"].get("item_scraped_count", 0))
    return result


def rate(result: dict) -> tuple[float, float]:
    elapsed = float(result["stats"]["elapsed_time_seconds"])
    return result["articles"] / elapsed, result["articles"] / result["wall"]


NEWS_PLEASE_VERSIONS = (
    "import platform; from importlib.metadata import version; "
    "print(', '.join(f'{name} {version(name)}' for name in "
    "('news-please', 'newspaper4k', 'Scrapy', 'Twisted')), "
    "'on Python', platform.python_version())"
)


def news_please_version(python: str) -> str:
    """The versions that matter for the comparison, as installed in news-please's venv."""
    return subprocess.run(
        [python, "-c", NEWS_PLEASE_VERSIONS], capture_output=True, text=True, check=True
    ).stdout.strip()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo") as info:
        names = [line.split(":", 1)[1].strip() for line in info if line.startswith("model name")]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{names[0] if names else cpu}, {os.cpu_count()} cores, {memory:.0f} GB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def bench(pages: int, port: int, news_please: str | None) -> None:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(pages), "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        base = f"http://{HOST}:{port}"
        crawlers = [("newsspider", newsspider_crawl), ("baseline", baseline_crawl)]
        if news_please:
            crawlers.append(("news-please", partial(news_please_crawl, python=news_please)))
        for name, run in crawlers:
            with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as workdir:
                result = run(base, Path(workdir))
            crawl_rate, wall_rate = rate(result)
            print(
                f"{pages:>6} pages  {name:<11}  {crawl_rate:6.1f} pages/s crawling "
                f"({wall_rate:6.1f} with start-up)  peak RSS {result['peak_mb']:5.0f} MB  "
                f"peak PSS (all processes) {result['peak_pss_mb']:5.0f} MB  "
                f"articles {result['articles']}, kept {result['kept']}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, nargs="+", default=[2000])
    parser.add_argument("--port", type=int, default=8730)
    parser.add_argument(
        "--news-please",
        metavar="PYTHON",
        help="also crawl with news-please, run by this Python (of news-please's own venv)",
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        asyncio.run(serve(args.serve, args.port))
        return
    print(f"machine: {machine()}")
    if args.news_please:
        print(f"news-please: {news_please_version(args.news_please)}")
    for pages in args.pages:
        bench(pages, args.port, args.news_please)


if __name__ == "__main__":
    main()
