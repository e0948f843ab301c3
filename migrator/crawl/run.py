"""Run one crawl of the old site in this process and summarize it.

Scrapy's reactor starts once per process, so one process runs one crawl; the CLI and the tests
start a process per crawl.
"""
from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from migrator import interrupt
from migrator.errors import StoreError
from migrator.ingest.stats import ZONE_FREE, seconds_by_stage
from migrator.lock import RunLock
from migrator.mapping import Config
from migrator.remembered import OtherSiteError, check_host, site_of
from migrator.rulebook import Rulebook
from migrator.store import Store, mark_run

logger = logging.getLogger(__name__)

#: Finish reasons of a crawl that ran to its end (anything else failed or was interrupted).
_FINISHED = {"finished", "closespider_pagecount", "closespider_itemcount"}
#: Error reasons that say the site did not answer at all (not that a page was bad).
_UNREACHABLE = {"connection-refused", "connection-lost", "timeout", "dns"}
#: The crawl's one warning when dates were printed without an offset and neither --timezone nor the mapping named
#: the site's zone.
ZONE_WARNING = ("%d articles print their dates without an offset and no time zone was given: they are "
                "stored as UTC (give --timezone, or timezone in the mapping, and crawl again or reclean)")
#: Skip reasons of links the crawl never fetched (the frontier's scope and URL rules, robots.txt); the other skip
#: reasons name pages fetched that became no record (a listing, a page of an excluded type...).
NOT_FOLLOWED = frozenset({"scheme", "malformed-url", "offsite", "asset", "endpoint", "url-rule", "trap", "budget",
                          "max-pages", "robots", "offsite-redirect"})
#: A run where more than this share of requests could not connect failed: the site went away.
SITE_GONE_SHARE = 0.25


@dataclass
class CrawlSummary:
    """What a crawl did, as the end-of-run table and the runs ledger show it."""

    run_id: int
    status: str
    pages: int = 0
    articles: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    message: str = ""
    mode: str = "crawl"
    resumed: bool = False
    report: dict[str, Any] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage (migrator.ingest.stats.STAGES)
    steps: dict[str, float] = field(default_factory=dict)   # seconds per crawl-end step

    @property
    def ok(self) -> bool:
        return self.status == "finished"

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "status": self.status, "pages": self.pages, "articles": self.articles,
                "outcomes": self.outcomes, "skipped": self.skipped, "errors": self.error_count,
                "errors_by_reason": self.errors, "seconds": round(self.seconds, 2), "message": self.message,
                "mode": self.mode, "resumed": self.resumed, "seconds_by_stage": self.stages,
                "crawl_end_steps": self.steps,
                "changes": {k: v if isinstance(v, int) else len(v) for k, v in self.report.items()}}

    def line(self) -> str:
        """One line for cron mail: what changed, the errors, the time."""
        counts = self.as_dict()["changes"]
        changes = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("new", "updated", "gone", "unchanged"))
        resumed = " (resumed)" if self.resumed else ""
        tail = f" — {self.message}" if self.message else ""
        return (f"{self.mode} run {self.run_id}{resumed} {self.status}: {changes}; {self.pages} pages, "
                f"{self.error_count} errors in {self.seconds:.1f}s{tail}")


def scrapy_settings(db_path: str, run_id: int, overrides: dict[str, Any] | None = None) -> Settings:
    """The project's Scrapy settings plus this run's database and id."""
    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    settings.set("MIGRATOR_DB", str(db_path), priority="cmdline")
    settings.set("MIGRATOR_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # the CLI configures logging
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def politeness(config: Config) -> dict[str, Any]:
    """The mapping's ``[crawl] concurrency`` (requests in flight per host) and ``download_delay`` (seconds
    between two requests to one host) as Scrapy settings."""
    return {"CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrency, "DOWNLOAD_DELAY": config.download_delay,
            "CONCURRENT_REQUESTS": max(16, config.concurrency)}


def _by_prefix(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix) and v}


