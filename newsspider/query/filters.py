"""What a query asks for, as validated values and a DuckDB `WHERE` clause.

Full-text search uses the topic query language (`newsspider.relevance`). Its exact semantics
(tokens, phrases, NEAR, accents folded) are applied in Python, which is slow per record; so
each term is first pushed down to DuckDB, and only the records that pass are matched exactly.
The push-down never drops a record the full query would match. On a field of plain ASCII text
the tokenizer only lower-cases and splits at non-word characters, so there a case-insensitive
regular expression finds a word or phrase almost exactly, at about the cost of reading the
text; other text is folded by DuckDB and must contain every word of the term as a substring.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal

import pyarrow as pa

from newsspider.archive.file_stats import url_key
from newsspider.query.errors import QueryError
from newsspider.record import FIELDS, LIST_FIELDS, MAP_FIELDS
from newsspider.relevance import FIELDS as TEXT_FIELDS
from newsspider.relevance import (
    And,
    Near,
    Node,
    Not,
    Or,
    Query,
    QuerySyntaxError,
    Term,
    normalize,
    parse_query,
)

TimeField = Literal["published", "fetched"]
#: Fields a result can be ordered by: the scalar ones (lists and maps have no order).
SORTABLE = tuple(name for name in FIELDS if name not in LIST_FIELDS | MAP_FIELDS)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """`since <= t <= until` on the publication time (else fetch time) or the fetch time."""

    since: datetime | None = None
    until: datetime | None = None
    by: TimeField = "published"

    def __post_init__(self) -> None:
        if self.by not in ("published", "fetched"):
            raise QueryError(f"time field must be 'published' or 'fetched', not {self.by!r}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise QueryError(f"{name} must be timezone-aware")
        if self.since and self.until and self.since > self.until:
            raise QueryError("since is later than until: the time window is empty")

    def column(self, *, all_dated: bool = False) -> str:
        """The time the window bounds. When every row read has a publication time, that
        column itself: DuckDB then skips row groups by its statistics."""
        if self.by == "fetched":
            return "fetched_at"
        return "published_at" if all_dated else "coalesce(published_at, fetched_at)"

    def overlaps(self, low: datetime | None, high: datetime | None) -> bool:
        """Whether the closed range [low, high] may hold a time inside the window."""
        if low is None or high is None:
            return False
        return (self.since is None or high >= self.since) and (
            self.until is None or low <= self.until
        )


@dataclass(frozen=True, slots=True)
class Filters:
    """Every filter a query may combine; empty values filter nothing."""

    window: TimeWindow = field(default_factory=TimeWindow)
    sources: tuple[str, ...] = ()
    topic: str | None = None
    text: Query | None = None
    url: tuple[str, ...] = ()
    article_key: str | None = None
    wire: str | None = None
    language: str | None = None
    dup_group: str | None = None

    def url_keys(self) -> tuple[str, ...]:
        """Keys (`file_stats.url_key`) one of which every matching record's URLs has."""
        if self.article_key:
            return (self.article_key,)
        return tuple(url_key(form) for form in self.url)

    def where(self, *, all_dated: bool = False) -> tuple[str, list]:
        """A `WHERE` clause (or "") and its parameters, for all but the text search.

        `all_dated`: every row read is known to have a publication time (see
        `TimeWindow.column`)."""
        clauses: list[str] = []
        params: list = []
        column = self.window.column(all_dated=all_dated)
        if self.window.since:
            clauses.append(f"{column} >= ?")
            params.append(self.window.since)
        if self.window.until:
            clauses.append(f"{column} <= ?")
            params.append(self.window.until)
        if self.sources:
            clauses.append(f"source IN ({', '.join('?' for _ in self.sources)})")
            params.extend(self.sources)
        if self.topic:
            clauses.append("list_contains(topics, ?)")
            params.append(self.topic)
        if self.url:
            marks = ", ".join("?" for _ in self.url)
            clauses.append(f"(url IN ({marks}) OR canonical_url IN ({marks}))")
            params.extend([*self.url, *self.url])
        if self.article_key:
            clauses.append("substr(sha256(coalesce(nullif(canonical_url, ''), url)), 1, 32) = ?")
            params.append(self.article_key)
        if self.wire:
            clauses.append("lower(wire) = lower(?)")
            params.append(self.wire)
        if self.language:
            clauses.append("lower(language) = lower(?)")
            params.append(self.language)
        if self.dup_group:
            clauses.append("dup_group = ?")
            params.append(self.dup_group)
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


