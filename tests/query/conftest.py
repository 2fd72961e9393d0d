"""A small sealed archive with one of everything the query layer filters on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from newsspider.archive.local import LocalStore
from newsspider.archive.snapshot import seal_snapshot
from newsspider.archive.store import ObjectStore
from newsspider.query.api import Archive
from newsspider.staging import Staging
from tests.archive.conftest import bucket, moto_server  # noqa: F401 (S3 fixtures)
from tests.factories import make_record

STORY = "http://yonhap.example/view/10"


def articles() -> list[list[dict]]:
    """Records of three snapshots; the third holds a revision of an earlier story."""
    first = [
        make_record(1, "yonhap", "2026-11-01T01:00:00Z"),
        make_record(2, "yonhap", "2026-11-04T01:00:00Z"),
        make_record(3, "kyiv", "2026-11-04T05:00:00Z"),
        make_record(4, "tass", "2026-11-05T05:00:00Z"),
    ]
    first[2].update(
        body="Ukrainian forces said North Korean troops were captured near Kursk on Monday.",
        wire="AFP",
        language="uk",
        topics=["ukraine"],
        dup_group="g-kursk",
    )
    first[3].update(title="[bold red]Breaking[/] :fire: \x1b[2Jnews", dup_group="g-kursk")
    second = [
        make_record(5, "kyiv", "2026-11-05T09:00:00Z"),
        make_record(6, "yonhap", None),
        make_record(10, "yonhap", "2026-11-03T08:00:00Z"),
    ]
    second[0].update(body="Die Straße nach ＫＵＲＳＫ war gesperrt.", language="de")
    second[1].update(fetched_at="2026-11-06T10:00:00Z", title="Undated story")
    second[2].update(fetched_at="2026-11-03T09:00:00Z")
    revised = make_record(10, "yonhap", "2026-11-03T08:00:00Z")
    revised.update(revision=2, fetched_at="2026-11-04T09:00:00Z", title="Story 10 (updated)")
    return [first, second, [revised]]


def seal_all(store: ObjectStore, tmp_path: Path) -> list[dict]:
    sealed = []
    with Staging(tmp_path / "staging.db") as staging:
        for n, batch in enumerate(articles()):
            for record in batch:
                staging.add(f"{record['url']}#{record['revision']}", record, "t")
            result = seal_snapshot(staging, store, worker=f"w{n}")
            sealed.extend(result.files)
    return sealed


@dataclass
class Sealed:
    archive: Archive
    root: Path

    @property
    def uri(self) -> str:
        return f"file://{self.root}"


@pytest.fixture
def sealed(tmp_path) -> Sealed:
    store = LocalStore(tmp_path / "archive")
    seal_all(store, tmp_path)
    return Sealed(Archive(store), store.root)
