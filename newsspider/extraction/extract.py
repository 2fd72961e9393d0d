"""Article extraction: page bytes in, record fields out, with where each field came from.

``extract_article`` is a pure function (no I/O; deterministic for a given ``now``). It parses
the page once and reads the one tree with every strategy: per-source selectors, JSON-LD,
meta tags, trafilatura for the story text and htmldate as the last resort for the date. For
each field the first strategy in that order that yields a usable value wins, and
``extraction[field]`` names it ("selector", "jsonld", "meta", "trafilatura", "htmldate",
"text" for visible page text, "url").

Decisions worth knowing:

- The body keeps a final wire credit such as "(Yonhap)" as published; ``wire`` carries the
  agency. Captions are removed from the body and returned in ``captions``.
- Naive dates are wall-clock time in ``timezone``; dates before 1990 or more than a day
  ahead of ``now`` are discarded and the next source of a date is tried.
- Pages that are not stories raise ``NotAnArticle(reason)``; so does any unexpected parser
  failure ("extraction failed: ..."), so callers only ever handle that one exception.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import htmldate
from lxml import etree

from newsspider.extraction import dates as dates_mod
from newsspider.extraction.authors import clean_authors
from newsspider.extraction.body import (
    clean_paragraphs,
    join_paragraphs,
    trafilatura_paragraphs,
)
from newsspider.extraction.captions import find_captions
from newsspider.extraction.document import parse_page
from newsspider.extraction.errors import NotAnArticle
from newsspider.extraction.jsonld import (
    ARTICLE_TYPES,
    COLLECTION_TYPES,
    LIVE_TYPES,
    names,
    read_jsonld,
    text_value,
)
from newsspider.extraction.language import detect_language, normalize_lang
from newsspider.extraction.meta import PageMeta, read_meta
from newsspider.extraction.pagekind import PageSignals, reject_reason
from newsspider.extraction.selectors import select_paragraphs, select_texts
from newsspider.extraction.wire import canonical_agency, wire_from_text

if TYPE_CHECKING:
    from newsspider.config import Selectors

__all__ = ["NotAnArticle", "extract_article"]

log = logging.getLogger(__name__)

_H1 = etree.XPath("//h1")
_BYLINE = etree.XPath(
    "//*[@rel='author' or @itemprop='author' or contains(@class, 'byline')"
    " or contains(@class, 'author') or contains(@class, 'writer') or contains(@class, 'reporter')]"
)
_DATE_ELEMENTS = etree.XPath(
    "//time | //*[contains(@class, 'date') or contains(@class, 'time')"
    " or contains(@class, 'byline') or contains(@class, 'info') or contains(@class, 'publish')"
    " or contains(@class, 'updated')]"
)
_PUBLISHED_LABEL = re.compile(
    r"(?:posted|published|first published|입력|등록|송고|게재|기사입력)\s*(?:on|at)?\s*[:：]?",
    re.IGNORECASE,
)
_MODIFIED_LABEL = re.compile(
    r"(?:updated|last updated|modified|수정|최종수정|업데이트)\s*(?:on|at)?\s*[:：]?",
    re.IGNORECASE,
)
_BYLINE_PARAGRAPH = re.compile(r"^by\s+\S.{0,80}$", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s+[|–—:-]\s+(?P<site>[^|–—]{2,40})$")
_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
)


def extract_article(
    html: bytes | str,
    url: str,
    *,
    timezone: str = "UTC",
    selectors: Selectors | None = None,
    encoding: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Extract record fields from one article page; raise NotAnArticle for anything else.

    `encoding` is the HTTP header charset when known; `now` bounds plausible dates (defaults
    to the current time; pass it for reproducible results).
    """
    try:
        return _Extraction(html, url, timezone, selectors, encoding, now).run()
    except NotAnArticle:
        raise
    except Exception as exc:
        log.warning("extraction failed for %s", url, exc_info=True)
        raise NotAnArticle(f"extraction failed: {type(exc).__name__}: {exc}") from exc


