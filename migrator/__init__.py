"""migrator: move a website off an old platform.

Scrapy spiders (``spiders/``) crawl the old site; this package extracts, cleans, loads,
exports, syncs and diffs the records.
"""
from __future__ import annotations

__version__ = "0.1.0"
