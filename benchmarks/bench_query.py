"""Query speed on a synthetic year-long archive, against scanning the same data as JSON lines.

Generates N articles (default 1,000,000) over 365 days and 30 sources as real sealed
snapshots (one per crawl day, sealed by `seal_snapshot` itself, so manifests and Hive-
partitioned Parquet are exactly what production writes), plus the same records as JSON lines.
Then compacts the archive as the scheduler's daily retention job would on the day after the
last crawl (every closed day into its month's file per source), unless `--no-compact`, and
runs that job once more a day later: it merges nothing but deletes the ~30,000 files the
one-shot compaction superseded, past their grace period. A daily job keeps a real archive in
that steady state (at most one day's superseded files); the S3 part times its queries both
before and after that run, since moto's listing slows down with every key in the bucket.

Times, with warm caches: a one-day filter, a 30-day filter by source, a full-text phrase
search over a month, and `COUNT(*) GROUP BY source` over everything; each also over the JSON
lines with DuckDB's `read_json`. The windows start on the same day of the data, local and on
S3 (`window_start`). Each archive run opens a new `Archive` with a local cache, as a
command-line query does: warm, the cache holds the archive's live view, so only manifests
newer than it are parsed. Optionally repeats the queries on a moto S3 server, compacted the
same way.

Run: ``.venv/bin/python benchmarks/bench_query.py --articles 1000000 --workdir /tmp/bench``
(generation takes minutes; an existing archive in `--workdir` is reused; with
`--s3-endpoint` so is the archive on an S3 server that is kept running between runs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow

from newsspider.archive.compact import compact
from newsspider.archive.local import LocalStore
from newsspider.archive.snapshot import MANIFEST_PREFIX, seal_snapshot
from newsspider.archive.store import ObjectStore
from newsspider.query.api import Archive
from newsspider.query.cache import ObjectCache
from newsspider.query.manifests import read_manifests
from newsspider.record import empty_record, format_timestamp

START = date(2025, 11, 1)
BODY_WORDS = 250
TITLE_WORDS = 9
DESCRIPTION_WORDS = 30
PHRASE = "north korean troops"
#: Share of articles that carry the planted story (the phrase, and "Kursk" near it).
PLANTED_SHARE = 0.002
#: Share of articles sealed a few days after their publication day (late discovery).
LATE_SHARE = 0.03


# --- synthetic records ---------------------------------------------------------------------


def _vocabulary(rng: np.random.Generator, size: int = 20_000) -> tuple[list[str], np.ndarray]:
    """Pseudo-words of 2-4 syllables with Zipf frequencies, like the words of a news corpus.

    "north", "korean" and "troops" are ordinary mid-frequency words, so a phrase search has
    many candidate articles that contain each word but not the phrase.
    """
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + ["ing", "er", "ion"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables, size=int(rng.integers(1, 4)))))
    vocab = sorted(words)
    for rank, word in ((40, "north"), (300, "korean"), (120, "troops"), (900, "russian")):
        vocab[rank] = word
    weights = 1.0 / np.arange(1, size + 1) ** 1.05
    return vocab, weights / weights.sum()


@dataclass
class Corpus:
    vocab: list[str]
    weights: np.ndarray
    rng: np.random.Generator

    def texts(self, count: int, words: int) -> list[str]:
        picks = self.rng.choice(len(self.vocab), size=(count, words), p=self.weights)
        vocab = self.vocab
        return [" ".join([vocab[i] for i in row]) for row in picks.tolist()]


SECTIONS = ["politics", "world", "economy", "society", "defense", "culture", "sports"]
WIRES = ["Reuters", "AP", "AFP", "Yonhap", "TASS"]
AUTHORS = [f"{first} {last}" for first in ("Kim", "Anna", "Oleh", "John") for last in "ABCDEFGH"]


def day_records(corpus: Corpus, day: int, count: int, sources: list[str]) -> list[dict]:
    """One crawl day's articles as JSON-edge records (what staging holds before a seal)."""
    rng = corpus.rng
    bodies = corpus.texts(count, BODY_WORDS)
    titles = corpus.texts(count, TITLE_WORDS)
    descriptions = corpus.texts(count, DESCRIPTION_WORDS)
    seconds = rng.integers(0, 86_400, size=count)
    crawl_day = datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC)
    records = []
    for n in range(count):
        source = sources[int(rng.integers(len(sources)))]
        lateness = int(rng.integers(1, 4)) if rng.random() < LATE_SHARE and day >= 3 else 0
        published = crawl_day - timedelta(days=lateness) + timedelta(seconds=int(seconds[n]))
        body = bodies[n]
        if rng.random() < PLANTED_SHARE:
            body = f"{body[:600]} {PHRASE.capitalize()} were seen near Kursk. {body[600:]}"
        url = f"https://{source}.example/{published:%Y/%m/%d}/story-{day}-{n}"
        record = empty_record()
        record.update(
            url=url,
            canonical_url=url,
            source=source,
            title=titles[n].capitalize(),
            authors=[AUTHORS[int(rng.integers(len(AUTHORS)))]],
            published_at=format_timestamp(published),
            published_at_raw=published.isoformat(),
            body=body,
            description=descriptions[n].capitalize(),
            section=SECTIONS[n % len(SECTIONS)],
            language="en",
            wire=WIRES[n % len(WIRES)] if n % 10 == 0 else None,
            topics=["nk-troops-russia"] if "Kursk" in body else [],
            topic_scores={"nk-troops-russia": 3.0} if "Kursk" in body else {},
            content_sha256=hashlib.sha256(body.encode()).hexdigest(),
            dup_group=f"g{day}-{n // 20}" if n % 20 < 2 else None,
            fetched_at=format_timestamp(published + timedelta(minutes=lateness * 1440 + 20)),
            warc_file=f"raw/date={crawl_day:%Y-%m-%d}/crawl-{day}.warc.gz",
            warc_record_id=f"<urn:uuid:{day:08x}-0000-0000-0000-{n:012x}>",
            warc_offset=n * 40_000,
            warc_length=38_000,
            extraction={"title": "jsonld", "body": "trafilatura", "published_at": "jsonld"},
        )
        records.append(record)
    return records


