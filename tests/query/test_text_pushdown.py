"""The SQL push-down of a text search may let through records the exact match rejects, but
must never drop one it accepts; the exact match must agree with the tokenizer. Both are
checked against the tokenizer on generated text."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspider.query import sql as sql_engine
from newsspider.query.filters import QueryError, TextPushdown, parse_text, text_matches
from newsspider.relevance import FIELDS

#: ASCII words, separators the tokenizer splits at, letters it folds (ß, full-width, ſ,
#: Kelvin sign, dotted İ, accents, ligatures) and Hangul, which matches as a prefix.
WORDS = ["north", "korean", "troops", "kursk", "a", "x_y", "42", "ﬁre", "fire", "strasse"]
ODD = ["Straße", "ＫＵＲＳＫ", "ſtrasse", "\u212aursk", "İ", "Nörth", "Kórean", "북한군은", "북한"]
SEPARATORS = [" ", "  ", "\n", "\t", ", ", "-", ". ", "—", "\u00a0", "_", ""]


def text_of(pieces: list[tuple[str, str]]) -> str:
    return "".join(word + separator for word, separator in pieces)


texts = st.lists(
    st.tuples(
        st.sampled_from(WORDS + [w.upper() for w in WORDS] + ODD), st.sampled_from(SEPARATORS)
    ),
    max_size=12,
).map(text_of)
term = st.lists(st.sampled_from(WORDS + ODD + ["kur*", "nor*", "북"]), min_size=1, max_size=3).map(
    lambda words: words[0] if len(words) == 1 else '"' + " ".join(words) + '"'
)
field_term = st.tuples(st.sampled_from(["", "title:", "body:"]), term).map("".join)
queries = st.one_of(
    field_term,
    st.tuples(field_term, field_term).map(" ".join),
    st.tuples(field_term, field_term).map(" OR ".join),
    st.tuples(field_term, st.integers(0, 3), field_term).map(
        lambda t: f"{t[0]} NEAR/{t[1]} {t[2]}"
    ),
    st.tuples(field_term, field_term).map(lambda t: f"{t[0]} NOT {t[1]}"),
    st.tuples(field_term, field_term, field_term).map(lambda t: f"({t[0]} OR NOT {t[1]}) {t[2]}"),
)


DB = sql_engine.connect()


def pushed_rows(query_text: str, rows: list[dict]) -> set[int] | None:
    pushed = TextPushdown.of(parse_text(query_text))
    if pushed is None:
        return None
    table = pa.table({"n": range(len(rows)), **{f: [r[f] for r in rows] for f in FIELDS}})
    DB.register("t", table)
    inner = f"SELECT n, {', '.join(FIELDS)}, {pushed.select} FROM t"
    found = DB.sql(f"SELECT n FROM ({inner}) WHERE {pushed.condition}", params=pushed.params)
    return {n for (n,) in found.fetchall()}


@settings(max_examples=200, deadline=None)
@given(
    query_text=queries,
    rows=st.lists(st.fixed_dictionaries({f: texts for f in FIELDS}), min_size=1, max_size=6),
)
def test_the_pushdown_keeps_every_record_the_exact_match_accepts(query_text, rows):
    try:
        query = parse_text(query_text)
    except QueryError:
        return
    exact = {n for n, row in enumerate(rows) if query.score(row) > 0}
    pushed = pushed_rows(query_text, rows)
    if pushed is not None:
        assert exact <= pushed


def test_on_ascii_text_a_phrase_is_pushed_down_in_order_not_as_loose_words():
    rows = [
        {"title": "", "description": "", "body": "They saw NORTH\nKorean, troops."},
        {"title": "", "description": "", "body": "Korean north troops"},
        {"title": "", "description": "", "body": "north korean tanks, troops"},
    ]
    assert pushed_rows('"north korean troops"', rows) == {0}
    assert pushed_rows('"north kor* troops"', rows) == {0}


@settings(max_examples=300, deadline=None)
@given(
    query_text=queries,
    rows=st.lists(
        st.fixed_dictionaries({f: st.none() | texts for f in FIELDS}), min_size=1, max_size=6
    ),
)
def test_the_exact_match_accepts_exactly_the_records_the_tokenizer_matches(query_text, rows):
    try:
        query = parse_text(query_text)
    except QueryError:
        return
    table = pa.table({f: pa.array([r[f] for r in rows], pa.string()) for f in FIELDS})
    assert text_matches(query, table).to_pylist() == [query.score(row) > 0 for row in rows]


def test_the_exact_match_finds_whole_tokens_in_order_across_folded_text():
    rows = [
        {"title": None, "description": "", "body": "NORTH—Korean  troops, seen"},
        {"title": "", "description": "", "body": "north korean troopships"},
        {"title": "", "description": "", "body": "northern korean troops"},
        {"title": "Nörth Kóreaň TROOPS", "description": None, "body": None},
    ]
    table = pa.table({f: pa.array([r[f] for r in rows], pa.string()) for f in FIELDS})
    assert text_matches(parse_text('"north korean troops"'), table).to_pylist() == [
        True,
        False,
        False,
        True,
    ]
    assert text_matches(parse_text('"nor* korean troop*"'), table).to_pylist() == [True] * 4
