"""Article pages look their record up in the few files that may hold it, not the archive."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsspider.archive.compact import compact
from newsspider.archive.local import LocalStore
from newsspider.query.api import Archive
from newsspider.query.manifests import read_manifests
from newsspider.web.browse import ArchiveBrowser, NotFound
from tests.web.conftest import REVISED_URL, seal_test_archive


class CountingLocalStore(LocalStore):
    """Remembers which data files the reader opened."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.opened: list[str] = []

    def local_path(self, key: str):
        if key.endswith(".parquet"):
            self.opened.append(key)
        return super().local_path(key)


@pytest.fixture
def archive(tmp_path):
    sealed = seal_test_archive(tmp_path)
    return sealed, CountingLocalStore(sealed.root)


def test_an_article_is_read_from_the_files_that_hold_its_url(archive):
    sealed, store = archive
    browser = ArchiveBrowser(Archive(store))
    record = browser.article(sealed.ids["revised"])
    assert (record["url"], record["revision"]) == (REVISED_URL, 2)
    # one file per revision (two snapshots); the other snapshot's yonhap story is not read
    assert len(store.opened) == 2
    assert all(key.startswith("articles/date=2026-11-04/source=yonhap/") for key in store.opened)

    store.opened.clear()
    first = browser.article(sealed.ids["revised"].replace("-2", "-1"))
    assert first["title"] == "Seoul says 1,000 troops sent"
    assert len(store.opened) == 2


def test_an_article_is_found_after_its_month_was_compacted(archive):
    sealed, store = archive
    compact(store, read_manifests(store, None), clock=lambda: datetime(2026, 12, 20, tzinfo=UTC))
    browser = ArchiveBrowser(Archive(store))
    store.opened.clear()
    record = browser.article(sealed.ids["copy"])
    assert record["source"] == "koreatimes"
    assert store.opened == [
        "articles_monthly/month=2026-11/source=koreatimes/" + store.opened[0].rsplit("/", 1)[1]
    ]


def test_unknown_and_malformed_article_ids_are_not_found(archive):
    sealed, store = archive
    browser = ArchiveBrowser(Archive(store))
    with pytest.raises(NotFound, match="no article"):
        browser.article("0" * 32 + "-1")
    with pytest.raises(NotFound, match="no article"):
        browser.article(sealed.ids["wire"].replace("-1", "-7"))
    with pytest.raises(NotFound, match="not an article id"):
        browser.article("x' OR 1=1 --")
