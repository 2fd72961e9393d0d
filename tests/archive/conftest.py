"""A real S3 API on loopback (moto's server) for the object-storage archive tests."""

from __future__ import annotations

import logging
import socket
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

from newsspider.archive.s3 import S3Store

SECRET = "testing-secret-0123456789"


class MotoServer:
    """moto's S3 endpoint on a fixed loopback port; it can be stopped and started again.

    moto keeps its buckets in process memory, not in the server thread, so objects written
    before a stop are still there after a start: like S3 itself across a network outage.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._server: ThreadedMotoServer | None = None

    def start(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def reset(self) -> None:
        """Forget every bucket, so each test starts from an empty S3."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=5).close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION"):
            env.delenv(name, raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
        env.setenv("AWS_SESSION_TOKEN", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        server = MotoServer(free_port())
        server.start()
        yield server
        server.stop()


@dataclass
class Bucket:
    """One empty bucket on the test server, and helpers to reach it."""

    name: str
    server: MotoServer

    @property
    def uri(self) -> str:
        return f"s3://{self.name}/archive"

    def store(self, prefix: str = "archive", **options) -> S3Store:
        options.setdefault("max_attempts", 2)
        return S3Store(self.name, prefix, endpoint_url=self.server.url, **options)

    def client(self):
        """A plain boto3 client, for looking at what the server holds."""
        return boto3.client("s3", endpoint_url=self.server.url)


@pytest.fixture
def bucket(moto_server: MotoServer) -> Iterator[Bucket]:
    name = f"test-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_server.url).create_bucket(Bucket=name)
    yield Bucket(name, moto_server)
    if not moto_server.running:
        moto_server.start()
    moto_server.reset()
