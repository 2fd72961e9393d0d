"""De-duplication: canonical URLs, seen-stores, near-duplicate bodies and revisions."""
