"""`newsspider query` and `newsspider sql` as a user runs them: a real process, real files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsspider.query.output import write_csv
from tests.query.conftest import STORY, seal_all


def newsspider(*args: str, home=None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "COLUMNS": "200", **(env or {})}
    if home is not None:
        environment["HOME"] = str(home)
        environment["NEWSSPIDER_CACHE_DIR"] = str(home / "cache")
    return subprocess.run(
        [sys.executable, "-m", "newsspider", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def fails(result: subprocess.CompletedProcess, code: int, message: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert message in result.stderr and "Traceback" not in result.stderr


def test_table_output_shows_hostile_titles_literally(sealed):
    shown = ok(newsspider("query", "--archive", sealed.uri, "--source", "tass"))
    assert "[bold red]Breaking[/] :fire:" in shown
    assert "\x1b" not in shown


def test_csv_output_replaces_control_characters_like_the_table(sealed):
    out = ok(newsspider("query", "--archive", sealed.uri, "--source", "tass", "-f", "csv"))
    (row,) = csv.DictReader(io.StringIO(out))
    assert "\x1b" not in out
    assert row["title"] == "[bold red]Breaking[/] :fire:  [2Jnews"


def test_csv_keeps_line_breaks_and_tabs_inside_cells():
    table = pa.table({"body": ["one\n\ttwo\r\u202ethree\x07"]})
    stream = io.StringIO()
    write_csv(table, stream)
    assert list(csv.reader(io.StringIO(stream.getvalue()))) == [["body"], ["one\n\ttwo  three "]]


def test_csv_defuses_cells_a_spreadsheet_would_run_as_formulas():
    table = pa.table({"title": ["=HYPERLINK(1)", "@SUM(A1)", "plain - text"]})
    stream = io.StringIO()
    write_csv(table, stream)
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows == [["title"], ["'=HYPERLINK(1)"], ["'@SUM(A1)"], ["plain - text"]]


def test_jsonl_with_filters_text_and_fields(sealed):
    out = ok(
        newsspider(
            "query",
            "--archive",
            sealed.uri,
            "--since",
            "2026-11-04",
            "--until",
            "2026-11-04",
            "--text",
            '"north korean troops" NEAR/5 kursk',
            "--fields",
            "url,published_at",
            "--format",
            "jsonl",
        )
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows == [
        {"url": "http://kyiv.example/view/3", "published_at": "2026-11-04T05:00:00Z"},
        {"url": "http://yonhap.example/view/2", "published_at": "2026-11-04T01:00:00Z"},
    ]


def test_revisions_group_and_csv(sealed):
    out = ok(newsspider("query", "--archive", sealed.uri, "--revisions", STORY, "-f", "csv"))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["revision"] for row in rows] == ["1", "2"]
    assert rows[0]["authors"] == "Kim Eun-jung" and json.loads(rows[0]["topic_scores"])
    out = ok(
        newsspider(
            "query",
            "--archive",
            sealed.uri,
            "--group",
            "g-kursk",
            "--fields",
            "source",
            "--sort",
            "source:asc",
            "-f",
            "csv",
        )
    )
    assert out.split() == ["source", "kyiv", "tass"]


def test_parquet_output_reads_back(sealed, tmp_path):
    target = tmp_path / "out.parquet"
    ok(
        newsspider(
            "query",
            "--archive",
            sealed.uri,
            "--by",
            "fetched",
            "--since",
            "2026-11-06",
            "-f",
            "parquet",
            "-o",
            str(target),
        )
    )
    assert pq.read_table(target).column("title").to_pylist() == ["Undated story"]
    fails(newsspider("query", "--archive", sealed.uri, "-f", "parquet"), 2, "--output FILE")


def test_sql_command_and_its_refusals(sealed, tmp_path):
    out = ok(
        newsspider(
            "sql",
            "--archive",
            sealed.uri,
            "-f",
            "jsonl",
            "SELECT count(*) AS n, count(DISTINCT source) AS sources FROM articles",
        )
    )
    assert json.loads(out) == {"n": 8, "sources": 3}
    fails(newsspider("sql", "--archive", sealed.uri, "COPY (SELECT 1) TO 'x.csv'"), 2, "COPY")
    fails(
        newsspider("sql", "--archive", sealed.uri, "SELECT * FROM read_csv('/etc/passwd')"),
        2,
        "not allowed",
    )


def test_no_extension_is_installed_or_loaded(sealed, tmp_path):
    """DuckDB would install extensions under ~/.duckdb: with an empty HOME nothing appears."""
    ok(newsspider("query", "--archive", sealed.uri, "--text", "kursk", home=tmp_path))
    ok(newsspider("sql", "--archive", sealed.uri, "SELECT * FROM snapshots", home=tmp_path))
    assert not (tmp_path / ".duckdb").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last tuesday"], "--since: cannot read 'last tuesday' as a date"),
        (["--fields", "url,nope"], "unknown field(s): nope"),
        (["--sort", "title:sideways"], "--sort 'title:sideways'"),
        (["--text", "kursk NEAR"], "NEAR needs a distance"),
    ],
)
def test_bad_arguments_are_one_line_errors(sealed, args, message):
    fails(newsspider("query", "--archive", sealed.uri, *args), 2, message)


def test_missing_and_empty_archives_are_one_line_errors(tmp_path):
    fails(newsspider("query", "--archive", f"file://{tmp_path}/nowhere"), 2, "does not exist")
    (tmp_path / "empty" / "manifests").mkdir(parents=True)
    fails(newsspider("sql", "--archive", f"file://{tmp_path}/empty", "SELECT 1"), 2, "no sealed")


def test_s3_archive_from_the_command_line(bucket, tmp_path):
    seal_all(bucket.store(), tmp_path)
    env = {"AWS_ENDPOINT_URL": bucket.server.url}
    out = ok(
        newsspider(
            "query",
            "--archive",
            bucket.uri,
            "--source",
            "kyiv",
            "-f",
            "jsonl",
            "--fields",
            "url",
            home=tmp_path,
            env=env,
        )
    )
    assert len(out.splitlines()) == 2
    out = ok(
        newsspider(
            "query",
            "--archive",
            bucket.uri,
            "--no-cache",
            "--source",
            "kyiv",
            "-f",
            "jsonl",
            "--fields",
            "url",
            home=tmp_path / "other",
            env=env,
        )
    )
    assert len(out.splitlines()) == 2 and not (tmp_path / "other" / "cache").exists()
    fails(
        newsspider("query", "--archive", "s3://no-such-bucket/archive", env=env),
        1,
        "bucket 'no-such-bucket' does not exist",
    )
