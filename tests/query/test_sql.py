from __future__ import annotations

import pytest

from newsspider.archive.store import StoreError
from newsspider.query.api import QueryError
from newsspider.query.sql import connect


def test_views_articles_snapshots_and_raw_index(sealed):
    by_source = sealed.archive.sql(
        "SELECT source, count(*) AS n FROM articles GROUP BY source ORDER BY source"
    )
    assert by_source.to_pylist() == [
        {"source": "kyiv", "n": 2},
        {"source": "tass", "n": 1},
        {"source": "yonhap", "n": 5},
    ]
    snapshots = sealed.archive.sql("SELECT * FROM snapshots ORDER BY snapshot_id").to_pylist()
    assert [row["worker"] for row in snapshots] == ["w0", "w1", "w2"]
    assert [row["articles"] for row in snapshots] == [4, 3, 1]
    assert snapshots[0]["files"] == 4 and snapshots[0]["created_at"].tzinfo is not None
    assert sealed.archive.sql("SELECT count(*) AS n FROM raw_index").to_pylist() == [{"n": 0}]


def test_sql_sees_revisions_and_list_columns(sealed):
    rows = sealed.archive.sql(
        "SELECT url, max(revision) AS latest FROM articles "
        "WHERE list_contains(authors, 'Kim Eun-jung') GROUP BY url HAVING latest > 1"
    )
    assert rows.to_pylist() == [{"url": "http://yonhap.example/view/10", "latest": 2}]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO articles SELECT * FROM articles",
        "CREATE TABLE t AS SELECT 1",
        "DELETE FROM articles",
        "COPY (SELECT 1) TO '/tmp/newsspider-out.csv'",
        "ATTACH '/tmp/newsspider-x.duckdb' AS x",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA version",
        "SET threads = 1",
        "EXPORT DATABASE '/tmp/newsspider-export'",
        "CALL pragma_version()",
        "SELECT 1; SELECT 2",
    ],
)
def test_statements_other_than_one_select_are_refused(sealed, statement):
    with pytest.raises(QueryError, match="only SELECT|exactly one statement"):
        sealed.archive.sql(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM read_parquet('/tmp/*.parquet')",
        "SELECT * FROM 's3://bucket/file.parquet'",
        "SELECT * FROM read_json('https://example.com/x.json')",
    ],
)
def test_selects_that_read_other_files_are_refused(sealed, statement):
    with pytest.raises(QueryError, match="not allowed"):
        sealed.archive.sql(statement)


def test_a_select_cannot_unlock_the_configuration(sealed):
    with pytest.raises(QueryError, match="only SELECT"):
        sealed.archive.sql("SET enable_external_access = true")
    with pytest.raises(QueryError, match="SQL: "):
        sealed.archive.sql("SELECT * FROM articles WHERE nope = 1")


def test_connections_never_install_or_load_extensions():
    with connect() as db:
        settings = dict(
            db.sql(
                "SELECT name, value FROM duckdb_settings() WHERE name IN "
                "('autoinstall_known_extensions', 'autoload_known_extensions')"
            ).fetchall()
        )
        assert settings == {
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "false",
        }


def test_only_the_views_a_statement_names_open_their_files(sealed):
    """A sealed file gone missing breaks the statements that read `articles`, in any spelling
    of the name, and no other: the files of a view the statement does not name stay shut."""
    next((sealed.root / "articles").rglob("*.parquet")).unlink()
    assert sealed.archive.sql("SELECT count(*) AS n FROM snapshots").to_pylist() == [{"n": 3}]
    for statement in ("SELECT count(*) FROM articles", 'SELECT count(*) FROM "Articles"'):
        with pytest.raises(StoreError, match="is missing"):
            sealed.archive.sql(statement)
