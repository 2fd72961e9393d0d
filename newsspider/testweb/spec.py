"""The shape of a written story: text and flags, with an age instead of a fixed date.

Kept apart from `catalog` so the per-site data modules import nothing but this.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Placeholder in paragraph text replaced by the site's dateline date ("Nov. 5").
DATELINE = "{DATE}"


@dataclass(frozen=True)
class ArticleSpec:
    """One story as written: text and flags, with its age instead of a fixed date."""

    site: str
    key: str  # unique per site; the seed of the article's URL
    title: str
    age_hours: float
    paragraphs: tuple[str, ...]
    section: str
    relevant: bool
    authors: tuple[str, ...] = ()
    wire: str | None = None
    captions: tuple[str, ...] = ()
    modified_age_hours: float | None = None
    syndicated_group: str | None = None
    status: int = 200  # 404, 500 or 302 (off-site redirect) for broken feed entries
    robots_disallowed: bool = False  # served under a path robots.txt forbids
    summary: str = ""


def paras(text: str) -> tuple[str, ...]:
    """Split a text block into paragraphs at blank lines, joining wrapped lines with spaces."""
    blocks = [" ".join(line.strip() for line in block.splitlines()) for block in text.split("\n\n")]
    return tuple(block.strip() for block in blocks if block.strip())
