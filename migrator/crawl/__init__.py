"""Crawling the old site: one crawl in this process (:mod:`~migrator.crawl.run`) and a crawl shared by several
workers over Redis (:mod:`~migrator.crawl.distributed`). The Scrapy project they run is ``spiders/``: the
spiders, middlewares, and what the crawl process does with each item (``spiders/writer.py``, which the Scrapy
pipeline adapts and the distributed loader drives)."""
from __future__ import annotations

from migrator.crawl.run import CrawlSummary, politeness, run_crawl, scrapy_settings, summarize

__all__ = ["CrawlSummary", "politeness", "run_crawl", "scrapy_settings", "summarize"]
