"""`python -m jobs.child crawl|snapshot`: one run in its own process, its numbers in a JSON file.

The scheduler starts one of these per run, because Twisted's reactor cannot be restarted and
a stuck crawl must be stoppable (SIGINT, then SIGKILL) without touching the scheduler. The
summary file is how the numbers get back: it is written atomically, only when the run ends.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import asdict
from pathlib import Path

from jobs.logs import LOG_FORMATS, configure_logging
from newsspider.config import ConfigError, load_config
from newsspider.crawl import CrawlError, run_crawl

log = logging.getLogger(__name__)


def write_summary(path: Path, data: dict) -> None:
    """Write `data` as JSON so that readers see either nothing or the whole file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)


def crawl(config: Path, group: str, log_level: str) -> dict:
    # Scrapy's own root handler stays off: ours formats (and masks) every line.
    summary = run_crawl(
        config, group=group, log_level=log_level, extra_settings={"LOG_ENABLED": False}
    )
    return asdict(summary)


def snapshot(config: Path) -> dict:
    from newsspider.archive.publish import seal

    result = seal(load_config(config))
    if result is None:
        return {"snapshot_id": None, "articles": 0, "files": 0}
    return {
        "snapshot_id": result.snapshot_id,
        "articles": result.articles,
        "files": len(result.files),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jobs.child", description=__doc__)
    parser.add_argument("command", choices=("crawl", "snapshot"))
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--group", help="Crawl group (crawl only).")
    parser.add_argument("--summary-json", type=Path, required=True)
    parser.add_argument("--run-id")
    parser.add_argument("--job")
    parser.add_argument("--log-format", choices=LOG_FORMATS, default="text")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    if args.command == "crawl" and not args.group:
        parser.error("crawl needs --group")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(
        args.log_format, getattr(logging, args.log_level), job=args.job, run_id=args.run_id
    )
    try:
        if args.command == "crawl":
            data = crawl(args.config, args.group, args.log_level)
        else:
            data = snapshot(args.config)
    except ConfigError as exc:
        log.error("%s", exc)
        return 2
    except CrawlError as exc:
        log.error("%s", exc)
        return 1
    write_summary(args.summary_json, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
