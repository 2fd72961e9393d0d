"""The `newsspider` command line: crawl, seal snapshots, query the archive, run the demo."""

from __future__ import annotations

import json
import logging
import re
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import tomli_w
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsspider import __version__
from newsspider.archive.store import KeyNotFound, StoreError, open_store
from newsspider.config import (
    CONFIG_ENV,
    Config,
    ConfigError,
    bundled_config_text,
    load_config,
    resolve_config_path,
)
from newsspider.dedup.seen import open_seen_store
from newsspider.query.errors import QueryError
from newsspider.record import ALIAS, FIELDS

if TYPE_CHECKING:  # imported where used: a crawl process never loads pyarrow or DuckDB
    import pyarrow as pa

    from newsspider.archive.snapshot import SnapshotResult
    from newsspider.query.api import Archive

app = typer.Typer(
    help="Scheduled news scraping and archiving: crawl sources, seal snapshots, query the archive.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console(soft_wrap=True)
err = Console(stderr=True)
log = logging.getLogger("newsspider")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help=f"Config file (default: ${CONFIG_ENV}, ./newsspider.toml, else the bundled default).",
        show_default=False,
    ),
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show the crawler's log (INFO level).")
]


class UserError(Exception):
    """Something the user can fix; shown as one line, exit status 2."""


class OutputFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to FILE (required for parquet).")
]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Download from S3 afresh; ignore the local cache.")
]


def open_config(path: Path | None) -> tuple[Path, Config]:
    resolved = resolve_config_path(path)
    return resolved, load_config(resolved)


def open_archive(config: Path | None, archive: str | None) -> Archive:
    """The archive named by `--archive`, else by the config; S3 options come from the config."""
    from newsspider.query.api import Archive

    cfg = open_config(config)[1] if archive is None or config is not None else None
    options = cfg.archive.store_options() if cfg else {}
    return Archive.open(archive or cfg.archive.uri, **options)


def _crawl(path: Path, sources: list[str] | None, group: str | None, verbose: bool):
    if load_config(path).crawl.mode == "distributed":
        raise UserError(
            "[crawl] mode is distributed: start `newsspider worker`s and seed a round with "
            "`newsspider cluster seed` (or let `newsspider serve` seed on schedule)"
        )
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from newsspider.crawl import CrawlError, run_crawl

    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=verbose or not err.is_terminal,
        ) as progress:
            task = progress.add_task("starting crawl…")

            def on_progress(stats: dict) -> None:
                progress.update(
                    task,
                    description=(
                        f"pages {stats.get('downloader/response_count', 0)}  "
                        f"articles {stats.get('newsspider/pages/articles', 0)}  "
                        f"kept {stats.get('newsspider/kept', 0)}"
                    ),
                )

            return run_crawl(
                path,
                sources=sources,
                group=group,
                log_level="INFO" if verbose else "WARNING",
                on_progress=on_progress,
            )
    except CrawlError as exc:  # the message is already one line, free of secrets
        sys.stderr.write(f"error: {exc}\n")
        raise typer.Exit(1) from None


def print_summary(summary) -> None:
    table = Table(title="Crawl summary", show_header=False)
    table.add_row("pages fetched", str(summary.pages))
    table.add_row("articles found", str(summary.articles_found))
    table.add_row("kept", str(summary.kept))
    if summary.aliases:
        table.add_row("archived as aliases (copies)", str(summary.aliases))
    if summary.rechecked:
        table.add_row("re-checked", str(summary.rechecked))
        table.add_row("new revisions", str(summary.revisions))
    for source, count in summary.kept_by_source.items():
        table.add_row(f"  kept from {source}", str(count))
    for reason, count in summary.dropped.items():
        table.add_row(f"dropped: {reason}", str(count))
    for kind, count in summary.errors.items():
        table.add_row(f"errors: {kind}", str(count))
    for reason, count in summary.skipped.items():
        table.add_row(f"skipped: {reason}", str(count))
    table.add_row("finish reason", summary.finish_reason)
    err.print(table)


def seal_and_report(cfg: Config) -> None:
    """Seal what is staged into a snapshot and say what it holds."""
    from newsspider.archive.publish import seal

    print_snapshot(seal(cfg))


def print_snapshot(result: SnapshotResult | None) -> None:
    if result is None:
        err.print("snapshot: nothing staged, no snapshot written")
    else:
        err.print(
            f"snapshot {result.snapshot_id}: {result.articles} articles in "
            f"{len(result.files)} files ({result.manifest_key})"
        )


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"newsspider {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())
        raise typer.Exit()


