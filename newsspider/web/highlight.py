"""Search hits made visible: which words a query looks for, and snippets with them marked.

Archive text is hostile, so marking never edits HTML: the text is cut into word and non-word
pieces, every piece is escaped, and only then are the matching words wrapped in `<mark>`.
Words are compared the way the query language matches them (case and accents folded, `*` and
Hangul words as prefixes), so what is marked is what matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from newsspider.relevance import And, Near, Node, Not, Or, Query, Term, normalize

_PIECES = re.compile(r"(\w+)")
SNIPPET_WORDS = 40


@dataclass(frozen=True, slots=True)
class HitWords:
    """The words a query searches for (outside NOT): exact words and prefixes."""

    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes)

    def matches(self, word: str) -> bool:
        folded = normalize(word)
        return folded in self.exact or folded.startswith(self.prefixes)


def hit_words(query: Query | None) -> HitWords:
    """The positive words of `query`; a phrase contributes each of its words."""
    exact: set[str] = set()
    prefixes: set[str] = set()

    def visit(node: Node) -> None:
        if isinstance(node, Term):
            for word, prefix in zip(node.words, node.prefixes, strict=True):
                (prefixes if prefix else exact).add(word)
        elif isinstance(node, Near):
            visit(node.left)
            visit(node.right)
        elif isinstance(node, And | Or):
            for operand in node.operands:
                visit(operand)
        else:
            assert isinstance(node, Not)

    if query is not None:
        visit(query.root)
    return HitWords(frozenset(exact), tuple(sorted(prefixes)))


def mark(text: str | None, words: HitWords) -> Markup:
    """`text` escaped, with the words `words` matches wrapped in `<mark>`."""
    pieces = _PIECES.split(text or "")
    out = []
    for index, piece in enumerate(pieces):
        escaped = escape(piece)
        if index % 2 and words.matches(piece):
            out.append(Markup("<mark>{}</mark>").format(escaped))
        else:
            out.append(escaped)
    return Markup("").join(out)


def snippet(record: dict, words: HitWords, size: int = SNIPPET_WORDS) -> Markup:
    """About `size` words of the description or body around the first hit, marked."""
    if words:
        for name in ("body", "description"):
            tokens = (record.get(name) or "").split()
            for index, token in enumerate(tokens):
                if any(words.matches(w) for w in _PIECES.findall(token)):
                    return _cut(tokens, max(0, index - size // 4), size, words)
    fallback = (record.get("description") or record.get("body") or "").split()
    return _cut(fallback, 0, size, words)


def _cut(tokens: list[str], start: int, size: int, words: HitWords) -> Markup:
    text = " ".join(tokens[start : start + size])
    lead = "… " if start else ""
    tail = " …" if start + size < len(tokens) else ""
    return Markup("{}{}{}").format(lead, mark(text, words), tail)
