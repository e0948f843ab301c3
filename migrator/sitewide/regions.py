"""Content regions and field places learned from the stored pages of each template, and the generic records
read again in them."""
from __future__ import annotations

import json
import logging
import pickle
import tempfile
import time
import zlib
from collections import deque
from itertools import islice
from typing import IO, TYPE_CHECKING, Iterator

from migrator import interrupt
from migrator.extract import dle, ucoz
from migrator.extract.comments import forum_posts
from migrator.extract.pool import ExtractionPool
from migrator.extract.region import Regions, Template, _places, learn_templates, page_skeleton, parse_page

if TYPE_CHECKING:
    from migrator.extract import PageResult
    from migrator.ingest import Ingest
    from migrator.store import Store, StoredArticle, StoredPage

logger = logging.getLogger(__name__)
progress = logging.getLogger("migrator.progress")

#: Stored generic pages that templates are learned from (streamed: only their URLs and skeletons are held).
REGION_PAGES = 2000
#: Seconds between two progress lines of a re-extraction pass (as the crawl's progress lines, every few seconds).
PROGRESS_SECONDS = 10.0


def learn_regions(store: Store, limit: int = REGION_PAGES,
                  known: dict[str, frozenset[str] | None] | None = None,
                  learned: dict[tuple[str, ...], Template | None] | None = None) -> Regions:
    """The content regions and field places of the templates of the live generic articles' stored pages.

    The pages are read from the database one at a time for their skeletons, and each template's sample is
    read again when its region is learned: memory holds one template's sample, whatever the site's size.
    ``known`` (URL to skeleton) keeps the skeletons between calls: a stored page is parsed for its skeleton
    once per crawl end, not once per round of learning (a stored page does not change in between); ``learned``
    keeps the templates learned by their samples' URLs, for the same reason (see :func:`learn_templates`).
    """
    urls: list[str] = []
    known = {} if known is None else known
    descriptors: dict[str, str] = {}  # one copy of each descriptor string, however many pages show it

    def skeletons() -> Iterator[frozenset[str] | None]:
        for _, page in islice(store.stored_pages("generic"), limit):
            urls.append(page.url)
            if page.url not in known:
                found = page_skeleton(page.text())
                known[page.url] = None if found is None else frozenset(descriptors.setdefault(d, d) for d in found)
            yield known[page.url]

    def load(index: int) -> str:
        page = store.page(urls[index])
        return page.text() if page is not None else ""

    return Regions(learn_templates((), urls=urls, load=load, skeletons=skeletons(), learned=learned))


def is_entry(store: Store, regions: Regions, source_id: str) -> bool:
    """Whether a record's stored page is one its learned template shows as an entry, a forum topic or a DLE full
    story: such a record is an article however short, and no heuristic withdraws it."""
    head = store.article_head(source_id)
    page = store.page(head.url) if head else None
    doc = parse_page(page.text()) if page else None
    if doc is not None and head is not None and forum_posts(doc, "UTC"):
        return True  # a forum topic, however short its first post (a video alone)
    if doc is not None and head is not None and dle.full_story(doc, head.url) is not None:
        return True  # a DataLife Engine full story, by the engine's own marks
    if doc is not None and head is not None and ucoz.entry(doc, head.url) is not None:
        return True  # uCoz's one entry (eTitle and eMessage in its eBlock): an image alone is still the entry
    template = regions.template_of(doc) if doc is not None else None
    return template is not None and head is not None and template.identifies_article(head.url, doc)


class Extracted:
    """What the crawl end's passes extracted each stored page to, kept for its next pass (one per crawl end).

    A page's extraction depends on the regions only through the templates they pick for the skeletons it asks
    about (:meth:`Regions.template_of`). A later pass whose regions pick the same templates for those skeletons
    would extract the page to the same result: it takes the kept one instead (a later round of learning
    changes one template of a site's few, and its pages alone are extracted again). The results wait in a
    temporary file (compressed pickles), not in memory; only the skeletons asked about are held.
    """

    def __init__(self) -> None:
        self.regions: Regions | None = None  # the regions the kept results were extracted in
        self.asked: dict[str, tuple[frozenset[str], ...]] = {}
        self.where: dict[str, tuple[int, int]] = {}  # URL -> (offset, length) in the file
        self.file: IO[bytes] | None = None
        self.descriptors: dict[str, str] = {}  # one copy of each descriptor string

    def same(self, url: str, regions: Regions) -> bool:
        """Whether ``regions`` extract the page at ``url`` as the kept result says."""
        kept, asked = self.regions, self.asked.get(url)
        if kept is None or asked is None or url not in self.where or not kept or not regions:
            return False
        return all(_same_template(kept.template_of_skeleton(shape), regions.template_of_skeleton(shape), url)
                   for shape in asked)

    def result(self, url: str) -> PageResult:
        assert self.file is not None
        offset, length = self.where[url]
        self.file.seek(offset)
        return pickle.loads(zlib.decompress(self.file.read(length)))  # noqa: S301 - our own temporary file

    def keep(self, url: str, result: PageResult, asked: tuple[frozenset[str], ...]) -> None:
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="migrator-extracted-")
        blob = zlib.compress(pickle.dumps(result, pickle.HIGHEST_PROTOCOL), 1)
        self.file.seek(0, 2)
        self.where[url] = (self.file.tell(), len(blob))
        self.file.write(blob)
        intern = self.descriptors.setdefault
        self.asked[url] = tuple(frozenset(intern(d, d) for d in shape) for shape in asked)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self.file, self.regions = None, None
        self.asked.clear()
        self.where.clear()


