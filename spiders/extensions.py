"""Live progress of a crawl: pages fetched (of the sitemap's total, when a sitemap gave one, with the time left),
queued, articles, errors and the rate, every few seconds. One log line each time, never a control code: the
same line reads well on a terminal, in cron mail and in a log file."""
from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger("migrator.progress")


def progress_line(pages: int, seconds: float, queued: int, articles: int, errors: int, total: int = 0,
                  earlier: int = 0) -> str:
    """The progress line; with ``total`` (the pages a sitemap lists, capped by --max-pages) the time left at the
    rate so far, counting what is queued beyond the sitemap too. ``pages`` counts the whole run, ``earlier`` of
    them by the parts of a resumed run before this one (the rate is this part's).

    >>> progress_line(120, 10.0, 300, 100, 2, total=600)
    '120 of ~600 pages (12/s, about 0:40 left), 300 queued, 100 articles, 2 errors'
    >>> progress_line(120, 10.0, 30, 100, 2)
    '120 pages (12/s), 30 queued, 100 articles, 2 errors'
    >>> progress_line(1151, 5.0, 0, 324, 4, earlier=1141)
    '1151 pages (2/s), 0 queued, 324 articles, 4 errors'
    """
    rate = (pages - earlier) / max(seconds, 1e-9)
    done = f"{pages} pages ({rate:.0f}/s)"
    if total and rate > 0:
        left = max(total - pages, queued if pages < total else 0)
        minutes, secs = divmod(round(left / rate), 60)
        done = f"{pages} of ~{max(total, pages)} pages ({rate:.0f}/s, about {minutes}:{secs:02d} left)"
    return f"{done}, {queued} queued, {articles} articles, {errors} errors"


class Progress:
    """Logs one progress line every ``PROGRESS_INTERVAL`` seconds (0 switches it off), and a last one when the fetch
    ends, so the last line shows what the fetch did however short it was (a resumed run with nothing left to fetch)."""

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
        stats, spider = self.crawler.stats, self.crawler.spider
        earlier: dict[str, int] = getattr(spider, "earlier", {})  # a resumed run counts all its parts

        def count(key: str) -> int:
            return earlier.get(key, 0) + int(stats.get_value(key, 0))

        total = stats.get_value("migrator/discovery/sitemap-pages", 0)
        max_pages = getattr(getattr(spider, "config", None), "max_pages", None)
        if total and max_pages:
            total = min(total, max_pages)
        logger.info("%s", progress_line(count("migrator/pages"), time.monotonic() - self.started, self.queued(),
                                        count("migrator/articles"), count("migrator/errors"), total,
                                        earlier.get("migrator/pages", 0)))

    def queued(self) -> int:
        """Requests waiting: in the scheduler (its length: the stats' enqueued minus dequeued miss the requests a
        JOBDIR queue kept from an earlier process, and go negative), and the start requests Scrapy has not taken
        yet (a resumed run's frontier)."""
        scheduler = getattr(self.crawler.engine, "scheduler", None)
        if scheduler is not None and hasattr(scheduler, "__len__"):
            waiting = len(scheduler)
        else:
            stats = self.crawler.stats
            waiting = max(0, stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0))
        return waiting + int(getattr(self.crawler.spider, "unstarted", 0))

    def closed(self, spider: object) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.log()
