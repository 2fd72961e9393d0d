"""Read sealed snapshots: the Python API behind `newsspider query`.

Manifests are the source of truth: only files a manifest lists are read, so half-published
snapshots stay invisible. Partition values in the manifest (date, source) prune files before
anything is opened.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from newsspider.archive.snapshot import MANIFEST_PREFIX
from newsspider.archive.store import KeyNotFound, ObjectStore, StoreError, open_store
from newsspider.query.cache import ObjectCache
from newsspider.record import ARROW_SCHEMA, FIELDS

log = logging.getLogger(__name__)

SORTABLE = ("published_at", "fetched_at", "source", "title", "url")


class QueryError(ValueError):
    """A query the user asked for cannot be answered as asked."""


@dataclass(frozen=True, slots=True)
class Filters:
    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()
    topic: str | None = None
    text: str | None = None
    url: str | None = None
    wire: str | None = None
    language: str | None = None


class Archive:
    """A read-only view of an archive's sealed snapshots."""

    def __init__(self, store: ObjectStore, cache: ObjectCache | None = None) -> None:
        self.store = store
        self.cache = cache

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
        manifests = []
        for key in self.store.list(MANIFEST_PREFIX):
            if key.endswith(".json"):
                manifests.append(json.loads(self.store.get(key)))
        return sorted(manifests, key=lambda m: m["snapshot_id"])

    def _files(self, filters: Filters) -> list[dict]:
        low = filters.since.date() if filters.since else date.min
        high = filters.until.date() if filters.until else date.max
        chosen = []
        for manifest in self.snapshots():
            for entry in manifest["files"]:
                if filters.sources and entry["source"] not in filters.sources:
                    continue
                if entry["date"] != "unknown" and not (
                    low <= date.fromisoformat(entry["date"]) <= high
                ):
                    continue
                chosen.append(entry)
        return chosen

    def _read(self, entry: dict) -> pa.Table:
        """One snapshot file: in place when the store is local, else via the cache."""
        key, sha256 = entry["key"], entry["sha256"]
        missing = StoreError(f"{self.store.uri}: snapshot file {key} is missing")
        path = self.store.local_path(key)
        if path is not None:
            try:
                return pq.read_table(path, schema=ARROW_SCHEMA)
            except FileNotFoundError:
                raise missing from None
        try:
            if self.cache is not None:
                data = self.cache.read(self.store, key, sha256)
            else:
                data = self.store.get(key)
                if hashlib.sha256(data).hexdigest() != sha256:
                    raise StoreError(f"{self.store.uri}: {key} does not match its manifest SHA-256")
        except KeyNotFound:
            raise missing from None
        return pq.read_table(pa.BufferReader(data), schema=ARROW_SCHEMA)

    def query(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        sources: tuple[str, ...] | list[str] = (),
        topic: str | None = None,
        text: str | None = None,
        url: str | None = None,
        wire: str | None = None,
        language: str | None = None,
        fields: list[str] | None = None,
        sort: str = "published_at",
        descending: bool = True,
        limit: int | None = None,
    ) -> pa.Table:
        """Records matching every given filter, as an Arrow table of the record schema."""
        filters = Filters(since, until, tuple(sources), topic, text, url, wire, language)
        columns = fields or list(FIELDS)
        unknown = [name for name in [*columns, sort] if name not in FIELDS]
        if unknown:
            raise QueryError(f"unknown field(s): {', '.join(unknown)} (known: {', '.join(FIELDS)})")
        if limit is not None and limit < 0:
            raise QueryError("limit must be zero or more")
        files = self._files(filters)
        tables = [self._read(entry) for entry in files]
        articles = pa.concat_tables(tables) if tables else ARROW_SCHEMA.empty_table()
        where, params = _where(filters)
        order = f"{sort} {'DESC' if descending else 'ASC'} NULLS LAST, url"
        select = ", ".join(f'"{name}"' for name in columns)
        sql = f"SELECT {select} FROM articles {where} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with duckdb.connect() as db:
            db.register("articles", articles)
            return db.sql(sql, params=params).to_arrow_table()


def _where(filters: Filters) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    when = "coalesce(published_at, fetched_at)"
    if filters.since:
        clauses.append(f"{when} >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"{when} <= ?")
        params.append(filters.until)
    if filters.sources:
        clauses.append(f"source IN ({', '.join('?' for _ in filters.sources)})")
        params.extend(filters.sources)
    if filters.topic:
        clauses.append("list_contains(topics, ?)")
        params.append(filters.topic)
    if filters.url:
        clauses.append("(url = ? OR canonical_url = ?)")
        params.extend([filters.url, filters.url])
    if filters.wire:
        clauses.append("lower(wire) = lower(?)")
        params.append(filters.wire)
    if filters.language:
        clauses.append("language = ?")
        params.append(filters.language)
    for word in (filters.text or "").split():
        clauses.append("contains(lower(concat_ws(' ', title, description, body)), lower(?))")
        params.append(word.strip('"'))
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params
