"""The one way into the store: a fetched page (or a stored page read again) becomes rows here, and only here.

The crawl's pipeline, the distributed loader, ``migrator extract`` and ``reclean`` and the crawl-end rescues all
call :class:`Ingest`; each gets an :class:`Outcome` back (what became of the page, and why) instead of
raising: a Scrapy pipeline turns a dropped outcome into ``DropItem(outcome.reason)``.
"""
from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import urlsplit

from migrator.clean.repeated import known_shingles
from migrator.clean.text import html_to_text
from migrator.extract.dates import DATE_ORDER, in_order, machine_readable, zone_free
from migrator.ingest import identity
from migrator.ingest.items import AliasItem, ErrorItem, NotModifiedItem, PageItem, VisitItem
from migrator.ingest.stats import ZONE_FREE
from migrator.ingest.withdraw import not_an_article, read_by_platform
from migrator.record import Article
from migrator.store import RawPage, Store, StoredArticle
from migrator.urls import derived_source_id, host_allowed, normalize, site_root, type_at

if TYPE_CHECKING:
    from migrator.extract import PageResult
    from migrator.ingest.stats import Stats
    from migrator.mapping import Config
    from migrator.rulebook import Rulebook

logger = logging.getLogger(__name__)

#: Outcome kinds that keep the item in a Scrapy crawl (the others are dropped, with their reason).
KEPT = frozenset({"article", "not-modified", "item"})
#: Extraction warnings that are notes on a field, not failures: a year-less date left unread.
NOTES = frozenset({"partial-date"})


@dataclass(frozen=True)
class Outcome:
    """What became of one item: ``kind`` ("article", "not-modified", "skip", "error", "alias", "visit",
    "not-stored", "item") and ``reason`` (the article's "new"/"updated"/… or why it was no record)."""

    kind: str
    reason: str = ""

    @property
    def dropped(self) -> bool:
        return self.kind not in KEPT

    @property
    def message(self) -> str:
        """The line a Scrapy ``DropItem`` carries."""
        return {"skip": f"skipped: {self.reason}", "error": f"error: {self.reason}"}.get(self.kind, self.reason)


NOT_STORED = Outcome("not-stored", "not stored: the database cannot be written")
STOPPING = Outcome("not-stored", "not stored: the run is stopping (more errors than --max-errors)")


