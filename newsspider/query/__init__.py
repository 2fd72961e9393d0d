"""Reading sealed snapshots: filters, SQL and the Python API."""
