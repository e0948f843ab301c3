"""Re-extracting and re-cleaning the raw pages a crawl kept (``migrator reclean``): a newer release, a corrected
mapping or rulebook applied to the records without fetching anything, then the crawl's end run again over them."""
from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from migrator import interrupt
from migrator.extract import extract
from migrator.extract.region import Regions
from migrator.ingest import Counts, Ingest
from migrator.record import Article
from migrator.sitewide import SiteModel
from migrator.store import mark_run

if TYPE_CHECKING:
    from migrator.mapping import Config
    from migrator.rulebook import Rulebook
    from migrator.store import Store


@dataclass
class RecleanReport:
    """What a re-cleaning pass did (or, dry, would do) to the stored records."""

    articles: int = 0
    changed: list[str] = field(default_factory=list)        # canonical URLs whose content changed
    not_articles: list[str] = field(default_factory=list)   # pages that no longer extract as an article
    diffs: list[str] = field(default_factory=list)          # unified diffs of body_text, a sample
    removed: Counter[str] = field(default_factory=Counter)  # rule name -> blocks removed
    withdrawn: list[str] = field(default_factory=list)      # URLs the site learning withdrew (not in a dry run)
    learned: Counter[str] = field(default_factory=Counter)  # what the site learning counted (a Counts)
    run_id: int | None = None
    dry_run: bool = False

    @property
    def unchanged(self) -> int:
        return self.articles - len(self.changed) - len(self.not_articles)

    def line(self) -> str:
        what = "would change" if self.dry_run else "changed"
        tail = (" (dry run: nothing written, the site's learning not run)" if self.dry_run else
                f"; site learning: {len(self.withdrawn)} withdrawn (see migrator status) (run {self.run_id})")
        return (f"reclean: {self.articles} articles re-extracted from stored pages, {len(self.changed)} {what}, "
                f"{self.unchanged} unchanged, {len(self.not_articles)} no longer articles (left as they were){tail}")


def body_diff(url: str, before: str, after: str) -> str:
    """A unified diff of two body texts, one line per paragraph.

    >>> print(body_diff("http://a.test/1", "Текст.\\n\\nБаннер.", "Текст."), end="")
    --- http://a.test/1 (stored)
    +++ http://a.test/1 (re-cleaned)
    @@ -1,3 +1 @@
     Текст.
    -
    -Баннер.
    """
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), f"{url} (stored)", f"{url} (re-cleaned)",
                                 lineterm="")
    return "\n".join(lines) + "\n"


def reclean(store: Store, config: Config, rulebook: Rulebook, *, dry_run: bool = False,
            samples: int = 3) -> RecleanReport:
    """Re-run extraction and cleaning over every live article's stored raw page, without fetching.

    Records whose content hash changes are updated in one transaction (a ``reclean`` run in the
    ledger, an "updated" change each); URLs, aliases and run history stay. A page that no longer
    extracts as an article is reported and its record left alone.
    """
    report = RecleanReport(dry_run=dry_run)
    regions = Regions.from_rows(store.template_rows())
    counts = Counts()
    reader = Ingest(store, config, rulebook, 0, counts, frontier=False)  # reads only: nothing is stored by it
    updates: list[Article] = []
    for row, page in store.stored_pages():
        report.articles += 1
        result = extract(page.url, page.text(), config, regions)
        article = reader.reread(result, page.url, row, report.removed)
        if article is None:
            report.not_articles.append(row.url)
        elif article.to_record()["content_hash"] != row.content_hash:
            report.changed.append(row.url)
            if len(report.diffs) < samples:
                report.diffs.append(body_diff(row.url, row.body_text, article.body_text))
            updates.append(article)
    if not dry_run:
        report.run_id = store.begin_run("reclean", str(store.path), {"rules": len(rulebook.rules),
                                                                      "mapping": config.source})
        run_id = report.run_id
        with interrupt.on_exit(lambda: mark_run(store.path, run_id, "interrupted")):
            try:
                _rewrite(store, config, rulebook, report, updates, counts)
            except (KeyboardInterrupt, interrupt.Interrupted):  # Ctrl-C: what committed stays; run it again
                store.finish_run(run_id, "interrupted", {"articles": report.articles, "pages": report.articles})
                raise
    return report


def _rewrite(store: Store, config: Config, rulebook: Rulebook, report: RecleanReport, updates: list[Article],
             counts: Counts) -> None:
    """Store the re-cleaned records, then learn from the whole corpus again, as the run ``report.run_id``."""
    assert report.run_id is not None
    ingest = Ingest(store, config, rulebook, report.run_id, counts, frontier=False)
    with store.batch():
        for article in updates:
            ingest.update(article)
    SiteModel(ingest, older=True).finish()  # templates, fields, repeated blocks again; listings withdrawn
    report.learned = counts
    report.withdrawn = [row["url"] for row in store.withdrawals(report.run_id)]
    store.finish_run(report.run_id, "finished", {"articles": report.articles, "pages": report.articles,
                                                 "changed": len(report.changed), "removed": dict(report.removed),
                                                 "withdrawn": len(report.withdrawn)})
