"""Topic queries: a small boolean query language, parsed once and matched against many records.

Grammar (from loosest to tightest binding)::

    query     := or_expr
    or_expr   := and_expr ("OR" and_expr)*
    and_expr  := not_expr (["AND"] not_expr)*      adjacent operands are ANDed
    not_expr  := "NOT" not_expr | near_expr
    near_expr := atom ("NEAR/" N atom)*            at most N words between, within one field
    atom      := [field ":"] ("(" query ")" | '"' phrase '"' | term)
    field     := "title" | "description" | "body"  (default: all three)
    term      := letters/digits, optionally ending in "*" (prefix match)
    phrase    := terms in order, each may end in "*"

So ``a b OR c`` is ``(a AND b) OR c``. Operators are upper-case; lower-case ``and``/``or``/
``not`` are ordinary words. ``NEAR`` takes terms, phrases, OR-groups of those and other NEAR
expressions (not AND/NOT). A term that the tokenizer splits (``jong-un``, ``N.Korea``) is a
phrase.

Matching is case- and accent-insensitive (NFKD, combining marks dropped, casefold) over word
tokens. Korean words carry particles (북한군은, 러시아에), so a term ending in Hangul matches
any token that starts with it.

Score: each term or phrase hit counts its field's weight (title 3, description 2, body 1);
NEAR counts its matching pairs; AND and OR add up their matching operands; NOT only filters.
A non-match scores 0.0; a match scores at least 1.0.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsspider.config import Topic

FIELDS = ("title", "description", "body")
FIELD_WEIGHTS = {"title": 3.0, "description": 2.0, "body": 1.0}

_WORD = re.compile(r"\w+")
_COMBINING = dict.fromkeys(
    cp for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp)) == "Mn"
)


class QuerySyntaxError(ValueError):
    """A malformed query; the message ends with "at position N" (0-based character offset)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.position = position


def normalize(text: str) -> str:
    """Case- and accent-folded text: NFKD, marks dropped, recomposed (Hangul), casefolded."""
    if text.isascii():
        return text.lower()
    stripped = unicodedata.normalize("NFKD", text).translate(_COMBINING)
    return unicodedata.normalize("NFC", stripped).casefold()


def tokenize(text: str) -> list[str]:
    """Normalized word tokens, the unit every term is matched against."""
    return _WORD.findall(normalize(text))


def _is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3" or "\u3131" <= char <= "\u318e"


# --- documents ---------------------------------------------------------------------------


class _Field:
    """One field's tokens, indexed for exact and prefix lookups."""

    __slots__ = ("positions", "sorted_tokens", "tokens")

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text) if text else []
        self.positions: dict[str, list[int]] = {}
        for index, token in enumerate(self.tokens):
            self.positions.setdefault(token, []).append(index)
        self.sorted_tokens = sorted(self.positions)

    def find(self, word: str, prefix: bool) -> list[int]:
        if not prefix:
            return self.positions.get(word, [])
        found: list[int] = []
        start = bisect.bisect_left(self.sorted_tokens, word)
        for token in self.sorted_tokens[start:]:
            if not token.startswith(word):
                break
            found.extend(self.positions[token])
        return sorted(found)


class _Doc:
    """A record tokenized once, shared by every term and topic matched against it."""

    __slots__ = ("fields",)

    def __init__(self, record: Mapping[str, object]) -> None:
        self.fields = {}
        for name in FIELDS:
            value = record.get(name)
            self.fields[name] = _Field(value if isinstance(value, str) else "")


# --- syntax tree -------------------------------------------------------------------------

Span = tuple[int, int]


