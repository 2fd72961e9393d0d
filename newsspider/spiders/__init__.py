"""Scrapy spiders; `news` is the generic config-driven spider."""
