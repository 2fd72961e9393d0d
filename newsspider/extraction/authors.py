"""Clean bylines into a list of people; agencies found among them are returned separately."""

from __future__ import annotations

import re

from newsspider.extraction.wire import canonical_agency

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_BY = re.compile(r"^\s*(?:written\s+|reported\s+|story\s+|words\s+)?by[:\s]+", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|\||/|·|&|\band\b|\bwith\b| 및 |\n)\s*", re.IGNORECASE)
_KOREAN_ROLE = re.compile(r"\s*(?:기자|특파원|선임기자|논설위원|객원기자|통신원|인턴기자)$")
_ROLES = re.compile(
    r"^(?:(?:senior|chief|staff|contributing|foreign|political|defense|diplomatic|"
    r"north korea|unification|washington|moscow|seoul|kyiv)\s+)*"
    r"(?:reporter|writer|correspondent|editor|columnist|contributor|staff|journalist|"
    r"bureau chief|news desk|desk|team|staff writers?|staff reporters?|newsroom)s?$",
    re.IGNORECASE,
)


def clean_authors(raw: list[str]) -> tuple[list[str], str | None]:
    """Return (people, agency): "By X and Y", commas, e-mails, roles and agencies handled."""
    people: list[str] = []
    agency: str | None = None
    seen: set[str] = set()
    for value in raw:
        value = _URL.sub(" ", _EMAIL.sub(" ", value))
        value = _BY.sub("", " ".join(value.split()))
        for part in _SPLIT.split(value):
            part = re.sub(r"\(\s*\)|[\[\]]", " ", part)
            part = _KOREAN_ROLE.sub("", " ".join(part.split())).strip(" -–—=:.,'\"")
            part = _BY.sub("", part)
            if len(part) < 2 or _ROLES.match(part) or not any(c.isalpha() for c in part):
                continue
            if found := canonical_agency(part):
                agency = agency or found
                continue
            if part.isupper() and part.isascii():
                part = part.title()
            if part.casefold() not in seen:
                seen.add(part.casefold())
                people.append(part)
    return people, agency
