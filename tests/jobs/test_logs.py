"""Log lines: JSON with run ids, and no credentials (jobs/logs.py)."""

from __future__ import annotations

import json
import logging

import pytest

from jobs.logs import JsonFormatter, RunContextFilter, current_run, mask_credentials


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("redis://:s3cret@redis:6379/0", "redis://:***@redis:6379/0"),
        (
            "job store postgresql+psycopg://news:pa55@db.internal/jobs",
            "job store postgresql+psycopg://news:***@db.internal/jobs",
        ),
        ("http://127.0.0.1:9410/healthz", "http://127.0.0.1:9410/healthz"),
        (
            "s3://bucket/prefix and sqlite:///./state/jobs.db",
            "s3://bucket/prefix and sqlite:///./state/jobs.db",
        ),
    ],
)
def test_url_passwords_are_masked(text, masked):
    assert mask_credentials(text) == masked


def test_json_lines_carry_the_run_id_of_the_thread_and_mask_credentials():
    record = logging.LogRecord(
        "jobs", logging.INFO, __file__, 1, "using %s", ("redis://:pw@r/0",), None
    )
    token = current_run.set(("crawl:korea", "20261125T100000-abcdef"))
    try:
        RunContextFilter().filter(record)
    finally:
        current_run.reset(token)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "using redis://:***@r/0"
    assert entry["job"] == "crawl:korea"
    assert entry["run_id"] == "20261125T100000-abcdef"
    assert entry["level"] == "INFO"