def summarize(run_id: int, stats: dict[str, Any], seconds: float, max_errors: int | None = None,
              earlier_pages: int = 0) -> CrawlSummary:
    """Turn Scrapy's stats into the run summary and decide whether the run failed.

    ``earlier_pages`` were stored by the same run before it was killed: a run resumed after its last page
    (killed while it wrapped up) fetches nothing more and still succeeded.
    """
    summary = CrawlSummary(
        run_id=run_id, status="finished", pages=earlier_pages + int(stats.get("migrator/pages", 0)),
        articles=int(stats.get("migrator/articles", 0)), outcomes=_by_prefix(stats, "migrator/articles/"),
        skipped=_by_prefix(stats, "migrator/skipped/"), errors=_by_prefix(stats, "migrator/errors/"),
        seconds=seconds, stages=seconds_by_stage(stats), steps=seconds_by_stage(stats, "migrator/seconds/crawl-end/"),
    )
    reason = stats.get("finish_reason", "unknown")
    signum = interrupt.received()
    unreachable = sum(n for k, n in summary.errors.items() if k in _UNREACHABLE)
    if reason == "write-failed":  # the frontier stays: the run resumes once the database can be written
        summary.status, summary.message = "interrupted", str(stats.get("migrator/fault", "a write failed"))
    elif signum is not None:  # whenever it came (fetching, the crawl end): the frontier stays, the run resumes
        summary.status = "interrupted"
        summary.message = f"{interrupt.stopped_by()}; the next run of the same command resumes it"
    elif reason == "max-errors" and max_errors is not None:
        summary.status = "failed"
        summary.message = f"stopped after {summary.error_count} errors, more than the allowed {max_errors}"
    elif reason not in _FINISHED:
        summary.status, summary.message = "interrupted", f"crawl ended early: {reason}"
    elif summary.pages and unreachable > SITE_GONE_SHARE * (summary.pages + summary.error_count):
        summary.status = "failed"  # the site went away mid-crawl: what was not fetched is not "gone"
        summary.message = (f"the site stopped answering: {unreachable} of {summary.pages + summary.error_count} "
                           f"requests could not connect ({', '.join(k for k in summary.errors if k in _UNREACHABLE)})")
    elif summary.pages == 0:
        first = ", ".join(f"{k}" for k in summary.errors) or "no page answered"
        summary.status, summary.message = "failed", f"no page could be fetched ({first})"
    elif max_errors is not None and summary.error_count > max_errors:
        summary.status = "failed"
        summary.message = f"{summary.error_count} errors, more than the allowed {max_errors}"
    return summary


class _Stopper:
    """Called from a signal handler: stop the crawl as Scrapy's first Ctrl-C does (finish reason
    ``shutdown``), once the crawler process exists."""

    process: CrawlerProcess | None = None

    def __call__(self) -> None:
        if self.process is not None:
            from twisted.internet import reactor

            reactor.callFromThread(self.process.stop)


def _stopped_now(db_path: str, run_id: int, queue_dir: str) -> None:
    """Before a forced exit: the run is ``interrupted`` (its frontier resumes it), its queue files go."""
    mark_run(db_path, run_id, "interrupted")
    shutil.rmtree(queue_dir, ignore_errors=True)


def run_crawl(config: Config, db_path: str, *, command: str = "crawl", mode: str = "crawl",
              max_errors: int | None = None, settings: dict[str, Any] | None = None,
              verbose: bool = False, flags: dict[str, Any] | None = None, force: bool = False) -> CrawlSummary:
    """Crawl the site ``config`` describes into ``db_path``; blocks until the crawl ends.

    ``mode="sync"`` revisits every known article with conditional requests. One run at a time holds
    the database's lock (LockedError otherwise); a run of the same command and target killed earlier
    is resumed from its frontier in the database. The first run records the site (``flags``: the
    command-line flags it was given, see :mod:`migrator.remembered`); a run of another host into the file
    is refused (OtherSiteError) unless ``force``.
    """
    stopper = _Stopper()  # from here a signal stops the run (or keeps it from starting), never raises
    with RunLock(db_path) as lock, interrupt.graceful(stopper):
        return _run_locked(config, db_path, command, mode, max_errors, settings, verbose, lock,
                           _flags(config, max_errors, flags), force, stopper)


def _flags(config: Config, max_errors: int | None, flags: dict[str, Any] | None) -> dict[str, Any]:
    """The flags a run records: as given, else what they must have been (a zone without a mapping is a flag)."""
    if flags is not None:
        return flags
    return {"timezone": None if config.source else config.timezone, "max_pages": config.max_pages,
            "max_errors": max_errors}