@dataclass(frozen=True)
class Term:
    """A word or phrase; a word matches as a prefix when it had a ``*`` or ends in Hangul."""

    words: tuple[str, ...]
    wildcards: tuple[bool, ...]
    fields: tuple[str, ...] | None = None

    def __str__(self) -> str:
        text = " ".join(
            w + ("*" if star else "") for w, star in zip(self.words, self.wildcards, strict=True)
        )
        if len(self.words) > 1:
            text = f'"{text}"'
        return f"{self.fields[0]}:{text}" if self.fields else text

    @functools.cached_property
    def prefixes(self) -> tuple[bool, ...]:
        """Per word: match as a prefix? (Asked ~500 times per document: computed once.)"""
        return tuple(
            star or _is_hangul(w[-1]) for w, star in zip(self.words, self.wildcards, strict=True)
        )

    def spans(self, doc: _Doc, field: str) -> list[Span]:
        if self.fields and field not in self.fields:
            return []
        index = doc.fields[field]
        prefixes = self.prefixes
        starts = index.find(self.words[0], prefixes[0])
        if len(self.words) == 1:
            return [(i, i + 1) for i in starts]
        spans = []
        tokens, size = index.tokens, len(self.words)
        for i in starts:
            if i + size > len(tokens):
                break
            if all(
                tokens[i + k].startswith(w) if p else tokens[i + k] == w
                for k, (w, p) in enumerate(zip(self.words, prefixes, strict=True))
                if k
            ):
                spans.append((i, i + size))
        return spans

    def evaluate(self, doc: _Doc) -> float | None:
        score = sum(FIELD_WEIGHTS[f] * len(self.spans(doc, f)) for f in FIELDS)
        return score or None


@dataclass(frozen=True)
class Near:
    """Both sides within ``distance`` words of each other, in the same field."""

    left: Node
    right: Node
    distance: int

    def __str__(self) -> str:
        return f"{_wrap(self.left)} NEAR/{self.distance} {_wrap(self.right)}"

    def spans(self, doc: _Doc, field: str) -> list[Span]:
        left = self.left.spans(doc, field)  # type: ignore[union-attr]
        right = sorted(self.right.spans(doc, field))  # type: ignore[union-attr]
        if not left or not right:
            return []
        starts = [s for s, _ in right]
        longest = max(e - s for s, e in right)
        found = set()
        for a_start, a_end in left:
            j = bisect.bisect_left(starts, a_start - self.distance - longest)
            while j < len(right) and right[j][0] <= a_end + self.distance:
                b_start, b_end = right[j]
                if max(b_start - a_end, a_start - b_end) <= self.distance:
                    found.add((min(a_start, b_start), max(a_end, b_end)))
                j += 1
        return sorted(found)

    def evaluate(self, doc: _Doc) -> float | None:
        score = sum(FIELD_WEIGHTS[f] * len(self.spans(doc, f)) for f in FIELDS)
        return score or None


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(_wrap(o) for o in self.operands)

    @functools.cached_property
    def _plan(
        self,
    ) -> tuple[
        list[tuple[tuple[str, ...] | None, frozenset[str], tuple[str, ...]]], tuple[Node, ...]
    ]:
        """Single-word operands grouped by field restriction, looked up together; the rest
        one by one. Topic queries are long ORs of words: one set intersection per field
        replaces dozens of term look-ups."""
        groups: dict[tuple[str, ...] | None, tuple[set[str], list[str]]] = {}
        others = []
        for operand in self.operands:
            if isinstance(operand, Term) and len(operand.words) == 1:
                exact, prefix = groups.setdefault(operand.fields, (set(), []))
                if operand.prefixes[0]:
                    prefix.append(operand.words[0])
                else:
                    exact.add(operand.words[0])
            else:
                others.append(operand)
        plan = [
            (fields, frozenset(exact), tuple(prefix)) for fields, (exact, prefix) in groups.items()
        ]
        return plan, tuple(others)

    def spans(self, doc: _Doc, field: str) -> list[Span]:
        groups, others = self._plan
        index = doc.fields[field]
        found: set[Span] = set()
        for fields, exact, prefix in groups:
            if fields and field not in fields:
                continue
            for word in exact & index.positions.keys():
                found.update((i, i + 1) for i in index.positions[word])
            for word in prefix:
                found.update((i, i + 1) for i in index.find(word, True))
        for operand in others:
            found.update(operand.spans(doc, field))  # type: ignore[union-attr]
        return sorted(found)

    def evaluate(self, doc: _Doc) -> float | None:
        scores = [s for o in self.operands if (s := o.evaluate(doc)) is not None]
        return sum(scores) if scores else None


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]

    def __str__(self) -> str:
        return " AND ".join(_wrap(o) for o in self.operands)

    def evaluate(self, doc: _Doc) -> float | None:
        total = 0.0
        for operand in self.operands:
            score = operand.evaluate(doc)
            if score is None:
                return None
            total += score
        return total


