"""The query layer's user-facing error, importable without pyarrow or DuckDB."""


class QueryError(ValueError):
    """A query the user asked for cannot be answered as asked; the message is one line."""
