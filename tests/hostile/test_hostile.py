"""One crawl through the hostile corpus and the test web together, via the CLI.

Every case must be survived (the process exits 0), reported (logged and counted), bounded
(memory, requests) and contained (other sources keep their articles; nothing reaches beyond
loopback, the archive or the terminal).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomli_w

from newsspider.archive.store import check_key
from newsspider.cli import demo_config_text
from newsspider.config import ConfigError, parse_config
from newsspider.staging import Staging
from newsspider.testweb import TestWeb
from tests.hostile.server import CASES, PASSWD_MARKER, Case, HostileWeb

pytestmark = pytest.mark.slow

TRIPWIRE = Path(__file__).with_name("tripwire.py")
#: Peak RSS of the crawl process. An uneventful crawl of the test web peaks near 230 MB; the
#: corpus adds one discovery document being parsed (a 7 MB feed of 100,000 entries: +150 MB,
#: measured alone), bodies in flight up to DOWNLOAD_MAXSIZE each (+110 MB for the size cases)
#: and allocator fragmentation: 490-730 MB observed. A bomb inflating in memory (1-4 GiB) or
#: an unbounded body would not fit.
PEAK_RSS_LIMIT_MB = 900
HOSTILE_CRAWL = {
    "download_timeout": 3,  # slow-drip and silent cases end here
    "retries": 1,
    "concurrency": 32,
    "max_links_per_page": 50,
}


@dataclass
class Outcome:
    run: subprocess.CompletedProcess
    peak_rss_mb: float
    stats: dict[str, int]
    records: list[dict]
    table: str
    web: TestWeb
    hostile: HostileWeb
    workdir: Path
    tripwire: Path

    @property
    def log(self) -> str:
        return self.run.stderr


def newsspider(
    *args: str, cwd: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess, float]:
    """Run the CLI under the loopback tripwire; also return the process's peak RSS in MB.

    Output goes to files in the parent of ``cwd`` (kept for reading a failure), and the peak
    RSS is this child's own (`wait4`), not the largest of every child the tests started.
    """
    stem = cwd.parent / f"{cwd.name}-{args[0]}-{len(list(cwd.parent.glob('*.out')))}"
    with open(f"{stem}.out", "w+b") as out, open(f"{stem}.err", "w+b") as err:
        process = subprocess.Popen(
            [sys.executable, str(TRIPWIRE), *args], stdout=out, stderr=err, cwd=cwd, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(
            process.args,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )
    peak_mb = usage.ru_maxrss / 1024
    Path(f"{stem}.rss").write_text(f"{peak_mb:.0f} MB\n")
    return result, peak_mb


def scrapy_stats(log: str) -> dict[str, int]:
    """The integer stats of Scrapy's closing "Dumping Scrapy stats" block."""
    block = log.rpartition("Dumping Scrapy stats:")[2]
    return {key: int(value) for key, value in re.findall(r"'([^']+)': (\d+)[,}]", block)}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Outcome:
    workdir = tmp_path_factory.mktemp("hostile")
    tripwire = workdir.parent / "tripwire.log"
    # Wide enough that the table does not wrap a title mid-word.
    env = {**os.environ, "NEWSSPIDER_TRIPWIRE_LOG": str(tripwire), "COLUMNS": "240"}
    with TestWeb.start() as web, HostileWeb.start() as hostile:
        data = tomllib.loads(demo_config_text(web.sources() + hostile.sources(), workdir))
        data["crawl"].update(HOSTILE_CRAWL)
        config = workdir / "newsspider.toml"
        config.write_text(tomli_w.dumps(data))
        run, peak = newsspider("run", "--config", str(config), "--verbose", cwd=workdir, env=env)
        query, _ = newsspider(
            "query", "--config", str(config), "--format", "jsonl", cwd=workdir, env=env
        )
        table, _ = newsspider(
            "query", "--config", str(config), "--source", "h-markup-injection", cwd=workdir, env=env
        )
        yield Outcome(
            run=run,
            peak_rss_mb=peak,
            stats=scrapy_stats(run.stderr),
            records=[json.loads(line) for line in query.stdout.splitlines()],
            table=table.stdout,
            web=web,
            hostile=hostile,
            workdir=workdir,
            tripwire=tripwire,
        )


