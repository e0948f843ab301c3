"""The thin pipeline: a Scrapy adapter over :class:`spiders.writer.CrawlWriter`, which extracts each
page, stores it through the one way into the store and runs the crawl's end.

``MIGRATOR_DB`` names the SQLite file, ``MIGRATOR_RUN_ID`` the run (none: a run of its own, for ``scrapy crawl``
and Scrapyd jobs), ``MIGRATOR_MAX_ERRORS`` when to stop, ``MIGRATOR_EXTRACT_WORKERS`` the extraction processes.
An item that becomes no record is dropped with its reason; every one is counted by reason in the crawl stats.
"""
from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from spiders.writer import CrawlWriter


class StorePipeline:
    """Extract, clean and store every item (see :class:`CrawlWriter`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.writer = CrawlWriter(settings.get("MIGRATOR_DB"), settings.get("MIGRATOR_RUN_ID"), crawler.stats,
                                  workers=settings.get("MIGRATOR_EXTRACT_WORKERS"),
                                  max_errors=settings.get("MIGRATOR_MAX_ERRORS"))
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        site = spider or self.crawler.spider
        self.writer.open(site.config)  # type: ignore[union-attr]  # the site spider, the one this pipeline serves

    def close_spider(self, spider: Spider | None = None) -> None:
        self.writer.close()

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        """The item stored in one transaction; a skip or an error is raised as ``DropItem`` once it committed."""
        outcome = await self.writer.write(item)
        if self.writer.stop_reason and not self.stopping:  # a failed write, --max-errors: end the crawl now
            self.stopping = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=self.writer.stop_reason))
        if outcome.dropped:
            raise DropItem(outcome.message, log_level="DEBUG")
        return item