@app.command()
def crawl(
    config: ConfigOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    group: Annotated[str | None, typer.Option(help="Only sources of this crawl group.")] = None,
    verbose: VerboseOption = False,
) -> None:
    """Crawl the sources once and stage what is kept (no snapshot)."""
    path, _ = open_config(config)
    print_summary(_crawl(path, source, group, verbose))


@app.command()
def snapshot(config: ConfigOption = None) -> None:
    """Seal staged articles into an immutable snapshot in the archive."""
    _, cfg = open_config(config)
    seal_and_report(cfg)


@app.command()
def run(
    config: ConfigOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    group: Annotated[str | None, typer.Option(help="Only sources of this crawl group.")] = None,
    verbose: VerboseOption = False,
) -> None:
    """Crawl once, then seal a snapshot: what cron or the scheduler calls."""
    path, cfg = open_config(config)
    err.print(f"config: {path}")
    print_summary(_crawl(path, source, group, verbose))
    seal_and_report(cfg)


@app.command()
def compact(
    config: ConfigOption = None,
    before: Annotated[
        str | None, typer.Option(help="Only days before this date (default: today, UTC).")
    ] = None,
    grace_hours: Annotated[
        float, typer.Option(help="Delete superseded files only this long after compaction.")
    ] = 6.0,
) -> None:
    """Merge closed days' Parquet files into one per source and month (manifests stay true)."""
    from newsspider.archive.compact import compact as run_compact
    from newsspider.query.manifests import read_manifests

    _, cfg = open_config(config)
    store = open_store(cfg.archive.uri, **cfg.archive.store_options())
    until = None
    if before:
        try:
            until = datetime.fromisoformat(before).replace(tzinfo=UTC)
        except ValueError:
            raise UserError(f"--before: cannot read {before!r} as a date (2026-11-05)") from None
    result = run_compact(
        store, read_manifests(store, None), before=until, grace=timedelta(hours=grace_hours)
    )
    if result.snapshot_id is None:
        err.print("compact: nothing to merge")
    else:
        err.print(
            f"compact {result.snapshot_id}: {result.files_merged} files merged into "
            f"{result.partitions} ({result.articles} articles)"
        )
    if result.deleted:
        err.print(f"compact: deleted {result.deleted} superseded files")


