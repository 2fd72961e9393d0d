"""Copies of one story through real crawls: exact copies become aliases of the first record,
near copies are linked (`keep_all`) or become aliases too (`first_only`)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from newsspider.dedup.neardup import NearDupParams, SqliteNearDupIndex, index_params
from tests.factories import one_site_config, run_newsspider
from tests.feedsite import FeedSite

pytestmark = pytest.mark.slow

STORY = [
    "North Korean troops deployed to Russia's Kursk region suffered heavy losses this week, "
    "South Korea's spy agency told lawmakers on Tuesday.",
    "The National Intelligence Service said about 1,100 soldiers had been killed or wounded "
    "in drone strikes since the deployment began in October.",
    '"The casualties are mounting as they are thrown into assaults," an official said, '
    "adding that Pyongyang was preparing to send more troops.",
    "Lawmakers were told the soldiers lacked experience with drones and open terrain, and "
    "that commanders had used them in waves across frozen fields.",
    "The agency said it had also seen signs that the North was producing more artillery "
    "shells and short-range missiles for shipment to Russia.",
    "Moscow and Pyongyang signed a mutual defence pact last year and have not confirmed the "
    "deployment, which Seoul and Kyiv say involves some 11,000 troops.",
]
OTHER = [
    "Ukraine said on Wednesday it had captured two North Korean soldiers in the Kursk region "
    "and was questioning them with the help of South Korean interpreters.",
    "President Volodymyr Zelensky posted a video of the men, one of whom had a jaw injury, "
    "and said Kyiv was ready to hand them over in an exchange of prisoners.",
    "The Security Service of Ukraine said the men had no military identification and carried "
    "Russian documents issued in the Tuva republic.",
]
PAGES = {  # path -> (title, paragraphs)
    "/news/kursk-losses": ("N. Korean troops suffer heavy losses in Kursk", STORY),
    "/partner/kursk-losses-copy": ("Spy agency: heavy North Korean losses", STORY),
    "/wire/kursk-losses-edited": (
        "North Korea's losses mount in Kursk, Seoul says",
        [*STORY[:5], "The report could not be independently verified, the paper said."],
    ),
    "/news/captured-soldiers": ("Ukraine captures two North Korean soldiers", OTHER),
}
PUBLISHED = datetime.now(UTC) - timedelta(hours=2)


@pytest.fixture(scope="module")
def site():
    web = FeedSite(PAGES, PUBLISHED)
    yield web.base
    web.close()


def newsspider(config, *args) -> str:
    result = run_newsspider(config, *args)
    return result.stdout + result.stderr


def jsonl(config, *args) -> list[dict]:
    return [
        json.loads(line)
        for line in newsspider(config, *args, "--format", "jsonl").split("\n")
        if line.startswith("{")
    ]


def crawl(tmp_path, base: str, policy: str):
    config = one_site_config(tmp_path, base, dedup=f'policy = "{policy}"')
    summary = newsspider(config, "run")
    stored = jsonl(
        config,
        "sql",
        "SELECT url, canonical_url, record_type, duplicate_of, dup_group, body FROM articles",
    )
    return config, summary, {row["url"].removeprefix(base): row for row in stored}


def test_exact_copy_is_an_alias_and_near_copy_a_linked_record(tmp_path, site):
    config, summary, stored = crawl(tmp_path, site, "keep_all")
    assert len(stored) == 4 and re.search(r"kept\s*│\s*3\b", summary), summary
    assert re.search(r"archived as aliases \(copies\)\s*│\s*1\b", summary), summary
    original, copy = stored["/news/kursk-losses"], stored["/partner/kursk-losses-copy"]
    first, alias = (original, copy) if copy["record_type"] == "alias" else (copy, original)
    assert (first["record_type"], alias["record_type"]) == ("article", "alias")
    assert alias["duplicate_of"] == first["canonical_url"] and alias["body"] == ""
    edited = stored["/wire/kursk-losses-edited"]
    assert edited["record_type"] == "article"
    assert alias["dup_group"] == first["dup_group"] == edited["dup_group"]
    # whichever of the two was crawled first started the group; the other links to it
    linked = {row["duplicate_of"] for row in (first, edited)}
    assert linked in ({None, first["canonical_url"]}, {None, edited["canonical_url"]})
    assert stored["/news/captured-soldiers"]["dup_group"] != first["dup_group"]

    shown = {row["url"]: row for row in jsonl(config, "query")}
    assert sorted(shown) == sorted({first["url"], edited["url"], f"{site}/news/captured-soldiers"})
    assert shown[first["url"]]["also_published_at"] == [alias["url"]]
    group = jsonl(config, "query", "--group", first["dup_group"])
    assert sorted(row["url"] for row in group) == sorted(
        {first["url"], alias["url"], edited["url"]}
    )
    stats = newsspider(config, "dedup", "stats")
    assert "4 records, 1 of them aliases" in stats
    assert re.search(r"│ 3 ", stats.split("Largest story groups", 1)[1])

    again = newsspider(config, "run")  # nothing new: no second alias, no refetch
    assert len(jsonl(config, "sql", "SELECT url FROM articles")) == 4, again


def test_first_only_keeps_the_first_and_lists_every_copy(tmp_path, site):
    config, _, stored = crawl(tmp_path, site, "first_only")
    story = [stored[path] for path in PAGES if path != "/news/captured-soldiers"]
    [first] = [row for row in story if row["record_type"] == "article"]
    assert all(row["body"] == "" for row in story if row is not first)
    assert {row["dup_group"] for row in story} == {first["dup_group"]}
    shown = {row["url"]: row for row in jsonl(config, "query")}
    assert sorted(shown) == sorted({first["url"], f"{site}/news/captured-soldiers"})
    assert sorted(shown[first["url"]]["also_published_at"]) == sorted(
        row["url"] for row in story if row is not first
    )


def test_index_built_by_an_earlier_version_keeps_its_parameters(tmp_path, site):
    """An index made with other (earlier default) parameters: the analysis workers sketch
    with its parameters, so nothing is sketched twice and copies still join its groups."""
    earlier = NearDupParams(scheme="affine32")
    SqliteNearDupIndex(tmp_path / "neardup.db", timedelta(days=7), earlier).close()
    config, summary, stored = crawl(tmp_path, site, "keep_all")
    assert "recomputed" not in summary, summary
    groups = {path: row["dup_group"] for path, row in stored.items()}
    assert groups["/news/kursk-losses"] == groups["/wire/kursk-losses-edited"]
    assert groups["/news/captured-soldiers"] != groups["/news/kursk-losses"]
    assert index_params(f"sqlite:///{tmp_path}/neardup.db") == earlier
