"""What a crawl learns about a site as a whole, in one place: the crawl's end (:class:`SiteModel`), which
``migrator reclean`` and ``migrator extract`` run too (:mod:`migrator.offline`).

Over the raw pages a crawl kept (nothing is fetched again), in this order:

0. copies of the home page at other URLs are withdrawn (generic records with its text, word for word);
1. excerpt listings are withdrawn (generic records made of the openings of other records);
2. the templates are learned: content regions and field places (:mod:`migrator.extract.region`,
   :mod:`migrator.extract.fields`), and the generic records re-extracted in them;
3. repeated blocks are learned and removed (:mod:`migrator.clean.repeated`); listings again;
4. records holding nothing but the site's shell (menus, login forms and counters standing on a large share
   of all its pages, of every template) and links are withdrawn (a date archive taken whole);
5. pages turned down as too short that a learned template shows as entries become records;
6. the order of day and month in the site's numeric dates is learned, and the ambiguous ones read in it.

No heuristic withdraws a record that ``[clean] keep`` names or that its learned template shows as an entry;
every withdrawal is recorded with its reason (the ``withdrawals`` table).
"""
from __future__ import annotations

import functools
import logging
import time
from collections import Counter
from itertools import islice
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar
from urllib.parse import urlsplit

from migrator import interrupt
from migrator.clean.repeated import known_shingles, learn, listings_of_excerpts, residue
from migrator.clean.text import html_to_text
from migrator.extract import extract
from migrator.extract.dates import DATE_ORDER, in_order, numeric_order, site_order
from migrator.extract.generic import is_home
from migrator.extract.region import Regions, parse_page
from migrator.ingest.stats import add_seconds
from migrator.ingest.withdraw import not_an_article, read_by_platform
from migrator.sitewide.regions import Extracted, apply_regions, is_entry, learn_regions
from migrator.sitewide.rescue import rescue_entries
from migrator.sitewide.shell import shell_only, shell_texts

if TYPE_CHECKING:
    from migrator.extract.pool import ExtractionPool
    from migrator.ingest import Ingest

logger = logging.getLogger(__name__)
progress = logging.getLogger("migrator.progress")  # the crawl's progress lines: the crawl end's steps too

#: Bodies per template family that repeated blocks are learned from: a block on a large share of
#: every body shows on the same share of a sample, and the block counts stay bounded on huge sites.
LEARN_SAMPLE = 5000
#: Rounds of withdrawing and learning the templates again, at most (each round sees fewer non-articles).
RELEARN = 2

_Step = TypeVar("_Step", bound=Callable[..., Any])


def step(name: str) -> Callable[[_Step], _Step]:
    """A crawl-end step: a progress line as it starts (the fetching's progress lines stop while the crawl end
    runs: minutes on a large site), its seconds counted (stats ``migrator/seconds/crawl-end/<name>``). A signal
    received before it starts ends the crawl end there (``interrupt.Interrupted``): the resumed run does it."""
    def wrap(method: _Step) -> _Step:
        @functools.wraps(method)
        def timed(self: SiteModel, *args: Any, **kwargs: Any) -> Any:
            interrupt.check()
            progress.info("crawl end: %s", name)
            started = time.monotonic()
            try:
                return method(self, *args, **kwargs)
            finally:
                add_seconds(self.stats, f"crawl-end/{name}", time.monotonic() - started)
        return timed  # type: ignore[return-value]
    return wrap


def _folder(url: str) -> str:
    """The folder a URL's page sits in: ``http://a.test/load/`` for ``http://a.test/load/1-1-0-5.html``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rsplit('/', 1)[0]}/"


def _page_title(html: str) -> str:
    """The text of a stored page's ``<title>``, whitespace collapsed ("" when it has none)."""
    doc = parse_page(html)
    found = doc.find(".//title") if doc is not None else None
    return " ".join((found.text_content() if found is not None else "").split())


