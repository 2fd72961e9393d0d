"""What changed between two texts, as escaped HTML with `<ins>` and `<del>`.

Story groups compare whole sentences (a syndicated copy is the wire story with sentences
cut, added or rewritten); revisions compare words (a correction changes a figure or a name).
Both are `difflib` over token lists; every token is escaped before it is wrapped.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_SENTENCE_END = re.compile(r"(?<=[.!?。…])[\"'”’)]*\s+|\n+")
_WORDS = re.compile(r"\S+|\s+")


@dataclass(frozen=True, slots=True)
class SentenceChange:
    """One sentence of a copy compared with the earliest copy."""

    kind: str  # "same", "added" or "removed"
    text: str


def sentences(text: str | None) -> list[str]:
    """Sentences (and paragraphs) of a body, white space folded."""
    parts = (re.sub(r"\s+", " ", part).strip() for part in _SENTENCE_END.split(text or ""))
    return [part for part in parts if part]


def sentence_changes(earliest: str | None, copy: str | None) -> list[SentenceChange]:
    """The copy's sentences in order, with the earliest copy's missing ones as removed."""
    old, new = sentences(earliest), sentences(copy)
    changes: list[SentenceChange] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.extend(SentenceChange("same", s) for s in new[j1:j2])
            continue
        changes.extend(SentenceChange("removed", s) for s in old[i1:i2])
        changes.extend(SentenceChange("added", s) for s in new[j1:j2])
    return changes


def word_diff(old: str | None, new: str | None) -> Markup:
    """`new` as escaped HTML, with words removed since `old` in `<del>`, added in `<ins>`."""
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    out: list[Markup] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(escape("".join(b[j1:j2])))
            continue
        if i2 > i1 and "".join(a[i1:i2]).strip():
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if j2 > j1:
            added = "".join(b[j1:j2])
            out.append(Markup("<ins>{}</ins>").format(added) if added.strip() else escape(added))
    return Markup("").join(out)
