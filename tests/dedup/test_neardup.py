from __future__ import annotations

import importlib.util
import itertools
import pickle
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import redis
from datasketch import MinHash

from newsspider.dedup.bandtable import BandTable
from newsspider.dedup.neardup import (
    NearDupParams,
    NearDupParamsMismatch,
    RedisNearDupIndex,
    Sketch,
    Sketcher,
    SqliteNearDupIndex,
    index_params,
    open_neardup_index,
    shingle_hashes,
    similarity,
)
from tests.dedup.conftest import REDIS_URL

DATA = Path(__file__).parent / "data"
WEEK = timedelta(days=7)

WIRE = "\n\n".join(
    [
        "The central bank held its benchmark rate at 4.25 percent on Thursday, as expected "
        "by most economists.",
        '"Our job is not done yet," Governor Claudia Reyes told reporters in Frankfurt, '
        "adding that further increases could not be ruled out if wage growth remains strong.",
        "Inflation slowed to 2.9 percent in October, above the bank's target of 2 percent, "
        "the statistics office said. Unemployment held at 6.1 percent.",
        "The decision was backed by seven of the nine members of the Monetary Policy "
        "Committee, with two voting for a larger move.",
        "Bond yields fell 0.1 percentage points after the announcement and the currency "
        "weakened against the dollar.",
        "The bank now expects growth of 1.4 percent this year, down from 1.8 percent in its "
        "previous projections.",
    ]
)

SYNDICATED = (
    "FRANKFURT (Wire) \u2014 "
    + WIRE.replace("percent", "per cent").rsplit("\n\n", 1)[0]
    + "\n\nLocal lenders said mortgage offers would be reviewed next week."
    + "\n\nSign up for the Daily Herald morning briefing to get the day's top stories."
)

SAME_TOPIC = "\n\n".join(
    [
        " The central bank cut its deposit rate to 3.75 percent on Tuesday, surprising some "
        "economists.",
        '"We will do what is necessary," Governor Claudia Reyes said at a news conference in '
        "Frankfurt, warning that energy prices remained the biggest risk to the outlook.",
        "Inflation accelerated to 3.4 percent in May, the statistics office said, while "
        "unemployment rose to 6.4 percent.",
        "Two-year yields rose after the decision, and the currency strengthened against the euro.",
        "Economists polled by Reuters had expected a pause, strategist Kenji Morita said, "
        "noting that borrowing costs had risen sharply since March.",
    ]
)


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_set", DATA / "make_syndication_set.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_affine32_signature_equals_datasketch_minhash():
    params = NearDupParams(scheme="affine32")
    shingles = shingle_hashes(WIRE, params.shingle_words)
    reference = MinHash(
        num_perm=params.num_perm, seed=params.seed, scheme="affine32", hashfunc=lambda value: value
    )
    reference.update_batch(shingles.tolist())
    assert np.array_equal(Sketcher(params).signature(shingles), reference.hashvalues)


def test_shingles_ignore_case_punctuation_quotes_and_white_space():
    a = shingle_hashes("\u201cWe lost everything,\u201d said  Tom \u2014 a resident.", 3)
    b = shingle_hashes('"we LOST everything" said Tom - a resident', 3)
    assert np.array_equal(a, b)
    assert len(shingle_hashes("two words", 5)) == 1
    assert len(shingle_hashes(" \u2014 ", 5)) == 0


def test_syndicated_copy_joins_and_same_topic_story_does_not():
    assert similarity(shingle_hashes(WIRE, 5), shingle_hashes(SYNDICATED, 5))[1] > 0.5
    assert similarity(shingle_hashes(WIRE, 5), shingle_hashes(SAME_TOPIC, 5))[1] < 0.2


def test_syndicated_copy_crawled_tomorrow_joins_todays_group(tmp_path):
    clock = Clock()
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK, clock=clock)
    assert index.find_or_add("http://wire.example/rates", WIRE) is None
    assert index.find_or_add("http://other.example/rates", SAME_TOPIC) is None
    index.close()
    clock.now += timedelta(days=1)
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK, clock=clock)
    match = index.find_or_add("http://herald.example/rates-held", SYNDICATED)
    assert match is not None
    assert match.group_id == match.duplicate_of == "http://wire.example/rates"
    assert 0.5 < match.containment <= 1.0
    assert index.stats()["docs"] == 3 and index.stats()["groups"] == 2
    index.close()


