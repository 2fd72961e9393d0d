"""The article record: field names and kinds, schema version and timestamps, defined once.

Every stage (pipelines, staging, snapshots, query) imports the contract from here, so a
field is added or renamed in exactly one place.

Schema versions: 2 added `record_type` and `also_published_at` (older files read them as
NULL: every row an article).
"""

from __future__ import annotations

from datetime import UTC, datetime

SCHEMA_VERSION = 2

#: `record_type` of a full article record.
ARTICLE = "article"
#: `record_type` of an alias: another URL's copy of the record named by `duplicate_of` (same
#: text, or a near copy under `[dedup] policy = "first_only"`), archived without its body.
ALIAS = "alias"

#: Field name -> kind, in output order. Kinds are plain names, so the crawl imports the
#: contract without pyarrow; `record_arrow.ARROW_TYPES` gives each kind its Arrow type.
FIELDS: dict[str, str] = {
    "url": "str",
    "canonical_url": "str",
    "source": "str",
    "title": "str",
    "authors": "str_list",
    "published_at": "timestamp",
    "published_at_raw": "str",
    "modified_at": "timestamp",
    "body": "str",
    "description": "str",
    "section": "str",
    "language": "str",
    "wire": "str",
    "captions": "str_list",
    "topics": "str_list",
    "topic_scores": "str_float_map",
    "content_sha256": "str",
    "dup_group": "str",
    "duplicate_of": "str",
    "record_type": "str",
    "also_published_at": "str_list",
    "revision": "int32",
    "revision_summary": "str",
    "fetched_at": "timestamp",
    "warc_file": "str",
    "warc_record_id": "str",
    "warc_offset": "int64",
    "warc_length": "int64",
    "extraction": "str_str_map",
}

#: Fields that hold timestamps: ISO 8601 UTC strings in JSON, timestamps in Arrow.
TIMESTAMP_FIELDS = frozenset(k for k, kind in FIELDS.items() if kind == "timestamp")
LIST_FIELDS = frozenset(k for k, kind in FIELDS.items() if kind == "str_list")
MAP_FIELDS = frozenset(k for k, kind in FIELDS.items() if kind.endswith("_map"))


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