@app.command()
def sources(config: ConfigOption = None) -> None:
    """List the configured sources."""
    path, cfg = open_config(config)
    table = Table(title=f"Sources in {path}")
    for column in (
        "name",
        "kind",
        "group",
        "language",
        "timezone",
        "feeds",
        "sitemaps",
        "sections",
    ):
        table.add_column(column)
    for s in cfg.sources:
        table.add_row(
            s.name if s.enabled else f"{s.name} (disabled)",
            s.kind,
            s.group,
            s.language,
            s.timezone,
            str(len(s.feeds)),
            str(len(s.sitemaps)),
            str(len(s.sections)),
        )
    out.print(table)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.")] = Path(
        "newsspider.toml"
    ),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write the bundled default config (real sources, the default topic) to edit."""
    if path.exists() and not force:
        raise UserError(f"{path} exists (use --force to overwrite)")
    path.write_text(bundled_config_text(), encoding="utf-8")
    err.print(f"wrote {path}")


def write_records(
    rows: pa.Table | list[dict],
    fmt: OutputFormat,
    fields: list[str] | None = None,
    output: Path | None = None,
) -> None:
    """Print query results (any Arrow table, or JSON-edge records) or write them to `output`."""
    import pyarrow as pa

    from newsspider.query import output as formats

    if isinstance(rows, pa.Table):
        table = rows.select(fields) if fields else rows
    else:
        names = fields or list(dict.fromkeys(name for row in rows for name in row))
        table = pa.table({name: [row.get(name) for row in rows] for name in names})
    if fmt is OutputFormat.parquet:
        if output is None:
            raise UserError("--format parquet writes a file: give --output FILE")
        formats.write_parquet(table, output)
        err.print(f"{table.num_rows} row(s) written to {output}")
        return

    def emit(stream: TextIO) -> None:
        if fmt is OutputFormat.jsonl:
            formats.write_jsonl(table, stream)
        elif fmt is OutputFormat.csv:
            formats.write_csv(table, stream)
        else:
            shown = Table(show_lines=False)
            for name in table.column_names:
                width = 60 if name == "title" else 40
                shown.add_column(_cell(name), overflow="fold", max_width=width)
            for row in formats.json_rows(table):
                shown.add_row(*(_cell(value) for value in row.values()))
            (Console(file=stream, soft_wrap=True) if output else out).print(shown)

    if output is None:
        emit(sys.stdout)
    else:
        with open(output, "w", encoding="utf-8", newline="") as stream:
            emit(stream)
    err.print(f"{table.num_rows} row(s)")


def _cell(value) -> Text:
    """One table cell. Archive text is hostile input: it is shown literally (never read as rich
    markup or emoji codes), control and bidi-override characters become spaces, and long
    values are cut."""
    from newsspider.query.output import text_cell

    text = text_cell(", ".join(map(str, value)) if isinstance(value, list) else value)
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text):
        text = text[:16].replace("T", " ")
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", " ", text)
    return Text(text if len(text) <= 200 else text[:197] + "…")


TABLE_FIELDS = ["published_at", "source", "wire", "title", "url"]


@app.command()
def query(
    config: ConfigOption = None,
    archive: Annotated[
        str | None, typer.Option(help="Archive URI (default: [archive] uri of the config).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="From (ISO date or date-time, UTC unless given; 3d, 12h ago)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Until, inclusive (a bare date means its whole day).")
    ] = None,
    by: Annotated[
        str,
        typer.Option(help="Time for --since/--until: published (else fetched), or fetched."),
    ] = "published",
    source: Annotated[list[str] | None, typer.Option(help="Source name (repeatable).")] = None,
    topic: Annotated[str | None, typer.Option(help="Topic name.")] = None,
    text: Annotated[
        str | None,
        typer.Option(
            help='Full text: words (all must occur), "phrases", a NEAR/5 b, OR, NOT, title:word.'
        ),
    ] = None,
    url: Annotated[str | None, typer.Option(help="Exact URL or canonical URL.")] = None,
    wire: Annotated[str | None, typer.Option(help="Credited wire service.")] = None,
    language: Annotated[str | None, typer.Option(help="Language code.")] = None,
    group: Annotated[
        str | None,
        typer.Option(metavar="DUP_GROUP", help="Every outlet's copy of one syndicated story."),
    ] = None,
    revisions: Annotated[
        str | None, typer.Option(metavar="URL", help="Every revision of a URL, oldest first.")
    ] = None,
    fields: Annotated[
        str | None, typer.Option(help="Comma-separated fields (default: all for jsonl/csv).")
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option(help="FIELD (largest/newest first) or FIELD:asc [default: published_at]."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most N articles.")] = None,
    format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Query sealed snapshots of the archive."""
    from newsspider.query.filters import parse_when

    if revisions and url:
        raise UserError("--revisions URL already names the URL: drop --url")
    found = open_archive(config, archive)
    if no_cache:
        found.cache = None
    found.ensure_sealed()
    chosen = [name.strip() for name in fields.split(",")] if fields else None
    if chosen is None:
        chosen = TABLE_FIELDS if format is OutputFormat.table else list(FIELDS)
        if revisions and format is OutputFormat.table:
            chosen = ["revision", "fetched_at", *chosen]
    name, _, direction = (sort or ("revision:asc" if revisions else "published_at")).partition(":")
    if direction not in ("", "asc", "desc"):
        raise UserError(f"--sort {sort!r}: write FIELD, FIELD:asc or FIELD:desc")
    now = datetime.now(UTC)
    result = found.query(
        since=parse_when(since, "--since", now=now) if since else None,
        until=parse_when(until, "--until", now=now, end_of_day=True) if until else None,
        by=by,
        sources=source or [],
        topic=topic,
        text=text,
        url=revisions or url,
        wire=wire,
        language=language,
        dup_group=group,
        fields=chosen,
        sort=name,
        descending=direction != "asc",
        limit=limit,
    )
    write_records(result, format, output=output)


