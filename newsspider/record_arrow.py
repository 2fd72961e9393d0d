"""The archive's Arrow schemas (articles, raw index) and record conversions.

Kept apart from `record.py` and `archive/warc.py` so that the crawl, which only builds
JSON-edge records and WARC files, does not load pyarrow (~50 MB per process).
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from newsspider.record import (
    FIELDS,
    LIST_FIELDS,
    MAP_FIELDS,
    TIMESTAMP_FIELDS,
    format_timestamp,
    parse_timestamp,
)

#: Each field kind of `record.FIELDS` as its Arrow type.
ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "str_list": pa.list_(pa.string()),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "str_float_map": pa.map_(pa.string(), pa.float64()),
    "str_str_map": pa.map_(pa.string(), pa.string()),
}

ARROW_SCHEMA = pa.schema([pa.field(name, ARROW_TYPES[kind]) for name, kind in FIELDS.items()])

#: One row per captured response: the archive's `raw_index`.
RAW_INDEX_SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("warc_file", pa.string()),
        ("warc_record_id", pa.string()),
        ("warc_offset", pa.int64()),
        ("warc_length", pa.int64()),
        ("status", pa.int32()),
        ("content_type", pa.string()),
        ("fetched_at", pa.string()),
    ]
)


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
