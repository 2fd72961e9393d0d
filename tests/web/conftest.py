"""Sealed archives for the browser tests: a hostile one (script in every field, a capture
that tries to run), a story told twice, and one URL in two revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsspider.archive.local import LocalStore
from newsspider.archive.snapshot import seal_snapshot
from newsspider.archive.warc import Exchange, WarcSpool
from newsspider.config import Config, parse_config
from newsspider.staging import Staging
from newsspider.web.app import create_app
from newsspider.web.browse import article_id
from newsspider.web.settings import WebSettings
from tests.factories import make_record

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
HOSTILE_URL = "javascript:alert(3)//<script>"
#: What the hostile capture's script would do if it ran, in its frame or in the page.
CAPTURED_PAGE = (
    b"<html><head><title>captured</title></head><body><h1>Archived copy</h1>"
    b"<script>document.title='PWNED';try{parent.document.title='PWNED';"
    b"var e=parent.document.createElement('div');e.id='pwned';"
    b"parent.document.body.appendChild(e)}catch(x){}</script></body></html>"
)
REVISED_URL = "http://yonhap.example/view/77"
#: The tests' "now": the day after the archived stories.
NOW = datetime(2026, 11, 6, 12, tzinfo=UTC)
WIRE_BODY = (
    "North Korean troops suffered heavy casualties in Kursk, the spy agency said. "
    "Lawmakers were briefed on Tuesday. The agency gave no figures."
)


@dataclass
class Sealed:
    """A sealed archive and the ids of the records the tests look at."""

    root: Path
    config: Config
    ids: dict[str, str]
    group: str

    @property
    def uri(self) -> str:
        return f"file://{self.root}"


def config_for(uri: str, state: Path) -> Config:
    return parse_config(
        f"""
[archive]
uri = "{uri}"
[state]
staging = "{state / "staging.db"}"
uri = "sqlite:///{state / "seen.db"}"
[schedule]
groups = {{ korea = "*/20 * * * *" }}
[[sources]]
name = "yonhap"
home = "http://yonhap.example/"
timezone = "Asia/Seoul"
group = "korea"
[[sources]]
name = "koreatimes"
home = "http://koreatimes.example/"
timezone = "Asia/Seoul"
group = "korea"
[[sources]]
name = "quiet"
home = "http://quiet.example/"
group = "korea"
[[topics]]
name = "nk"
include = ["kursk"]
"""
    )


def _hostile(spool: Path) -> dict:
    record = make_record(1, "evil-source", "2026-11-05T01:00:00Z")
    for name, value in list(record.items()):
        if isinstance(value, str) and name not in ("published_at", "fetched_at", "source"):
            record[name] = PAYLOAD
    record.update(
        url=HOSTILE_URL,
        canonical_url=HOSTILE_URL,
        duplicate_of=HOSTILE_URL,
        title=f"Kursk {PAYLOAD}",
        body=f"Troops near Kursk. {PAYLOAD}\n\n{PAYLOAD}",
        authors=[PAYLOAD],
        topics=[PAYLOAD],
        captions=[PAYLOAD],
        topic_scores={PAYLOAD: 1.0},
        extraction={PAYLOAD: PAYLOAD},
        content_sha256="f" * 64,
    )
    writer = WarcSpool(spool)
    try:
        ref = writer.write(
            Exchange(
                url="http://evil.example/story",
                method="GET",
                request_headers=[("User-Agent", "newsspider-test")],
                status=200,
                reason="OK",
                response_headers=[
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("X-Evil", PAYLOAD),
                ],
                body=CAPTURED_PAGE,
                fetched_at=datetime(2026, 11, 5, 2, tzinfo=UTC),
            )
        )
    finally:
        writer.close()
    record.update(
        warc_file=ref.warc_file,
        warc_record_id=ref.warc_record_id,
        warc_offset=ref.warc_offset,
        warc_length=ref.warc_length,
    )
    return record


def _story_copies() -> list[dict]:
    wire = make_record(2, "yonhap", "2026-11-05T03:00:00Z")
    wire.update(title="N. Korean troops suffer heavy casualties in Kursk", body=WIRE_BODY)
    wire["wire"] = "Yonhap"
    copy = make_record(3, "koreatimes", "2026-11-05T05:00:00Z")
    copy.update(
        title="Spy agency: North Korean soldiers suffer casualties in Kursk",
        body=WIRE_BODY.replace("Lawmakers were briefed on Tuesday. ", "")
        + " Seoul and Washington condemned the deployment.",
        wire="Yonhap",
        duplicate_of=wire["url"],
    )
    wire["dup_group"] = copy["dup_group"] = article_id(wire).split("-")[0]
    return [wire, copy]


def _revisions() -> list[dict]:
    first = make_record(77, "yonhap", "2026-11-04T01:00:00Z")
    first.update(
        url=REVISED_URL,
        canonical_url=REVISED_URL,
        title="Seoul says 1,000 troops sent",
        body="Seoul said 1,000 more troops were sent to Russia on Monday.",
    )
    second = dict(first)
    second.update(
        title="Seoul says 3,000 troops sent",
        body="Seoul said 3,000 more troops were sent to Russia on Sunday.",
        revision=2,
        fetched_at="2026-11-05T12:00:00Z",
        content_sha256="e" * 64,
    )
    return [first, second]


def seal_test_archive(tmp_path: Path) -> Sealed:
    """Three snapshots: the hostile record with its capture, the story group, the revision."""
    root, state, spool = tmp_path / "archive", tmp_path / "state", tmp_path / "spool"
    state.mkdir(parents=True, exist_ok=True)
    store = LocalStore(root)
    hostile = _hostile(spool)
    copies = _story_copies()
    first, second = _revisions()
    with Staging(state / "staging.db") as staging:
        for batch, with_spool in (([hostile, *copies], True), ([first], False), ([second], False)):
            for record in batch:
                staging.add(f"{record['url']}#{record['revision']}", record, "t")
            seal_snapshot(staging, store, spool=spool if with_spool else None)
    ids = {
        "hostile": article_id(hostile),
        "wire": article_id(copies[0]),
        "copy": article_id(copies[1]),
        "revised": article_id(second),
    }
    return Sealed(root, config_for(f"file://{root}", state), ids, copies[0]["dup_group"])


@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> Sealed:
    return seal_test_archive(tmp_path_factory.mktemp("web-archive"))


def client_for(config: Config, settings: WebSettings | None = None, **options) -> TestClient:
    """A client on loopback (the app only answers loopback Host headers without a token)."""
    app = create_app(config, settings or WebSettings(), **options)
    return TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(sealed) -> TestClient:
    return client_for(sealed.config, clock=lambda: NOW)
