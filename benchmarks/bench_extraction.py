"""Compare extract_article with trafilatura alone on the golden pages.

Target: extract_article at most 20 % slower than
``trafilatura.bare_extraction(with_metadata=True, include_comments=False)``.
Run: ``.venv/bin/python benchmarks/bench_extraction.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from newsspider.extraction.errors import NotAnArticle
from newsspider.extraction.extract import extract_article

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _load() -> list[tuple[bytes, str, str]]:
    pages = []
    for spec_path in sorted(PAGES.glob("*.expected.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        html = spec_path.with_name(spec_path.name.replace(".expected.json", ".html")).read_bytes()
        pages.append((html, spec["url"], spec.get("timezone", "UTC")))
    return pages


def _ours(pages: list[tuple[bytes, str, str]]) -> None:
    for html, url, zone in pages:
        with contextlib.suppress(NotAnArticle):
            extract_article(html, url, timezone=zone, now=NOW)


def _trafilatura(pages: list[tuple[bytes, str, str]]) -> None:
    for html, url, _ in pages:
        trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)


def _rate(func, pages: list[tuple[bytes, str, str]], rounds: int) -> float:
    func(pages)  # warm-up: imports, compiled regexes and XPaths
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            func(pages)
        best = min(best, time.perf_counter() - start)
    return rounds * len(pages) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    pages = _load()
    ours = _rate(_ours, pages, args.rounds)
    theirs = _rate(_trafilatura, pages, args.rounds)
    print(
        f"machine: {platform.platform()} | {platform.processor() or platform.machine()}"
        f" | {os.cpu_count()} CPUs | Python {platform.python_version()}"
    )
    print(f"pages: {len(pages)} golden pages x {args.rounds} rounds (best of 5)")
    print(f"extract_article:               {ours:8.1f} pages/s")
    print(f"trafilatura bare_extraction:   {theirs:8.1f} pages/s")
    print(f"time ratio ours/trafilatura:   {theirs / ours:8.2f} (target <= 1.20)")


if __name__ == "__main__":
    main()