def _run_locked(config: Config, db_path: str, command: str, mode: str, max_errors: int | None,
                settings: dict[str, Any] | None, verbose: bool, lock: RunLock, flags: dict[str, Any],
                force: bool, stopper: _Stopper) -> CrawlSummary:
    from spiders.site import SiteSpider  # Scrapy's reactor choice happens at import time of the process

    Rulebook.for_run(config, db_path)  # a bad rulebook fails the run before anything is fetched
    store = Store(db_path)
    try:
        check_host(store.site(), config, db_path, force)
    except OtherSiteError:
        store.close()
        raise
    target = ",".join(config.start_urls)
    options = {"timezone": config.timezone, "max_pages": config.max_pages, "mapping": getattr(config, "source", None)}
    previous = store.runs(1)
    run_id = store.resumable_run(command, target)
    resumed = run_id is not None
    earlier_pages = 0
    if run_id is None:
        run_id = store.begin_run(command, target, options)
    else:
        earlier_pages = store.pages_counted(run_id)
        how = "was interrupted" if previous and previous[0]["status"] == "interrupted" else \
            "did not finish (killed, or its machine went down)"
        logger.info("resuming run %d, which %s after %d pages", run_id, how, earlier_pages)
    store.remember_site(site_of(config, flags), run_id)
    store.close()
    overrides = {"MIGRATOR_MODE": mode, "MIGRATOR_MAX_ERRORS": max_errors, **politeness(config), **(settings or {})}
    if not verbose:  # Scrapy's own INFO lines (enabled middlewares...) only with --verbose
        for name in ("scrapy", "py.warnings", "asyncio", "twisted"):
            logging.getLogger(name).setLevel(logging.WARNING)
        for name in ("trafilatura", "htmldate"):  # their warnings are of one page's markup: the workers' too
            logging.getLogger(name).setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="migrator-queue-") as queue_dir, \
            interrupt.on_exit(lambda: _stopped_now(db_path, run_id, queue_dir)):
        if "JOBDIR" not in overrides:  # the scheduler's queue on disk: memory stays flat on big sites
            overrides["JOBDIR"] = queue_dir
        process = stopper.process = CrawlerProcess(scrapy_settings(db_path, run_id, overrides))
        crawler = process.create_crawler(SiteSpider)
        started = time.monotonic()
        process.crawl(crawler, config=config)
        if not interrupt.received():  # a signal before the start: nothing to fetch, the run is interrupted
            process.start(install_signal_handlers=False)  # migrator.interrupt handles SIGINT and SIGTERM
        return _finish(db_path, run_id, dict(crawler.stats.get_stats()), time.monotonic() - started, max_errors,
                       mode, resumed, lock)


def _finish(db_path: str, run_id: int, stats: dict[str, Any], seconds: float, max_errors: int | None,
            mode: str, resumed: bool, lock: RunLock) -> CrawlSummary:
    """Summarize the crawl and close its run in the ledger; a resumed run counts what all its parts did.

    A write that fails here (the disk filled up) marks the run ``interrupted``, in the space the run's lock
    kept in reserve, so that it resumes; and says so in one line.
    """
    try:
        store = Store(db_path)
        not_due = store.settle_skipped(run_id)  # skipped by the revisit policy: seen, unchanged
        if not_due:
            stats["migrator/articles/not-due"] = not_due
        stats["migrator/pages"] = store.pages_counted(run_id)  # committed pages, of every part of the run
        stats.update(store.run_totals(run_id))  # what the database holds: the summary, runs row and status agree
        summary = summarize(run_id, stats, seconds, max_errors)
        summary.mode, summary.resumed = mode, resumed
        summary.report = store.run_report(run_id)
        zone_free = int(stats.get(ZONE_FREE, 0))
        if zone_free:
            logger.warning(ZONE_WARNING, zone_free)
        store.finish_run(run_id, summary.status,
                         {**summary.as_dict(), "removed": _by_prefix(stats, "migrator/removed/"),
                          "repaired": _by_prefix(stats, "migrator/repaired/"), "dates_without_zone": zone_free})
        store.close()
    except sqlite3.Error as exc:
        lock.free_reserve()
        try:
            mark_run(db_path, run_id, "interrupted")
        except sqlite3.Error:  # not even the reserve was enough: the run stays `running`, and resumes all the same
            pass
        raise StoreError(f"cannot write {db_path}: {exc}; run {run_id} is interrupted and resumes from where it "
                         "stopped once the database can be written") from exc
    return summary