@dataclass(frozen=True)
class _Staged:
    record: dict


class BatchStaging:
    """The part of `Staging` that `seal_snapshot` uses, holding one batch in memory.

    Sealing through `seal_snapshot` keeps the benchmark on the production writer path without
    paying for a million SQLite round trips that the benchmark does not measure.
    """

    def __init__(self, records: list[dict]) -> None:
        self.records = records

    def pending_claim(self) -> None:
        return None

    def claim(self, snapshot_id: str) -> int:
        return len(self.records)

    def claimed(self, snapshot_id: str) -> Iterator[_Staged]:
        return (_Staged(r) for r in self.records)

    def release(self, snapshot_id: str) -> int:
        return len(self.records)


def generate(
    store: ObjectStore, articles: int, days: int, sources: int, jsonl: Path | None
) -> None:
    """Seal `days` daily snapshots holding `articles` in total; mirror them as JSON lines."""
    corpus = Corpus(*_vocabulary(np.random.default_rng(7)), np.random.default_rng(11))
    names = [f"source{n:02d}" for n in range(sources)]
    per_day = articles // days
    started = time.perf_counter()
    for day in range(days):
        count = per_day + (1 if day < articles % days else 0)
        records = day_records(corpus, day, count, names)
        sealed_at = datetime.combine(START + timedelta(days=day + 1), datetime.min.time(), UTC)
        seal_snapshot(BatchStaging(records), store, clock=lambda at=sealed_at: at, worker="bench")
        if jsonl is not None:
            jsonl.mkdir(parents=True, exist_ok=True)
            with open(jsonl / f"day-{day:03d}.jsonl", "w", encoding="utf-8") as handle:
                handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        if day % 30 == 0:
            print(f"  day {day}/{days}: {time.perf_counter() - started:.0f} s", flush=True)