def test_find_or_add_is_idempotent_per_doc_id(tmp_path):
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK)
    index.find_or_add("wire", WIRE)
    first = index.find_or_add("copy", SYNDICATED)
    assert index.find_or_add("copy", "some other text entirely now") == first
    assert index.find_or_add("wire", WIRE) is None
    assert index.stats()["docs"] == 2
    index.close()


@pytest.mark.parametrize("recent_docs", [0, 2048])
def test_copy_of_a_copy_joins_the_first_documents_group(tmp_path, recent_docs):
    """Candidates come from RAM (recent) or SQLite: either way with their stored group."""
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK, recent_docs=recent_docs)
    index.find_or_add("wire", WIRE)
    index.find_or_add("same-topic", SAME_TOPIC)
    assert index.find_or_add("copy", SYNDICATED).group_id == "wire"
    match = index.find_or_add("copy-of-copy", SYNDICATED.replace("Frankfurt", "Berlin"))
    assert (match.group_id, match.duplicate_of) == ("wire", "copy")
    index.close()


@pytest.mark.parametrize("recent_docs", [0, 2048])
def test_expired_documents_no_longer_match_and_are_purged(tmp_path, recent_docs):
    clock = Clock()
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK, clock=clock, recent_docs=recent_docs)
    index.find_or_add("wire", WIRE)
    clock.now += timedelta(days=8)
    assert index.find_or_add("copy", SYNDICATED) is None
    assert index.purge_expired() == 1
    stats = index.stats()
    assert (stats["docs"], stats["groups"], stats["band_entries"]) == (1, 1, 40)
    index.close()


def test_index_refuses_other_parameters_than_it_was_built_with(tmp_path):
    SqliteNearDupIndex(tmp_path / "nd.db", WEEK).close()
    with pytest.raises(NearDupParamsMismatch, match="rebuild"):
        SqliteNearDupIndex(tmp_path / "nd.db", WEEK, NearDupParams(shingle_words=4))
    reopened = SqliteNearDupIndex(tmp_path / "nd.db", WEEK)
    assert reopened.params == NearDupParams()
    reopened.close()


def test_committed_evaluation_set_is_what_the_generator_makes():
    generator = _load_generator()
    assert generator.load_syndication_set() == generator.make_syndication_set()


def _pairwise_precision_recall(records, groups):
    tp = fp = fn = 0
    for a, b in itertools.combinations(records, 2):
        truth = a["story"] == b["story"]
        predicted = groups[a["id"]] == groups[b["id"]]
        tp += truth and predicted
        fp += predicted and not truth
        fn += truth and not predicted
    return tp / (tp + fp), tp / (tp + fn)


def test_syndication_set_meets_precision_and_recall_targets(tmp_path):
    records = _load_generator().load_syndication_set()
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK)
    groups = {}
    for record in records:
        match = index.find_or_add(record["id"], record["body"])
        groups[record["id"]] = match.group_id if match else record["id"]
    index.close()
    precision, recall = _pairwise_precision_recall(records, groups)
    assert precision >= 0.99 and recall >= 0.95, (precision, recall)


def test_redis_index_groups_copies_seen_by_two_workers(client, prefix):
    worker_a = RedisNearDupIndex(redis.Redis.from_url(REDIS_URL), WEEK, prefix)
    worker_b = RedisNearDupIndex(redis.Redis.from_url(REDIS_URL), WEEK, prefix)
    assert worker_a.find_or_add("wire", WIRE) is None
    assert worker_b.find_or_add("same-topic", SAME_TOPIC) is None
    match = worker_b.find_or_add("copy", SYNDICATED)
    assert match is not None and match.group_id == "wire"
    assert worker_a.find_or_add("copy", "ignored: already indexed") == match
    assert 0 < client.ttl(f"{prefix}doc:wire") <= WEEK.total_seconds()
    assert worker_a.stats() == {"docs": 3}
    with pytest.raises(NearDupParamsMismatch):
        RedisNearDupIndex(client, WEEK, prefix, NearDupParams(bands=20))
    worker_a.close()
    worker_b.close()


def test_open_neardup_index_maps_uris(tmp_path):
    index = open_neardup_index(f"sqlite:///{tmp_path}/nd.db", WEEK)
    assert isinstance(index, SqliteNearDupIndex)
    index.close()
    with pytest.raises(ValueError, match="unsupported"):
        open_neardup_index("memcached://x", WEEK)


UNICODE = "Straße \u00b5m \u201cΣΊΣΥΦΟΣ\u201d \u2014 Kursk, 북한군 쿠르스크 파병\u2026 Élysée"