def _same_template(a: Template | None, b: Template | None, url: str) -> bool:
    """The same template for the extraction of the page at ``url`` once it was picked for the page: its XPath and
    the field places of the page's section (what extraction reads of a template; :meth:`Regions.shapes` compares
    them too, with the skeleton, which only picks the template, and without the page counts, evidence only)."""
    if a is None or b is None:
        return a is b
    return a.xpath == b.xpath and _places_of(a, url) == _places_of(b, url)


def _places_of(template: Template, url: str) -> str:
    return json.dumps(_places({"": template.fields_for(url)}), sort_keys=True)


def apply_regions(ingest: Ingest, regions: Regions, pool: ExtractionPool | None = None,
                  extracted: Extracted | None = None) -> tuple[list[str], list[str]]:
    """Re-extract the live generic articles' stored pages in the learned regions, with the crawler's rules.

    Records whose content changes are updated (as changes of the ingest's run); returns the source ids of those
    updated and of those whose page no longer extracts as an article (the caller decides their fate).
    With ``pool`` (the crawl's), the pages are extracted in its worker processes too, a few at a time; a
    page whose extraction fails is logged and its record left as it stands. With ``extracted`` (the crawl
    end's), a page the regions extract as an earlier pass did takes that pass's result (:class:`Extracted`).
    """
    changed: list[str] = []
    not_articles: list[str] = []
    # the pages in their order, awaiting their result: (record, page) for a page handed out, (record, URL) for
    # one whose kept result stands (no page body held for it)
    read: deque[tuple[StoredArticle, StoredPage | str]] = deque()

    def pages() -> Iterator[tuple[str, str]]:
        for row, page in ingest.store.stored_pages("generic"):  # it lists the articles first: rewriting them is safe
            if extracted is not None and extracted.same(page.url, regions):
                read.append((row, page.url))
                continue
            read.append((row, page))
            yield page.url, page.text()

    def take(row: StoredArticle, url: str, result: PageResult | Exception) -> None:
        interrupt.check()  # a signal: this step's transaction rolls back, the resumed run does it again
        if isinstance(result, Exception):
            logger.warning("re-extraction failed on %s: %s; its record stands as it was", url, result)
            return
        article = ingest.reread(result, url, row)
        if article is None:
            not_articles.append(row.source_id)
        elif ingest.update(article):
            changed.append(row.source_id)

    reused = 0

    def kept() -> None:
        """The pages ahead whose kept result stands, taken in their order."""
        nonlocal reused
        while read and isinstance(read[0][1], str):
            reused += 1
            row, url = read.popleft()
            assert extracted is not None and isinstance(url, str)
            take(row, url, extracted.result(url))

    pool = pool or ExtractionPool(ingest.config, 0)
    shown = time.monotonic()
    done = 0
    for result, asked in pool.extract_many(pages(), regions, record=True):
        kept()
        row, page = read.popleft()
        assert not isinstance(page, str)
        done += 1
        if time.monotonic() - shown >= PROGRESS_SECONDS:
            shown = time.monotonic()
            progress.info("crawl end: content regions: %d pages extracted again, %d records changed", done,
                          len(changed))
        if extracted is not None and not isinstance(result, Exception):
            extracted.keep(page.url, result, asked)  # before the record takes (and changes) it
        take(row, page.url, result)
    kept()
    if extracted is not None:
        extracted.regions = regions
    logger.info("content regions: %d pages extracted again, %d as an earlier pass of this crawl end extracted them "
                "(the same templates)", done, reused)
    return changed, not_articles
