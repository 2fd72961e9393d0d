"""The object-storage archive: `s3://bucket/prefix` on AWS S3 or any S3-compatible server.

Credentials, profile, region and endpoint come from the standard AWS configuration
(environment, `~/.aws`, instance roles, `AWS_ENDPOINT_URL`) unless `endpoint_url` is given.
Every object carries its SHA-256: sent as the S3 checksum (the server rejects a corrupted
upload) and kept in the `x-amz-meta-sha256` header, so a download is verified as a whole even
when it was uploaded in parts.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import boto3
import botocore.session
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)

from newsspider.archive.store import KeyNotFound, StoreError, check_key

_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_DENIED = {
    "AccessDenied",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "403",
}
_MISSING = {"NoSuchKey", "404"}
MiB = 1024 * 1024
ChecksumWhen = Literal["when_supported", "when_required"]


def _session() -> boto3.session.Session:
    """A boto3 session that leaves response timestamps as text: nothing here reads them, and
    parsing the `LastModified` of every key listed costs more than the listing (as the AWS
    CLI's `cli_timestamp_format = none` does)."""
    core = botocore.session.get_session()
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=str)
    return boto3.session.Session(botocore_session=core)


class S3Store:
    """Objects under `prefix/` in one bucket; large objects go up in parallel parts."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        sse: str | None = None,
        storage_class: str | None = None,
        request_checksum_calculation: ChecksumWhen | None = None,
        response_checksum_validation: ChecksumWhen | None = None,
        retry_mode: Literal["standard", "adaptive"] = "standard",
        max_attempts: int = 5,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        multipart_threshold: int = 16 * MiB,
        multipart_chunksize: int = 8 * MiB,
        max_concurrency: int = 8,
    ) -> None:
        """`sse` (`AES256`, `aws:kms`) and `storage_class` apply to every write. For servers
        that reject the newer checksum headers, `request_checksum_calculation="when_required"`
        sends none (downloads are still verified against `x-amz-meta-sha256`).
        """
        prefix = prefix.strip("/")
        self.uri = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"
        if not _BUCKET_RE.match(bucket):
            raise StoreError(f"{self.uri}: invalid bucket name {bucket!r}")
        if prefix:
            try:
                check_key(prefix)
            except ValueError:
                raise StoreError(f"{self.uri}: invalid key prefix {prefix!r}") from None
        self.bucket = bucket
        self._prefix = f"{prefix}/" if prefix else ""
        self._write_args = {
            name: value
            for name, value in (("ServerSideEncryption", sse), ("StorageClass", storage_class))
            if value
        }
        self._send_checksums = request_checksum_calculation != "when_required"
        config = Config(
            retries={"mode": retry_mode, "max_attempts": max_attempts},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            # several files upload at once (snapshot.UPLOAD_WORKERS), each in parallel parts
            max_pool_connections=4 * max_concurrency,
            request_checksum_calculation=request_checksum_calculation,
            response_checksum_validation=response_checksum_validation,
        )
        self._transfer = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=multipart_chunksize,
            max_concurrency=max_concurrency,
        )
        with self._errors("connect"):
            try:
                self.client = _session().client("s3", endpoint_url=endpoint_url, config=config)
            except ValueError:
                raise StoreError(
                    f"{self.uri}: invalid endpoint URL (endpoint_url or AWS_ENDPOINT_URL)"
                ) from None

    @classmethod
    def from_uri(cls, uri: str, **options: Any) -> S3Store:
        parts = urlsplit(uri)
        if "@" in parts.netloc:  # never echo it: the part before "@" is a secret
            raise StoreError(
                f"s3://…@{parts.netloc.rpartition('@')[2]}{parts.path}: credentials do not go in "
                "the archive URI; use the AWS credential chain (environment, AWS_PROFILE, role)"
            )
        return cls(parts.netloc, parts.path, **options)

    @property
    def endpoint(self) -> str:
        """The endpoint in use, without any user:password part, for messages."""
        parts = urlsplit(self.client.meta.endpoint_url)
        return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")

    def _key(self, key: str) -> str:
        return self._prefix + check_key(key)

    def put(self, key: str, data: bytes, *, if_absent: bool = False) -> bool:
        """Upload `data`; a write-once put is a single conditional request (`If-None-Match`)."""
        digest = hashlib.sha256(data).digest()
        args: dict[str, Any] = {**self._write_args, "Metadata": {"sha256": digest.hex()}}
        if self._send_checksums:
            args["ChecksumAlgorithm"] = "SHA256"
        with self._errors("upload", key):
            if if_absent or len(data) < self._transfer.multipart_threshold:
                single = dict(args)
                if self._send_checksums:
                    single["ChecksumSHA256"] = base64.b64encode(digest).decode()
                if if_absent:
                    single["IfNoneMatch"] = "*"
                try:
                    self.client.put_object(
                        Bucket=self.bucket, Key=self._key(key), Body=data, **single
                    )
                except ClientError as exc:
                    if if_absent and _code(exc) in {"PreconditionFailed", "412"}:
                        return False
                    raise
            else:
                self.client.upload_fileobj(
                    io.BytesIO(data),
                    self.bucket,
                    self._key(key),
                    ExtraArgs=args,
                    Config=self._transfer,
                )
        return True

    def get(self, key: str) -> bytes:
        """The object's bytes, checked against the SHA-256 recorded when it was written."""
        with self._errors("download", key):
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            data = response["Body"].read()
        expected = response.get("Metadata", {}).get("sha256")
        if expected and hashlib.sha256(data).hexdigest() != expected:
            raise StoreError(f"{self.uri}: {key} is corrupted (SHA-256 mismatch)")
        return data

    def exists(self, key: str) -> bool:
        try:
            with self._errors("check", key):
                self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except KeyNotFound:
            return False
        return True

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys under `prefix`, in lexical order (S3 lists keys sorted by their UTF-8 bytes)."""
        paginator = self.client.get_paginator("list_objects_v2")
        with self._errors("list", prefix):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._prefix + prefix):
                for item in page.get("Contents", []):
                    yield item["Key"][len(self._prefix) :]

    def delete(self, key: str) -> None:
        with self._errors("delete", key):
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def local_path(self, key: str) -> Path | None:
        return None

    @contextmanager
    def _errors(self, action: str, key: str = "") -> Iterator[None]:
        """Turn boto errors into one-line `StoreError`s that name the archive, never a secret."""
        what = f"{action} {key}".strip()
        try:
            yield
        except ClientError as exc:
            code = _code(exc)
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in _MISSING:
                raise KeyNotFound(f"{self.uri}: no object {key!r}") from exc
            if code == "NoSuchBucket":
                raise StoreError(f"{self.uri}: bucket {self.bucket!r} does not exist") from exc
            if code in _DENIED:
                raise StoreError(
                    f"{self.uri}: access denied ({code}) on {what}; check the AWS credentials "
                    "and the bucket policy"
                ) from exc
            raise StoreError(f"{self.uri}: {what} failed: S3 error {code} (HTTP {status})") from exc
        except NoCredentialsError as exc:
            raise StoreError(
                f"{self.uri}: no AWS credentials found (set AWS_PROFILE or "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use an instance role)"
            ) from exc
        except ProfileNotFound as exc:
            raise StoreError(f"{self.uri}: {exc}") from exc
        except ConnectionError as exc:
            raise StoreError(
                f"{self.uri}: cannot reach the S3 endpoint {self.endpoint} ({what}: "
                f"{type(exc).__name__})"
            ) from exc
        except BotoCoreError as exc:
            raise StoreError(f"{self.uri}: {what} failed: {type(exc).__name__}") from exc


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