@dataclass(frozen=True)
class Not:
    operand: Node

    def __str__(self) -> str:
        return f"NOT {_wrap(self.operand)}"

    def evaluate(self, doc: _Doc) -> float | None:
        return 0.0 if self.operand.evaluate(doc) is None else None


Node = Term | Near | Or | And | Not
_POSITIONAL = (Term, Near)


def _wrap(node: Node) -> str:
    return str(node) if isinstance(node, Term) else f"({node})"


def _positional(node: Node) -> bool:
    if isinstance(node, Or):
        return all(_positional(o) for o in node.operands)
    return isinstance(node, _POSITIONAL)


@dataclass(frozen=True)
class Query:
    """A parsed query: match it against many records with :meth:`score`."""

    root: Node

    def __str__(self) -> str:
        return str(self.root)

    def score(self, record: Mapping[str, object]) -> float:
        """Match strength against the record's title/description/body; 0.0 when no match."""
        return self._score(_Doc(record))

    def _score(self, doc: _Doc) -> float:
        score = self.root.evaluate(doc)
        return 0.0 if score is None else max(score, 1.0)


# --- parser ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r'\s+|(?P<open>\()|(?P<close>\))|(?P<phrase>"[^"]*"?)'
    r'|(?P<field>[A-Za-z]+):(?=\S)|(?P<word>[^\s()"]+)'
)
_NEAR = re.compile(r"NEAR/(\d+)")


@dataclass(frozen=True)
class _Tok:
    kind: str  # open, close, phrase, field, word, AND, OR, NOT, NEAR
    text: str
    pos: int


def _lex(query: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if match is None:  # the alternatives cover every character; kept for type narrowing
            raise QuerySyntaxError("unexpected character", pos)
        kind, text = match.lastgroup, match.group(match.lastgroup or 0)
        if kind == "phrase" and (len(text) < 2 or not text.endswith('"')):
            raise QuerySyntaxError("unterminated phrase", pos)
        if kind == "field" and text.lower() not in FIELDS:
            raise QuerySyntaxError(f"unknown field {text!r} (use title, description, body)", pos)
        if kind == "word" and text in ("AND", "OR", "NOT"):
            kind = text
        elif kind == "word" and text.startswith("NEAR"):
            if not _NEAR.fullmatch(text):
                raise QuerySyntaxError("NEAR needs a distance, e.g. NEAR/5", pos)
            kind = "NEAR"
        if kind:
            tokens.append(_Tok(kind, text, pos))
        pos = match.end()
    return tokens


def _make_term(text: str, pos: int, fields: tuple[str, ...] | None = None) -> Term:
    words: list[str] = []
    wildcards: list[bool] = []
    for match in re.finditer(r"[^\s]+", text):
        chunk = match.group()
        star = chunk.endswith("*")
        if "*" in chunk.rstrip("*") or chunk.count("*") > 1:
            at = pos + match.start() + chunk.index("*")
            raise QuerySyntaxError("'*' is only allowed at the end of a word", at)
        parts = tokenize(chunk.rstrip("*"))
        if not parts:
            raise QuerySyntaxError("term has no letters or digits", pos + match.start())
        words.extend(parts)
        wildcards.extend([False] * (len(parts) - 1) + [star])
    if not words:
        raise QuerySyntaxError("empty phrase", pos)
    return Term(tuple(words), tuple(wildcards), fields)


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _lex(query)
        self.index = 0

    def peek(self) -> _Tok | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Tok:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, message: str) -> QuerySyntaxError:
        token = self.peek()
        return QuerySyntaxError(message, token.pos if token else len(self.query))

    def parse(self) -> Node:
        if not self.tokens:
            raise QuerySyntaxError("empty query", 0)
        node = self.or_expr()
        if self.peek() is not None:
            token = self.peek()
            raise self.fail(f"unexpected {token.text!r}")  # type: ignore[union-attr]
        return node

    def or_expr(self) -> Node:
        operands = [self.and_expr()]
        while (token := self.peek()) and token.kind == "OR":
            self.take()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_expr(self) -> Node:
        operands = [self.not_expr()]
        while (token := self.peek()) and token.kind in (
            "AND",
            "NOT",
            "open",
            "phrase",
            "field",
            "word",
        ):
            if token.kind == "AND":
                self.take()
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def not_expr(self) -> Node:
        if (token := self.peek()) and token.kind == "NOT":
            self.take()
            return Not(self.not_expr())
        return self.near_expr()

    def near_expr(self) -> Node:
        start = self.peek()
        node = self.atom(None)
        while (token := self.peek()) and token.kind == "NEAR":
            self.take()
            right_token = self.peek()
            right = self.atom(None)
            for side, at in ((node, start), (right, right_token)):
                if not _positional(side):
                    raise QuerySyntaxError(
                        "NEAR needs terms, phrases or OR-groups on both sides",
                        at.pos if at else len(self.query),
                    )
            node = Near(node, right, int(_NEAR.fullmatch(token.text)[1]))  # type: ignore[index]
        return node

    def atom(self, fields: tuple[str, ...] | None) -> Node:
        token = self.peek()
        if token is None:
            raise self.fail("expected a term, phrase or '(' but the query ended")
        if token.kind == "field":
            self.take()
            return self.atom((token.text.lower(),))
        if token.kind == "open":
            self.take()
            node = self.or_expr()
            if not (closing := self.peek()) or closing.kind != "close":
                raise QuerySyntaxError("missing ')' for '('", token.pos)
            self.take()
            return _with_fields(node, fields) if fields else node
        if token.kind == "phrase":
            self.take()
            return _make_term(token.text[1:-1], token.pos + 1, fields)
        if token.kind == "word":
            self.take()
            return _make_term(token.text, token.pos, fields)
        raise self.fail(f"expected a term, phrase or '(' but found {token.text!r}")


