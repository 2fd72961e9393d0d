"""The archive browser: a read-only, server-rendered web UI and JSON API over the archive."""