def test_crawl_process_survives_the_whole_corpus(crawl):
    assert crawl.run.returncode == 0, crawl.log[-4000:]
    assert "Crawl summary" in crawl.log
    assert "snapshot " in crawl.log
    assert crawl.stats.get("log_count/CRITICAL", 0) == 0


def test_no_connection_ever_leaves_loopback(crawl):
    attempts = crawl.tripwire.read_text() if crawl.tripwire.exists() else ""
    assert attempts == ""


def test_peak_memory_of_the_crawl_stays_bounded(crawl):
    assert crawl.peak_rss_mb < PEAK_RSS_LIMIT_MB, f"peak RSS {crawl.peak_rss_mb:.0f} MB"


def test_normal_sources_in_the_same_crawl_are_unaffected(crawl):
    expected = {article.url for article in crawl.web.expected(recency_days=3)}
    got = [r["url"] for r in crawl.records if r["source"] in crawl.web.sites]
    assert set(got) == expected, sorted(expected ^ set(got))
    assert len(got) == len(set(got))


def test_everything_kept_reaches_the_archive_and_staging_is_empty(crawl):
    assert crawl.stats["newsspider/kept"] == len(crawl.records)
    with Staging(crawl.workdir / "state" / "staging.db") as staging:
        assert staging.count() == 0


def test_local_files_never_leak_into_records_logs_or_archive(crawl):
    assert PASSWD_MARKER not in crawl.run.stdout + crawl.run.stderr
    assert PASSWD_MARKER not in json.dumps(crawl.records)
    for path in crawl.workdir.rglob("*"):
        if path.is_file():
            assert PASSWD_MARKER.encode() not in path.read_bytes(), path


def test_archive_keys_stay_inside_the_archive(crawl):
    archive = crawl.workdir / "archive"
    for path in archive.rglob("*"):
        if path.is_file():
            check_key(path.relative_to(archive).as_posix())
    for manifest in (archive / "manifests").glob("*.json"):
        for entry in json.loads(manifest.read_text())["files"]:
            assert (archive / check_key(entry["key"])).resolve().is_relative_to(archive)
    assert sorted(p.name for p in crawl.workdir.iterdir()) == [
        "archive",
        "newsspider.toml",
        "state",
    ]


def test_table_output_shows_markup_literally_and_no_terminal_escapes(crawl):
    assert "[bold red]PWNED[/bold red]" in crawl.table
    assert "\x1b" not in crawl.table


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_case_is_survived_reported_and_bounded(crawl, case: Case):
    site = crawl.hostile.sites[case.name]
    expect = case.expect
    kept = [r for r in crawl.records if r["source"] == case.source]
    if expect.kept is not None:
        assert len(kept) == expect.kept, case.why
    for text in expect.log:
        assert text.format(base=site.base) in crawl.log, f"{case.why}: not logged"
    for stat, minimum in expect.stats.items():
        assert crawl.stats.get(stat, 0) >= minimum, f"{case.why}: {stat} not counted"
    for target in expect.never_requested:
        assert site.hits[target] == 0, f"{case.why}: {target} fetched"
    if expect.max_requests is not None:
        assert site.requests() <= expect.max_requests, dict(site.hits.most_common(5))


@pytest.mark.parametrize("name", ["../../etc", "..%2F..%2Fetc", "a/b", ".hidden", "UPPER"])
def test_source_names_that_could_climb_out_of_archive_keys_are_config_errors(name):
    text = f"""
[[sources]]
name = "{name}"
home = "http://127.0.0.11/"
feeds = ["http://127.0.0.11/feed"]

[[topics]]
name = "t"
include = ["x"]
"""
    with pytest.raises(ConfigError, match=r"sources\[0\]\.name"):
        parse_config(text, "hostile.toml")
