"""Raw capture: every HTTP exchange as WARC 1.1 request + response records (warcio).

A `WarcSpool` writes gzip-per-record WARC files into a local spool directory, rotating by
size and age. A file being written ends in `.open`; it is renamed when closed, and only
closed files are sealed into snapshots. Beside each WARC a JSON-lines index lists every
response record (URL, record id, offset, length), which becomes the archive's `raw_index`.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsspider.record import format_timestamp

log = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
INDEX_SUFFIX = ".index.jsonl"


@dataclass(frozen=True, slots=True)
class WarcRef:
    """Where one response record lives: its WARC's archive key, id, byte offset and length."""

    url: str
    warc_file: str
    warc_record_id: str
    warc_offset: int
    warc_length: int
    status: int
    content_type: str | None
    fetched_at: str


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP exchange as the crawler saw it on the wire (body not yet decompressed)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime


def warc_key(name: str) -> str:
    """Archive key of a WARC file: `raw/date=YYYY-MM-DD/NAME` (date taken from the name)."""
    stamp = name.split("-")[1]
    return f"raw/date={stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}/{name}"


class WarcSpool:
    """Append exchanges to the current WARC file; rotate by size or age."""

    def __init__(
        self,
        directory: str | Path,
        *,
        prefix: str = "newsspider",
        worker: str = "local",
        max_bytes: int = 100 * 1024 * 1024,
        max_age_seconds: float = 3600,
        clock=lambda: datetime.now(UTC),
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.worker = worker
        self.max_bytes = max_bytes
        self.max_age_seconds = max_age_seconds
        self.clock = clock
        self._handle: io.BufferedWriter | None = None
        self._index: io.TextIOWrapper | None = None
        self._writer: WARCWriter | None = None
        self._name = ""
        self._opened_at: datetime | None = None
        self._seq = 0
        recover_spool(self.directory)

    def _open(self) -> None:
        now = self.clock()
        self._seq += 1
        stamp = now.strftime("%Y%m%d%H%M%S%f")
        self._name = f"{self.prefix}-{stamp}-{self.worker}-{os.getpid()}-{self._seq:05d}.warc.gz"
        path = self.directory / (self._name + OPEN_SUFFIX)
        self._handle = open(path, "wb")  # noqa: SIM115 - lives until rotation
        self._index = open(self.directory / (self._name + INDEX_SUFFIX), "w", encoding="utf-8")  # noqa: SIM115
        self._writer = WARCWriter(self._handle, gzip=True, warc_version="1.1")
        info = self._writer.create_warcinfo_record(
            self._name, {"software": "newsspider", "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)
        self._opened_at = now

    def _due_for_rotation(self) -> bool:
        assert self._handle is not None and self._opened_at is not None
        age = (self.clock() - self._opened_at).total_seconds()
        return self._handle.tell() >= self.max_bytes or age >= self.max_age_seconds

    def write(self, exchange: Exchange) -> WarcRef:
        """Write the request and response records; return where the response landed."""
        if self._handle is None or self._due_for_rotation():
            self.close()
            self._open()
        assert self._writer is not None and self._handle is not None and self._index is not None
        date = format_timestamp(exchange.fetched_at)
        request_line = f"{exchange.method} {_request_target(exchange.url)} HTTP/1.1"
        request = self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                request_line, exchange.request_headers, is_http_request=True
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        response = self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            http_headers=StatusAndHeaders(
                f"{exchange.status} {exchange.reason}".strip(),
                exchange.response_headers,
                protocol="HTTP/1.1",
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        offset = self._handle.tell()
        self._writer.write_record(response)
        length = self._handle.tell() - offset
        self._writer.write_record(request)
        content_type = dict((k.lower(), v) for k, v in exchange.response_headers).get(
            "content-type"
        )
        ref = WarcRef(
            url=exchange.url,
            warc_file=warc_key(self._name),
            warc_record_id=response.rec_headers.get_header("WARC-Record-ID"),
            warc_offset=offset,
            warc_length=length,
            status=exchange.status,
            content_type=content_type,
            fetched_at=date,
        )
        self._index.write(json.dumps(asdict(ref)) + "\n")
        # Survive a killed process (the OS has the bytes); fsync happens on close.
        self._handle.flush()
        self._index.flush()
        return ref

    def flush(self) -> None:
        """Make what was written so far durable (called after each staged record)."""
        if self._handle is not None and self._index is not None:
            self._handle.flush()
            self._index.flush()
            os.fsync(self._handle.fileno())
            os.fsync(self._index.fileno())

    def close(self) -> None:
        """Close the current file and mark it complete (ready to be sealed)."""
        if self._handle is None or self._index is None:
            return
        self.flush()
        self._handle.close()
        self._index.close()
        path = self.directory / (self._name + OPEN_SUFFIX)
        os.replace(path, self.directory / self._name)
        self._handle = self._index = self._writer = None


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_spool(directory: Path) -> list[Path]:
    """Complete the `.open` files of dead writers: cut a torn last record, then close them."""
    recovered = []
    for path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        try:
            pid = int(path.name.removesuffix(".warc.gz" + OPEN_SUFFIX).rsplit("-", 2)[1])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and _pid_alive(pid):
            continue
        good = 0
        with open(path, "rb") as handle:
            try:
                iterator = ArchiveIterator(handle)
                for record in iterator:
                    record.content_stream().read()
                    good = iterator.get_record_offset() + iterator.get_record_length()
            except Exception:  # a torn gzip member or header: keep what precedes it
                log.warning("truncating torn WARC record at byte %d of %s", good, path.name)
        with open(path, "r+b") as handle:
            handle.truncate(good)
        index = path.with_name(path.name.removesuffix(OPEN_SUFFIX) + INDEX_SUFFIX)
        if index.exists():
            entries = [json.loads(line) for line in index.read_text().splitlines() if _whole(line)]
            kept = [e for e in entries if e["warc_offset"] + e["warc_length"] <= good]
            index.write_text("".join(json.dumps(e) + "\n" for e in kept), encoding="utf-8")
        os.replace(path, path.with_name(path.name.removesuffix(OPEN_SUFFIX)))
        recovered.append(path)
    return recovered


def _whole(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def completed_warcs(directory: str | Path) -> list[Path]:
    """Closed WARC files in the spool, oldest first (open ones are still being written)."""
    root = Path(directory)
    if not root.is_dir():
        return []
    return sorted(path for path in root.glob("*.warc.gz") if path.is_file())


def read_index(warc_path: Path) -> list[dict]:
    index = warc_path.with_name(warc_path.name + INDEX_SUFFIX)
    if not index.exists():
        return []
    return [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line]


def read_response(data: bytes, offset: int = 0) -> tuple[StatusAndHeaders, bytes]:
    """The HTTP headers and the decoded payload of the response record at `offset`."""
    stream = io.BytesIO(data)
    stream.seek(offset)
    for record in ArchiveIterator(stream):
        if record.rec_type == "response":
            return record.http_headers, record.content_stream().read()
    raise ValueError("no response record at that offset")


@dataclass(frozen=True, slots=True)
class CapturedResponse:
    url: str
    record_id: str
    offset: int
    length: int
    warc_date: str
    http_headers: StatusAndHeaders
    payload: bytes


def iter_responses(data: bytes) -> Iterator[CapturedResponse]:
    """Every response record of a WARC file, with its offset and length in the file."""
    iterator = ArchiveIterator(io.BytesIO(data))
    for record in iterator:
        if record.rec_type != "response":
            continue
        payload = record.content_stream().read()
        yield CapturedResponse(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
            offset=iterator.get_record_offset(),
            length=iterator.get_record_length(),
            warc_date=record.rec_headers.get_header("WARC-Date"),
            http_headers=record.http_headers,
            payload=payload,
        )
