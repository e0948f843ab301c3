"""The thin pipeline: hands each fetched page to ``migrator.extract`` and stores the outcome; when the
crawl ends, :class:`migrator.site_model.SiteModel` learns what the site shows as a whole.

One page is one transaction: a run killed at any moment leaves whole pages or none. The same
transaction marks the page's frontier URL done and queues the URLs it linked to, so a killed run
resumes exactly where its database says it stopped.
Every page that does not become a record is counted by reason in the crawl stats.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from migrator import identity, interrupt
from migrator.clean.repeated import shingles
from migrator.clean.text import html_to_text
from migrator.extract import PageResult
from migrator.extract.region import Regions
from migrator.extract_pool import ExtractionPool, default_workers
from migrator.lock import RunLock
from migrator.rulebook import Rulebook
from migrator.site_model import SiteModel, not_an_article, read_by_platform
from migrator.store import RawPage, Store
from migrator.urls import derived_source_id, host_allowed, node_id, normalize
from spiders.items import AliasItem, ErrorItem, NotModifiedItem, PageItem, VisitItem

logger = logging.getLogger(__name__)


class StorePipeline:
    """Extract, clean and load; ``MIGRATOR_DB`` names the SQLite file, ``MIGRATOR_RUN_ID`` the run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = crawler.settings.get("MIGRATOR_DB")
        self.run_id = crawler.settings.get("MIGRATOR_RUN_ID")
        self.own_run = self.run_id is None
        self.store: Store | None = None
        self.pool: ExtractionPool | None = None
        self.lock: RunLock | None = None
        self.max_errors = crawler.settings.get("MIGRATOR_MAX_ERRORS")
        self.fault: str | None = None  # the first failed write: the run stops there
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        self.config = spider.config
        self.alias_rules = tuple(re.compile(p) if isinstance(p, str) else p for p in self.config.alias_rules)
        if self.own_run:  # `scrapy crawl` or a Scrapyd job: one writer at a time, as `migrator` runs hold it
            self.lock = RunLock(self.db_path).acquire()
        self.store = Store(self.db_path)
        self.rulebook = Rulebook.for_run(self.config, self.db_path)  # accepted rules; learned ones unless learn = false
        self.repeated = self.rulebook.texts(self.store.boilerplate())
        self.repeated_shingles = shingles(self.repeated)
        if self.own_run:
            self.run_id = self.store.begin_run("scrapy crawl", ",".join(self.config.start_urls), {})
        self.regions = Regions.from_rows(self.store.template_rows())  # learned by earlier runs
        self.pool = ExtractionPool(self.config, self._workers(), self.regions)

    def _workers(self) -> int:
        """``MIGRATOR_EXTRACT_WORKERS`` processes (default: one per spare core); 0 on Twisted's own reactors,
        where no asyncio loop runs to await a worker's future."""
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return 0
        setting = self.crawler.settings.get("MIGRATOR_EXTRACT_WORKERS")
        return default_workers() if setting is None else int(setting)

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.store is None:
            if self.pool is not None:
                self.pool.close()
            return
        # Stopping by a signal (against a deadline) or a failed write: the resumed run does these passes.
        try:
            if not interrupt.received() and not self.fault:
                # what the run learns about the site as a whole, over the pages it kept (migrator.site_model);
                # the extraction workers re-extract the stored pages in the learned regions, then stop
                SiteModel(self.store, self.config, self.rulebook, self.run_id, self.stats, self.regions,
                          self.repeated, self.pool).finish()
        finally:
            if self.pool is not None:
                self.pool.close()
        if self.own_run:
            stats = self.stats.get_stats()
            summary = {"pages": stats.get("migrator/pages", 0), "articles": stats.get("migrator/articles", 0),
                       "errors": stats.get("migrator/errors", 0)}
            self.store.finish_run(self.run_id, "finished", summary)
        self.store.close()
        if self.lock is not None:
            self.lock.release()

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        """Extract a page (in a worker process when there is one), then store the item in one transaction;
        a skip or an error is raised only after it commits."""
        assert self.store is not None and self.pool is not None
        if self.fault:  # not stored, not marked done: the resumed run fetches it again
            raise DropItem("not stored: the database cannot be written", log_level="DEBUG")
        extracted: PageResult | Exception | None = None
        if isinstance(item, PageItem) and item.status < 400 and item.text is not None:
            try:
                extracted = await self.pool.extract(item.url, item.text)
            except Exception as exc:  # one broken page never ends a run
                logger.warning("extraction failed on %s: %s", item.url, exc, exc_info=True)
                extracted = exc
        try:
            outcome = self._store(item, extracted)
        except sqlite3.Error as exc:  # disk full, read-only, I/O error: every later write would fail too
            self._write_failed(exc)
            raise DropItem("not stored: the database cannot be written", log_level="DEBUG") from None
        if isinstance(outcome, DropItem):
            raise outcome
        return outcome

    def _store(self, item: Any, extracted: PageResult | Exception | None) -> Any:
        """The item's rows, in one transaction; returns the item or the DropItem to raise once committed."""
        assert self.store is not None
        with self.store.batch():
            if isinstance(item, PageItem):
                outcome = self._page(item, extracted)
            elif isinstance(item, AliasItem):
                self.store.add_aliases(item.source_id, [item.url], "url-rule", self.run_id)
                outcome = DropItem("alias recorded", log_level="DEBUG")
            elif isinstance(item, ErrorItem):
                outcome = self._error(item.url, item.reason, item.detail, skip=item.skip)
            elif isinstance(item, NotModifiedItem):
                outcome = self._not_modified(item)
            elif isinstance(item, VisitItem):
                outcome = DropItem("visited", log_level="DEBUG")
            else:
                outcome = item
            if isinstance(item, (PageItem, NotModifiedItem)) and not self.own_run:
                self.store.count_page(self.run_id)  # in the page's transaction: a resumed run counts its parts
            self._visited(item)
        return outcome

    def _write_failed(self, exc: sqlite3.Error) -> None:
        """The first failed write ends the run, with one line naming the file."""
        if self.fault is None:
            self.fault = f"cannot write {self.db_path}: {exc}"
            logger.error("%s; stopping the crawl (it resumes from here once the database can be written)", self.fault)
            self.stats.set_value("migrator/fault", self.fault)
            self._stop_run("write-failed")

    def _stop_run(self, reason: str) -> None:
        """End the crawl now (a failed write, too many errors): Scrapy closes the spider with ``reason``."""
        engine = getattr(self.crawler, "engine", None)  # none in the Redis loader (migrator.distributed)
        if not self.stopping and engine is not None:
            self.stopping = True
            deferred_from_coro(engine.close_spider_async(reason=reason))

    def _visited(self, item: Any) -> None:
        """Frontier bookkeeping in the item's own transaction (runs the migrator command started)."""
        visit = getattr(item, "visit", None)
        if self.own_run or visit is None:
            return
        self.store.frontier_add(self.run_id, getattr(item, "discovered", ()))
        self.store.frontier_done(self.run_id, visit)

    def _not_modified(self, item: NotModifiedItem) -> NotModifiedItem:
        """A 304 on a revisit: the article is seen this run and its content is unchanged."""
        self.stats.inc_value("migrator/pages")
        outcome = self.store.touch_article(item.source_id, item.url, self.run_id)
        self.stats.inc_value(f"migrator/articles/{outcome}")
        if outcome == "unchanged":
            self.stats.inc_value("migrator/articles")
        return item

    def _error(self, url: str, reason: str, detail: str = "", skip: bool = False) -> DropItem:
        self.store.record_error(self.run_id, url, reason, detail)
        if skip:
            return self._skip(reason)
        self.stats.inc_value("migrator/errors")
        self.stats.inc_value(f"migrator/errors/{reason}")
        if self.max_errors is not None and self.stats.get_value("migrator/errors", 0) > int(self.max_errors):
            self._stop_run("max-errors")  # --max-errors: stop now, not after the whole site
        return DropItem(f"error: {reason}", log_level="DEBUG")

    def _skip(self, reason: str) -> DropItem:
        self.stats.inc_value(f"migrator/skipped/{reason}")
        return DropItem(f"skipped: {reason}", log_level="DEBUG")

    def _page(self, item: PageItem, result: PageResult | Exception | None) -> PageItem | DropItem:
        self.stats.inc_value("migrator/pages")
        raw = RawPage(url=item.url, status=item.status, headers=item.headers, body=item.body,
                      fetched_at=item.fetched_at, encoding=item.encoding, encoding_source=item.encoding_source,
                      encoding_evidence=item.encoding_evidence,
                      request_url=item.redirect_urls[0] if item.redirect_urls else item.url)
        if item.status >= 400 or item.text is None or result is None:
            self.store.save_page(raw, self.run_id)
            if item.status in (404, 410):
                gone = self.store.mark_gone(item.url, item.status, self.run_id)
                if gone:  # a known article's page: a tombstone with the evidence, not a crawl error
                    self.stats.inc_value(f"migrator/articles/{gone}")
                    return self._skip("gone")
            return self._error(item.url, f"http-{item.status}")
        if isinstance(result, Exception):
            exc = result
            self.store.save_page(raw, self.run_id)
            return self._error(item.url, "extract-error", f"{type(exc).__name__}: {exc}")
        for rule, count in result.removed.items():
            self.stats.inc_value(f"migrator/removed/{rule}", count)
        for warning in result.warnings:  # the input limits cut the page: what is left is kept, the cut recorded
            reason, _, detail = warning.partition(": ")
            self._error(item.url, reason, detail)
        raw.kind, raw.source_id = result.kind, result.source_id
        self.store.save_page(raw, self.run_id)
        if result.kind != "article" or result.article is None:
            if result.source_id:  # a print page or the like: the URL still names the article
                self.store.add_aliases(result.source_id, [item.url], result.kind, self.run_id)
            return self._skip(result.kind)
        return self._save_article(item, result) or item

    def _save_article(self, item: PageItem, result: Any) -> DropItem | None:
        article = result.article
        if not self.config.wants_type(article.type):  # [crawl] types / exclude_types
            return self._skip(f"type-{article.type}")
        article.source_id = result.source_id or node_id(item.url, self.alias_rules) or derived_source_id(item.url)
        article.url = item.url
        article.fetched_at = item.fetched_at
        others = {normalize(u, self.config.strip_query) for u in item.redirect_urls}
        if result.canonical and host_allowed(result.canonical, self.config.allowed_hosts):
            others.add(result.canonical)
        article.aliases = sorted(others - {item.url})
        if self.repeated or self.rulebook.rules:
            article.body_html, by_rule = self.rulebook.apply(article.body_html, self.repeated)
            removed = sum(by_rule.values())
            if removed:
                article.body_text = html_to_text(article.body_html)
                self.stats.inc_value("migrator/removed/repeated-block", removed)
                for name, count in by_rule.items():
                    self.stats.inc_value(f"migrator/removed/{name}", count)
                if (not read_by_platform(article.profile)
                        and not_an_article(article.body_html, article.body_text, self.repeated_shingles)
                        and not self.config.keeps(item.url)):
                    self.store.record_withdrawal(item.url, article.source_id, "repeated blocks only (at load)",
                                                 self.run_id)
                    return self._skip("listing")
        if how := identity.settle(self.store, article, self.run_id, self.alias_rules):  # /node/N beside its alias
            self.stats.inc_value(f"migrator/identity/{how}")
        outcome = self.store.save_article(article, self.run_id, self.alias_rules)
        self.stats.inc_value(f"migrator/articles/{outcome}")
        if outcome != "merged":
            self.stats.inc_value("migrator/articles")
        return None
