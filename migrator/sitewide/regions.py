"""Content regions and field places learned from the stored pages of each template, and the generic records
read again in them."""
from __future__ import annotations

import logging
import time
from collections import deque
from itertools import islice
from typing import TYPE_CHECKING, Iterator

from migrator import interrupt
from migrator.extract.comments import forum_posts
from migrator.extract.pool import ExtractionPool
from migrator.extract.region import Regions, learn_templates, page_skeleton, parse_page

if TYPE_CHECKING:
    from migrator.ingest import Ingest
    from migrator.store import Store, StoredArticle, StoredPage

logger = logging.getLogger(__name__)
progress = logging.getLogger("migrator.progress")

#: Stored generic pages that templates are learned from (streamed: only their URLs and skeletons are held).
REGION_PAGES = 2000
#: Seconds between two progress lines of a re-extraction pass (as the crawl's progress lines, every few seconds).
PROGRESS_SECONDS = 10.0


def learn_regions(store: Store, limit: int = REGION_PAGES,
                  known: dict[str, frozenset[str] | None] | None = None) -> Regions:
    """The content regions and field places of the templates of the live generic articles' stored pages.

    The pages are read from the database one at a time for their skeletons, and each template's sample is
    read again when its region is learned: memory holds one template's sample, whatever the site's size.
    ``known`` (URL to skeleton) keeps the skeletons between calls: a stored page is parsed for its skeleton
    once per crawl end, not once per round of learning (a stored page does not change in between).
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

    return Regions(learn_templates((), urls=urls, load=load, skeletons=skeletons()))


def is_entry(store: Store, regions: Regions, source_id: str) -> bool:
    """Whether a record's stored page is one its learned template shows as an entry, or a forum topic: such a
    record is an article however short, and no heuristic withdraws it."""
    head = store.article_head(source_id)
    page = store.page(head.url) if head else None
    doc = parse_page(page.text()) if page else None
    if doc is not None and head is not None and forum_posts(doc, "UTC"):
        return True  # a forum topic, however short its first post (a video alone)
    template = regions.template_of(doc) if doc is not None else None
    return template is not None and head is not None and template.identifies_article(head.url, doc)


def apply_regions(ingest: Ingest, regions: Regions, pool: ExtractionPool | None = None) -> tuple[list[str], list[str]]:
    """Re-extract the live generic articles' stored pages in the learned regions, with the crawler's rules.

    Records whose content changes are updated (as changes of the ingest's run); returns the source ids of those
    updated and of those whose page no longer extracts as an article (the caller decides their fate).
    With ``pool`` (the crawl's), the pages are extracted in its worker processes too, a few at a time; a
    page whose extraction fails is logged and its record left as it stands.
    """
    changed: list[str] = []
    not_articles: list[str] = []
    read: deque[tuple[StoredArticle, StoredPage]] = deque()  # the pages handed out, awaiting their result

    def pages() -> Iterator[tuple[str, str]]:
        for row, page in ingest.store.stored_pages("generic"):  # it lists the articles first: rewriting them is safe
            read.append((row, page))
            yield page.url, page.text()

    pool = pool or ExtractionPool(ingest.config, 0)
    shown = time.monotonic()
    for done, result in enumerate(pool.extract_many(pages(), regions), 1):
        row, page = read.popleft()
        interrupt.check()  # a signal: this step's transaction rolls back, the resumed run does it again
        if time.monotonic() - shown >= PROGRESS_SECONDS:
            shown = time.monotonic()
            progress.info("crawl end: content regions: %d pages extracted again, %d records changed", done,
                          len(changed))
        if isinstance(result, Exception):
            logger.warning("re-extraction failed on %s: %s; its record stands as it was", page.url, result)
            continue
        article = ingest.reread(result, page.url, row)
        if article is None:
            not_articles.append(row.source_id)
        elif ingest.update(article):
            changed.append(row.source_id)
    return changed, not_articles