class Ingest:
    """Finish and store the items of one run; every page that does not become a record is counted by reason in
    ``stats``. ``frontier``: the run keeps its frontier in the database (the ``migrator`` command's runs, not a
    bare ``scrapy crawl``), so each page counts in its run and marks its frontier URL done in its own
    transaction. ``max_errors``: past it, :attr:`stop_reason` asks the caller to end the run."""

    def __init__(self, store: Store, config: Config, rulebook: Rulebook, run_id: int, stats: Stats, *,
                 frontier: bool = True, max_errors: int | None = None) -> None:
        self.store, self.config, self.rulebook, self.run_id, self.stats = store, config, rulebook, run_id, stats
        self.frontier, self.max_errors = frontier, max_errors
        self.alias_rules = config.alias_patterns()
        self.repeated: dict[str, int] = rulebook.texts(store.boilerplate())  # blocks learned by earlier runs
        self.repeated_shingles = known_shingles(self.repeated)
        # the day/month order of the site's numeric dates, as an earlier crawl end learned it (SiteModel)
        self.date_order: str | None = store.fact(DATE_ORDER)
        self.fault: str | None = None  # the first failed write: the run stops there
        self.stop_reason: str | None = None

    def learned(self, blocks: dict[str, int]) -> None:
        """Repeated blocks the site-wide learning found: removed from every page from now on."""
        self.repeated.update(blocks)
        self.repeated_shingles = known_shingles(self.repeated)

    # -- items of a crawl ---------------------------------------------------------------------

    def take(self, item: Any, extracted: PageResult | Exception | None = None) -> Outcome:
        """Store one crawl item in one transaction (``extracted``: a page's extraction, or why it failed)."""
        if self.fault:  # not stored, not marked done: the resumed run fetches it again
            return NOT_STORED
        if self.stop_reason:  # past --max-errors: what was still in flight is not counted (the run stops at N+1)
            return STOPPING
        try:
            with self.store.batch():
                outcome = self._take(item, extracted)
                if isinstance(item, (PageItem, NotModifiedItem)) and self.frontier:
                    self.store.count_page(self.run_id)  # in the page's transaction: a resumed run counts its parts
                self._visited(item)
        except sqlite3.Error as exc:  # disk full, read-only, I/O error: every later write would fail too
            self._write_failed(exc)
            return NOT_STORED
        return outcome

    def _take(self, item: Any, extracted: PageResult | Exception | None) -> Outcome:
        if isinstance(item, PageItem):
            raw = RawPage(url=item.url, status=item.status, headers=item.headers, body=item.body,
                          fetched_at=item.fetched_at, encoding=item.encoding, encoding_source=item.encoding_source,
                          encoding_evidence=item.encoding_evidence,
                          request_url=item.redirect_urls[0] if item.redirect_urls else item.url)
            return self.page(raw, extracted if item.text is not None else None, item.redirect_urls)
        if isinstance(item, AliasItem):
            self.store.add_aliases(item.source_id, [item.url], "url-rule", self.run_id)
            return Outcome("alias", "alias recorded")
        if isinstance(item, ErrorItem):
            return self.error(item.url, item.reason, item.detail, skip=item.skip)
        if isinstance(item, NotModifiedItem):
            return self._not_modified(item)
        if isinstance(item, VisitItem):
            return Outcome("visit", "visited")
        return Outcome("item")

    def _visited(self, item: Any) -> None:
        """Frontier bookkeeping in the item's own transaction."""
        visit = getattr(item, "visit", None)
        if not self.frontier or visit is None:
            return
        self.store.frontier_add(self.run_id, getattr(item, "discovered", ()))
        self.store.frontier_done(self.run_id, visit)

    def _write_failed(self, exc: sqlite3.Error) -> None:
        """The first failed write ends the run, with one line naming the file."""
        if self.fault is None:
            self.fault = f"cannot write {self.store.path}: {exc}"
            logger.error("%s; stopping the crawl (it resumes from here once the database can be written)", self.fault)
            self.stats.set_value("migrator/fault", self.fault)
            self.stop_reason = "write-failed"

    def _not_modified(self, item: NotModifiedItem) -> Outcome:
        """A 304 on a revisit: the article is seen this run and its content is unchanged."""
        self.stats.inc_value("migrator/pages")
        outcome = self.store.touch_article(item.source_id, item.url, self.run_id)
        self.stats.inc_value(f"migrator/articles/{outcome}")
        if outcome == "unchanged":
            self.stats.inc_value("migrator/articles")
        return Outcome("not-modified", outcome)

    def error(self, url: str, reason: str, detail: str = "", skip: bool = False) -> Outcome:
        """A failure for good (or, ``skip``, a refusal by policy), listed in the run's errors."""
        self.store.record_error(self.run_id, url, reason, detail)
        if skip:
            return self.skip(reason)
        self.stats.inc_value("migrator/errors")
        self.stats.inc_value(f"migrator/errors/{reason}")
        if self.max_errors is not None and self.stats.get_value("migrator/errors", 0) > int(self.max_errors):
            self.stop_reason = self.stop_reason or "max-errors"  # --max-errors: stop now, not after the whole site
        return Outcome("error", reason)

    def skip(self, reason: str) -> Outcome:
        self.stats.inc_value(f"migrator/skipped/{reason}")
        return Outcome("skip", reason)

    # -- pages --------------------------------------------------------------------------------

    def page(self, raw: RawPage, result: PageResult | Exception | None, redirect_urls: Iterable[str] = ()) -> Outcome:
        """A fetched page and what its extraction gave: the raw page is kept whatever it is, an article is
        finished and saved, anything else is counted by reason."""
        self.stats.inc_value("migrator/pages")
        if raw.status >= 400 or result is None:
            self.store.save_page(raw, self.run_id)
            if raw.status in (404, 410):
                gone = self.store.mark_gone(raw.url, raw.status, self.run_id)
                if gone:  # a known article's page: a tombstone with the evidence, not a crawl error
                    self.stats.inc_value(f"migrator/articles/{gone}")
                    return self.skip("gone")
            return self.error(raw.url, f"http-{raw.status}")
        if isinstance(result, Exception):
            self.store.save_page(raw, self.run_id)
            return self.error(raw.url, "extract-error", f"{type(result).__name__}: {result}")
        for rule, count in result.removed.items():
            self.stats.inc_value(f"migrator/removed/{rule}", count)
        if getattr(result, "repaired", 0):  # texts stored in the wrong encoding, repaired
            self.stats.inc_value("migrator/repaired/mojibake", result.repaired)
        if getattr(result, "emails", 0):  # addresses a Cloudflare-served page hid behind its decoding script
            self.stats.inc_value("migrator/repaired/cloudflare-email", result.emails)
        for warning in result.warnings:  # the input limits cut the page: what is left is kept, the cut recorded
            reason, _, detail = warning.partition(": ")
            if reason in NOTES:  # a field left unread on purpose: counted and logged, not a crawl error
                self.stats.inc_value(f"migrator/warnings/{reason}")
                logger.warning("%s: %s: %s", raw.url, reason, detail)
                continue
            self.error(raw.url, reason, detail)
        raw.kind, raw.source_id = result.kind, result.source_id
        raw.reason = result.reason or result.kind  # kept for a listing or other page: `migrator status` lists them
        canonical = self._amp_canonical(result, raw.url)
        if canonical:
            raw.kind = "amp"  # never read as a record's page (reclean, crawl end): its post's page is
        self.store.save_page(raw, self.run_id)
        if raw.url == site_root(raw.url):
            self._undate_root_copies(raw.url)
        if canonical:
            return self._amp_copy(raw.url, canonical)
        if result.kind != "article" or result.article is None:
            if result.source_id:  # a print page or the like: the URL still names the article
                self.store.add_aliases(result.source_id, [raw.url], result.kind, self.run_id)
            return self.skip(result.kind)
        return self.finish(result, raw.url, raw.fetched_at, redirect_urls=redirect_urls)

    def _amp_canonical(self, result: PageResult, url: str) -> str | None:
        """The post an AMP page is a copy of: its ``rel=canonical``, on the site and another URL than its own."""
        if not result.amp or not result.canonical or not host_allowed(result.canonical, self.config.allowed_hosts):
            return None
        canonical = normalize(result.canonical, self.config.strip_query)
        return canonical if canonical != url else None

    def _amp_copy(self, url: str, canonical: str) -> Outcome:
        """An AMP copy is an alias of its post, never a record of its own (its markup differs, its text may be
        cut): its URL joins the post's record, or, the post not read yet, the id its URL names, which the
        post's record adopts when it is saved (:meth:`finish`)."""
        source_id = self.store.find_article(canonical) or derived_source_id(canonical)
        self.store.add_aliases(source_id, [url], "amp", self.run_id)
        self.stats.inc_value("migrator/articles/merged")
        return Outcome("alias", f"AMP copy of {canonical}")

    def _amp_aliases(self, article: Article, url: str, amphtml: str | None) -> None:
        """The article's AMP copies are its aliases: the one its page links (``rel=amphtml``: unfetched, it is
        still an old URL to redirect), and those read before it under the id its URL names. An alias only: the
        canonical URL is chosen among the pages that served the article."""
        named = derived_source_id(url)
        if named != article.source_id:
            self.store.adopt_aliases(named, article.source_id)
        if amphtml and host_allowed(amphtml, self.config.allowed_hosts):
            copy = normalize(amphtml, self.config.strip_query)
            if copy not in (url, article.url):
                self.store.add_aliases(article.source_id, [copy], "amp", self.run_id)

    # -- articles ---------------------------------------------------------------------------

    def finish(self, result: PageResult, url: str, fetched_at: str | None, *, redirect_urls: Iterable[str] = (),
               entry: bool = False) -> Outcome:
        """Finish the article a page extracted to and save it: the crawl's pages, and the pages the site-wide
        learning rescues (``entry``: a learned template shows the page as an entry, so no heuristic withdraws
        it here)."""
        article = result.article
        assert article is not None
        if not self.config.wants_type(article.type):  # [crawl] types / exclude_types
            return self.skip(f"type-{article.type}")
        article.source_id = identity.source_id_of(result, url, self.alias_rules)
        article.url, article.fetched_at = url, fetched_at
        others = {normalize(u, self.config.strip_query) for u in redirect_urls}
        if result.canonical and host_allowed(result.canonical, self.config.allowed_hosts):
            others.add(result.canonical)
        article.aliases = sorted(others - {url})
        if not result.canonical or normalize(result.canonical, self.config.strip_query) == url:
            article.claim = result.engine  # the page says it is the article's own (see Articles.save_article)
        if self.clean(article) and not entry and self._only_repeated(article, url):
            self.store.record_withdrawal(url, article.source_id, "repeated blocks only (at load)", self.run_id)
            return self.skip("listing")
        if how := identity.settle(self.store, article, self.run_id, self.alias_rules):  # /node/N beside its alias
            self.stats.inc_value(f"migrator/identity/{how}")
        elif how := (identity.index_twin(self.store, article, self.run_id)  # / beside /title-page.html
                     or identity.joomla_twin(self.store, article, self.run_id)  # SEF beside index.php?…&id=N
                     or identity.content_twin(self.store, article, self.run_id)):  # one text saved twice
            self.stats.inc_value(f"migrator/identity/{how}")
        self.in_site_order(article)
        self._undate_front(article, url)
        saved = self.store.save_article(article, self.run_id, self.alias_rules)
        self._amp_aliases(article, url, result.amphtml)
        if not self.config.zone_given and zone_free(article.published_at, article.published_raw):
            self.stats.inc_value(ZONE_FREE)  # its moment rests on the UTC nobody chose: the crawl says so once
        self.stats.inc_value(f"migrator/articles/{saved}")
        if saved != "merged":
            self.stats.inc_value("migrator/articles")
        return Outcome("article", saved)

    def _undate_front(self, article: Article, page_url: str) -> None:
        """The dates a site's front page prints in its text are its articles', not its own: a record of the root,
        or of a page with the root's bytes (the title page ``/`` serves), is not dated from its text (a
        platform's entry markup dates an entry; the generic reader only finds a date in the text)."""
        if article.published_at and _text_date(article.published_raw, article.profile) \
                and (_front(article) or self.store.serves_root(page_url)):
            article.published_at = article.published_raw = None

    def _undate_root_copies(self, root: str) -> None:
        """The root arrived after pages with its bytes were stored: their records lose the date read from the
        text, as they would have had the root come first."""
        for url in self.store.root_copies(root):
            source_id = self.store.find_article(url)
            dating = self.store.dating(source_id) if source_id else None
            if source_id and dating and _text_date(*dating):
                self.store.undate(source_id, self.run_id)
                logger.debug("%s serves the site root's page: not dated from its text", url)

    def clean(self, article: Article, removed: Counter[str] | None = None, *, count: bool = True) -> int:
        """Take the site's repeated blocks and the rulebook's rules out of the body; returns how many blocks went
        (counted in the stats unless ``count`` is false: a page read again was counted when it arrived; by rule
        in ``removed`` when given)."""
        html, by_rule = self.rulebook.apply(article.body_html, self.repeated)
        if not by_rule:
            return 0
        article.body_html, article.body_text = html, html_to_text(html)
        if count:
            self.stats.inc_value("migrator/removed/repeated-block", sum(by_rule.values()))
            for name, n in by_rule.items():
                self.stats.inc_value(f"migrator/removed/{name}", n)
        if removed is not None:
            removed.update(by_rule)
        return sum(by_rule.values())

    def _only_repeated(self, article: Article, url: str) -> bool:
        """Once the site's repeated blocks are gone, a generic page's body holds no article (a listing or a stub)."""
        return (not read_by_platform(article.profile)
                and not_an_article(article.body_html, article.body_text, self.repeated_shingles)
                and not self.config.keeps(url))

    def reread(self, result: PageResult, page_url: str, record: StoredArticle,
               removed: Counter[str] | None = None) -> Article | None:
        """A stored page (at ``page_url``) read again for the record it made: ``reclean``, and the generic pages
        at crawl end once their content regions are learned. The record keeps its id, URL and history; returns
        the article as it stands now, not yet stored (:meth:`update` stores it), or None when the page is no
        article any more (the caller decides its fate)."""
        if result.kind != "article" or result.article is None:
            return None
        if removed is not None:
            removed.update(result.removed)
        article = result.article
        article.source_id, article.url, article.fetched_at = record.source_id, record.url, record.fetched_at
        article.type = type_at(article.type, page_url, record.url)
        self.clean(article, removed, count=False)
        self.in_site_order(article)
        self._undate_front(article, page_url)
        return article

    def in_site_order(self, article: Article) -> None:
        """A numeric date that reads either way (``03/12/2010``) is read in the site's order, once learned: the
        article's and its comments'."""
        if self.date_order:
            fixed = in_order(article.published_at, article.published_raw, self.date_order, self.config.timezone)
            if fixed:
                article.published_at = fixed
            for comment in article.comments:
                fixed = in_order(comment.published_at, comment.published_raw, self.date_order, self.config.timezone)
                if fixed:
                    comment.published_at = fixed

    def update(self, article: Article) -> bool:
        """Store a re-read article's content in place of its record's (see :meth:`Store.update_content`); True
        when its content changed."""
        return self.store.update_content(article.source_id, article, self.run_id)


def _text_date(raw: str | None, profile: str | None) -> bool:
    """Whether a date was read by the generic reader from words, not from a stamp or a platform's entry markup."""
    return not machine_readable(raw) and not read_by_platform(profile)


def _front(article: Article) -> bool:
    """Whether the article is the site's front page (one of its URLs is the root)."""
    return any(urlsplit(u).path in ("", "/") and not urlsplit(u).query for u in (article.url, *article.aliases))
