"""Turn the date strings pages print into UTC instants, and refuse implausible ones.

Naive values are wall-clock time in the source's zone (a KST page printing "2026-11-05 10:03"
means 01:03 UTC). Dates before 1990 or more than a day ahead of the clock are site mistakes
(placeholders, template defaults, time-zone bugs) and are discarded so callers fall back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
MAX_AHEAD = timedelta(days=1)

_TZ_ABBREVIATIONS = {
    name: hours * 3600
    for name, hours in {
        "UTC": 0, "GMT": 0, "Z": 0, "KST": 9, "JST": 9, "MSK": 3, "EET": 2, "EEST": 3,
        "CET": 1, "CEST": 2, "BST": 1, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
        "PST": -8, "PDT": -7,
    }.items()
}  # fmt: skip
_KOREAN = re.compile(
    r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"
    r"(?:\s*\([^)]*\))?(?:\s*(오전|오후)?\s*(\d{1,2})\s*(?:시|:)\s*(\d{1,2})?\s*분?)?"
)
_NUMERIC = re.compile(
    r"(\d{4})[-./]\s?(\d{1,2})[-./]\s?(\d{1,2})\.?"
    r"(?:[T\s]+(오전|오후)?\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"\s*([AaPp]\.?[Mm]\.?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4}\b)?"
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_CLOCK = r"(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?)?"
_ENGLISH = re.compile(
    rf"(?:\b{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\b\d{{1,2}}\s+{_MONTH}\s+\d{{4}}){_CLOCK}"
    r"(?:\s*(?:[A-Z]{2,4}\b|[+-]\d{2}:?\d{2}))?"
)
_AFTERNOON = {"오후", "pm", "p.m.", "p.m"}


def _zone_from_token(token: str | None) -> timezone | None:
    if not token:
        return None
    if token in _TZ_ABBREVIATIONS:
        return timezone(timedelta(seconds=_TZ_ABBREVIATIONS[token]))
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", token)
    if match:
        sign = -1 if match[1] == "-" else 1
        return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3])))
    return None


def _from_parts(
    year: str, month: str, day: str, meridiem: str | None, hour: str | None, minute: str | None,
    second: str | None = None,
) -> datetime:  # fmt: skip
    hours = int(hour or 0)
    if meridiem and meridiem.lower() in _AFTERNOON and hours < 12:
        hours += 12
    elif meridiem and hours == 12 and meridiem.lower() in {"오전", "am", "a.m.", "a.m"}:
        hours = 0
    return datetime(int(year), int(month), int(day), hours, int(minute or 0), int(second or 0))


def parse_datetime(raw: str, zone: str = "UTC") -> datetime | None:
    """Parse ISO 8601, RFC 2822, numeric (2026.11.05 10:03), Korean or English dates to UTC."""
    text = " ".join(raw.split())
    if not text or len(text) > 200:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _parse_loose(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone))
    return parsed.astimezone(UTC)


def _parse_loose(text: str) -> datetime | None:
    try:
        if match := _NUMERIC.search(text):
            year, month, day, meridiem, hour, minute, second, ampm, zone = match.groups()
            value = _from_parts(year, month, day, meridiem or ampm, hour, minute, second)
            tz = _zone_from_token(zone)
            return value.replace(tzinfo=tz) if tz else value
        if match := _KOREAN.search(text):
            return _from_parts(*match.groups())
    except ValueError:
        return None
    if re.match(r"^[A-Z][a-z]{2}, \d", text):
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError):
            pass
    if not re.search(r"\d{4}", text):  # dateutil would invent the missing year from today
        return None
    try:
        return dateutil_parser.parse(
            text, fuzzy=True, tzinfos=_TZ_ABBREVIATIONS, default=datetime(1, 1, 1)
        )
    except (ValueError, OverflowError, TypeError):
        return None


def find_date_text(text: str) -> str | None:
    """The first date-looking substring of free text ("Posted : 2026-11-05 10:03 | ...")."""
    matches = [m for pattern in (_NUMERIC, _KOREAN, _ENGLISH) if (m := pattern.search(text))]
    if not matches:
        return None
    return min(matches, key=lambda m: m.start())[0].strip()


def plausible(value: datetime, now: datetime) -> bool:
    """Not before 1990 and not more than a day in the future."""
    return EARLIEST <= value <= now + MAX_AHEAD


def to_iso(value: datetime) -> str:
    """The record's timestamp format: ISO 8601 in UTC with a 'Z'."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def first_plausible(
    candidates: list[tuple[str, str]], zone: str, now: datetime
) -> tuple[str, str, datetime] | None:
    """The first (method, raw) candidate that parses to a plausible instant."""
    for method, raw in candidates:
        value = parse_datetime(raw, zone)
        if value is not None and plausible(value, now):
            return method, raw, value
    return None
