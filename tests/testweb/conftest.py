"""One running test web for the module tests, at a fixed clock so dates are predictable."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from newsspider.testweb import TestWeb

#: 10:03 in Seoul, 03:03 in Kyiv, 04:03 in Moscow.
FIXED_NOW = datetime(2026, 11, 5, 1, 3, tzinfo=UTC)


@pytest.fixture(scope="session")
def web() -> Iterator[TestWeb]:
    with TestWeb.start(FIXED_NOW) as running:
        yield running


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="session")
def fetch():
    """`fetch(url, headers=None) -> (status, headers, body)` over real HTTP, no redirects."""
    return _fetch