@pytest.mark.parametrize(
    ("text", "count", "first", "total", "band_keys"),
    [
        (
            WIRE,
            126,
            [8161104, 35087253, 71526842],
            277084983633,
            {"affine32": [3719799447750575413], "oph32": [-4964683141497499790]},
        ),
        (
            UNICODE,
            4,
            [1697456058, 1776836764, 2238786501],
            9832836732,
            {"affine32": [6757076792498650145], "oph32": [4916654134220727342]},
        ),
    ],
)
@pytest.mark.parametrize("scheme", ["affine32", "oph32"])
def test_hashes_match_those_of_indexes_built_by_earlier_versions(
    scheme, text, count, first, total, band_keys
):
    """Pinned values (from the first version of each scheme): a faster hash must not move
    them, or stored indexes would silently stop matching new documents."""
    sketch = Sketcher(NearDupParams(scheme=scheme)).sketch(text)
    assert len(sketch.shingles) == count and sketch.shingles[:3].tolist() == first
    assert int(sketch.shingles.astype(np.uint64).sum()) == total
    assert sketch.band_keys[:1].tolist() == band_keys[scheme]


def test_sketch_pickles_small_and_whole():
    text = " ".join(f"word{n % 450}" for n in range(600))
    sketch = Sketcher(NearDupParams()).sketch(text)
    data = pickle.dumps(sketch)
    assert len(data) < 4 * len(sketch.shingles) + 8 * len(sketch.band_keys) + 200
    again = pickle.loads(data)
    assert np.array_equal(again.shingles, sketch.shingles)
    assert np.array_equal(again.band_keys, sketch.band_keys)
    assert again.fingerprint == sketch.fingerprint == NearDupParams().fingerprint


def _sketch_in_worker(params: NearDupParams, text: str) -> Sketch:
    return Sketcher(params).sketch(text)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_sketch_made_in_another_process_is_used_instead_of_the_text(backend, tmp_path, request):
    if backend == "sqlite":
        index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK)
    else:
        client, prefix = request.getfixturevalue("client"), request.getfixturevalue("prefix")
        index = RedisNearDupIndex(client, WEEK, prefix)
    with ProcessPoolExecutor(1) as pool:
        wire, copy = pool.map(_sketch_in_worker, [index.params] * 2, [WIRE, SYNDICATED])
    assert index.find_or_add("wire", "", wire) is None
    match = index.find_or_add("copy", "", copy)  # no text: only the sketch can match
    assert match is not None and match.group_id == "wire"
    index.close()


def test_sketch_made_with_other_parameters_is_made_again_from_the_text(tmp_path):
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK)
    other = Sketcher(NearDupParams(shingle_words=3))
    assert index.find_or_add("wire", WIRE, other.sketch(WIRE)) is None
    match = index.find_or_add("copy", SYNDICATED, other.sketch(SYNDICATED))
    assert match is not None and match.group_id == "wire"
    index.close()


def test_writes_are_committed_in_batches_by_flush(tmp_path):
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK, commit_seconds=3600)
    index.find_or_add("wire", WIRE)
    reader = sqlite3.connect(tmp_path / "nd.db")
    count = "SELECT COUNT(*) FROM neardup_docs"
    assert reader.execute(count).fetchone() == (0,)
    index.flush()
    assert reader.execute(count).fetchone() == (1,)
    reader.close()
    index.close()


# keys from a small pool, so that many documents share band keys: small numbers (one
# directory bucket) or spread over all 64 bits, negative ones too (as band keys are)
POOLS = {
    "small": np.arange(40 * 4, dtype=np.int64),
    "spread": np.random.default_rng(3).integers(-(2**63), 2**63 - 1, 40 * 4, dtype=np.int64),
}


@pytest.mark.parametrize("pool", POOLS.values(), ids=POOLS.keys())
def test_band_table_finds_what_a_scan_finds_across_merges(pool):
    rng = np.random.default_rng(7)
    table = BandTable(bands=4, recent_docs=3, fanout=2)  # tiny: many seals and merges
    stored = []
    for row in range(200):
        keys = pool[rng.integers(0, 40, 4) * 4 + np.arange(4)]
        table.add(keys, row)
        stored.append(keys)
        query = pool[rng.integers(0, 40, 4) * 4 + np.arange(4)]
        shared = {r: int((k == query).sum()) for r, k in enumerate(stored)}
        expected = sorted((r for r in shared if shared[r]), key=lambda r: (-shared[r], r))
        assert table.ranked(query, 8) == expected[:8]
    assert len(table) == 800
    loaded = BandTable(bands=4)
    loaded.load(np.concatenate(stored), np.repeat(np.arange(200, dtype=np.uint32), 4))
    assert all(loaded.ranked(k, 50) == table.ranked(k, 50) for k in stored)
    table.drop_rows_below(150)
    assert len(table) == 200 and min(table.ranked(stored[199], 50)) >= 150