class _Extraction:
    """One page's extraction: holds the parsed tree and the provenance of each field."""

    def __init__(
        self,
        html: bytes | str,
        url: str,
        zone: str,
        selectors: Selectors | None,
        encoding: str | None,
        now: datetime | None,
    ) -> None:
        self.url = url
        self.zone = zone
        self.selectors = selectors
        self.now = now or datetime.now(UTC)
        self.tree = parse_page(html, encoding).tree
        self.meta: PageMeta = read_meta(self.tree, url)
        self.methods: dict[str, str] = {}

    def _set(self, fields: dict[str, Any], name: str, value: Any, method: str) -> None:
        fields[name] = value
        self.methods[name] = method

    def run(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"url": self.url}
        canonical, method = self._canonical()
        self._set(fields, "canonical_url", canonical, method)
        info = read_jsonld(self.tree, [self.url, canonical])
        article = info.article or {}
        article_types = {t.rsplit("/", 1)[-1] for t in _as_list(article.get("@type"))}

        self._pick(fields, "title", self._title_candidates(article))
        self._pick(fields, "description", self._description_candidates(article))
        self._pick(fields, "section", self._section_candidates(article))

        image_captions = [
            c
            for image in _as_list(article.get("image"))
            if isinstance(image, dict) and (c := text_value(image.get("caption")))
        ]
        captions = find_captions(self.tree, image_captions)
        fields["captions"] = captions
        if captions:
            self.methods["captions"] = "text"

        paragraphs, body_method = self._paragraphs(article, captions, fields.get("title"))
        byline_authors: list[str] = []
        if paragraphs and _BYLINE_PARAGRAPH.match(paragraphs[0]):
            byline_authors = [paragraphs.pop(0)]

        has_article_markup = bool(
            article_types & ARTICLE_TYPES
            or self.meta.first("og:type") == ("og:type", "article")
            or self.meta.first("article:published_time")
        )
        reason = reject_reason(
            PageSignals(
                url=self.url,
                title_tag=self.meta.title_tag,
                title=fields.get("title"),
                paragraphs=paragraphs,
                has_article_markup=has_article_markup,
                is_live_blog_markup=bool(
                    article_types & LIVE_TYPES
                    or (info.types & LIVE_TYPES and not article_types & ARTICLE_TYPES)
                ),
                lists_articles=bool(info.types & COLLECTION_TYPES)
                or (info.article is None and info.article_count > 1),
                free=article.get("isAccessibleForFree") not in (False, "False", "false"),
            )
        )
        if reason:
            raise NotAnArticle(reason)
        self._set(fields, "body", join_paragraphs(paragraphs), body_method)

        self._authors_and_wire(fields, article, byline_authors)
        self._dates(fields, article)
        self._language(fields, article)
        fields["extraction"] = dict(sorted(self.methods.items()))
        return fields

    def _pick(self, fields: dict[str, Any], name: str, candidates: list[tuple[str, Any]]) -> None:
        fields[name] = None
        for method, value in candidates:
            if value:
                self._set(fields, name, value, method)
                return

    def _canonical(self) -> tuple[str, str]:
        if self.meta.canonical:
            return self.meta.canonical, "meta"
        found = self.meta.first("og:url")
        if found and found[1].startswith(("http://", "https://", "/")):
            return urljoin(self.url, found[1]), "meta"
        return self.url, "url"

    def _selected(self, field: str) -> list[str]:
        selector = getattr(self.selectors, field, None) if self.selectors else None
        return select_texts(self.tree, selector) if selector else []

    def _title_candidates(self, article: dict[str, Any]) -> list[tuple[str, Any]]:
        site = self.meta.first("og:site_name")
        og = self.meta.first("og:title", "twitter:title", "dc.title")
        h1 = [" ".join(h.text_content().split()) for h in _H1(self.tree)]
        return [
            ("selector", next(iter(self._selected("title")), None)),
            ("jsonld", text_value(article.get("headline")) or text_value(article.get("name"))),
            ("meta", _strip_site(og[1], site[1] if site else None) if og else None),
            ("text", next((t for t in h1 if len(t) > 10), None)),
            ("meta", _strip_site(self.meta.title_tag, None) if self.meta.title_tag else None),
        ]

    def _description_candidates(self, article: dict[str, Any]) -> list[tuple[str, Any]]:
        found = self.meta.first("description", "og:description", "twitter:description")
        return [
            ("jsonld", text_value(article.get("description"))),
            ("meta", found[1] if found else None),
        ]

    def _section_candidates(self, article: dict[str, Any]) -> list[tuple[str, Any]]:
        found = self.meta.first("article:section", "section", "article.section")
        return [
            ("selector", next(iter(self._selected("section")), None)),
            ("jsonld", text_value(article.get("articleSection"))),
            ("meta", found[1] if found else None),
        ]

    def _paragraphs(
        self, article: dict[str, Any], captions: list[str], title: str | None
    ) -> tuple[list[str], str]:
        selector = self.selectors.body if self.selectors else None
        if selector:
            selected = clean_paragraphs(select_paragraphs(self.tree, selector), captions, title)
            if selected:
                return selected, "selector"
        paragraphs = clean_paragraphs(trafilatura_paragraphs(self.tree, self.url), captions, title)
        article_body = text_value(article.get("articleBody"))
        if article_body and len(article_body) > 2 * len(join_paragraphs(paragraphs)):
            lines = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", article_body)]
            return clean_paragraphs([p for p in lines if p], captions, title), "jsonld"
        return paragraphs, "trafilatura"

    def _authors_and_wire(
        self, fields: dict[str, Any], article: dict[str, Any], byline: list[str]
    ) -> None:
        meta_authors = self.meta.all("author") + self.meta.all("article:author")
        meta_authors += self.meta.all("byl") + self.meta.all("dc.creator")
        text_bylines = [
            text
            for element in _BYLINE(self.tree)
            if 2 <= len(text := " ".join(element.text_content().split())) <= 80
        ]
        candidates = [
            ("selector", self._selected("authors")),
            ("jsonld", names(article.get("author")) or names(article.get("creator"))),
            ("meta", meta_authors),
            ("text", byline + text_bylines[:2]),
        ]
        fields["authors"], agency, agency_method = [], None, ""
        for method, raw in candidates:
            if not raw:
                continue
            people, found = clean_authors(raw)
            agency, agency_method = agency or found, agency_method or method
            if people:
                self._set(fields, "authors", people, method)
                break

        wire, _ = wire_from_text(fields["body"])
        method = "text"
        if not wire:
            for org in (article.get("sourceOrganization"), article.get("publisher")):
                if wire := canonical_agency(text_value(org)):
                    method = "jsonld"
                    break
        if not wire:
            site = self.meta.first("og:site_name", "application-name")
            suffix = _TITLE_SUFFIX.search(self.meta.title_tag or "")
            wire = canonical_agency(site[1] if site else None) or canonical_agency(
                suffix["site"] if suffix else None
            )
            method = "meta"
        if not wire and agency:
            wire, method = agency, agency_method
        fields["wire"] = wire
        if wire:
            self.methods["wire"] = method

    def _dates(self, fields: dict[str, Any], article: dict[str, Any]) -> None:
        published_meta = [("meta", v) for k in _PUBLISHED_META for v in self.meta.all(k)]
        modified_meta = [("meta", v) for k in _MODIFIED_META for v in self.meta.all(k)]
        text_published, text_modified = self._text_dates()
        published = [("selector", v) for v in self._selected("published_at")]
        published += [("jsonld", v) for v in _strings(article.get("datePublished"))]
        published += published_meta + text_published
        chosen = dates_mod.first_plausible(published, self.zone, self.now)
        if chosen is None:
            chosen = self._htmldate()
        fields["published_at"] = fields["published_at_raw"] = None
        if chosen:
            method, raw, value = chosen
            self._set(fields, "published_at", dates_mod.to_iso(value), method)
            fields["published_at_raw"] = raw
        modified = [("jsonld", v) for v in _strings(article.get("dateModified"))]
        modified += modified_meta + text_modified
        latest = dates_mod.first_plausible(modified, self.zone, self.now)
        fields["modified_at"] = None
        if latest and (chosen is None or latest[2] >= chosen[2]):
            self._set(fields, "modified_at", dates_mod.to_iso(latest[2]), latest[0])

    def _text_dates(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Dates printed near labels ("Posted : 2026-11-05 10:03", "입력 2026.11.05")."""
        published: list[tuple[str, str]] = []
        modified: list[tuple[str, str]] = []
        unlabelled: list[tuple[str, str]] = []
        for element in _DATE_ELEMENTS(self.tree)[:40]:
            if element.tag == "time" and element.get("datetime"):
                unlabelled.append(("text", element.get("datetime")))
            text = " ".join(element.text_content().split())
            if not text or len(text) > 300:
                continue
            spans = [(m, "p") for m in _PUBLISHED_LABEL.finditer(text)]
            spans += [(m, "m") for m in _MODIFIED_LABEL.finditer(text)]
            for match, kind in spans:
                found = dates_mod.find_date_text(text[match.end() : match.end() + 50])
                if found:
                    (published if kind == "p" else modified).append(("text", found))
            if not spans and len(text) <= 60 and (found := dates_mod.find_date_text(text)):
                unlabelled.append(("text", found))
        return published + unlabelled, modified

    def _htmldate(self) -> tuple[str, str, datetime] | None:
        try:
            found = htmldate.find_date(
                self.tree,
                url=self.url,
                original_date=True,
                min_date="1990-01-01",
                max_date=(self.now + timedelta(days=1)).strftime("%Y-%m-%d"),
            )
        except (ValueError, TypeError) as exc:
            log.debug("htmldate failed: %s", exc)
            return None
        if not found:
            return None
        return dates_mod.first_plausible([("htmldate", found)], self.zone, self.now)

    def _language(self, fields: dict[str, Any], article: dict[str, Any]) -> None:
        detected = detect_language(f"{fields.get('title') or ''}\n{fields['body']}")
        if detected:
            self._set(fields, "language", detected, "text")
            return
        locale = self.meta.first("og:locale", "content-language", "language")
        declared = (
            normalize_lang(text_value(article.get("inLanguage")))
            or normalize_lang(self.meta.lang)
            or normalize_lang(locale[1] if locale else None)
        )
        fields["language"] = declared
        if declared:
            self.methods["language"] = "meta"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(value: Any) -> list[str]:
    return [v for v in _as_list(value) if isinstance(v, str) and v.strip()]


def _strip_site(title: str, site: str | None) -> str:
    """Drop a trailing " | Site Name" from a title."""
    match = _TITLE_SUFFIX.search(title)
    if match and (site is None or match["site"].strip().casefold() == site.strip().casefold()):
        return title[: match.start()].strip()
    return title