def _with_fields(node: Node, fields: tuple[str, ...]) -> Node:
    """Apply a field prefix to a group; fields given inside the group win."""
    if isinstance(node, Term):
        return node if node.fields else Term(node.words, node.wildcards, fields)
    if isinstance(node, Near):
        return Near(
            _with_fields(node.left, fields), _with_fields(node.right, fields), node.distance
        )
    if isinstance(node, Not):
        return Not(_with_fields(node.operand, fields))
    return type(node)(tuple(_with_fields(o, fields) for o in node.operands))


def parse_query(query: str) -> Query:
    """Parse a topic query (grammar in the module docstring); raise QuerySyntaxError."""
    return Query(_Parser(query).parse())


# --- topics ------------------------------------------------------------------------------


def _keywords(words: Iterable[str]) -> Node | None:
    terms = [_make_term(word, 0) for word in words if word.strip()]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else Or(tuple(terms))


def topic_query(topic: Topic) -> Query:
    """A topic's query: its ``query`` AND any of ``include`` AND NOT any of ``exclude``."""
    parts: list[Node] = []
    try:
        if topic.query:
            parts.append(parse_query(topic.query).root)
        if included := _keywords(topic.include):
            parts.append(included)
        if excluded := _keywords(topic.exclude):
            parts.append(Not(excluded))
    except QuerySyntaxError as exc:
        message = str(exc).rsplit(" at position", 1)[0]
        raise QuerySyntaxError(f"topic {topic.name!r}: {message}", exc.position) from None
    return Query(parts[0] if len(parts) == 1 else And(tuple(parts)))


class TopicMatcher:
    """Scores records against every configured topic, tokenizing each record once."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self._topics = [(topic, topic_query(topic)) for topic in topics]

    def match(self, record: Mapping[str, object]) -> dict[str, float]:
        """Topic name -> score for topics the record matches (score >= min_score, language fits).

        A record whose language is unknown is not excluded by a topic's ``languages``.
        """
        doc = _Doc(record)
        language = record.get("language")
        matches: dict[str, float] = {}
        for topic, query in self._topics:
            if topic.languages and language and language not in topic.languages:
                continue
            score = query._score(doc)
            if score > 0 and score >= topic.min_score:
                matches[topic.name] = score
        return matches
