from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsspider.discovery.links import resolve_http_url, within_window

NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("published_at", "expected"),
    [
        (None, True),
        (NOW - timedelta(days=2, hours=23), True),
        (NOW - timedelta(days=3), True),
        (NOW - timedelta(days=3, seconds=1), False),
        (NOW + timedelta(hours=9), True),
    ],
)
def test_within_window_keeps_recent_and_undated_stories(published_at, expected):
    assert within_window(published_at, NOW, 3) is expected


def test_within_window_accepts_fractional_days():
    assert within_window(NOW - timedelta(hours=11), NOW, 0.5)
    assert not within_window(NOW - timedelta(hours=13), NOW, 0.5)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/world/story-1", "https://example.com/world/story-1"),
        ("  \n../story-2\t", "https://example.com/story-2"),
        ("//cdn.example.com/x", "https://cdn.example.com/x"),
        ("https://例え.jp/記事", "https://xn--r8jz45g.jp/%E8%A8%98%E4%BA%8B"),
        ("javascript:void(0)", None),
        ("data:text/html,hi", None),
        ("mailto:desk@example.com", None),
        ("file:///etc/passwd", None),
        ("http://example.com:99999/x", None),
        ("http://exa mple.com/x", None),
        ("", None),
        (None, None),
    ],
)
def test_resolve_http_url_gives_absolute_http_urls_only(href, expected):
    assert resolve_http_url(href, "https://example.com/world/") == expected
