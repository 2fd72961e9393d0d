"""Object-storage archive: backends by URI, snapshot sealing, and the read API (`Archive`)."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # `Archive` lives in the query room; importing it lazily keeps `archive` free of cycles.
    if name == "Archive":
        from newsspider.query.api import Archive

        return Archive
    raise AttributeError(name)
