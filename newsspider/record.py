"""The article record: field names, schema version and Arrow schema, defined once.

Every stage (pipelines, staging, snapshots, query) imports the contract from here, so a
field is added or renamed in exactly one place.

Schema versions: 2 added `record_type` and `also_published_at` (older files read them as
NULL: every row an article).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

SCHEMA_VERSION = 2

#: `record_type` of a full article record.
ARTICLE = "article"
#: `record_type` of an alias: another URL's copy of the record named by `duplicate_of` (same
#: text, or a near copy under `[dedup] policy = "first_only"`), archived without its body.
ALIAS = "alias"

_STR = pa.string()
_STRS = pa.list_(pa.string())
_TS = pa.timestamp("us", tz="UTC")

#: Field name -> Arrow type, in output order.
FIELDS: dict[str, pa.DataType] = {
    "url": _STR,
    "canonical_url": _STR,
    "source": _STR,
    "title": _STR,
    "authors": _STRS,
    "published_at": _TS,
    "published_at_raw": _STR,
    "modified_at": _TS,
    "body": _STR,
    "description": _STR,
    "section": _STR,
    "language": _STR,
    "wire": _STR,
    "captions": _STRS,
    "topics": _STRS,
    "topic_scores": pa.map_(pa.string(), pa.float64()),
    "content_sha256": _STR,
    "dup_group": _STR,
    "duplicate_of": _STR,
    "record_type": _STR,
    "also_published_at": _STRS,
    "revision": pa.int32(),
    "revision_summary": _STR,
    "fetched_at": _TS,
    "warc_file": _STR,
    "warc_record_id": _STR,
    "warc_offset": pa.int64(),
    "warc_length": pa.int64(),
    "extraction": pa.map_(pa.string(), pa.string()),
}

#: Fields that hold timestamps: ISO 8601 UTC strings in JSON, timestamps in Arrow.
TIMESTAMP_FIELDS = frozenset(k for k, t in FIELDS.items() if t == _TS)
LIST_FIELDS = frozenset(k for k, t in FIELDS.items() if t == _STRS)
MAP_FIELDS = frozenset(k for k, t in FIELDS.items() if pa.types.is_map(t))

ARROW_SCHEMA = pa.schema([pa.field(name, typ) for name, typ in FIELDS.items()])


def empty_record() -> dict:
    """A record with every contract field present, so partial records stay uniform."""
    record: dict = {name: None for name in FIELDS}
    for name in LIST_FIELDS:
        record[name] = []
    for name in MAP_FIELDS:
        record[name] = {}
    record["revision"] = 1
    record["record_type"] = ARTICLE
    return record


def as_alias(record: dict, duplicate_of: str) -> dict:
    """Turn a record into an alias of the record `duplicate_of` names: it keeps its own URL,
    source, title and dates, and drops the text the other record already holds."""
    record["record_type"] = ALIAS
    record["duplicate_of"] = duplicate_of
    record["body"] = ""
    record["captions"] = []
    return record


def parse_timestamp(value: str | None) -> datetime | None:
    """ISO 8601 (with `Z` or an offset) to an aware UTC datetime; None stays None."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_timestamp(value: datetime | None) -> str | None:
    """Aware datetime to the record's ISO form: `2026-11-05T01:03:00Z`."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def records_to_table(records: list[dict]) -> pa.Table:
    """JSON-edge records to an Arrow table of the contract schema (unknown keys ignored)."""
    columns: dict[str, list] = {name: [] for name in FIELDS}
    for record in records:
        for name in FIELDS:
            value = record.get(name)
            if name in TIMESTAMP_FIELDS:
                value = parse_timestamp(value)
            elif name in MAP_FIELDS:
                value = list((value or {}).items())
            elif name in LIST_FIELDS:
                value = list(value or [])
            columns[name].append(value)
    return pa.table(columns, schema=ARROW_SCHEMA)


def table_to_records(table: pa.Table) -> list[dict]:
    """Arrow rows back to JSON-edge records (timestamps as ISO strings, maps as dicts)."""
    records = table.to_pylist()
    for record in records:
        for name, value in record.items():
            if isinstance(value, datetime):
                record[name] = format_timestamp(value)
            elif name in MAP_FIELDS and value is not None:
                record[name] = dict(value)
    return records
