"""Credentials never show up in output, logs, manifests, archived objects or error messages.

A full `newsspider run -v` stores into S3 (moto on loopback) with the AWS secret in the
environment and keeps its state in a password-protected Redis (a private `redis-server` on a
free loopback port, its password in the state URI); then the archive URI itself is given a
user:password. Every byte the runs print or leave behind is searched for each secret.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import tomli_w

from tests.archive.conftest import SECRET, Bucket, free_port
from tests.faults.conftest import run, write_config

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

REDIS_PASSWORD = "redis-pw-7f3a9c1e5b"
URI_PASSWORD = "uri-pw-2d8e4f6a0c"


@pytest.fixture
def private_redis(tmp_path) -> Iterator[str]:
    """A Redis that demands a password, on a free loopback port; yields its URI."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        + ["--appendonly", "no", "--requirepass", REDIS_PASSWORD, "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    uri = f"redis://default:{REDIS_PASSWORD}@127.0.0.1:{port}/0"
    client = redis.Redis.from_url(uri)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield uri
    server.terminate()
    server.wait()


def everything_left_behind(workdir: Path, bucket: Bucket) -> Iterator[tuple[str, bytes]]:
    for path in workdir.rglob("*"):
        if path.is_file() and path.suffix != ".toml":  # the configs hold the secrets, of course
            yield str(path), path.read_bytes()
    client = bucket.client()
    for item in client.list_objects_v2(Bucket=bucket.name).get("Contents", []):
        body = client.get_object(Bucket=bucket.name, Key=item["Key"])["Body"].read()
        yield f"s3://{bucket.name}/{item['Key']}", body


def test_secrets_appear_in_no_output_log_manifest_or_object(web, tmp_path, bucket, private_redis):
    config = write_config(web, tmp_path)
    data = tomllib.loads(config.read_text())
    data["archive"] = {"uri": bucket.uri, "endpoint_url": bucket.server.url}
    data["state"]["uri"] = private_redis
    config.write_text(tomli_w.dumps(data))

    outputs = [run("run", "--config", str(config), "-v", cwd=tmp_path)]
    assert outputs[0].returncode == 0, outputs[0].stderr[-3000:]
    assert "snapshot " in outputs[0].stderr
    outputs.append(run("query", "--config", str(config), "--format", "jsonl", cwd=tmp_path))
    assert outputs[1].returncode == 0 and outputs[1].stdout, outputs[1].stderr[-3000:]

    data["archive"]["uri"] = f"s3://reader:{URI_PASSWORD}@{bucket.name}/archive"
    config.write_text(tomli_w.dumps(data))
    outputs.append(run("snapshot", "--config", str(config), cwd=tmp_path))
    assert outputs[2].returncode == 1
    assert "credentials do not go in the archive URI" in outputs[2].stderr

    secrets = (SECRET, REDIS_PASSWORD, URI_PASSWORD)
    for output in outputs:
        for secret in secrets:
            assert secret not in output.stdout + output.stderr, output.args
    for where, content in everything_left_behind(tmp_path, bucket):
        for secret in secrets:
            assert secret.encode() not in content, where
