"""The database's schema as a list of named migrations (sqlite-utils' :class:`~sqlite_utils.migrations.Migrations`).

Each migration runs once per file, in order, and is recorded in ``_sqlite_migrations``; a new table or column is a
new migration appended at the end, never an edit of an old one. The first one lays out the schema as it stood
before the ledger existed: files written by those releases already hold it, so it only creates what is missing
and adds the columns that the releases before it added one by one.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("migrator")

#: Tables of the first schema: (name, columns, primary key). ``skeleton`` holds a template's tag paths as JSON.
_FIRST: tuple[tuple[str, dict[str, type], str | tuple[str, ...]], ...] = (
    ("runs", {"id": int, "command": str, "target": str, "options": str, "started_at": str, "finished_at": str,
              "status": str, "pages": int, "articles": int, "errors": int, "stats": str}, "id"),
    ("pages", {"url": str, "request_url": str, "status": int, "headers": str, "body": bytes, "fetched_at": str,
               "encoding": str, "encoding_source": str, "encoding_evidence": str, "kind": str, "source_id": str,
               "run_id": int, "checked_at": str}, "url"),
    ("articles", {"source_id": str, "url": str, "title": str, "published_at": str, "published_raw": str,
                  "updated_at": str, "author": str, "tags": str, "sources": str, "images": str, "body_html": str,
                  "body_text": str, "comments": str, "comment_count": int, "content_hash": str, "fetched_at": str,
                  "profile": str, "state": str, "first_run": int, "last_run": int, "changed_run": int,
                  "gone_at": str, "gone_reason": str, "attachments": str, "type": str}, "source_id"),
    ("comments", {"source_id": str, "position": int, "author": str, "published_at": str, "body_text": str},
     ("source_id", "position")),
    ("aliases", {"url": str, "source_id": str, "how": str, "first_run": int}, "url"),
    ("errors", {"run_id": int, "url": str, "reason": str, "detail": str, "at": str, "count": int},
     ("run_id", "url", "reason")),
    ("boilerplate", {"text": str, "pages": int, "share": float, "sample_url": str, "learned_run": int}, "text"),
    # content regions and field places learned per page template (migrator.extract.region); two templates may
    # keep their content at the same XPath
    ("templates", {"xpath": str, "skeleton": str, "pages": int, "agreeing": int, "learned_run": int, "fields": str},
     ("xpath", "skeleton")),
    # records a crawl-end heuristic took back, with the reason: a mapping's [clean] keep brings them back
    ("withdrawals", {"url": str, "source_id": str, "reason": str, "run_id": int, "at": str}, ("run_id", "url")),
    ("changes", {"run_id": int, "source_id": str, "url": str, "change": str, "at": str}, ("run_id", "source_id")),
    # a run's frontier beside the data, written in the page's own transaction: a killed run resumes from it
    ("frontier", {"run_id": int, "url": str, "role": str, "priority": int, "state": str}, ("run_id", "url")),
    # an article's content before an update replaced it, so a diff can compare the site after any run with now
    ("versions", {"source_id": str, "run_id": int, "replaced_run": int, "record": str},
     ("source_id", "replaced_run")),
    # which validators a sync sends to each host, learned from its own revisits (spiders.revisit)
    ("site_validators", {"host": str, "choice": str, "reason": str, "evidence": str, "run_id": int, "at": str},
     "host"),
    ("meta", {"key": str, "value": str}, "key"),
)

#: Columns the releases before the ledger added to tables they had already created.
_ADDED_LATER = (("pages", "checked_at", str), ("articles", "attachments", str), ("articles", "type", str),
                ("templates", "fields", str))


@migrations(name="first-schema")
def first_schema(db: Database) -> None:
    for name, columns, pk in _FIRST:
        if not db.table(name).exists():
            db.table(name).create(columns, pk=pk)
    for table, column, kind in _ADDED_LATER:
        if column not in db.table(table).columns_dict:
            db.table(table).add_column(column, kind)
    db.table("pages").create_index(["source_id"], if_not_exists=True)
    db.table("articles").create_index(["url"], if_not_exists=True)
    # the ingest finds the other page of one node by its content, once per /node/N or id-less page
    db.table("articles").create_index(["content_hash"], if_not_exists=True)
    db.table("aliases").create_index(["source_id"], if_not_exists=True)


@migrations(name="media")
def media(db: Database) -> None:
    """The manifest of ``migrator media`` (it created this table itself before)."""
    columns = {"url": str, "path": str, "kind": str, "sha256": str, "bytes": int, "status": str, "error": str,
               "fetched_at": str}
    if not db.table("media").exists():
        db.table("media").create(columns, pk="url")
    elif "kind" not in db.table("media").columns_dict:
        db.table("media").add_column("kind", str)


@migrations(name="no-schema-version")
def no_schema_version(db: Database) -> None:
    """The ledger is the schema's version now."""
    db.execute("DELETE FROM meta WHERE key = 'schema_version'")


