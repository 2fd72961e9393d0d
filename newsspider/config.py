"""Typed configuration for newsspider.toml: one definition drives validation, defaults and errors.

Every error names the file, the key path (``sources[2].timezone``) and the problem, so a user
can fix a config without reading a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

DEFAULT_CONFIG_NAME = "newsspider.toml"
CONFIG_ENV = "NEWSSPIDER_CONFIG"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class ConfigError(Exception):
    """A configuration problem, already phrased for the user (file, key, problem)."""


def mask_secret(uri: str) -> str:
    """A URI with any `user:password@` replaced, fit for messages and logs."""
    return re.sub(r"(?<=://)[^/@\s]*@", "***@", uri)


def _check_slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(
            "must be a slug: lower-case letters, digits, '-' or '_', starting with a letter "
            "or digit, at most 63 characters"
        )
    return value


def _check_http_url(value: str) -> str:
    if not re.match(r"^https?://[^/\s]+", value):
        raise ValueError(f"must be an http(s) URL, got {value!r}")
    return value


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression: {exc}") from None
    return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name like 'Asia/Seoul')"
        ) from None
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
HttpUrl = Annotated[str, AfterValidator(_check_http_url)]
Regex = Annotated[str, AfterValidator(_check_regex)]
TimeZone = Annotated[str, AfterValidator(_check_timezone)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Politeness(_Model):
    """Per-source overrides of the crawl-wide politeness settings."""

    delay: float | None = Field(None, ge=0, description="Seconds between requests to this source.")
    concurrency: int | None = Field(
        None, ge=1, le=32, description="Parallel requests to this source."
    )


class Selectors(_Model):
    """Per-source extraction overrides: CSS selectors (or XPath when starting with '/')."""

    title: str | None = None
    body: str | None = None
    authors: str | None = None
    published_at: str | None = None
    section: str | None = None


class Source(_Model):
    """One news site or wire service and where its stories are discovered."""

    name: Slug = Field(description="Stable slug; used in archive keys and `--source`.")
    kind: Literal["wire", "newspaper", "broadcaster", "agency", "magazine", "other"] = "newspaper"
    home: HttpUrl = Field(description="Home page URL.")
    allowed_domains: list[str] = Field(
        default_factory=list, description="Domains the crawl may visit (default: the home host)."
    )
    feeds: list[HttpUrl] = Field(default_factory=list, description="RSS 2.0 / Atom feed URLs.")
    sitemaps: list[HttpUrl] = Field(
        default_factory=list, description="Sitemap, sitemap index or Google News sitemap URLs."
    )
    robots_sitemaps: bool = Field(True, description="Also follow `Sitemap:` lines of robots.txt.")
    sections: list[HttpUrl] = Field(
        default_factory=list, description="Section/list pages to scan for article links."
    )
    article_url_pattern: Regex | None = Field(
        None, description="Regex an article URL must match (searched, not anchored)."
    )
    language: str = Field("en", description="Expected language (ISO 639-1).")
    timezone: TimeZone = Field("UTC", description="Zone for dates printed without an offset.")
    group: Slug = Field("default", description="Crawl group: sources scheduled together.")
    enabled: bool = True
    politeness: Politeness = Field(default_factory=Politeness)
    selectors: Selectors = Field(default_factory=Selectors)

    @model_validator(mode="after")
    def _default_domains(self) -> Source:
        if not self.allowed_domains:
            host = re.sub(r"^https?://", "", self.home).split("/")[0].split(":")[0]
            object.__setattr__(self, "allowed_domains", [host])
        if not (self.feeds or self.sitemaps or self.sections or self.robots_sitemaps):
            raise ValueError("needs at least one of feeds, sitemaps, sections or robots_sitemaps")
        return self


class Topic(_Model):
    """A subject the archive follows; records matching none of the topics are dropped."""

    name: Slug
    query: str | None = Field(
        None, description="Topic query: phrases, AND/OR/NOT, parentheses, NEAR/n, title:/body:."
    )
    include: list[str] = Field(default_factory=list, description="Any of these keywords matches.")
    exclude: list[str] = Field(default_factory=list, description="None of these may occur.")
    min_score: float = Field(1.0, ge=0, description="Minimum score to count as a match.")
    languages: list[str] = Field(default_factory=list, description="Languages (empty: all).")

    @field_validator("query")
    @classmethod
    def _parses(cls, value: str | None) -> str | None:
        if value is not None:
            from newsspider.relevance import QuerySyntaxError, parse_query

            try:
                parse_query(value)
            except QuerySyntaxError as exc:
                raise ValueError(f"invalid topic query: {exc}") from None
        return value

    @model_validator(mode="after")
    def _needs_terms(self) -> Topic:
        if not self.query and not self.include:
            raise ValueError("needs a `query` or a non-empty `include` list")
        return self


class ArchiveConfig(_Model):
    uri: str = Field("file://./archive", description="`file://PATH` or `s3://bucket/prefix`.")
    endpoint_url: str | None = Field(
        None, description="S3-compatible endpoint (MinIO, R2, Ceph); else $AWS_ENDPOINT_URL."
    )
    sse: Literal["AES256", "aws:kms"] | None = Field(None, description="S3 server-side encryption.")
    storage_class: str | None = Field(None, description="S3 storage class, e.g. STANDARD_IA.")
    request_checksum_calculation: Literal["when_supported", "when_required"] | None = Field(
        None, description="`when_required` for S3-compatible stores that reject checksums."
    )
    raw_capture: bool = Field(True, description="Keep every HTTP exchange as WARC evidence.")
    warc_rotate_mb: int = Field(100, ge=1, description="Start a new WARC file after this size.")

    def store_options(self) -> dict:
        """Keyword arguments for `open_store`: only the options that are set."""
        names = ("endpoint_url", "sse", "storage_class", "request_checksum_calculation")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    @field_validator("uri")
    @classmethod
    def _scheme(cls, value: str) -> str:
        if not re.match(r"^(file|s3)://.+", value):
            raise ValueError(f"must start with file:// or s3://, got {mask_secret(value)!r}")
        return value


class StateConfig(_Model):
    uri: str = Field(
        "sqlite:///./state/newsspider.db", description="`sqlite:///PATH` or `redis://host:port/db`."
    )
    staging: str = Field("./state/staging.db", description="Durable SQLite staging file.")
    spool: str = Field("./state/warc", description="Local WARC spool until sealed.")
    revisions: str = Field(
        "./state/revisions.db", description="Recently archived stories awaiting re-checks."
    )
    seen_ttl_days: float = Field(30, gt=0, description="How long a seen URL is remembered.")
    neardup: str | None = Field(
        None,
        description="Near-duplicate index URI (default: neardup.db beside a SQLite state, "
        "or the same Redis).",
    )

    def neardup_uri(self) -> str:
        """Its own SQLite file (it batches writes), or the shared Redis under its own prefix."""
        if self.neardup:
            return self.neardup
        if self.uri.startswith("sqlite:///"):
            state = Path(self.uri.removeprefix("sqlite:///"))
            return f"sqlite:///{state.with_name('neardup.db')}"
        return self.uri

    @field_validator("uri")
    @classmethod
    def _scheme(cls, value: str) -> str:
        if not re.match(r"^(sqlite:///|redis://|rediss://).+", value):
            raise ValueError(f"must start with sqlite:/// or redis://, got {mask_secret(value)!r}")
        return value


class CrawlConfig(_Model):
    recency_days: float = Field(3, gt=0, description="Only stories published in the last N days.")
    user_agent: str = "newsspider/0.1 (+https://github.com/newsspider/newsspider)"
    obey_robots: bool = True
    download_timeout: float = Field(30, gt=0)
    max_page_bytes: int = Field(10 * 1024 * 1024, gt=1024)
    concurrency: int = Field(16, ge=1, le=256)
    concurrency_per_domain: int = Field(4, ge=1, le=64)
    download_delay: float = Field(0.25, ge=0)
    autothrottle: bool = True
    retries: int = Field(2, ge=0, le=10)
    max_section_pages: int = Field(5, ge=1, le=100, description="Pagination depth per section.")
    max_links_per_page: int = Field(
        1000,
        ge=1,
        description="Requests one feed, sitemap or section page may cause; the rest are ignored.",
    )
    keep_irrelevant: bool = Field(False, description="Archive records matching no topic too.")
    analysis_workers: int = Field(
        0,
        ge=0,
        le=64,
        description="Processes that extract and score pages; 0 = one per CPU core.",
    )
    mode: Literal["local", "distributed"] = Field(
        "local",
        description="`distributed`: `newsspider worker` processes share one Redis frontier "
        "(needs a redis:// `[state] uri`).",
    )


class DistributedConfig(_Model):
    """Knobs of distributed mode: the shared frontier, leases and worker heartbeats in Redis."""

    key_prefix: str = Field(
        "newsspider:",
        min_length=1,
        description="Namespace of the frontier, politeness and heartbeat keys in Redis.",
    )
    visibility_timeout: float = Field(
        120,
        gt=0,
        description="Seconds after which a request taken by a silent (dead) worker is re-queued.",
    )
    heartbeat_interval: float = Field(
        10, gt=0, description="Seconds between a worker's heartbeats and lease renewals."
    )
    max_redeliveries: int = Field(
        3, ge=0, description="Re-queues of one request before it goes to the dead-letter list."
    )
    seal_interval: float = Field(
        600, gt=0, description="Seconds between a worker's periodic snapshot seals."
    )
    round_ttl_hours: float = Field(
        24, gt=0, description="How long the request fingerprints of one seeding round are kept."
    )

    @model_validator(mode="after")
    def _renewed_in_time(self) -> DistributedConfig:
        if self.heartbeat_interval * 2 > self.visibility_timeout:
            raise ValueError(
                "heartbeat_interval must be at most half of visibility_timeout "
                "(leases are renewed on every heartbeat)"
            )
        return self


class DedupConfig(_Model):
    near_duplicates: bool = Field(
        True, description="Group syndicated copies (MinHash LSH over the body)."
    )
    policy: Literal["keep_all", "first_only"] = Field(
        "keep_all",
        description="Near-duplicate copies: `keep_all` archives every copy as a full record "
        "linked by `dup_group`; `first_only` archives the first in full and the others as "
        "aliases, listed in its `also_published_at`. Exact copies are always aliases.",
    )
    neardup_ttl_days: float | None = Field(
        None,
        gt=0,
        description="How long the near-duplicate index remembers a story (default: "
        "`[state] seen_ttl_days`); on Redis each story costs ~10 KB.",
    )
    recheck_hours: list[float] = Field(
        default_factory=lambda: [1.0, 6.0, 24.0],
        description="Re-fetch archived stories this long after first seen ([] = never).",
    )

    def recheck_offsets(self) -> tuple[timedelta, ...]:
        return tuple(timedelta(hours=hours) for hours in sorted(self.recheck_hours) if hours > 0)

    def neardup_ttl(self, state: StateConfig) -> timedelta:
        """The near-duplicate index's TTL: its own, else the seen-store's."""
        return timedelta(days=self.neardup_ttl_days or state.seen_ttl_days)


class ScheduleConfig(_Model):
    timezone: TimeZone = "UTC"
    groups: dict[str, str] = Field(
        default_factory=lambda: {"default": "*/30 * * * *"},
        description="Crawl group -> cron expression.",
    )
    snapshot: str = Field("5 * * * *", description="Cron expression for sealing snapshots.")
    retention: str = Field(
        "30 3 * * *", description="Cron expression for purging expired seen-store entries."
    )
    jitter: float = Field(0, ge=0, description="Random delay of up to N seconds for each run.")
    misfire_grace_time: float = Field(
        600, gt=0, description="Seconds a run may start late (after downtime) instead of skipped."
    )
    crawl_timeout: float = Field(3600, gt=0, description="Wall-clock limit of one crawl.")
    snapshot_timeout: float = Field(1800, gt=0, description="Wall-clock limit of one seal.")
    stop_grace: float = Field(
        60, gt=0, description="Seconds between the graceful stop (SIGINT) and SIGKILL of a run."
    )
    shutdown_grace: float = Field(
        300, ge=0, description="On SIGTERM, seconds a running crawl may go on before it is stopped."
    )
    jobstore: str | None = Field(
        None,
        description="SQLAlchemy URL of the job store (default: sqlite:///STATE_DIR/jobs.db).",
    )
    health_address: str = Field(
        "127.0.0.1:9410", description="HOST:PORT of /healthz and /metrics; empty to disable."
    )
    health_max_age: float | None = Field(
        None,
        gt=0,
        description="Seconds since a job's last success before /healthz fails "
        "(default: three of the job's intervals plus its timeout).",
    )
    zero_yield_runs: int = Field(
        5, ge=1, description="Alert when a source keeps no article for N crawls in a row."
    )

    @field_validator("health_address")
    @classmethod
    def _host_port(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^\s:]+:\d{1,5}", value):
            raise ValueError(f"must be HOST:PORT, got {value!r}")
        return value


class WebConfig(_Model):
    """How `newsspider web` (and `serve` with `enabled`) serves the archive browser."""

    enabled: bool = Field(False, description="Also serve the browser from `newsspider serve`.")
    host: str = Field("127.0.0.1", description="Address to bind; beyond loopback needs a token.")
    port: int = Field(8080, ge=1, le=65535, description="TCP port.")
    token: str | None = Field(
        None,
        min_length=16,
        description="Access token (else $NEWSSPIDER_WEB_TOKEN); required beyond loopback.",
    )
    page_size: int = Field(20, ge=1, le=100, description="Search results per page (default).")
    max_page_size: int = Field(100, ge=1, le=1000, description="Largest page a client may ask.")
    max_download: int = Field(10_000, ge=1, description="Most records in one CSV/JSONL download.")
    max_query_chars: int = Field(500, ge=10, le=10_000, description="Longest search query.")
    query_timeout: float = Field(20, gt=0, description="Seconds a request may spend reading.")


class Config(_Model):
    sources: list[Source] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    archive: ArchiveConfig = Field(default_factory=ArchiveConfig)
    state: StateConfig = Field(default_factory=StateConfig)
    crawl: CrawlConfig = Field(default_factory=CrawlConfig)
    dedup: DedupConfig = Field(default_factory=DedupConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    distributed: DistributedConfig = Field(default_factory=DistributedConfig)

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        for kind, items in (("sources", self.sources), ("topics", self.topics)):
            seen: set[str] = set()
            for item in items:
                if item.name in seen:
                    raise ValueError(f"{kind}: duplicate name {item.name!r}")
                seen.add(item.name)
        return self

    @model_validator(mode="after")
    def _distributed_needs_redis(self) -> Config:
        if self.crawl.mode == "distributed" and not self.state.uri.startswith(
            ("redis://", "rediss://")
        ):
            raise ValueError(
                "crawl.mode = 'distributed' needs a shared state: set [state] uri = 'redis://…'"
            )
        return self

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"unknown source {name!r} (configured: {known})")


def _key_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("function-after", "function-before") or "[" in str(part):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def format_validation_error(origin: str, error: ValidationError) -> str:
    lines = [f"{origin}: invalid configuration"]
    for err in error.errors():
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; see README 'Configuration')"
        lines.append(f"  {_key_path(err['loc'])}: {message}")
    return "\n".join(lines)


def parse_config(text: str, origin: str = "<string>") -> Config:
    """Parse and validate TOML text; `origin` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(origin, exc)) from None


BUNDLED_CONFIG = Path(__file__).with_name("default.toml")


def bundled_config_text() -> str:
    """The shipped default config: real sources and the default topic."""
    return BUNDLED_CONFIG.read_text(encoding="utf-8")


def resolve_config_path(path: str | os.PathLike | None = None) -> Path:
    """`--config`, then $NEWSSPIDER_CONFIG, then ./newsspider.toml, else the bundled default."""
    chosen = path or os.environ.get(CONFIG_ENV)
    if chosen:
        return Path(chosen)
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.exists() else BUNDLED_CONFIG


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Load the config file; relative paths inside it stay relative to the working directory."""
    resolved = resolve_config_path(path)
    try:
        text = resolved.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{resolved}: config file not found (pass --config PATH or set {CONFIG_ENV}; "
            "`newsspider init` writes the default config)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{resolved}: cannot read config: {exc}") from None
    return parse_config(text, str(resolved))