@dataclass(frozen=True, slots=True)
class TextPushdown:
    """The SQL half of a text search: `condition` tests the columns `select` adds for each
    field it names (whether the field is ASCII; else its folded text, folded once per row)."""

    condition: str
    params: list
    fields: tuple[str, ...]

    @classmethod
    def of(cls, query: Query) -> TextPushdown | None:
        params: list = []
        condition = _pushdown(query.root, params)
        if condition is None:
            return None
        return cls(condition, params, tuple(n for n in TEXT_FIELDS if ascii_flag(n) in condition))

    @property
    def select(self) -> str:
        return ", ".join(
            f'strlen("{n}") = length("{n}") AS {ascii_flag(n)}, '
            f'CASE WHEN strlen("{n}") = length("{n}") THEN NULL '
            f'ELSE strip_accents(lower("{n}")) END AS {folded(n)}'
            for n in self.fields
        )


def folded(name: str) -> str:
    return f"_folded_{name}"


def ascii_flag(name: str) -> str:
    return f"_ascii_{name}"


#: Outside a word, in ASCII text: what the tokenizer's `\w+` splits at (RE2 syntax).
_ASCII_GAP = "[^a-z0-9_]"


def ascii_pattern(term: Term) -> str:
    """A case-insensitive RE2 pattern that ASCII text matches whenever the tokenizer finds
    `term` in it: the words in order, separated by non-word characters only. Only the word
    boundaries at both ends are left to the exact match (anchoring them makes RE2 several
    times slower). Words with other letters never match ASCII text."""
    parts = []
    for n, (word, prefix) in enumerate(zip(term.words, term.prefixes, strict=True)):
        inner_prefix = prefix and n < len(term.words) - 1
        parts.append(re.escape(word) + ("[a-z0-9_]*" if inner_prefix else ""))
    return "(?i)" + f"{_ASCII_GAP}+".join(parts)


def parse_text(text: str) -> Query:
    """A `--text` search in the topic query language; plain words must all occur."""
    try:
        return parse_query(text)
    except QuerySyntaxError as exc:
        raise QueryError(f"text query {text!r}: {exc}") from None


def text_matches(query: Query, table: pa.Table) -> pa.Array:
    """A boolean mask: which rows the full text query matches, exactly as `Query.score`.

    Without NEAR, whether a query matches needs no token positions: each term is a regular
    expression (`_term_pattern`) over the text folded as the tokenizer folds it, several
    times faster than tokenizing and indexing every field of every candidate."""
    columns = {name: table.column(name).to_pylist() for name in TEXT_FIELDS}
    records = ({name: columns[name][row] for name in TEXT_FIELDS} for row in range(table.num_rows))
    if (matches := _matcher(query.root)) is None:
        return pa.array([query.score(record) > 0 for record in records], pa.bool_())
    return pa.array(
        [
            matches({n: normalize(v) if isinstance(v, str) else "" for n, v in record.items()})
            for record in records
        ],
        pa.bool_(),
    )


def _term_pattern(term: Term) -> re.Pattern:
    """Where `term` matches in text folded by `relevance.normalize`: its words as whole
    tokens (`\\w+` runs), consecutive, a word marked as a prefix also as a token's start."""
    words = [
        re.escape(word) + (r"\w*" if prefix else "")
        for word, prefix in zip(term.words, term.prefixes, strict=True)
    ]
    return re.compile(r"(?<!\w)" + r"\W+".join(words) + ("" if term.prefixes[-1] else r"(?!\w)"))


def _matcher(node: Node) -> Callable[[dict[str, str]], bool] | None:
    """A test of folded text fields that holds where `node` matches; None under NEAR."""
    if isinstance(node, Term):
        pattern = _term_pattern(node)
        names = [name for name in TEXT_FIELDS if not node.fields or name in node.fields]
        return lambda text: any(pattern.search(text[name]) for name in names)
    if isinstance(node, Not):
        inner = _matcher(node.operand)
        return None if inner is None else lambda text: not inner(text)
    if isinstance(node, And | Or):
        operands = [_matcher(operand) for operand in node.operands]
        if any(operand is None for operand in operands):
            return None
        combine = all if isinstance(node, And) else any
        return lambda text: combine(operand(text) for operand in operands)
    return None


