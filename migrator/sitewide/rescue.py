"""Short entries a learned template (or their platform's marks, in a learned template) shows as entries, kept as
records though the single-page extractor turned them down."""
from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.extract import dle, extract
from migrator.extract.region import parse_page

if TYPE_CHECKING:
    from migrator.extract.region import Regions
    from migrator.ingest import Ingest


def rescue_entries(ingest: Ingest, regions: Regions) -> dict[str, str]:
    """Pages the single-page extractor turned down (too short: a one-line news brief, an image alone) that a
    learned template shows as entries (their own title and date where the template keeps them), or that their
    platform's marks show as one entry (a DLE full story) in a learned template, become records; returns their
    source ids, each with what its page was skipped as (listing, other). Nothing is fetched: the stored raw pages
    are read again. A page ``[clean] keep`` names is taken back too (a withdrawal undone from the mapping, in
    ``migrator reclean`` as in the next crawl)."""
    store, config = ingest.store, ingest.config
    if not any(t.fields for t in regions.templates) and not config.keep:
        return {}
    rescued: dict[str, str] = {}
    for page in store.unrecorded_pages():
        html = page.text()
        doc = parse_page(html)
        template = regions.match(doc)[0] if doc is not None else None
        entry = template is not None and (template.identifies_article(page.url, doc)
                                          or dle.full_story(doc, page.url) is not None)
        if not entry and not config.keeps(page.url):
            continue  # only what a template shows as an entry: listings stay withdrawn
        result = extract(page.url, html, config, regions)
        if result.kind != "article" or result.article is None or not config.wants_type(result.article.type):
            continue
        outcome = ingest.finish(result, page.url, page.fetched_at, entry=True)
        if outcome.reason == "new":
            rescued[result.article.source_id] = store.page_kind(page.url) or "other"
            store.mark_page(page.url, "article", result.article.source_id)
            store.undo_withdrawal(page.url, ingest.run_id)
    return rescued