@migrations(name="loaded")
def loaded(db: Database) -> None:
    """What ``migrator load`` wrote into a new platform: per target (its base URL), kind (post, comment, media,
    term, user) and old id, the remote id, the hash of what was sent, the remote link, its status there and the
    last failure."""
    db.table("loaded").create({"target": str, "kind": str, "source_id": str, "remote_id": int, "content_hash": str,
                               "link": str, "status": str, "error": str, "loaded_at": str},
                              pk=("target", "kind", "source_id"), if_not_exists=True)


#: Tables only a migrator database holds: a file with tables but none of these is another application's.
OWN_TABLES = frozenset({"meta", "site", *(name for name, _, _ in _FIRST)})


def upgrade(db: Database) -> None:
    """Apply every migration the file has not had yet."""
    migrations.apply(db)


def applied(db: Database) -> list[str]:
    """Names of the migrations applied to a file, in order."""
    return [m.name for m in migrations.applied(db)]


#: What ``articles_fts`` indexes (sqlite-utils' FTS5 table beside ``articles``, which Datasette offers as search).
SEARCHED = ("title", "body_text")

#: The stored pages as people read them: ``pages.body`` is the raw bytes, zlib-compressed (plain SQLite cannot
#: decompress them), so the view shows the text of the article each page became (the page names its record, or
#: its URL is one of the record's) beside its fetch facts.
PAGES_TEXT = """
SELECT p.url, p.status, p.kind, p.fetched_at, p.checked_at, p.encoding, a.source_id,
       a.url AS article_url, a.title, a.body_text AS text, length(p.body) AS compressed_bytes, p.run_id
FROM pages p LEFT JOIN aliases al ON al.url = p.url
LEFT JOIN articles a ON a.source_id = coalesce(p.source_id, al.source_id)
"""


@migrations(name="search-and-text-view")
def search_and_text_view(db: Database) -> None:
    """Full-text search on articles, kept in step by triggers, and ``pages_text``: what Datasette needs to be
    useful on a migrator database (``datasette site.db``)."""
    if not db.table("articles_fts").exists():
        db.table("articles").enable_fts(list(SEARCHED), create_triggers=True)
    # sqlite-utils' update trigger re-indexes on any update, and a run touches every article it sees (last_run):
    # this one re-indexes only when a searched column changed, written as sqlite-utils writes its own (so that
    # `sqlite-utils disable-fts` finds and drops it)
    columns = ", ".join(f'"{c}"' for c in SEARCHED)
    old, new = (", ".join(f'{row}."{c}"' for c in SEARCHED) for row in ("old", "new"))
    changed = " OR ".join(f'old."{c}" IS NOT new."{c}"' for c in SEARCHED)
    db.execute('DROP TRIGGER IF EXISTS "articles_au"')
    db.execute(f'CREATE TRIGGER "articles_au" AFTER UPDATE OF {columns} ON "articles" WHEN {changed} BEGIN\n'
               f'  INSERT INTO "articles_fts" ("articles_fts", rowid, {columns}) VALUES(\'delete\', old.rowid, {old});\n'
               f'  INSERT INTO "articles_fts" (rowid, {columns}) VALUES (new.rowid, {new});\nEND')
    db.create_view("pages_text", PAGES_TEXT, replace=True)


