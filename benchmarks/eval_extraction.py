"""Score extraction and relevance on the labelled test news web (39 pages of 5 site layouts).

Every article page of the bundled example sites is fetched over loopback, extracted with
`extract_article` and matched against the bundled default topic; the catalog of the test web
is the ground truth. Prints body token F1, title exact match, date accuracy (within 60 s),
author and wire accuracy, and relevance precision/recall.

    .venv/bin/python benchmarks/eval_extraction.py
"""

from __future__ import annotations

import platform
import re
import urllib.request
from collections import Counter
from datetime import timedelta

from newsspider.config import bundled_config_text, parse_config
from newsspider.extraction.errors import NotAnArticle
from newsspider.extraction.extract import extract_article
from newsspider.record import parse_timestamp
from newsspider.relevance import TopicMatcher
from newsspider.testweb import TestWeb

TIMEZONES = {
    "yonhap-test": "Asia/Seoul",
    "koreatimes-test": "Asia/Seoul",
    "hankook-test": "Asia/Seoul",
    "kyiv-test": "Europe/Kyiv",
    "tass-test": "Europe/Moscow",
}


def tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.casefold()))


def token_f1(got: str, want: str) -> float:
    got_tokens, want_tokens = tokens(got), tokens(want)
    overlap = sum((got_tokens & want_tokens).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got_tokens.values())
    recall = overlap / sum(want_tokens.values())
    return 2 * precision * recall / (precision + recall)


def main() -> None:
    config = parse_config(bundled_config_text())
    matcher = TopicMatcher(config.topics)
    scores: dict[str, list[float]] = {k: [] for k in ("body", "title", "date", "authors", "wire")}
    tp = fp = fn = 0
    with TestWeb.start() as web:
        for article in web.articles:
            if article.status != 200:
                continue
            html = urllib.request.urlopen(article.url, timeout=10).read()
            try:
                record = extract_article(html, article.url, timezone=TIMEZONES[article.site])
            except NotAnArticle as exc:
                print(f"NOT AN ARTICLE {article.url}: {exc}")
                fn += article.relevant
                continue
            scores["body"].append(token_f1(record["body"] or "", article.body))
            scores["title"].append(float(record["title"] == article.title))
            published = parse_timestamp(record["published_at"])
            close = published and abs(published - article.published_at) <= timedelta(seconds=60)
            scores["date"].append(float(bool(close)))
            scores["authors"].append(float(record["authors"] == article.authors))
            scores["wire"].append(float((record["wire"] or None) == article.wire))
            matched = bool(matcher.match(record))
            tp += matched and article.relevant
            fp += matched and not article.relevant
            fn += (not matched) and article.relevant
            if matched != article.relevant:
                print(f"RELEVANCE {'FP' if matched else 'FN'}: {article.title}")
    print(f"machine: {platform.platform()}, python {platform.python_version()}")
    print(f"pages scored: {len(scores['body'])}")
    for name, values in scores.items():
        print(f"{name:8s} {sum(values) / len(values):.3f}")
    print(f"relevance precision {tp / max(tp + fp, 1):.3f} recall {tp / max(tp + fn, 1):.3f}")


if __name__ == "__main__":
    main()
