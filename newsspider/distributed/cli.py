"""Distributed mode's commands (`worker`, `cluster seed`, `cluster status`) for the CLI.

`newsspider/cli.py` calls `register(app)`; Scrapy is imported only inside `worker`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import redis
import typer
from rich.console import Console
from rich.table import Table

from newsspider.config import CONFIG_ENV, Config, ConfigError, load_config, resolve_config_path
from newsspider.distributed.frontier import seed
from newsspider.distributed.workerstate import (
    WORKER_ENV,
    check_worker_id,
    default_worker_id,
    seal_worker,
    worker_config,
)

if TYPE_CHECKING:  # the status reads the near-duplicate index (numpy): loaded on demand
    from newsspider.distributed.status import ClusterStatus

out = Console(soft_wrap=True)
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help=f"Config file (default: ${CONFIG_ENV}, else ./newsspider.toml).",
        show_default=False,
    ),
]

cluster = typer.Typer(
    help="The shared frontier of distributed mode: seed a crawl round, show the cluster.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(code)


def _distributed_config(path: Path | None) -> tuple[Path, Config]:
    resolved = resolve_config_path(path)
    config = load_config(resolved)
    if config.crawl.mode != "distributed":
        raise ConfigError(
            f"{resolved}: [crawl] mode is {config.crawl.mode!r}; distributed commands need "
            "mode = 'distributed' and a redis:// [state] uri"
        )
    return resolved, config


def _redis_down(config: Config, exc: redis.RedisError) -> typer.Exit:
    return _fail(f"Redis at {config.state.uri} is not usable: {exc}", 1)


def worker(
    config: ConfigOption = None,
    worker_id: Annotated[
        str | None,
        typer.Option(
            "--worker-id",
            help=f"This worker's id (default: ${WORKER_ENV}, else the host name); "
            "names its staging and its snapshots.",
            show_default=False,
        ),
    ] = None,
    exit_when_idle: Annotated[
        float,
        typer.Option(
            help="Exit once the whole cluster had no work for this many seconds (0: never)."
        ),
    ] = 0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="INFO-level log.")] = False,
) -> None:
    """Crawl from the shared frontier until stopped; seal on start (leftovers), periodically
    and on exit."""
    from newsspider.crawl import CrawlError
    from newsspider.distributed.worker import run_worker

    path, cfg = _distributed_config(config)
    name = check_worker_id(worker_id or default_worker_id())
    own = worker_config(cfg, name)
    client = redis.Redis.from_url(cfg.state.uri)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise _redis_down(cfg, exc) from None
    finally:
        client.close()
    _print_seal(seal_worker(own, name), "leftover from an earlier run")
    err.print(f"worker {name}: staging {own.state.staging}")
    try:
        summary = run_worker(
            path, name, exit_when_idle=exit_when_idle, log_level="INFO" if verbose else "WARNING"
        )
    except CrawlError as exc:  # one line, free of secrets; what was staged is still sealed
        sys.stderr.write(f"error: worker {name}: {exc}\n")
        _print_seal(seal_worker(own, name), "on exit")
        raise typer.Exit(1) from None
    err.print(
        f"worker {name}: {summary.pages} pages, {summary.articles_found} articles, "
        f"{summary.kept} kept, dropped {dict(summary.dropped)}, errors {dict(summary.errors)} "
        f"({summary.finish_reason})"
    )
    _print_seal(seal_worker(own, name), "on exit")


def _print_seal(result, when: str) -> None:
    if result is not None:
        err.print(f"snapshot {result.snapshot_id} ({when}): {result.articles} articles")


@cluster.command("seed")
def seed_command(
    config: ConfigOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    group: Annotated[str | None, typer.Option(help="Only sources of this crawl group.")] = None,
) -> None:
    """Start a crawl round: queue the feeds, sitemaps, robots.txt and sections for the workers."""
    _, cfg = _distributed_config(config)
    try:
        result = seed(cfg, sources=source, group=group)
    except redis.RedisError as exc:
        raise _redis_down(cfg, exc) from None
    err.print(
        f"round {result.round_id}: {result.messages} start requests queued for "
        f"{len(result.sources)} sources"
    )


@cluster.command("status")
def status_command(
    config: ConfigOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    count_state: Annotated[
        bool,
        typer.Option(
            "--count-state",
            help="Also count seen URLs and near-duplicate documents (SCAN: slow on big states).",
        ),
    ] = False,
) -> None:
    """Queue lengths, live workers, per-domain requests in flight, lost work, state size."""
    from newsspider.distributed.status import cluster_status

    _, cfg = _distributed_config(config)
    try:
        status = cluster_status(cfg, count_state=count_state)
    except redis.RedisError as exc:
        raise _redis_down(cfg, exc) from None
    if json_output:
        out.print_json(json.dumps(asdict(status)))
    else:
        _print_status(status)


def _print_status(status: ClusterStatus) -> None:
    frontier = status.frontier
    table = Table(title=f"Cluster {status.key_prefix} (round {status.round or '-'})")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("start messages queued", str(frontier.starts))
    table.add_row("requests queued", str(frontier.pending))
    table.add_row("requests in hand (leased)", str(frontier.processing))
    table.add_row("  of which lost (past deadline)", str(frontier.expired))
    table.add_row("re-queued after a worker went silent", str(frontier.requeued))
    table.add_row("dead letters", str(frontier.dead))
    table.add_row("workers alive", f"{status.workers_alive} of {len(status.workers)} listed")
    for name, value in status.state.items():
        table.add_row(f"state: {name}", str(value))
    out.print(table)
    if status.workers:
        workers = Table(title="Workers")
        for column in ("worker", "alive", "last beat", "in hand", "pages", "kept", "host/pid"):
            workers.add_column(column)
        for beat in status.workers:
            info = beat.info
            workers.add_row(
                beat.worker,
                "yes" if beat.alive else "NO",
                f"{beat.seconds_since:.0f}s ago",
                str(frontier.processing_by_worker.get(beat.worker, 0)),
                info.get("pages", "-"),
                info.get("kept", "-"),
                f"{info.get('host', '-')}/{info.get('pid', '-')}",
            )
        out.print(workers)
    busy = {domain: n for domain, n in status.domains_in_flight.items() if n}
    if busy:
        domains = Table(title="Requests in flight per domain")
        domains.add_column("domain")
        domains.add_column("in flight", justify="right")
        for domain, count in busy.items():
            domains.add_row(domain, str(count))
        out.print(domains)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.add_typer(cluster, name="cluster")
