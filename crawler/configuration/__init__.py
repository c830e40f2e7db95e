"""A home and its files: sources.yaml, sections.yaml, the crawl settings and their defaults (no Scrapy)."""