class SiteModel:
    """The crawl-end learning of one run over one database, storing what changes through the run's ``ingest``
    (whose stats count every withdrawal, protection and change). ``older``: records earlier runs made may be
    withdrawn too (``migrator reclean``: the learning of a newer release, or of a corrected rulebook, over a
    crawl's records), not only those this run made."""

    def __init__(self, ingest: Ingest, regions: Regions | None = None, *, older: bool = False,
                 pool: ExtractionPool | None = None) -> None:
        self.ingest = ingest
        self.store, self.config, self.rulebook = ingest.store, ingest.config, ingest.rulebook
        self.run_id, self.stats = ingest.run_id, ingest.stats
        self.older = older
        self.pool = pool  # the crawl's extraction workers: pages are re-extracted in its processes too
        self.regions = regions if regions is not None else Regions.from_rows(self.store.template_rows())
        self.repeated = ingest.repeated  # what this run learns is the ingest's from then on
        self.skeletons: dict[str, frozenset[str] | None] = {}  # stored pages' skeletons, kept between rounds
        self.shell: set[str] | None = None  # the site's shell, learned from the stored pages once per crawl end
        self.learned: dict[tuple[str, ...], Any] = {}  # templates learned this crawl end, by their samples' URLs
        self.extracted = Extracted()  # what each pass extracted the stored pages to, for the next pass

    def finish(self) -> None:
        """Every crawl-end step, in order."""
        try:
            self._finish()
        finally:
            self.extracted.close()

    def _finish(self) -> None:
        self.withdraw_home_copies()     # first: their texts are still the ones they and the home page loaded with
        self.withdraw_listings()        # before regions are learned: a listing's template is no article's
        self.learn_content_regions()
        self.remove_repeated_blocks()
        for _ in range(RELEARN):
            # again: cut to their region and cleaned, more listings show, and what the single-page extractor
            # took whole (menus and links only); the templates they blurred are learned again without them
            if not self.withdraw_listings() + self.withdraw_shell_pages():
                break
            self.learn_content_regions()
        if self.rescue_entries():       # last, by the final templates: short entries become records
            self.withdraw_listings()    # ...and sources: the listings quoting them show as listings now
        self.learn_date_order()         # over the records that stand

    @step("home page copies")
    def withdraw_home_copies(self) -> int:
        """Withdraw generic records whose text and ``<title>`` are the site's home page's, word for word: the front
        page saved in another page's place, in another folder (a site copier's copy of the page a removed entry or
        a guest's download link redirected to, ``/load/14-1-0-12.html``, ``/load/0-0-0-5-20.html``; the logo's
        ``/stat/N`` link). The home page is a listing, so are its copies; the page the root serves, beside it
        (``/title-page.html``), stays the front page's own record. Returns how many."""
        known = known_shingles(self.repeated)
        homes: dict[tuple[str, ...], set[str]] = {}  # the home page's words -> its <title>
        roots = set()
        for url in self.store.page_urls("listing"):
            page = self.store.page(url) if is_home(url) else None
            result = extract(url, page.text(), self.config, self.regions) if page is not None else None
            words = tuple(residue(result.text, known)) if result is not None and result.text else ()
            if page is not None and words:
                homes.setdefault(words, set()).add(_page_title(page.text()))
                roots.add(_folder(url))
        if not homes:
            return 0

        def copy(source_id: str, text: str) -> bool:  # its words and its <title> too: a front page showing one
            titles = homes.get(tuple(residue(text, known)))  # whole post is not that post's own page
            head = self.store.article_head(source_id) if titles else None
            if head is None or _folder(head.url) in roots:  # the page the root serves (/title-page.html): the
                return False  # front page's own record (identity.index_twin), not a copy in another's place
            page = self.store.page(head.url)
            return page is not None and _page_title(page.text()) in (titles or ())

        found = [sid for sid, text in self.store.body_texts("generic") if copy(sid, text)]
        with self.store.batch():
            demoted = [sid for sid in self._withdrawable(found) if self._demote(sid, "the home page's text")]
        for source_id in demoted:
            logger.info("withdrawn %s: the home page's text", source_id)
        self._withdrawn(len(demoted))
        return len(demoted)

    @step("content regions")
    def learn_content_regions(self) -> None:
        """Learn where each template of the generic pages keeps its content, and re-extract those pages in it.

        Runs when a crawl ends, over the stored raw pages (no fetching), before the repeated blocks are
        learned, so those are learned from bodies already cut to the region. The templates are kept in the
        database; later runs extract their pages in them as they load, and ``migrator reclean`` too, so
        when a run learns the same regions it started with, every record already stands as they make it.
        """
        regions = learn_regions(self.store, known=self.skeletons, learned=self.learned)
        stored = Regions.from_rows(self.store.template_rows())
        changed: list[str] = []
        demoted: list[str] = []
        with self.store.batch():
            self.store.save_templates(regions.rows(), self.run_id)
            if regions.shapes() != stored.shapes():
                changed, not_articles = apply_regions(self.ingest, regions, self.pool, self.extracted)
                demoted = [sid for sid in self._withdrawable(not_articles, regions)
                           if self._demote(sid, "no article in its region")]
        self.regions = regions
        for template in regions.templates:
            for section, found in template.fields.items():
                for name, reason in (found or {}).get("dropped", {}).items():
                    logger.warning("template %s (%s): learned %s dropped, %s", template.xpath, section, name, reason)
        self._withdrawn(len(demoted))
        self.stats.set_value("migrator/regions/templates", len(regions.templates))
        self.stats.set_value("migrator/regions/records", len(changed))
        logger.info("content regions: %d templates learned, %d records changed in them, %d withdrawn",
                    len(regions.templates), len(changed), len(demoted))

    @step("date order")
    def learn_date_order(self) -> int:
        """Learn the order of day and month in the site's numeric dates from the stamps that show it (a number
        over 12), and read the ambiguous ones (``03/12/2010``) in it; kept for later runs, which read their pages
        in it as they arrive. Returns how many records were dated again."""
        stamps = self.store.stamps()
        shown = Counter(o for _, raw, _ in stamps if (o := numeric_order(raw)))
        order = site_order(shown.elements())
        evidence = ", ".join(f"{name} {count}" for name, count in sorted(shown.items())) or "no stamp shows it"
        changed = 0
        with self.store.batch():
            self.store.save_fact(DATE_ORDER, order, evidence, self.run_id)
            self.ingest.date_order = order
            for source_id, raw, iso in stamps:
                fixed = in_order(iso, raw, order, self.config.timezone) if order else None
                if fixed and self.store.redate(source_id, fixed, self.run_id):
                    changed += 1
            changed += self._redate_comments(order) if order else 0
        self.stats.set_value("migrator/dates/reordered", changed)
        if order:
            logger.info("date order: %s (%s), %d records dated again", order, evidence, changed)
        return changed

    def _redate_comments(self, order: str) -> int:
        """The comments' ambiguous stamps read in the site's order; returns how many records changed."""
        fixes: dict[str, dict[int, str]] = {}
        for source_id, position, raw, iso in self.store.comment_stamps():
            fixed = in_order(iso, raw, order, self.config.timezone)
            if fixed:
                fixes.setdefault(source_id, {})[position] = fixed
        return sum(self.store.redate_comments(source_id, dates, self.run_id) for source_id, dates in fixes.items())

    @step("shell pages")
    def withdraw_shell_pages(self) -> int:
        """Withdraw generic records that hold nothing but the site's shell (menus, login and counter blocks
        standing on most of its pages) and links: date archives and indexes taken whole."""
        if self.shell is None:  # the stored raw pages do not change at crawl end: neither does their shell
            self.shell = shell_texts(self.store)
        shell = self.shell
        if not shell:
            return 0
        found = [sid for sid, html in self.store.bodies("generic") if shell_only(html, shell)]
        with self.store.batch():
            demoted = [sid for sid in self._withdrawable(found)
                       if self._demote(sid, "site shell and links only")]
        for source_id in demoted:
            logger.info("withdrawn %s: site shell and links only", source_id)
        self._withdrawn(len(demoted))
        return len(demoted)

    @step("short entries")
    def rescue_entries(self) -> int:
        """Pages turned down as too short that their learned template shows as entries become records;
        returns how many."""
        with self.store.batch():
            rescued = rescue_entries(self.ingest, self.regions)
        for kind, count in Counter(rescued.values()).items():  # counted as articles by the ingest; no longer skipped
            self.stats.inc_value(f"migrator/skipped/{kind}", -count)
        if rescued:
            logger.info("%d short entries kept as articles: their template or platform shows them as entries", len(rescued))
        return len(rescued)

    @step("listings")
    def withdraw_listings(self) -> int:
        """Withdraw generic records that are mostly excerpts of several other records: paginated home,
        category, tag and author pages of a site without a profile, whose excerpts read like an article.
        Returns how many were withdrawn."""
        def title_of(source_id: str) -> str | None:
            head = self.store.article_head(source_id)
            return head.title if head else None

        # streamed: the bodies' shingle hashes are kept, a text read again only for the details-line test
        listings = listings_of_excerpts(self.store.body_texts("generic"), title_of, self.store.body_text)
        with self.store.batch():
            demoted = [sid for sid in self._withdrawable(listings) if self._demote(sid, "excerpts of other articles")]
        for source_id in demoted:
            logger.info("withdrawn %s: excerpts of other articles", source_id)
        self._withdrawn(len(demoted))
        return len(demoted)

    def _withdrawable(self, source_ids: Any, regions: Regions | None = None) -> list[str]:
        """The records a heuristic may withdraw: not those ``[clean] keep`` names, nor full nodes a platform
        profile read, nor entries their learned template identifies (each protection is counted in the crawl stats)."""
        regions = self.regions if regions is None else regions
        allowed = []
        for source_id in source_ids:
            head = self.store.article_head(source_id)
            if head is None:
                continue
            if self.config.keeps(head.url):
                self.stats.inc_value("migrator/kept/mapping")
            elif read_by_platform(self.store.profile_of(source_id)):
                self.stats.inc_value("migrator/kept/profile")
            elif is_entry(self.store, regions, source_id):
                self.stats.inc_value("migrator/kept/entry")
            else:
                allowed.append(source_id)
        return allowed

    def _demote(self, source_id: str, reason: str) -> bool:
        urls = self.store.demote(source_id, self.run_id, reason, older=self.older)
        if urls > 1:  # its other pages were counted as merged into it: they are skipped listings too
            self.stats.inc_value("migrator/articles/merged", 1 - urls)
            self.stats.inc_value("migrator/skipped/listing", urls - 1)
        return urls > 0

    def _withdrawn(self, count: int) -> None:
        """Records withdrawn at crawl end were new in this run: they leave the article counts for listings."""
        if count:
            self.stats.inc_value("migrator/articles", -count)
            self.stats.inc_value("migrator/articles/new", -count)
            self.stats.inc_value("migrator/skipped/listing", count)

    @step("repeated blocks")
    def remove_repeated_blocks(self) -> None:
        """Learn the blocks that repeat across this site's bodies and strip them from every record.

        Runs when a crawl ends, over the whole corpus, one extraction profile (template family) at a
        time; what it learns is kept in the database and applied to each page as it is loaded in
        later runs, so content hashes stay stable. With ``learn = false`` nothing is learned, but the
        accepted rules still sweep the corpus: a page whose only text is theirs (re-wrapped in other
        markup, so no block of it was removed when it loaded) is withdrawn all the same.
        """
        learned = self._learn_repeated() if self.rulebook.learn else {}
        if not learned and not self.repeated and not any(r.status == "accepted" for r in self.rulebook.rules):
            return
        new = [text for text in learned if text not in self.repeated]
        self.ingest.learned(self.rulebook.allowed(learned))
        changed = demoted = 0
        known = known_shingles(self.repeated)
        with self.store.batch():
            for source_id, html in self._bodies():
                cleaned, by_rule = self.rulebook.apply(html, self.repeated)
                removed = sum(by_rule.values())
                text = html_to_text(cleaned)
                if not removed and len(residue(text, known)) == len(residue(text, set())):
                    continue  # no repeated text in it: short or not, it stands as extracted
                if (not_an_article(cleaned, text, known) and self._withdrawable([source_id])
                        and self._demote(source_id, "repeated blocks only")):
                    demoted += 1  # its only text was the site's template: a listing or a stub
                    logger.info("withdrawn %s: nothing but repeated blocks and links", source_id)
                    self._withdrawn(1)
                    continue
                if not removed:
                    continue
                changed += 1
                self.store.rewrite_body(source_id, cleaned, text)
                for name, count in by_rule.items():
                    self.stats.inc_value(f"migrator/removed/{name}", count)
        self.stats.set_value("migrator/repeated/blocks", len(learned))
        self.stats.set_value("migrator/repeated/records", changed)
        logger.info("repeated blocks: %d learned (%d new), removed from %d records; %d pages held nothing else",
                    len(learned), len(new), changed, demoted)

    def _learn_repeated(self) -> dict[str, int]:
        """Repeated blocks of each extraction profile's bodies, saved with their page counts."""
        learned: dict[str, int] = {}
        for profile in self.store.profiles():
            found = learn(html for _, html in islice(self.store.bodies(profile), LEARN_SAMPLE))
            if found:
                sampled = min(sum(1 for _ in self.store.bodies(profile)), LEARN_SAMPLE)
                self.store.save_boilerplate(found, sampled, self.run_id)
                learned.update(found)
        return learned

    def _bodies(self) -> Iterator[tuple[str, str]]:
        """(source_id, body_html) of every live article, one at a time: bodies get rewritten as they are
        read, so only the ids are listed up front."""
        for source_id in self.store.live_ids():
            html = self.store.body_html(source_id)
            if html is not None:
                yield source_id, html