def check_fields(names: Sequence[str]) -> list[str]:
    """The names as given, or a QueryError naming the unknown ones and the known ones."""
    unknown = [name for name in names if name not in FIELDS]
    if unknown:
        raise QueryError(f"unknown field(s): {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    if not names:
        raise QueryError("no fields chosen")
    return list(dict.fromkeys(names))


def check_sort(name: str) -> str:
    if name not in SORTABLE:
        raise QueryError(f"cannot sort by {name!r} (sortable: {', '.join(SORTABLE)})")
    return name


def parse_when(value: str, option: str, *, now: datetime, end_of_day: bool = False) -> datetime:
    """A CLI time: ISO date or date-time (UTC unless it has an offset), or `3d`/`12h` ago.

    A bare date given as an upper bound means the end of that day, so `--since 2026-11-05
    --until 2026-11-05` is the whole day.
    """
    text = value.strip()
    if len(text) > 1 and text[-1] in "dh" and text[:-1].isdigit():
        amount = int(text[:-1])
        return now - (timedelta(days=amount) if text[-1] == "d" else timedelta(hours=amount))
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end_of_day else time.min, UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(
            f"{option}: cannot read {value!r} as a date (use 2026-11-05, "
            "2026-11-05T10:00:00+09:00, or 3d / 12h ago)"
        ) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _pushdown(node: Node, params: list) -> str | None:
    """A SQL condition every match of `node` satisfies, or None when there is none to give.

    A term holds in some field it may be in. In an ASCII field, it must match
    `ascii_pattern`. In other text, each of its words must occur as a lower-cased, accent-stripped
    substring, a superset of the token match; the tokenizer also folds compatibility
    characters (`ß` to "ss", `ﬁ`, full-width and circled letters) that DuckDB's
    `lower`/`strip_accents` keep, so a field holding any that fold into the word's letters
    stays a candidate. NEAR needs both sides; NOT gives nothing to push down.
    """
    if isinstance(node, Term):
        pattern, tests = ascii_pattern(node), []
        for name in node.fields or TEXT_FIELDS:
            params.append(pattern)
            words = []
            for word in node.words:
                test = f"contains({folded(name)}, ?)"
                params.append(word)
                if folding := _folding_into(word):  # only when no plain match: evaluated last
                    test = f'({test} OR regexp_matches("{name}", ?))'
                    params.append(f"[{folding}]")
                words.append(test)
            tests.append(
                f'CASE WHEN {ascii_flag(name)} THEN regexp_matches("{name}", ?) '
                f"ELSE {' AND '.join(words)} END"
            )
        return tests[0] if len(tests) == 1 else f"({' OR '.join(tests)})"
    if isinstance(node, And | Near):
        operands = node.operands if isinstance(node, And) else (node.left, node.right)
        pushed = [p for operand in operands if (p := _pushdown(operand, params))]
        return " AND ".join(pushed) or None
    if isinstance(node, Or):
        trial: list = []
        pushed = [_pushdown(operand, trial) for operand in node.operands]
        if not all(pushed):
            return None
        params.extend(trial)
        return "(" + " OR ".join(f"({p})" for p in pushed) + ")"
    assert isinstance(node, Not)
    return None


def _folding_into(word: str) -> str:
    """Characters the tokenizer folds into one of `word`'s characters but DuckDB does not."""
    return "".join(sorted({source for char in word for source in _odd_folds().get(char, "")}))


@cache
def _odd_folds() -> dict[str, str]:
    """Folded character -> the characters whose tokenizer folding (NFKD, casefold) differs
    from DuckDB's `strip_accents(lower(c))` yet yields it; computed once (~0.3 s)."""
    folds: dict[str, set[str]] = {}
    ismark = unicodedata.combining
    for point in range(0x80, 0x30000):
        if 0xD800 <= point < 0xE000:
            continue
        char = chr(point)
        folded = normalize(char)
        bare = "".join(c for c in unicodedata.normalize("NFD", char.lower()) if not ismark(c))
        plain = unicodedata.normalize("NFC", bare)
        if folded != plain:
            for target in folded:
                if target.isalnum():
                    folds.setdefault(target, set()).add(char)
    return {target: "".join(sorted(chars)) for target, chars in folds.items()}
