"""Worker processes crawling together through the real Redis: exactly-once archiving, recovery
of a SIGKILLed worker's work, and politeness that holds across workers."""

from __future__ import annotations

import json
import signal

import pytest

from newsspider.config import load_config
from newsspider.distributed.frontier import Frontier
from newsspider.distributed.frontier import seed as seed_round
from newsspider.testweb import TestWeb
from tests.distributed.cluster import (
    archived,
    cluster_config,
    newsspider,
    poll,
    start_idle_workers,
    start_worker,
    wait_all,
    worker_log,
)
from tests.distributed.synthetic_site import TOPIC_WORD, SyntheticSite

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def web():
    with TestWeb.start() as running:
        yield running


def seed(config) -> None:
    result = newsspider("cluster", "seed", "--config", str(config), cwd=config.parent)
    assert result.returncode == 0, result.stderr
    assert "start requests queued" in result.stderr


def assert_each_expected_article_archived_once(web: TestWeb, records: list[dict]) -> None:
    expected = {article.url for article in web.expected(recency_days=3)}
    urls = [record["url"] for record in records]
    assert set(urls) == expected, (
        f"missing: {sorted(expected - set(urls))}\nunexpected: {sorted(set(urls) - expected)}"
    )
    assert len(urls) == len(expected), "an article was archived more than once"


def test_two_workers_archive_each_expected_article_exactly_once(web, tmp_path, redis_url):
    config = cluster_config(tmp_path, redis_url, web.sources())
    workers = start_idle_workers(config, ["w1", "w2"])
    seed_round(load_config(config))
    assert wait_all(workers) == [0, 0], worker_log(config, "w1") + worker_log(config, "w2")

    records = archived(config)
    assert_each_expected_article_archived_once(web, records)
    manifests = [json.loads(p.read_text()) for p in (tmp_path / "archive/manifests").iterdir()]
    assert {m["worker"] for m in manifests if m["articles"]} == {"w1", "w2"}, "one worker idled"
    assert all(f"-{m['worker']}-" in m["snapshot_id"] for m in manifests)
    # A syndicated copy joins the group of the first copy whichever worker fetched it.
    by_url = {record["url"]: record for record in records}
    groups: dict[str, list[dict]] = {}
    for article in web.expected(recency_days=3):
        if article.syndicated_group:
            groups.setdefault(article.syndicated_group, []).append(by_url[article.url])
    assert groups
    for members in groups.values():
        assert len({member["dup_group"] for member in members}) == 1
        assert sum(1 for member in members if not member["duplicate_of"]) == 1

    status = newsspider("cluster", "status", "--config", str(config), "--json", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)
    frontier = shown["frontier"]
    assert (frontier["starts"], frontier["pending"], frontier["processing"]) == (0, 0, 0)
    assert shown["workers"] == []  # both stopped cleanly


def test_a_sigkilled_workers_requests_are_redone_by_the_other(web, tmp_path, redis_url):
    config = cluster_config(tmp_path, redis_url, web.sources())
    frontier = Frontier.from_config(load_config(config))
    seed(config)
    victim = start_worker(config, "victim", exit_when_idle=60)
    poll(
        lambda: frontier.counts().processing_by_worker.get("victim", 0) >= 2,
        30,
        "the victim to hold requests",
    )
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    taken = frontier.counts().processing_by_worker.get("victim", 0)
    assert taken > 0, "the victim finished its requests before the kill: nothing to recover"

    survivor = start_worker(config, "survivor")
    assert wait_all([survivor]) == [0], worker_log(config, "survivor")
    counts = frontier.counts()
    assert counts.requeued >= taken and counts.processing == 0 and counts.dead == 0

    # The victim comes back (same id, same disk) and seals what it had staged before the kill.
    restarted = start_worker(config, "victim", exit_when_idle=0.5)
    assert wait_all([restarted]) == [0], worker_log(config, "victim")
    assert_each_expected_article_archived_once(web, archived(config))
    frontier.close()


def test_per_domain_concurrency_and_delay_hold_across_two_workers(tmp_path, redis_url):
    site = SyntheticSite(24, latency=0.03)
    try:
        config = cluster_config(
            tmp_path,
            redis_url,
            [site.source(concurrency=1, delay=0.04)],
            topics=[{"name": "harbour", "include": [TOPIC_WORD]}],
        )
        workers = start_idle_workers(config, ["w1", "w2"])
        seed_round(load_config(config))
        assert wait_all(workers) == [0, 0], worker_log(config, "w1") + worker_log(config, "w2")
        assert site.served >= 26  # robots.txt, the feed and every article
        assert site.max_in_flight == 1
        gaps = [b - a for a, b in zip(site.starts, site.starts[1:], strict=False)]
        assert min(gaps) >= 0.035, f"two requests started {min(gaps):.3f}s apart"
        assert len(archived(config)) == 24
        both = [worker_log(config, name) for name in ("w1", "w2")]
        assert all(" 0 pages" not in log for log in both), "one worker fetched nothing"
    finally:
        site.stop()


def test_a_worker_stopped_with_sigterm_hands_its_requests_back_at_once(web, tmp_path, redis_url):
    config = cluster_config(
        tmp_path,
        redis_url,
        web.sources(),
        distributed={"visibility_timeout": 60, "heartbeat_interval": 1},
    )
    frontier = Frontier.from_config(load_config(config))
    seed(config)
    worker = start_worker(config, "w1", exit_when_idle=60)
    poll(
        lambda: frontier.counts().processing_by_worker.get("w1", 0) >= 2,
        30,
        "the worker to hold requests",
    )
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0, worker_log(config, "w1")
    counts = frontier.counts()
    assert counts.processing == 0 and counts.requeued == 0
    assert counts.starts + counts.pending > 0
    frontier.close()
