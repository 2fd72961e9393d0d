"""Revisions through real crawls: a story edited after publication is archived again, once."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import one_site_config, run_newsspider
from tests.feedsite import FeedSite

pytestmark = pytest.mark.slow

PARAGRAPHS = [
    "North Korean troops deployed to Russia's Kursk region suffered heavy losses this week, "
    "South Korea's spy agency told lawmakers on Tuesday.",
    "The National Intelligence Service said about 1,100 soldiers had been killed or wounded "
    "in drone strikes since the deployment began in October.",
    '"The casualties are mounting as they are thrown into assaults," an official said, '
    "adding that Pyongyang was preparing to send more troops.",
]


STORY = "/news/kursk-losses"
TITLE = "N. Korean troops suffer heavy losses in Kursk"


@pytest.fixture
def site():
    web = FeedSite({STORY: (TITLE, PARAGRAPHS)}, datetime.now(UTC) - timedelta(hours=2))
    yield web
    web.close()


def backdate(tmp_path, hours: float) -> None:
    """Pretend the story was first seen `hours` ago (the tracker's clock is the wall clock)."""
    with sqlite3.connect(tmp_path / "revisions.db") as db:
        db.execute(
            "UPDATE tracked SET first_seen = first_seen - ?, last_checked = last_checked - ?",
            (hours * 3600, hours * 3600),
        )


def test_edited_story_becomes_revision_two_and_unchanged_rechecks_write_nothing(tmp_path, site):
    config = one_site_config(tmp_path, site.base)
    run_newsspider(config, "run")
    site.pages[STORY] = (TITLE, [*PARAGRAPHS[:2], "The agency later revised the figure to 1,500."])
    run_newsspider(config, "run")  # not yet due: nothing re-fetched
    backdate(tmp_path, 1.5)
    second = run_newsspider(config, "run")
    assert re.search(r"re-checked\s*│\s*1\b", second.stderr), second.stderr
    assert re.search(r"new revisions\s*│\s*1\b", second.stderr)
    backdate(tmp_path, 5)
    third = run_newsspider(config, "run")  # due again (6 h), unchanged: no new record
    assert re.search(r"dropped: unchanged\s*│\s*1\b", third.stderr), third.stderr

    listed = run_newsspider(config, "query", "--format", "jsonl", "--sort", "revision")
    records = [json.loads(line) for line in listed.stdout.split("\n") if line]
    assert [r["revision"] for r in records] == [2, 1]
    newest, first = records
    assert newest["url"] == first["url"] == f"{site.base}{STORY}"
    assert "1,500" in newest["body"] and "1,500" not in first["body"]
    assert newest["revision_summary"].startswith("+1 −1 paragraphs")
    assert newest["dup_group"] == first["dup_group"]
