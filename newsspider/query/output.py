"""Query results as JSON lines, CSV or Parquet, for any Arrow table (records or SQL results).

Conversion follows the Arrow type, not the value, so a SQL result of any shape comes out the
same way as records do: timestamps as ISO 8601 (`…Z` when in UTC), maps as objects, lists as
arrays (in CSV: lists joined with "; ", maps and structs as JSON text).
"""

from __future__ import annotations

import base64
import csv
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from newsspider.record import format_timestamp


def json_rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    """The rows as JSON-ready dicts."""
    converters = [(name, _converter(table.schema.field(name).type)) for name in table.column_names]
    for batch in table.to_batches():
        columns = [(name, convert, batch.column(name).to_pylist()) for name, convert in converters]
        for row in range(batch.num_rows):
            yield {name: convert(values[row]) for name, convert, values in columns}


def write_jsonl(table: pa.Table, stream: TextIO) -> None:
    for row in json_rows(table):
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")


#: Characters a terminal or viewer acts on instead of showing: C0/C1 controls (ESC starts
#: ANSI sequences, CR rewrites the line), zero-width marks and bidi overrides.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, keep: str = "") -> str:
    """`text` with every control character (see `CONTROL_CHARACTERS`) but those in `keep`
    replaced by a space, so archived text cannot drive the terminal that shows it."""
    return CONTROL_CHARACTERS.sub(lambda m: m.group() if m.group() in keep else " ", text)


#: A spreadsheet runs a cell starting with these as a formula; such cells get a leading '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """One CSV cell: `text_cell`, control characters replaced as in `printable` (line breaks
    and tabs stay), and a cell a spreadsheet would run as a formula defused with a '."""
    text = printable(text_cell(value), keep="\n\t")
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(table: pa.Table, stream: TextIO) -> None:
    """CSV of any Arrow table, every cell made safe by `csv_cell`."""
    writer = csv.writer(stream)
    writer.writerow(printable(name) for name in table.column_names)
    for row in json_rows(table):
        writer.writerow(csv_cell(value) for value in row.values())


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd")


def text_cell(value: Any) -> str:
    """A JSON-ready value as text, for CSV and terminal tables."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "; ".join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _converter(kind: pa.DataType):
    """A function turning one Python value of Arrow type `kind` into a JSON-ready value."""
    if pa.types.is_timestamp(kind):
        return lambda v: None if v is None else _timestamp(v)
    if pa.types.is_date(kind) or pa.types.is_time(kind):
        return lambda v: None if v is None else v.isoformat()
    if pa.types.is_decimal(kind) or pa.types.is_duration(kind):
        return lambda v: None if v is None else str(v)
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return lambda v: None if v is None else base64.b64encode(v).decode()
    if pa.types.is_map(kind):
        key, item = _converter(kind.key_type), _converter(kind.item_type)
        return lambda v: None if v is None else {str(key(k)): item(x) for k, x in v}
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        inner = _converter(kind.value_type)
        return lambda v: None if v is None else [inner(x) for x in v]
    if pa.types.is_struct(kind):
        fields = [
            (kind.field(i).name, _converter(kind.field(i).type)) for i in range(kind.num_fields)
        ]
        return lambda v: None if v is None else {name: conv(v[name]) for name, conv in fields}
    return lambda v: v


def _timestamp(value: datetime | date | time) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        if value.microsecond == 0:
            return format_timestamp(value)  # type: ignore[return-value]
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()
