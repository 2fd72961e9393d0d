"""A full crawl → snapshot → query against an S3 archive (moto's server on loopback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib

import pytest
import tomli_w

from newsspider.cli import demo_config_text
from newsspider.testweb import TestWeb

pytestmark = pytest.mark.slow


def test_crawl_seals_into_s3_and_queries_read_it_back(tmp_path, bucket):
    env = {**os.environ, "NEWSSPIDER_CACHE_DIR": str(tmp_path / "cache")}

    def newsspider(*args: str, binary: bool = False) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "newsspider", *args, "--config", str(config)],
            capture_output=True,
            text=not binary,
            timeout=300,
            cwd=tmp_path,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        return result

    with TestWeb.start() as web:
        config = tmp_path / "newsspider.toml"
        data = tomllib.loads(demo_config_text(web.sources(), tmp_path))
        data["archive"] = {"uri": bucket.uri, "endpoint_url": bucket.server.url}
        config.write_text(tomli_w.dumps(data))
        newsspider("run")
        expected = {article.url for article in web.expected(recency_days=3)}

    listed = bucket.client().list_objects_v2(Bucket=bucket.name, Prefix="archive/manifests/")
    assert listed["KeyCount"] == 1
    records = [
        json.loads(line)
        for line in newsspider("query", "--format", "jsonl").stdout.splitlines()
        if line
    ]
    assert {record["url"] for record in records} == expected
    raw = newsspider("show", records[0]["url"], "--raw", binary=True)
    assert b"<html" in raw.stdout.lower()
    assert not (tmp_path / "archive").exists()