def test_reopened_index_finds_documents_added_before(tmp_path):
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK)
    index.find_or_add("empty", "")  # no shingles: stored, never a candidate
    index.find_or_add("wire", WIRE)
    index.close()
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK)
    assert index.stats()["band_entries"] == 40
    assert index.find_or_add("copy", SYNDICATED).group_id == "wire"
    index.close()


#: The table of indexes written before the shingle log: shingles in a column.
TABLE_WITH_SHINGLES = """
CREATE TABLE neardup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE neardup_docs (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    group_id TEXT NOT NULL,
    duplicate_of TEXT,
    similarity REAL,
    containment REAL,
    added_at REAL NOT NULL,
    band_keys BLOB NOT NULL,
    shingles BLOB NOT NULL
);
"""


def test_an_index_with_shingles_in_its_table_moves_them_to_the_log(tmp_path):
    sketcher = Sketcher(NearDupParams())
    db = sqlite3.connect(tmp_path / "nd.db")
    db.executescript(TABLE_WITH_SHINGLES)
    db.execute("INSERT INTO neardup_meta VALUES ('params', ?)", (NearDupParams().to_json(),))
    for row, (doc_id, text) in enumerate([("empty", ""), ("wire", WIRE), ("other", SAME_TOPIC)]):
        sketch = sketcher.sketch(text)
        db.execute(
            "INSERT INTO neardup_docs (id, doc_id, group_id, added_at, band_keys, shingles) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                row + 1,
                doc_id,
                doc_id,
                time.time(),
                sketch.band_keys.tobytes(),
                sketch.shingles.tobytes(),
            ),
        )
    db.commit()
    db.close()
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK, recent_docs=0)
    columns = {column[1] for column in index._db.execute("PRAGMA table_info(neardup_docs)")}
    assert "shingles" not in columns and index.stats()["band_entries"] == 80
    match = index.find_or_add("copy", SYNDICATED)
    assert (match.group_id, match.duplicate_of) == ("wire", "wire")
    index.close()
    reopened = SqliteNearDupIndex(tmp_path / "nd.db", WEEK, recent_docs=0)
    assert reopened.find_or_add("copy-2", SYNDICATED + " Extra.").group_id == "wire"
    assert reopened.stats()["docs"] == 5
    reopened.close()


def test_shingles_lost_with_the_power_are_skipped_and_their_place_not_reused(tmp_path):
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK, recent_docs=0)
    index.find_or_add("wire", WIRE)
    index.close()
    for segment in (tmp_path / "nd.db-shingles").iterdir():
        segment.write_bytes(b"")  # the database kept its row, the log lost the data
    index = SqliteNearDupIndex(tmp_path / "nd.db", WEEK, recent_docs=0)
    assert index.find_or_add("copy", SYNDICATED) is None  # nothing to compare with: a group
    assert index.find_or_add("copy-2", SYNDICATED + " Extra.").duplicate_of == "copy"
    index.close()
    db = sqlite3.connect(tmp_path / "nd.db")
    (lost_at, lost_count), *later = db.execute(
        "SELECT shingles_at, shingle_count FROM neardup_docs ORDER BY id"
    ).fetchall()
    db.close()
    assert all(at >= lost_at + 4 * lost_count for at, _ in later)


def test_index_params_are_those_an_index_was_built_with(tmp_path):
    uri = f"sqlite:///{tmp_path}/nd.db"
    assert index_params(uri) == NearDupParams()  # no index yet: this version's defaults
    older = NearDupParams(scheme="affine32", bands=30)
    SqliteNearDupIndex(tmp_path / "nd.db", WEEK, older).close()
    assert index_params(uri) == older


def test_index_params_of_a_redis_index(client):
    uri = REDIS_URL.rsplit("/", 1)[0] + "/13"  # the default key prefix, in a database of its own
    scratch = redis.Redis.from_url(uri)
    scratch.delete("newsspider:neardup:params")
    try:
        assert index_params(uri) == NearDupParams()
        older = NearDupParams(scheme="affine32", rows=2)
        RedisNearDupIndex(scratch, WEEK, params=older)
        assert index_params(uri) == older
    finally:
        scratch.delete("newsspider:neardup:params")
        scratch.close()
