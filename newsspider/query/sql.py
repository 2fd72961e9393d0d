"""DuckDB over the archive's Parquet: connections that never fetch code, and read-only SQL.

Every connection turns off extension auto-install and auto-load: the query path needs only
DuckDB's built-in Parquet reader, and a query must work offline (`httpfs` cannot be had for
DuckDB 2.0 without the network anyway). S3 archives are read from the local cache.

`newsspider sql` runs a user's statement against views over sealed snapshots. It is read-only
twice over: the statement must parse as a single SELECT (or EXPLAIN), and after the views are
defined the connection loses all file-system access except to the very files the views read,
and its configuration is locked so the statement cannot turn either back on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from newsspider.query.filters import QueryError
from newsspider.record_arrow import ARROW_SCHEMA, RAW_INDEX_SCHEMA

#: Statement types `newsspider sql` runs; everything else (COPY, ATTACH, SET, PRAGMA, INSTALL,
#: LOAD, CREATE, INSERT, CALL, EXPORT, …) is refused before it reaches the database.
ALLOWED_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
VIEWS = ("articles", "snapshots", "raw_index")


def views_named(statement: str) -> set[str]:
    """The views whose name occurs in `statement` (in any case, quoted or not): a superset of
    those it reads."""
    lowered = statement.lower()
    return {view for view in VIEWS if view in lowered}


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that works offline: no extension is installed or loaded on demand."""
    db = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    db.execute("SET TimeZone = 'UTC'")
    return db


def register_parquet(
    db: duckdb.DuckDBPyConnection,
    name: str,
    snapshots: Sequence[Sequence[Path]],
    schema: pa.Schema,
) -> None:
    """A view `name` with exactly `schema`'s columns over Parquet files read in place.

    `snapshots` holds each snapshot's files. One writer wrote a snapshot, so its files share
    one schema, while older snapshots may lack fields added since. DuckDB refuses to scan
    files whose columns differ, and `union_by_name` opens every footer first (four times
    slower on 30,000 files); so one footer per snapshot is read, files are grouped by their
    columns, and each group is scanned on its own with absent fields as typed NULLs.
    Projections and filters still push down into every scan.
    """
    db.register("_empty", schema.empty_table())
    types = {row[0]: row[1] for row in db.sql("DESCRIBE _empty").fetchall()}
    groups: dict[frozenset[str], list[str]] = {}
    for files in snapshots:
        if files:
            columns = frozenset(pq.read_schema(files[0]).names)
            groups.setdefault(columns, []).extend(str(path) for path in files)
    if not groups:
        db.sql("SELECT * FROM _empty").to_view(name)
        return
    scans = []
    for columns, paths in groups.items():
        select = ", ".join(
            f'"{field}"' if field in columns else f'CAST(NULL AS {types[field]}) AS "{field}"'
            for field in schema.names
        )
        scans.append(db.read_parquet(paths).select(select))
    view = scans[0]
    for scan in scans[1:]:
        view = view.union(scan)
    view.to_view(name)


def check_read_only(statement: str) -> str:
    """The statement if it is one SELECT or EXPLAIN; else a QueryError saying what it is."""
    try:
        parsed = duckdb.extract_statements(statement)
    except duckdb.Error as exc:
        raise QueryError(f"SQL: {_first_line(exc)}") from None
    if len(parsed) != 1:
        raise QueryError(f"SQL: give exactly one statement (got {len(parsed)})")
    kind = parsed[0].type
    if kind not in ALLOWED_STATEMENTS:
        raise QueryError(
            f"SQL: only SELECT queries are allowed (this is {kind.name}); the archive is read-only"
        )
    return statement


def run_read_only(
    statement: str,
    *,
    articles: Sequence[Sequence[Path]],
    raw_index: Sequence[Sequence[Path]],
    snapshots: pa.Table,
) -> pa.Table:
    """Run a checked statement over the views `articles`, `snapshots` and `raw_index`.

    `articles` and `raw_index` hold each snapshot's files (see `register_parquet`).
    """
    check_read_only(statement)
    with connect() as db:
        register_parquet(db, "articles", articles, ARROW_SCHEMA)
        register_parquet(db, "raw_index", raw_index, RAW_INDEX_SCHEMA)
        db.register("snapshots", snapshots)
        files = [str(path) for group in (*articles, *raw_index) for path in group]
        db.execute("SET allowed_paths = ?", [files])
        db.execute("SET enable_external_access = false")
        db.execute("SET lock_configuration = true")
        try:
            return db.sql(statement).to_arrow_table()
        except duckdb.PermissionException:
            raise QueryError(
                f"SQL: reading or writing files is not allowed; query the views {', '.join(VIEWS)}"
            ) from None
        except duckdb.Error as exc:
            raise QueryError(f"SQL: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
