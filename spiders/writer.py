"""What a crawl process does with the items its spiders (or the workers of a distributed crawl) hand over:
extract each page in the worker processes, store it through the one way into the store
(:class:`~migrator.ingest.Ingest`), and when the crawl ends run what the site shows as a whole
(:class:`~migrator.sitewide.SiteModel`). No Scrapy here: the Scrapy pipeline (:mod:`spiders.pipelines`) and
the distributed loader (:mod:`migrator.crawl.distributed`) both drive a :class:`CrawlWriter`.

One page is one transaction: a run killed at any moment leaves whole pages or none. The same transaction marks
the page's frontier URL done and queues the URLs it linked to, so a killed run resumes exactly where its
database says it stopped.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from migrator import interrupt, limits
from migrator.extract import PageResult
from migrator.extract.pool import ExtractionPool, default_workers
from migrator.extract.region import Regions
from migrator.ingest import Ingest, Outcome
from migrator.ingest.items import PageItem
from migrator.ingest.stats import STAGES, add_seconds
from migrator.lock import RunLock
from migrator.rulebook import Rulebook
from migrator.sitewide import SiteModel
from migrator.store import Store

if TYPE_CHECKING:
    from migrator.ingest import Stats
    from migrator.mapping import Config

logger = logging.getLogger(__name__)


def spare_workers(setting: Any = None) -> int:
    """Extraction processes: ``setting`` (``MIGRATOR_EXTRACT_WORKERS``) or one per spare core; 0 where no asyncio
    loop runs to await a worker's future (Twisted's own reactors)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return 0
    return default_workers() if setting is None else int(setting)


class CrawlWriter:
    """Extract, clean and store the items of one run of ``db_path``.

    ``run_id`` None: the writer's own run (a bare ``scrapy crawl`` or a Scrapyd job), begun and finished here
    under the database's lock, without a frontier in the database; else a run the ``migrator`` command began.
    """

    def __init__(self, db_path: str, run_id: int | None, stats: Stats, *, workers: Any = None,
                 max_errors: int | None = None) -> None:
        self.db_path, self.run_id, self.stats = db_path, run_id, stats
        self.own_run = run_id is None
        self.workers, self.max_errors = workers, max_errors
        self.store: Store | None = None
        self.pool: ExtractionPool | None = None
        self.ingest: Ingest | None = None
        self.lock: RunLock | None = None
        self.started = time.monotonic()  # the fetching phase: from open() to the crawl's end

    def open(self, config: Config) -> None:
        if self.own_run:  # one writer at a time, as `migrator` runs hold it
            self.lock = RunLock(self.db_path).acquire()
        self.store = Store(self.db_path)
        rulebook = Rulebook.for_run(config, self.db_path)  # accepted rules; learned ones unless learn = false
        if self.run_id is None:
            self.run_id = self.store.begin_run("scrapy crawl", ",".join(config.start_urls), {})
        self.regions = Regions.from_rows(self.store.template_rows())  # learned by earlier runs
        self.pool = ExtractionPool(config, spare_workers(self.workers), self.regions)
        self.ingest = Ingest(self.store, config, rulebook, self.run_id, self.stats, frontier=not self.own_run,
                             max_errors=self.max_errors)
        self.started = time.monotonic()

    @property
    def stop_reason(self) -> str | None:
        """Why the run must end now (a failed write, too many errors), or None."""
        return self.ingest.stop_reason if self.ingest is not None else None

    async def write(self, item: Any) -> Outcome:
        """Extract a page (in a worker process when there is one), then store the item in one transaction."""
        assert self.ingest is not None and self.pool is not None
        if self.ingest.fault:  # not stored, not marked done: the resumed run fetches it again
            return self.ingest.take(item)
        extracted: PageResult | Exception | None = None
        if isinstance(item, PageItem) and item.status < 400 and item.text is not None:
            try:
                extracted = await self.pool.extract(item.url, item.text)
            except Exception as exc:  # one broken page never ends a run
                logger.warning("extraction failed on %s: %s", item.url, exc, exc_info=True)
                extracted = exc
        started = time.perf_counter()
        try:
            return self.ingest.take(item, extracted)
        finally:
            add_seconds(self.stats, "store", time.perf_counter() - started)
            if isinstance(item, PageItem) and item.text is not None:  # its trees (links, inline extraction) freed
                limits.release(len(item.text))

    def close(self) -> None:
        """The crawl's end: what the site shows as a whole, unless a signal or a failed write stopped the run
        (the resumed run does these passes); then the run is closed when it is the writer's own."""
        if self.store is None or self.ingest is None:
            if self.pool is not None:
                self.pool.close()
            return
        add_seconds(self.stats, "fetch", time.monotonic() - self.started)
        if self.pool is not None:
            add_seconds(self.stats, "extract", self.pool.seconds)
        try:
            if not interrupt.received() and not self.ingest.fault:
                # the extraction workers re-extract the stored pages in the learned regions, then stop
                started = time.monotonic()
                try:
                    SiteModel(self.ingest, self.regions, pool=self.pool).finish()
                except interrupt.Interrupted as stop:  # the run is `interrupted`; the resumed one does the crawl end
                    logger.info("crawl end %s; the next run of the same command does it", stop)
                finally:
                    add_seconds(self.stats, "crawl-end", time.monotonic() - started)
        finally:
            if self.pool is not None:
                self.pool.close()
        if self.own_run:
            get = self.stats.get_value
            summary = {"pages": get("migrator/pages", 0), "articles": get("migrator/articles", 0),
                       "errors": get("migrator/errors", 0),
                       "seconds_by_stage": {k: round(get(f"migrator/seconds/{k}", 0.0), 2) for k in STAGES}}
            self.store.finish_run(self.ingest.run_id, "finished", summary)
        self.store.close()
        if self.lock is not None:
            self.lock.release()
