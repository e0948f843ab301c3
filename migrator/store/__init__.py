"""The SQLite store: raw pages, articles, comments, aliases, a runs ledger, the site it is about, errors and what crawls learned.

Every write is an upsert keyed on a stable id, so running the same migration twice leaves the same rows. Writes
are grouped into short transactions by the caller (``with store.batch():``). Every table and every statement
of the project lives in this package, one module per table family; the schema's history is
:mod:`migrator.store.schema`.
"""
from __future__ import annotations

from migrator.record import content_hash
from migrator.store.articles import Articles
from migrator.store.database import mark_run, utcnow
from migrator.store.learned import Learned
from migrator.store.loaded import Loaded
from migrator.store.media import Media
from migrator.store.pages import Pages
from migrator.store.rows import ArticleHead, RawPage, StoredArticle, StoredPage
from migrator.store.runs import Runs
from migrator.store.site import Site


class Store(Runs, Pages, Articles, Learned, Media, Loaded, Site):
    """A migrator database on disk (created on first use): every table family's statements on one connection."""


__all__ = ["Store", "RawPage", "StoredPage", "StoredArticle", "ArticleHead", "mark_run", "utcnow", "content_hash"]
