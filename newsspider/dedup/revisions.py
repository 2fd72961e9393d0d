"""Revisions: is a re-fetched story (same canonical URL) changed, how, and when to look again.

Pure functions: the caller brings the previous archived record and the new extraction. A
change is judged on the folded text (case and white space do not count), the same folding
as the exact-duplicate key, so re-rendered markup alone never makes a new revision.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

#: Re-check a story this long after it was first seen (news is corrected early, then rarely).
DEFAULT_RECHECK_OFFSETS = (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24))
_DIFF_LINES = 40


@dataclass(frozen=True)
class Revision:
    """The verdict on a re-fetch; `revision` is the number the new record should carry."""

    changed: bool
    title_changed: bool
    body_changed: bool
    revision: int
    paragraphs_added: int
    paragraphs_removed: int
    summary: str
    diff: str


def fold(text: str | None) -> str:
    """Case and white space folded: two texts that differ only there are the same text."""
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def paragraphs(body: str | None) -> list[str]:
    """Non-empty paragraphs (blank-line separated), each white-space folded for diffing."""
    return [
        p
        for p in (re.sub(r"\s+", " ", part).strip() for part in re.split(r"\n\s*\n", body or ""))
        if p
    ]


def compare_revision(
    previous_title: str | None,
    previous_body: str | None,
    previous_revision: int,
    title: str | None,
    body: str | None,
    max_diff_lines: int = _DIFF_LINES,
) -> Revision:
    """Judge a new extraction against the archived one; the diff is by paragraph, truncated
    to `max_diff_lines` lines so a rewritten story does not bloat the record."""
    title_changed = fold(previous_title) != fold(title)
    body_changed = fold(previous_body) != fold(body)
    changed = title_changed or body_changed
    old, new = paragraphs(previous_body), paragraphs(body)
    added = removed = 0
    diff_lines: list[str] = []
    if body_changed:
        matcher = difflib.SequenceMatcher(a=[fold(p) for p in old], b=[fold(p) for p in new])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                removed += i2 - i1
                added += j2 - j1
        diff_lines = list(difflib.unified_diff(old, new, "previous", "current", n=1, lineterm=""))
    if title_changed:
        diff_lines = [f"-title: {previous_title or ''}", f"+title: {title or ''}", *diff_lines]
    if len(diff_lines) > max_diff_lines:
        cut = len(diff_lines) - max_diff_lines
        diff_lines = [*diff_lines[:max_diff_lines], f"... ({cut} more lines)"]
    return Revision(
        changed=changed,
        title_changed=title_changed,
        body_changed=body_changed,
        revision=previous_revision + 1 if changed else previous_revision,
        paragraphs_added=added,
        paragraphs_removed=removed,
        summary=_summary(title_changed, body_changed, added, removed),
        diff="\n".join(diff_lines),
    )


def _summary(title_changed: bool, body_changed: bool, added: int, removed: int) -> str:
    parts = []
    if body_changed:
        parts.append(f"+{added} \u2212{removed} paragraphs" if added or removed else "body edited")
    if title_changed:
        parts.append("title changed")
    return "; ".join(parts) or "unchanged"


def due_rechecks(
    first_seen: datetime,
    last_checked: datetime,
    now: datetime,
    offsets: tuple[timedelta, ...] = DEFAULT_RECHECK_OFFSETS,
) -> bool:
    """True when a re-check milestone (first_seen + offset) has passed since the last check.

    Missed milestones collapse into one re-check; after the last offset, never again.
    """
    return any(last_checked < first_seen + offset <= now for offset in offsets)
