"""Read sealed snapshots: the Python API behind `newsspider query` and `newsspider sql`.

    >>> archive = Archive.open("s3://news-archive/prod")
    >>> table = archive.query(since=..., sources=["yonhap"], text='"north korean" NEAR/5 kursk')
    >>> archive.sql("SELECT source, count(*) FROM articles GROUP BY source")

Results are `pyarrow.Table`s (`.to_pandas()` works where pandas is installed). Manifests
choose and prune the files (`manifests.py`), DuckDB reads them in place with only the needed
columns, and files of an S3 archive are read from a verified local cache (`cache.py`).
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from newsspider.archive.store import ObjectStore, StoreError, open_store
from newsspider.dedup.urls import canonicalize_url
from newsspider.query import sql as sql_engine
from newsspider.query.aliases import fold_aliases
from newsspider.query.cache import ObjectCache
from newsspider.query.filters import (
    Filters,
    QueryError,
    TextPushdown,
    TimeField,
    TimeWindow,
    check_fields,
    check_sort,
    parse_text,
    text_matches,
)
from newsspider.query.manifests import (
    all_dated,
    article_files,
    raw_index_files,
    read_manifests,
    snapshots_table,
)
from newsspider.record import FIELDS
from newsspider.record_arrow import ARROW_SCHEMA
from newsspider.relevance import FIELDS as TEXT_FIELDS

log = logging.getLogger(__name__)

ARTICLE_KEY = re.compile(r"[0-9a-f]{32}")

__all__ = ["Archive", "EmptyArchive", "QueryError"]


class EmptyArchive(QueryError):
    """The archive holds no sealed snapshot (or does not exist)."""


class Archive:
    """A read-only view of an archive's sealed snapshots."""

    def __init__(self, store: ObjectStore, cache: ObjectCache | None = None) -> None:
        """Without a `cache`, remote files and manifests are downloaded afresh for each query
        into a temporary directory that is deleted afterwards. Manifests are parsed once per
        `Archive` (they never change), so a long-lived one saves that on later queries."""
        self.store = store
        self.cache = cache
        self._parsed: dict[str, dict] = {}

    @classmethod
    def open(cls, uri: str, *, cache: bool | ObjectCache = True, **options: Any) -> Archive:
        """Open the archive at `uri`; `options` (e.g. `endpoint_url`) go to `open_store`.

        Files of a remote archive are read through a local cache (`ObjectCache`) unless
        `cache=False`; a local archive is always read in place.
        """
        chosen = ObjectCache() if cache is True else (cache or None)
        return cls(open_store(uri, **options), chosen)

    def snapshots(self) -> list[dict]:
        """Every sealed snapshot's manifest, oldest first."""
        return read_manifests(self.store, self.cache, self._parsed)

    def query(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        by: TimeField = "published",
        sources: Sequence[str] = (),
        topic: str | None = None,
        text: str | None = None,
        url: str | None = None,
        article_key: str | None = None,
        wire: str | None = None,
        language: str | None = None,
        dup_group: str | None = None,
        fields: Sequence[str] | None = None,
        sort: str = "published_at",
        descending: bool = True,
        limit: int | None = None,
    ) -> pa.Table:
        """Records matching every given filter, as an Arrow table of the record schema.

        `since`/`until` bound the publication time (else the fetch time) or, with
        `by="fetched"`, the fetch time. `text` is a topic query (words, "phrases", NEAR/n,
        OR, NOT, field:term); `url` matches the crawled or canonical URL; `article_key` the
        first 32 hex digits of the SHA-256 of the canonical URL (else the URL), the key of the
        web UI's article ids; `dup_group` gives every outlet's copy of one syndicated story.
        Ties in `sort` are broken by URL, then fetch time.
        """
        columns = check_fields(list(fields) if fields else list(FIELDS))
        check_sort(sort)
        if limit is not None and limit < 0:
            raise QueryError("limit must be zero or more")
        if article_key is not None and not ARTICLE_KEY.fullmatch(article_key):
            raise QueryError(f"article key {article_key!r} is not 32 lower-case hex digits")
        filters = Filters(
            window=TimeWindow(since, until, by),
            sources=tuple(sources),
            topic=topic,
            text=parse_text(text) if text else None,
            url=_url_forms(url) if url else (),
            article_key=article_key,
            wire=wire,
            language=language,
            dup_group=dup_group,
        )
        manifests = self.snapshots()
        files = article_files(manifests, filters.window, filters.sources, filters.url_keys())
        order = f'"{sort}" {"DESC" if descending else "ASC"} NULLS LAST, url, fetched_at'
        tail = f" ORDER BY {order}" + (f" LIMIT {int(limit)}" if limit is not None else "")
        where, params = filters.where(all_dated=all_dated(files))
        try:
            with self._paths(files) as paths, sql_engine.connect() as db:
                # the alias fold and the query open the same files: parse each footer once
                db.execute("SET parquet_metadata_cache = true")
                sql_engine.register_parquet(db, "articles", paths, ARROW_SCHEMA)
                fold_aliases(db, filters)
                if filters.text is None:
                    select = ", ".join(f'"{name}"' for name in columns)
                    result = db.sql(f"SELECT {select} FROM articles {where}{tail}", params=params)
                    table = result.to_arrow_table()
                else:
                    # candidates by the push-down, then the exact match, then order and limit
                    needed = [*columns, *TEXT_FIELDS, sort, "url", "fetched_at"]
                    select = ", ".join(f'"{name}"' for name in dict.fromkeys(needed))
                    sql = f"SELECT {select} FROM articles {where}"
                    if pushed := TextPushdown.of(filters.text):
                        inner = f"SELECT {select}, {pushed.select} FROM articles {where}"
                        sql = f"SELECT {select} FROM ({inner}) WHERE {pushed.condition}"
                        params = [*params, *pushed.params]
                    candidates = db.sql(sql, params=params).to_arrow_table()
                    db.register("found", candidates.filter(text_matches(filters.text, candidates)))
                    select = ", ".join(f'"{name}"' for name in columns)
                    table = db.sql(f"SELECT {select} FROM found{tail}").to_arrow_table()
        except (duckdb.IOException, pa.ArrowException) as exc:
            message = str(exc).strip().splitlines()[0]
            raise StoreError(f"{self.store.uri}: cannot read a snapshot file: {message}") from None
        return table.cast(pa.schema([ARROW_SCHEMA.field(name) for name in columns]))

    def revisions(self, url: str, *, fields: Sequence[str] | None = None) -> pa.Table:
        """Every archived revision of a URL (crawled or canonical form), oldest first."""
        return self.query(url=url, fields=fields, sort="revision", descending=False)

    def sql(self, statement: str) -> pa.Table:
        """Run one read-only SELECT over the views `articles`, `snapshots` and `raw_index`.

        Statements that write, attach or read other files, or change settings, are refused
        with a QueryError.
        """
        sql_engine.check_read_only(statement)
        manifests = self.snapshots()
        # a view the statement does not name cannot be read: it stays empty (its files are
        # neither fetched nor opened)
        named = sql_engine.views_named(statement)
        articles = article_files(manifests, TimeWindow()) if "articles" in named else []
        raw_index = raw_index_files(manifests) if "raw_index" in named else []
        with self._paths(articles) as article_paths, self._paths(raw_index) as raw_paths:
            return sql_engine.run_read_only(
                statement,
                articles=article_paths,
                raw_index=raw_paths,
                snapshots=snapshots_table(manifests if "snapshots" in named else []),
            )

    def ensure_sealed(self) -> None:
        """Raise EmptyArchive unless the archive holds a sealed snapshot.

        `query` and `sql` answer an empty archive with empty results, like a table with no
        rows; a command line tool calls this first, since there a typo in the URI is likelier.
        """
        if self.snapshots():
            return
        root = self.store.local_path("manifests")
        if root is not None and not root.parent.is_dir():
            raise EmptyArchive(f"{self.store.uri}: no archive here (the directory does not exist)")
        raise EmptyArchive(f"{self.store.uri}: the archive has no sealed snapshots yet")

    @contextmanager
    def _paths(self, snapshots: list[list[dict]]) -> Iterator[list[list[Path]]]:
        """Local paths of each snapshot's files: in place, or verified copies from the cache."""
        entries = [entry for files in snapshots for entry in files]
        local = [self.store.local_path(entry["key"]) for entry in entries]
        if all(path is not None for path in local):
            for entry, path in zip(entries, local, strict=True):
                if not path.is_file():  # type: ignore[union-attr]
                    raise StoreError(f"{self.store.uri}: sealed file {entry['key']} is missing")
            yield _regroup(local, snapshots)  # type: ignore[arg-type]
            return
        wanted = [(entry["key"], entry["sha256"]) for entry in entries]
        if self.cache is not None:
            yield _regroup(self.cache.fetch(self.store, wanted), snapshots)
            return
        with tempfile.TemporaryDirectory(prefix="newsspider-query-") as scratch:
            yield _regroup(ObjectCache(scratch, max_bytes=0).fetch(self.store, wanted), snapshots)


def _regroup(paths: list[Path], snapshots: list[list[dict]]) -> list[list[Path]]:
    """`paths` (one per file, in order) split back into the snapshots' groups."""
    groups, start = [], 0
    for files in snapshots:
        groups.append(paths[start : start + len(files)])
        start += len(files)
    return groups


def _url_forms(url: str) -> tuple[str, ...]:
    """The URL as given and its canonical form, so either spelling finds the record."""
    try:
        canonical = canonicalize_url(url)
    except ValueError:
        return (url,)
    return tuple(dict.fromkeys([url, canonical]))
