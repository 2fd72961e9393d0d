"""Date parsing: naive times are the source's wall clock; implausible dates are discarded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsspider.extraction.dates import find_date_text, first_plausible, parse_datetime, to_iso

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "zone", "expected"),
    [
        ("2026-11-05 10:03", "Asia/Seoul", "2026-11-05T01:03:00Z"),
        ("2026-11-05T10:03:00+09:00", "UTC", "2026-11-05T01:03:00Z"),
        ("2026-11-05T01:03:00Z", "Asia/Seoul", "2026-11-05T01:03:00Z"),
        ("2026.11.05 10:03", "Asia/Seoul", "2026-11-05T01:03:00Z"),
        ("2026년 11월 5일 오후 3:04", "Asia/Seoul", "2026-11-05T06:04:00Z"),
        ("Thu, 05 Nov 2026 10:03:00 +0900", "UTC", "2026-11-05T01:03:00Z"),
        ("Nov. 5, 2026 10:03 KST", "UTC", "2026-11-05T01:03:00Z"),
        ("November 5, 2026 3:04 p.m.", "Europe/Kyiv", "2026-11-05T13:04:00Z"),
        ("2026-11-05", "Asia/Seoul", "2026-11-04T15:00:00Z"),
        ("2026-07-01 12:00", "Europe/Moscow", "2026-07-01T09:00:00Z"),
    ],
)
def test_parse_datetime_to_utc(raw: str, zone: str, expected: str) -> None:
    parsed = parse_datetime(raw, zone)
    assert parsed is not None
    assert to_iso(parsed) == expected


@pytest.mark.parametrize("raw", ["", "5 hours ago", "Monday", "not a date", "x" * 500])
def test_unparseable_dates_are_none(raw: str) -> None:
    assert parse_datetime(raw, "UTC") is None


def test_future_and_pre_1990_dates_fall_back_to_the_next_candidate() -> None:
    candidates = [
        ("jsonld", "2026-11-22T00:00:00Z"),  # more than a day ahead of NOW
        ("meta", "1970-01-01T00:00:00Z"),  # epoch placeholder
        ("text", "2026-11-21 09:00"),  # within a day ahead: allowed (time zones)
    ]
    method, raw, value = first_plausible(candidates, "Asia/Seoul", NOW)
    assert (method, raw, to_iso(value)) == ("text", "2026-11-21 09:00", "2026-11-21T00:00:00Z")


def test_no_plausible_candidate() -> None:
    assert first_plausible([("meta", "1989-12-31")], "UTC", NOW) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Posted : 2024-11-05 10:03 | Updated : 2024-11-05 15:48", "2024-11-05 10:03"),
        ("입력 2025.01.13 15:30 | 수정 2025.01.13 16:02", "2025.01.13 15:30"),
        ("All News 10:48 December 23, 2024", "December 23, 2024"),
        ("no date here", None),
    ],
)
def test_find_date_text(text: str, found: str | None) -> None:
    assert find_date_text(text) == found
