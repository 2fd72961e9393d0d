"""Revisions through real crawls: a story edited after publication is archived again, once."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import one_site_config

pytestmark = pytest.mark.slow

PARAGRAPHS = [
    "North Korean troops deployed to Russia's Kursk region suffered heavy losses this week, "
    "South Korea's spy agency told lawmakers on Tuesday.",
    "The National Intelligence Service said about 1,100 soldiers had been killed or wounded "
    "in drone strikes since the deployment began in October.",
    '"The casualties are mounting as they are thrown into assaults," an official said, '
    "adding that Pyongyang was preparing to send more troops.",
]


class NewsSite(BaseHTTPRequestHandler):
    story = {"title": "N. Korean troops suffer heavy losses in Kursk", "paragraphs": PARAGRAPHS}
    published = datetime.now(UTC) - timedelta(hours=2)

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path == "/rss.xml":
            body = (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                f"<item><title>{self.story['title']}</title><link>{base}/news/kursk-losses</link>"
                f"<pubDate>{format_datetime(self.published)}</pubDate></item></channel></rss>"
            ).encode()
            self._send(body, "application/rss+xml")
        elif self.path == "/news/kursk-losses":
            paragraphs = "".join(f"<p>{p}</p>" for p in self.story["paragraphs"])
            body = (
                "<html><head><title>{0}</title>"
                '<meta property="og:type" content="article">'
                f'<meta property="article:published_time" content="{self.published.isoformat()}">'
                "</head><body><article><h1>{0}</h1>{1}</article></body></html>"
            ).format(self.story["title"], paragraphs)
            self._send(body.encode(), "text/html; charset=utf-8")
        else:
            self.send_error(404)

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), NewsSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run(config, *args):
    result = subprocess.run(
        [sys.executable, "-m", "newsspider", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=config.parent,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def backdate(tmp_path, hours: float) -> None:
    """Pretend the story was first seen `hours` ago (the tracker's clock is the wall clock)."""
    with sqlite3.connect(tmp_path / "revisions.db") as db:
        db.execute(
            "UPDATE tracked SET first_seen = first_seen - ?, last_checked = last_checked - ?",
            (hours * 3600, hours * 3600),
        )


def test_edited_story_becomes_revision_two_and_unchanged_rechecks_write_nothing(tmp_path, site):
    base = f"http://127.0.0.1:{site.server_port}"
    config = one_site_config(tmp_path, base)
    run(config, "run")
    NewsSite.story = {
        "title": NewsSite.story["title"],
        "paragraphs": [*PARAGRAPHS[:2], "The agency later revised the figure to 1,500."],
    }
    run(config, "run")  # not yet due: nothing re-fetched
    backdate(tmp_path, 1.5)
    second = run(config, "run")
    assert re.search(r"re-checked\s*│\s*1\b", second.stderr), second.stderr
    assert re.search(r"new revisions\s*│\s*1\b", second.stderr)
    backdate(tmp_path, 5)
    third = run(config, "run")  # due again (6 h), unchanged: no new record
    assert re.search(r"dropped: unchanged\s*│\s*1\b", third.stderr), third.stderr

    records = [
        json.loads(line)
        for line in run(config, "query", "--format", "jsonl", "--sort", "revision").stdout.split(
            "\n"
        )
        if line
    ]
    assert [r["revision"] for r in records] == [2, 1]
    newest, first = records
    assert newest["url"] == first["url"] == f"{base}/news/kursk-losses"
    assert "1,500" in newest["body"] and "1,500" not in first["body"]
    assert newest["revision_summary"].startswith("+1 −1 paragraphs")
    assert newest["dup_group"] == first["dup_group"]