def window_start(days: int) -> date:
    """First day of the measured windows, one rule for the local and the S3 archive: a third
    into the data (at 365 days, 30 days inside one calendar month), or as late as a 30-day
    window still fits in a shorter archive."""
    return START + timedelta(days=max(0, min(days // 3, days - 30)))


def compact_like_retention(store: ObjectStore, days: int) -> dict:
    """Run the product's compaction as the retention job does on the day after the last crawl
    day; report what it did and how long it took."""
    manifests = read_manifests(store, None)
    if any(manifest.get("kind") == "compaction" for manifest in manifests):
        return {"skipped": "already compacted"}
    day_after = datetime.combine(START + timedelta(days=days), datetime.min.time(), UTC)
    started = time.perf_counter()
    result = compact(store, manifests, clock=lambda: day_after)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "files_merged": result.files_merged,
        "files_written": result.partitions,
    }


def next_retention_run(store: ObjectStore, days: int) -> dict:
    """The retention job's run one day later: nothing new to merge, but the files the
    one-shot compaction superseded are past their grace period and are deleted. A daily job
    keeps an archive in that state (at most one day's superseded files beside the live ones),
    so this is the steady state a year-old archive is queried in."""
    next_day = datetime.combine(START + timedelta(days=days + 1), datetime.min.time(), UTC)
    started = time.perf_counter()
    result = compact(store, read_manifests(store, None), clock=lambda: next_day)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "files_deleted": result.deleted,
        "files_merged": result.files_merged,
    }


# --- measurements ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    query: Callable[[Archive], pyarrow.Table]
    jsonl_sql: str


def cases(first_day: date) -> list[Case]:
    """The four measured queries, each with its equivalent SQL over the JSON lines."""

    def at(day: date, end: bool = False) -> datetime:
        stamp = datetime.combine(day, datetime.max.time() if end else datetime.min.time(), UTC)
        return stamp

    month_end = first_day + timedelta(days=29)
    shown = ["published_at", "source", "title", "url"]
    when = "coalesce(published_at, fetched_at)"
    window = f"{when} >= '{at(first_day).isoformat()}' AND {when} <= '{{end}}'"
    return [
        Case(
            "one-day filter",
            lambda a: a.query(since=at(first_day), until=at(first_day, True), fields=shown),
            f"SELECT published_at, source, title, url FROM jsonl WHERE "
            f"{window.format(end=at(first_day, True).isoformat())} ORDER BY published_at DESC",
        ),
        Case(
            "30-day filter, one source",
            lambda a: a.query(
                since=at(first_day), until=at(month_end, True), sources=["source07"], fields=shown
            ),
            f"SELECT published_at, source, title, url FROM jsonl WHERE "
            f"{window.format(end=at(month_end, True).isoformat())} AND source = 'source07' "
            "ORDER BY published_at DESC",
        ),
        Case(
            f'full text "{PHRASE}", 30 days',
            lambda a: a.query(
                since=at(first_day), until=at(month_end, True), text=f'"{PHRASE}"', fields=shown
            ),
            f"SELECT published_at, source, title, url FROM jsonl WHERE "
            f"{window.format(end=at(month_end, True).isoformat())} "
            f"AND contains(lower(body), '{PHRASE}') ORDER BY published_at DESC",
        ),
        Case(
            "COUNT(*) GROUP BY source, all",
            lambda a: a.sql("SELECT source, count(*) AS n FROM articles GROUP BY source"),
            "SELECT source, count(*) AS n FROM jsonl GROUP BY source",
        ),
    ]


def timed(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of `repeat` runs after one warm-up run."""
    result = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def rows(result: object) -> int:
    return result.num_rows if isinstance(result, pyarrow.Table) else len(result)  # type: ignore[arg-type]


def measure_archive(
    open_archive: Callable[[], Archive], jsonl: Path | None, first_day: date, repeat: int
) -> list:
    results = []
    for case in cases(first_day):
        seconds, found = timed(lambda case=case: case.query(open_archive()), repeat)
        line = {"query": case.name, "seconds": round(seconds, 3), "rows": rows(found)}
        if jsonl is not None:
            db = duckdb.connect()
            db.sql(
                f"CREATE VIEW jsonl AS SELECT * FROM read_json('{jsonl}/*.jsonl', "
                "format='newline_delimited')"
            )
            scan, scanned = timed(
                lambda db=db, case=case: db.sql(case.jsonl_sql).fetchall(), repeat
            )
            line |= {"jsonl_seconds": round(scan, 3), "jsonl_rows": rows(scanned)}
            line["speedup"] = round(scan / seconds, 1)
        print("  ", line, flush=True)
        results.append(line)
    return results


@contextmanager
def moto_endpoint(endpoint: str | None) -> Iterator[str]:
    """`endpoint` as given, else a moto S3 server started for the run (a separate process on
    loopback, stopped at the end: its buckets live in its memory)."""
    if endpoint:
        yield endpoint
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


def measure_s3(
    workdir: Path, articles: int, days: int, repeat: int, compacted: bool, endpoint: str | None
) -> dict:
    """The same queries on an S3 server, against the same records as local JSON lines
    (`WORKDIR/s3-jsonl`). An archive the server's bucket holds already is reused as it is
    (and its cache is not cold: no cold times then).

    Warm queries are timed twice when this run compacts the archive: right after the one-shot
    compaction (its ~30,000 superseded files still in the bucket, which slows moto's listing
    of `manifests/`: it scans every key of the bucket), and after the next day's retention
    run has deleted them (the steady state, see `next_retention_run`).
    """
    from newsspider.archive.s3 import S3Store

    for name, value in (
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench-secret"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        os.environ.setdefault(name, value)
    with moto_endpoint(endpoint) as url:
        store = S3Store("bench-archive", "archive", endpoint_url=url)
        if "bench-archive" not in {b["Name"] for b in store.client.list_buckets()["Buckets"]}:
            store.client.create_bucket(Bucket="bench-archive")
        jsonl, cache_dir = workdir / "s3-jsonl", workdir / "s3-cache"
        report: dict = {"articles": articles, "days": days}
        if next(store.list(MANIFEST_PREFIX), None) is None:
            shutil.rmtree(cache_dir, ignore_errors=True)
            started = time.perf_counter()
            generate(store, articles, days, 30, jsonl)
            report["upload_seconds"] = round(time.perf_counter() - started, 1)
        else:
            print("   reusing the archive on the server", flush=True)
        first_day = window_start(days)
        cache = ObjectCache(cache_dir, max_bytes=50 * 1024**3)
        if compacted:
            report["compaction"] = compact_like_retention(store, days)
            print(f"   compaction: {report['compaction']}", flush=True)
        report["cold"] = []
        for case in cases(first_day) if "upload_seconds" in report else []:
            started = time.perf_counter()
            case.query(Archive(store, cache))
            cold = {"query": case.name, "cold_seconds": round(time.perf_counter() - started, 3)}
            print("   cold", cold, flush=True)
            report["cold"].append(cold)
        if compacted:
            if "skipped" not in report["compaction"]:
                report["keys_in_bucket"] = sum(1 for _ in store.list())
                print(f"   warm, {report['keys_in_bucket']:,} keys in the bucket:", flush=True)
                report["warm_before_next_retention_run"] = measure_archive(
                    lambda: Archive(store, cache), jsonl, first_day, repeat
                )
            report["next_retention_run"] = next_retention_run(store, days)
            print(f"   next retention run: {report['next_retention_run']}", flush=True)
        report["live_keys_in_bucket"] = sum(1 for _ in store.list())
        print(f"   warm, {report['live_keys_in_bucket']:,} keys in the bucket:", flush=True)
        report["warm"] = measure_archive(lambda: Archive(store, cache), jsonl, first_day, repeat)
        return report


def machine() -> str:
    cpu = platform.processor() or "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"duckdb {duckdb.__version__}, pyarrow {pyarrow.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sources", type=int, default=30)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsspider-bench-query"))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query (median)")
    parser.add_argument("--no-jsonl", action="store_true", help="skip the JSON lines baseline")
    parser.add_argument("--no-compact", action="store_true", help="query the archive as sealed")
    parser.add_argument("--no-local", action="store_true", help="skip the local archive")
    parser.add_argument("--s3-articles", type=int, default=0, help="also on moto S3 (0: skip)")
    parser.add_argument("--s3-days", type=int, default=31)
    parser.add_argument(
        "--s3-endpoint",
        help="use this running S3 server (e.g. `python -m moto.server -p 5000`) instead of "
        "starting one; an archive its bucket holds from an earlier run is reused",
    )
    args = parser.parse_args()

    print(f"machine: {machine()}")
    report: dict = {"machine": machine(), "load_before": os.getloadavg()}
    if not args.no_local:
        report |= measure_local(args)
    if args.s3_articles:
        print(f"S3: {args.s3_articles:,} articles over {args.s3_days} days")
        report["s3"] = measure_s3(
            args.workdir,
            args.s3_articles,
            args.s3_days,
            args.repeat,
            not args.no_compact,
            args.s3_endpoint,
        )
    report["load_after"] = os.getloadavg()
    (args.workdir / "results.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


def measure_local(args: argparse.Namespace) -> dict:
    """The queries on the archive in `WORKDIR/archive` (generated unless it exists)."""
    archive_dir, jsonl = args.workdir / "archive", args.workdir / "jsonl"
    if not (archive_dir / "manifests").is_dir():
        print(f"generating {args.articles:,} articles over {args.days} days in {args.workdir}")
        generate(LocalStore(archive_dir), args.articles, args.days, args.sources, jsonl)
    store = LocalStore(archive_dir)
    report: dict = {}
    if not args.no_compact:
        report["compaction"] = compact_like_retention(store, args.days)
        print(f"compaction: {report['compaction']}")
        report["next_retention_run"] = next_retention_run(store, args.days)
        print(f"next retention run: {report['next_retention_run']}")
    live = [entry for manifest in read_manifests(store, None) for entry in manifest["files"]]
    report["files"] = len(live)
    report["megabytes"] = round(sum(entry["bytes"] for entry in live) / 1e6)
    print(f"local archive: {report['files']:,} live Parquet files, {report['megabytes']:,} MB")
    cache = ObjectCache(args.workdir / "cache")
    report["local"] = measure_archive(
        lambda: Archive(store, cache),
        None if args.no_jsonl else jsonl,
        window_start(args.days),
        args.repeat,
    )
    return report


if __name__ == "__main__":
    main()