@migrations(name="site")
def site(db: Database) -> None:
    """What the database is about, as its first crawl recorded it: target, mapping (and the hash of its text),
    time zone and crawl flags; the later commands default to it. A file crawled before this table existed
    gets it from its first crawl run in the ledger (no mapping hash: that text is gone)."""
    columns = {"id": int, "target": str, "host": str, "mapping": str, "mapping_sha256": str, "timezone": str,
               "options": str, "first_run": int, "recorded_at": str}
    db.table("site").create(columns, pk="id", if_not_exists=True)
    first = db.execute("SELECT id, target, options, started_at FROM runs WHERE command IN ('crawl', 'sync') "
                       "ORDER BY id LIMIT 1").fetchone()
    if first and not db.execute("SELECT 1 FROM site").fetchone():
        run_id, target, options, started = first
        flags = json.loads(options or "{}")
        host = (urlsplit((target or "").split(",")[0]).netloc or "").lower()
        db.table("site").insert({"id": 1, "target": target, "host": host, "mapping": flags.get("mapping"),
                                 "timezone": flags.get("timezone") or "UTC",
                                 "options": json.dumps({"timezone": flags.get("timezone"),
                                                        "max_pages": flags.get("max_pages")}),
                                 "first_run": run_id, "recorded_at": started})


@migrations(name="copy-claim")
def copy_claim(db: Database) -> None:
    """``articles.claim``: the claim to be the article's own copy (the engine version its generator meta names)
    of the page the record's content was read at, so that of two self-canonical copies the same one wins in
    every run whichever is fetched first (``Articles.save_article``)."""
    if "claim" not in db.table("articles").columns_dict:
        db.table("articles").add_column("claim", str)


@migrations(name="site-facts")
def site_facts(db: Database) -> None:
    """``facts``: what a crawl end learned about the site as a whole and later runs apply as pages arrive (the
    order of day and month in its numeric dates), with the evidence it was learned from."""
    db.table("facts").create({"name": str, "value": str, "evidence": str, "learned_run": int}, pk="name",
                             if_not_exists=True)


@migrations(name="page-digest")
def page_digest(db: Database) -> None:
    """The SHA-256 of each stored page's bytes, so the pages that serve the site root's bytes (``/`` and the
    ``/title-page.html`` it is a copy of) are found whichever was fetched first; pages stored before have none."""
    if "body_sha256" not in db.table("pages").columns_dict:
        db.table("pages").add_column("body_sha256", str)
    db.table("pages").create_index(["body_sha256"], if_not_exists=True)


@migrations(name="comment-raw")
def comment_raw(db: Database) -> None:
    """``comments.published_raw``: a comment's date as printed, so that a crawl end that learns the site's order of
    day and month reads the comments' ambiguous stamps (``12/03/2010``) in it as it does the articles'."""
    if "published_raw" not in db.table("comments").columns_dict:
        db.table("comments").add_column("published_raw", str)


@migrations(name="page-reason")
def page_reason(db: Database) -> None:
    """``pages.reason``: why a stored page became no record (the extractor's "listing: phpBB viewforum", "user or
    login page", or a crawl-end withdrawal's reason), so ``migrator status`` lists the skipped pages by reason;
    empty on a page that is a record's. Pages stored before have none (their kind still says listing or other)."""
    if "reason" not in db.table("pages").columns_dict:
        db.table("pages").add_column("reason", str)
