"""Aliases in query results: other URLs' copies folded into the record they copy.

An exact copy of a story under another URL (or, under `[dedup] policy = "first_only"`, a near
copy) is archived as a small alias record (`record_type = "alias"`, no body, `duplicate_of` =
the canonical URL of the record it copies). A query shows each story once: alias rows are
hidden and their URLs listed in the copied record's `also_published_at`, oldest first. Where
the question names a story (`dup_group`, `url`, `article_key`), alias rows are shown too, so
a group lists every outlet. `newsspider sql` reads the stored rows as they are.

Aliases are looked up among the rows the query reads (its period and sources, before the
other filters): a copy published outside the period, or from a source the query leaves out,
is not listed; `dup_group` lists every outlet.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from newsspider.query.filters import Filters
from newsspider.record import ALIAS

_STORED = "_stored_articles"
_ALSO = "_also_published_at"


def fold_aliases(db: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Turn the view `articles` into one where aliases are folded into their records;
    nothing changes when it holds no alias."""
    aliases = db.sql(
        "SELECT url, canonical_url, duplicate_of FROM articles "
        f"WHERE record_type = '{ALIAS}' ORDER BY fetched_at, url"
    ).fetchall()
    if not aliases:
        return
    db.register(_ALSO, _also_published_at(aliases))
    db.execute(f"ALTER VIEW articles RENAME TO {_STORED}")
    shown = filters.dup_group or filters.url or filters.article_key
    hidden = "" if shown else f"WHERE s.record_type IS DISTINCT FROM '{ALIAS}'"
    db.execute(
        "CREATE VIEW articles AS SELECT s.* REPLACE "
        "(coalesce(a.urls, s.also_published_at, []::VARCHAR[]) AS also_published_at) "
        f"FROM {_STORED} s LEFT JOIN {_ALSO} a ON a.target = s.canonical_url {hidden}"
    )


def _also_published_at(aliases: list[tuple[str, str, str | None]]) -> pa.Table:
    """Target canonical URL -> alias URLs, each alias followed through aliases of aliases
    (an exact copy of a `first_only` alias) to the record that holds the text."""
    copies = {canonical: duplicate_of for _, canonical, duplicate_of in aliases}
    urls: dict[str, list[str]] = {}
    for url, canonical, duplicate_of in aliases:
        target, seen = duplicate_of, {canonical}
        while target in copies and target not in seen:
            seen.add(target)
            target = copies[target]
        if target is not None and url not in urls.setdefault(target, []):
            urls[target].append(url)
    return pa.table(
        {
            "target": pa.array(list(urls), pa.string()),
            "urls": pa.array(list(urls.values()), pa.list_(pa.string())),
        }
    )
