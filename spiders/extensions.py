"""Live progress of a crawl: pages fetched, queued, articles, errors and the rate, every few seconds."""
from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger("migrator.progress")


class Progress:
    """Logs one progress line every ``PROGRESS_INTERVAL`` seconds (0 switches it off)."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: object) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.log)
        self.loop.start(self.interval, now=False)

    def log(self) -> None:
        stats = self.crawler.stats
        pages = stats.get_value("migrator/pages", 0)
        queued = stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0)
        rate = pages / max(time.monotonic() - self.started, 1e-9)
        logger.info("%d pages (%.0f/s), %d queued, %d articles, %d errors", pages, rate, queued,
                    stats.get_value("migrator/articles", 0), stats.get_value("migrator/errors", 0))

    def closed(self, spider: object) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
