"""newsspider: a scheduled news scraping and archiving pipeline."""

__version__ = "0.1.0"
