"""The one way into the store (see :mod:`migrator.ingest.ingest`): what the crawl hands over
(:mod:`~migrator.ingest.items`), which record a page is (:mod:`~migrator.ingest.identity`), when it is no
article after all (:mod:`~migrator.ingest.withdraw`), and the counts every stage keeps (:mod:`~migrator.ingest.stats`)."""
from __future__ import annotations

from migrator.ingest.ingest import Ingest, Outcome
from migrator.ingest.stats import Counts, Stats

__all__ = ["Ingest", "Outcome", "Counts", "Stats"]