@app.command()
def sql(
    statement: Annotated[
        str, typer.Argument(help="One SELECT over the views articles, snapshots, raw_index.")
    ],
    config: ConfigOption = None,
    archive: Annotated[
        str | None, typer.Option(help="Archive URI (default: [archive] uri of the config).")
    ] = None,
    format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Run read-only SQL (DuckDB) over sealed snapshots: views articles, snapshots, raw_index."""
    from newsspider.query.sql import check_read_only

    check_read_only(statement)
    found = open_archive(config, archive)
    if no_cache:
        found.cache = None
    found.ensure_sealed()
    write_records(found.sql(statement), format, output=output)


@app.command()
def show(
    url: Annotated[str, typer.Argument(help="Article URL (as crawled, or canonical).")],
    config: ConfigOption = None,
    archive: Annotated[str | None, typer.Option(help="Archive URI.")] = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Print the archived HTTP response body instead.")
    ] = False,
    headers: Annotated[bool, typer.Option(help="With --raw: print the HTTP headers too.")] = False,
) -> None:
    """Show the newest archived record of a URL, or with --raw the page as captured."""
    from newsspider.archive.warc import read_response
    from newsspider.record_arrow import table_to_records

    opened = open_archive(config, archive)
    found = opened.query(url=url, sort="revision", limit=1)
    if found.num_rows == 0:
        raise UserError(f"{url} is not in the archive {opened.store.uri}")
    record = table_to_records(found)[0]
    if not raw:
        out.print_json(json.dumps(record, ensure_ascii=False))
        return
    if not record.get("warc_file"):
        raise UserError(f"{url} has no raw capture (archived with raw_capture off)")
    try:
        data = opened.store.get(record["warc_file"])
    except KeyNotFound:
        raise UserError(
            f"raw capture {record['warc_file']} is not sealed yet (next snapshot seals it)"
        ) from None
    offset = record["warc_offset"] or 0
    http_headers, payload = read_response(
        data[offset : offset + (record["warc_length"] or len(data))]
    )
    if headers:
        sys.stdout.write(http_headers.to_str())
    sys.stdout.flush()
    sys.stdout.buffer.write(payload)


@app.command()
def extract(
    file: Annotated[str, typer.Argument(help="Saved HTML page, or - for standard input.")],
    url: Annotated[str, typer.Option(help="The page's URL (resolves links, canonical URL).")],
    config: ConfigOption = None,
    source: Annotated[
        str | None, typer.Option(help="Use this source's time zone and selector overrides.")
    ] = None,
    timezone: Annotated[str, typer.Option(help="Zone for naive dates (without --source).")] = "UTC",
    format: Annotated[str, typer.Option("--format", "-f", help="json or text.")] = "json",
) -> None:
    """Run the extractor on one page: see what each field becomes and which method won."""
    from newsspider.extraction.errors import NotAnArticle
    from newsspider.extraction.extract import extract_article

    html = sys.stdin.buffer.read() if file == "-" else _read_file(file)
    selectors = None
    if source:
        chosen = open_config(config)[1].source(source)
        timezone, selectors = chosen.timezone, chosen.selectors
    try:
        fields = extract_article(html, url, timezone=timezone, selectors=selectors)
    except NotAnArticle as exc:
        raise UserError(f"not an article: {exc}") from None
    if format == "text":
        for name, value in fields.items():
            if name != "body":
                out.print(f"{name}: {value}", markup=False, highlight=False)
        out.print("\n" + (fields.get("body") or ""), markup=False, highlight=False)
    else:
        sys.stdout.write(json.dumps(fields, ensure_ascii=False, indent=2) + "\n")


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror}") from None


@app.command()
def reextract(
    config: ConfigOption = None,
    archive: Annotated[str | None, typer.Option(help="Archive URI.")] = None,
    keep_irrelevant: Annotated[
        bool, typer.Option(help="Also output records that match no topic.")
    ] = False,
) -> None:
    """Rebuild records from the archived WARC files with the current extractor (JSON lines)."""
    from newsspider.reextract import reextract as run_reextract

    _, cfg = open_config(config)
    count = 0
    for record in run_reextract(
        open_archive(config, archive), cfg, keep_irrelevant=keep_irrelevant
    ):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    err.print(f"{count} record(s) re-extracted")


dedup_app = typer.Typer(help="De-duplication state: seen URLs, story groups, re-checks.")
app.add_typer(dedup_app, name="dedup")


@dedup_app.command("stats")
def dedup_stats(
    config: ConfigOption = None,
    top: Annotated[int, typer.Option(help="How many of the largest story groups to list.")] = 10,
) -> None:
    """Seen-store and near-duplicate index sizes, and the largest story groups archived."""
    from newsspider.dedup.neardup import open_neardup_index
    from newsspider.dedup.tracker import RevisionTracker
    from newsspider.query.api import Archive
    from newsspider.record_arrow import table_to_records

    _, cfg = open_config(config)
    table = Table(title="De-duplication state", show_header=False)
    seen = open_seen_store(cfg.state.uri, timedelta(days=cfg.state.seen_ttl_days))
    for name, value in seen.stats().items():
        table.add_row(f"seen-store {name}", f"{value:,}")
    seen.close()
    index = open_neardup_index(cfg.state.neardup_uri(), cfg.dedup.neardup_ttl(cfg.state))
    for name, value in index.stats().items():
        table.add_row(f"near-duplicate index {name}", f"{value:,}")
    index.close()
    tracker = RevisionTracker(cfg.state.revisions, cfg.dedup.recheck_offsets())
    due = tracker.due(datetime.now(UTC))
    tracker.close()
    table.add_row("stories due for a re-check", str(len(due)))
    out.print(table)

    archive = Archive.open(cfg.archive.uri, **cfg.archive.store_options())
    records = table_to_records(  # the stored rows: aliases (other outlets' copies) included
        archive.sql(
            "SELECT dup_group, source, title, url, record_type FROM articles ORDER BY fetched_at"
        )
    )
    groups: dict[str, dict[str, dict]] = {}  # group -> URL -> its first record
    for record in records:
        groups.setdefault(record["dup_group"] or record["url"], {}).setdefault(
            record["url"], record
        )
    aliases = sum(1 for record in records if record["record_type"] == ALIAS)
    largest = sorted(groups.values(), key=len, reverse=True)[:top]
    shown = Table(
        title=f"Largest story groups ({len(groups)} groups, {len(records)} records, "
        f"{aliases} of them aliases)"
    )
    for column in ("group", "outlets", "sources", "first title"):
        shown.add_column(column, overflow="fold")
    for outlets in largest:
        members = list(outlets.values())
        first = next((m for m in members if m["record_type"] != ALIAS), members[0])
        shown.add_row(
            _cell(first["dup_group"]),
            str(len(members)),
            _cell(sorted({m["source"] for m in members})),
            _cell(first["title"]),
        )
    out.print(shown)


@app.command()
def demo(
    workdir: Annotated[
        Path, typer.Option(help="Where the demo's config, state and archive go.")
    ] = Path("demo-output"),
    verbose: VerboseOption = False,
) -> None:
    """Start the bundled example news sites on loopback, crawl them, seal, and query."""
    from newsspider.testweb import TestWeb

    workdir.mkdir(parents=True, exist_ok=True)
    with TestWeb.start() as web:
        path = workdir / "newsspider.toml"
        path.write_text(demo_config_text(web.sources(), workdir), encoding="utf-8")
        err.print(f"example sites: {', '.join(f'{k} {v}' for k, v in web.sites.items())}")
        err.print(f"config: {path}")
        print_summary(_crawl(path, None, None, verbose))
    cfg = load_config(path)
    seal_and_report(cfg)
    sample = ["published_at", "source", "wire", "title"]
    err.print(
        f"\nSample query: newsspider query --config {path} --fields {','.join(sample)} --limit 10"
    )
    result = open_archive(path, None).query(fields=sample, limit=10)
    write_records(result, OutputFormat.table, sample)


def demo_config_text(sources: list[dict], workdir: Path) -> str:
    """The bundled topics and crawl settings, pointed at the example sites and `workdir`."""
    root = workdir.absolute()
    data = tomllib.loads(bundled_config_text())
    data["sources"] = sources
    data["archive"] = {"uri": f"file://{root / 'archive'}"}
    data["state"] = {
        "uri": f"sqlite:///{root / 'state' / 'newsspider.db'}",
        "staging": str(root / "state" / "staging.db"),
    }
    data["crawl"] = {
        **data.get("crawl", {}),
        "autothrottle": False,
        "download_delay": 0,
        "concurrency_per_domain": 8,
    }
    return "# Written by `newsspider demo`: the example sites on loopback.\n" + tomli_w.dumps(data)


def main() -> None:
    """Console entry point: user errors become one line on stderr, never a traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except (ConfigError, UserError, QueryError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)
    except StoreError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(1)


from jobs.cli import register as _register_jobs  # noqa: E402 (the scheduler's commands)

_register_jobs(app)

from newsspider.web.cli import register as _register_web  # noqa: E402 (the archive browser)

_register_web(app)

from newsspider.distributed.cli import register as _register_distributed  # noqa: E402

_register_distributed(app)
