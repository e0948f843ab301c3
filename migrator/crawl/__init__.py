"""Crawling the old site: one crawl in this process (:mod:`~migrator.crawl.run`), what the crawl process does
with each item the spiders hand over (:mod:`~migrator.crawl.writer`), and a crawl shared by several workers over
Redis (:mod:`~migrator.crawl.distributed`). The Scrapy project itself (spiders, middlewares, the pipeline that
adapts the writer) is ``spiders/``."""
from __future__ import annotations

from migrator.crawl.run import CrawlSummary, politeness, run_crawl, scrapy_settings, summarize

__all__ = ["CrawlSummary", "politeness", "run_crawl", "scrapy_settings", "summarize"]
