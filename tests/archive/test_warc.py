from __future__ import annotations

import gzip
import os
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator

from newsspider.archive.warc import (
    OPEN_SUFFIX,
    Exchange,
    WarcSpool,
    completed_warcs,
    read_index,
    read_response,
)

WHEN = datetime(2026, 11, 5, 1, 3, tzinfo=UTC)


def exchange(n: int, body: bytes = b"", **extra) -> Exchange:
    defaults = dict(
        url=f"http://127.0.0.11:8000/view/AEN{n}",
        method="GET",
        request_headers=[("User-Agent", "newsspider/0.1")],
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body or f"<html><p>story {n}</p></html>".encode(),
        fetched_at=WHEN,
    )
    return Exchange(**{**defaults, **extra})


def test_every_reference_resolves_to_its_page(tmp_path):
    spool = WarcSpool(tmp_path, clock=lambda: WHEN)
    refs = [spool.write(exchange(n)) for n in range(5)]
    spool.close()
    [path] = completed_warcs(tmp_path)
    data = path.read_bytes()
    for n, ref in enumerate(refs):
        headers, body = read_response(data, ref.warc_offset)
        assert body == f"<html><p>story {n}</p></html>".encode()
        assert headers.get_statuscode() == "200"
        assert ref.warc_file == f"raw/date={WHEN:%Y-%m-%d}/{path.name}"
    assert [row["warc_record_id"] for row in read_index(path)] == [r.warc_record_id for r in refs]


def test_records_are_warc_1_1_request_response_pairs_with_digests(tmp_path):
    spool = WarcSpool(tmp_path)
    spool.write(exchange(1))
    spool.close()
    [path] = completed_warcs(tmp_path)
    with open(path, "rb") as handle:
        records = list(ArchiveIterator(handle))
    assert [r.rec_type for r in records] == ["warcinfo", "response", "request"]
    response = records[1]
    assert response.rec_headers.protocol == "WARC/1.1"
    assert response.rec_headers.get_header("WARC-Payload-Digest").startswith("sha")
    assert records[2].rec_headers.get_header("WARC-Concurrent-To") == (
        response.rec_headers.get_header("WARC-Record-ID")
    )
    # gzip per record: each record is its own gzip member.
    assert path.read_bytes()[:2] == b"\x1f\x8b"


def test_files_rotate_by_size(tmp_path):
    spool = WarcSpool(tmp_path, max_bytes=2_000)
    for n in range(6):
        spool.write(exchange(n, body=os.urandom(1500)))
    spool.close()
    assert len(completed_warcs(tmp_path)) >= 3


def test_open_file_of_a_dead_writer_is_recovered_without_its_torn_record(tmp_path):
    spool = WarcSpool(tmp_path)
    good = [spool.write(exchange(n)) for n in range(3)]
    spool.flush()
    open_path = next(tmp_path.glob(f"*{OPEN_SUFFIX}"))
    dead = open_path.name.replace(f"-{os.getpid()}-", "-999999-")
    with open(open_path, "ab") as handle:
        handle.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n")[:20])
    open_path.rename(tmp_path / dead)
    index = open_path.name.removesuffix(OPEN_SUFFIX) + ".index.jsonl"
    (tmp_path / index).rename(tmp_path / (dead.removesuffix(OPEN_SUFFIX) + ".index.jsonl"))

    WarcSpool(tmp_path)  # a new writer recovers the spool on start
    [path] = completed_warcs(tmp_path)
    data = path.read_bytes()
    assert [read_response(data, ref.warc_offset)[1] for ref in good] == [
        f"<html><p>story {n}</p></html>".encode() for n in range(3)
    ]
    assert len(read_index(path)) == 3
