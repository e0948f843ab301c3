"""The SQLite store: raw pages, articles, comments, aliases, a runs ledger and errors.

Every write is an upsert keyed on a stable id, so running the same migration twice leaves
the same rows. Writes are grouped into short transactions by the caller (``with store.batch():``).
"""
from __future__ import annotations

import json
import re
import sqlite3
import weakref
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

from migrator.errors import StoreError
from migrator.record import EXPORT_KEYS, Article, content_hash
from migrator.urls import type_at, url_rank

SCHEMA_VERSION = 1
#: zlib level of stored raw pages: level 1 is ~4x faster than 6 and ~15% larger on HTML.
RAW_LEVEL = 1


def utcnow() -> str:
    """Now, as ISO 8601 UTC with seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


#: The writing stores open in this process, for :func:`mark_run` to release before a forced exit.
_writers: weakref.WeakSet[Store] = weakref.WeakSet()


def mark_run(path: str | Path, run_id: int, status: str) -> None:
    """Set a ``running`` run's status on its own short connection: for a process about to end at once.

    A signal handler runs on the main thread between two statements of whatever it was doing, maybe
    inside a transaction of this process's own store (the pipeline storing an item): that transaction
    holds the write lock and would never end, so it is rolled back first (its page is fetched again when
    the run resumes). Locks held by other threads or processes are waited for two seconds at most."""
    for store in list(_writers):
        store.abandon()
    conn = sqlite3.connect(path, timeout=2.0)
    try:
        with conn:
            conn.execute("UPDATE runs SET status = ?, finished_at = ? WHERE id = ? AND status = 'running'",
                         [status, utcnow(), run_id])
    finally:
        conn.close()


@dataclass
class RawPage:
    """One fetched page as the server sent it, with the evidence behind its decoding."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    encoding: str | None = None
    encoding_source: str | None = None
    encoding_evidence: dict[str, Any] | None = None
    kind: str | None = None
    source_id: str | None = None
    request_url: str | None = None


class Store:
    """A migrator database on disk (created on first use)."""

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        """``create=False``: the file must exist and be a migrator database (nothing is written into another
        application's file); ``readonly``: opened read-only (SQLite ``mode=ro``), for the commands that only
        read (export, status, redirects, diff), which then work in a read-only directory too."""
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (run `migrator crawl` first)")
        try:
            self.db = sqlite_utils.Database(self._open_readonly() if readonly else sqlite3.connect(self.path))
            if not create:
                self._check_ours()
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=5000")
        except sqlite3.DatabaseError as exc:  # not a database, unreadable, read-only file or directory
            bad = "not a database" in str(exc)
            raise StoreError(f"{self.path}: cannot {'open' if bad or readonly else 'write'} the database: {exc}",
                             exit_code=2 if bad else 1) from exc
        if not readonly:
            self._ensure_schema()
            _writers.add(self)
        self._depth = 0

    def _open_readonly(self) -> sqlite3.Connection:
        """A read-only connection; in a read-only directory a WAL database has no ``-shm`` file to share, so
        it is read as immutable (nobody can be writing it there)."""
        uri = self.path.resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            conn = sqlite3.connect(uri + "&immutable=1", uri=True)
        return conn

    def _check_ours(self) -> None:
        """An existing file must already be a migrator database: an empty file or another application's
        SQLite file gets no tables of ours."""
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"meta", "runs", "articles"} <= tables:
            what = "an empty database" if not tables else "tables " + ", ".join(sorted(tables)[:5])
            raise StoreError(f"{self.path}: not a migrator database ({what}); nothing was written to it", exit_code=2)

    # -- schema -------------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        db = self.db
        if "runs" not in db.table_names():
            db["runs"].create({
                "id": int, "command": str, "target": str, "options": str, "started_at": str,
                "finished_at": str, "status": str, "pages": int, "articles": int, "errors": int,
                "stats": str,
            }, pk="id")
        if "pages" not in db.table_names():
            db["pages"].create({
                "url": str, "request_url": str, "status": int, "headers": str, "body": bytes,
                "fetched_at": str, "encoding": str, "encoding_source": str, "encoding_evidence": str,
                "kind": str, "source_id": str, "run_id": int, "checked_at": str,
            }, pk="url")
            db["pages"].create_index(["source_id"])
        elif "checked_at" not in db["pages"].columns_dict:  # a database from before the revisit policy
            db["pages"].add_column("checked_at", str)
        if "articles" in db.table_names() and "attachments" not in db["articles"].columns_dict:
            db["articles"].add_column("attachments", str)  # a database from before attachments
        if "articles" in db.table_names() and "type" not in db["articles"].columns_dict:
            db["articles"].add_column("type", str)  # a database from before content types
        if "articles" not in db.table_names():
            db["articles"].create({
                "source_id": str, "url": str, "title": str, "published_at": str, "published_raw": str,
                "updated_at": str, "author": str, "tags": str, "sources": str, "images": str,
                "body_html": str, "body_text": str, "comments": str, "comment_count": int,
                "content_hash": str, "fetched_at": str, "profile": str, "state": str,
                "first_run": int, "last_run": int, "changed_run": int, "gone_at": str, "gone_reason": str,
                "attachments": str, "type": str,
            }, pk="source_id")
            db["articles"].create_index(["url"])
        # migrator.identity finds the other page of one node by its content, once per /node/N or id-less page.
        db["articles"].create_index(["content_hash"], if_not_exists=True)
        if "comments" not in db.table_names():
            db["comments"].create({
                "source_id": str, "position": int, "author": str, "published_at": str, "body_text": str,
            }, pk=("source_id", "position"))
        if "aliases" not in db.table_names():
            db["aliases"].create({"url": str, "source_id": str, "how": str, "first_run": int}, pk="url")
            db["aliases"].create_index(["source_id"])
        if "errors" not in db.table_names():
            db["errors"].create({
                "run_id": int, "url": str, "reason": str, "detail": str, "at": str, "count": int,
            }, pk=("run_id", "url", "reason"))
        if "boilerplate" not in db.table_names():
            db["boilerplate"].create({
                "text": str, "pages": int, "share": float, "sample_url": str, "learned_run": int,
            }, pk="text")
        if "templates" not in db.table_names():
            # Content regions learned per page template of generic pages (migrator.extract.region).
            db["templates"].create({
                "xpath": str, "skeleton": str, "pages": int, "agreeing": int, "learned_run": int, "fields": str,
            }, pk=("xpath", "skeleton"))  # two templates may keep their content at the same XPath
        elif "fields" not in db["templates"].columns_dict:  # a database from before field learning
            db["templates"].add_column("fields", str)
        if "withdrawals" not in db.table_names():
            # Records a crawl-end heuristic took back (listings, repeated blocks only), with the reason: a
            # mapping's [clean] keep brings them back on the next run.
            db["withdrawals"].create({
                "url": str, "source_id": str, "reason": str, "run_id": int, "at": str,
            }, pk=("run_id", "url"))
        if "changes" not in db.table_names():
            db["changes"].create({
                "run_id": int, "source_id": str, "url": str, "change": str, "at": str,
            }, pk=("run_id", "source_id"))
        if "frontier" not in db.table_names():
            # A run's frontier beside the data, written in the page's own transaction: a run killed at
            # any moment resumes from it (pending URLs to fetch; every row is in the seen-set).
            db["frontier"].create({
                "run_id": int, "url": str, "role": str, "priority": int, "state": str,
            }, pk=("run_id", "url"))
        if "versions" not in db.table_names():
            # An article's content before an update replaced it: what it was from run_id until replaced_run,
            # so a diff can compare the site as it was after any run with now.
            db["versions"].create({
                "source_id": str, "run_id": int, "replaced_run": int, "record": str,
            }, pk=("source_id", "replaced_run"))
        if "site_validators" not in db.table_names():
            # Which validators a sync sends to each host, learned from its own revisits (spiders.revisit).
            db["site_validators"].create({
                "host": str, "choice": str, "reason": str, "evidence": str, "run_id": int, "at": str,
            }, pk="host")
        if "meta" not in db.table_names():
            db["meta"].insert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes into one transaction (nested batches join the outer one)."""
        conn = self.db.conn
        self._depth += 1
        try:
            if self._depth == 1:
                conn.execute("BEGIN")
            yield
            if self._depth == 1:
                conn.execute("COMMIT")
        except BaseException:
            if self._depth == 1 and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._depth -= 1

    # -- runs ---------------------------------------------------------------------------------

    def begin_run(self, command: str, target: str, options: dict[str, Any]) -> int:
        with self.batch():
            table = self.db["runs"]
            table.insert({
                "command": command, "target": target, "options": json.dumps(options, default=str),
                "started_at": utcnow(), "status": "running",
            })
            return int(table.last_pk)

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        with self.batch():
            if status != "interrupted":  # an interrupted run keeps its frontier to be resumed
                self.db.execute("DELETE FROM frontier WHERE run_id = ?", [run_id])
            self.db["runs"].update(run_id, {
                "finished_at": utcnow(), "status": status, "stats": json.dumps(stats, default=str),
                "pages": int(stats.get("pages", 0)), "articles": int(stats.get("articles", 0)),
                "errors": int(stats.get("errors", 0)),
            })

    def has_run(self, run_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM runs WHERE id = ?", [run_id]).fetchone() is not None

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        return list(self.db["runs"].rows_where(order_by="id desc", limit=limit))

    def resumable_run(self, command: str, target: str) -> int | None:
        """The id of the latest run if it was cut short (killed: still ``running``; stopped by a signal:
        ``interrupted`` with its frontier kept) and has the same command and target; else None.

        The caller holds the lock, so a ``running`` run is a dead one; any other is marked interrupted.
        """
        resumable = None
        with self.batch():
            latest = next(iter(self.runs(1)), None)
            if latest and latest["command"] == command and latest["target"] == target:
                pending = self.db.execute("SELECT 1 FROM frontier WHERE run_id = ? LIMIT 1", [latest["id"]]).fetchone()
                if latest["status"] == "running" or (latest["status"] == "interrupted" and pending):
                    resumable = int(latest["id"])
            for row in self.db["runs"].rows_where("status IN ('running', 'interrupted') AND id != ?",
                                                   [resumable or 0]):
                self.db.execute("DELETE FROM frontier WHERE run_id = ?", [row["id"]])
                if row["status"] == "running":
                    self.db["runs"].update(row["id"], {"status": "interrupted", "finished_at": utcnow()})
        return resumable

    def count_page(self, run_id: int) -> None:
        """One more page fetched by the run, counted in the page's own transaction: the part of a run that
        was killed counts exactly the pages it committed."""
        self.db.execute("UPDATE runs SET pages = coalesce(pages, 0) + 1 WHERE id = ?", [run_id])

    def pages_counted(self, run_id: int) -> int:
        """Pages the run has counted so far (all its parts, when it was resumed)."""
        row = self.db.execute("SELECT pages FROM runs WHERE id = ?", [run_id]).fetchone()
        return int(row[0] or 0) if row else 0

    def pages_in_run(self, run_id: int) -> int:
        """Pages stored (or answered 304) by a run so far."""
        return self.db.execute("SELECT count(*) FROM pages WHERE run_id = ?", [run_id]).fetchone()[0]

    # -- frontier -----------------------------------------------------------------------------

    def frontier_add(self, run_id: int, requests: Iterable[tuple[str, str, int]], state: str = "pending") -> None:
        """Queue (url, role, priority) as pending (or record them as ``skipped`` by the revisit policy); a URL
        already known to this run keeps its state, except that a skipped one queued after all becomes pending."""
        self.db.conn.executemany(
            "INSERT INTO frontier (run_id, url, role, priority, state) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (run_id, url) DO UPDATE SET state = 'pending', role = excluded.role, "
            "priority = excluded.priority WHERE frontier.state = 'skipped' AND excluded.state = 'pending'",
            [(run_id, url, role, priority, state) for url, role, priority in requests],
        )

    def frontier_done(self, run_id: int, url: str) -> None:
        self.db.execute(
            "INSERT INTO frontier (run_id, url, role, priority, state) VALUES (?, ?, 'page', 0, 'done') "
            "ON CONFLICT (run_id, url) DO UPDATE SET state = 'done'", [run_id, url])

    def frontier_skipped(self, run_id: int) -> set[str]:
        """URLs this run's revisit policy decided not to ask (and nothing has queued since)."""
        return {r[0] for r in self.db.execute("SELECT url FROM frontier WHERE run_id = ? AND state = 'skipped'",
                                              [run_id])}

    def settle_skipped(self, run_id: int) -> int:
        """Articles the revisit policy skipped count as seen by this run, content unchanged; returns how many."""
        with self.batch():
            return self.db.execute(
                "UPDATE articles SET last_run = ? WHERE state = 'live' AND (last_run IS NULL OR last_run != ?) "
                "AND url IN (SELECT url FROM frontier WHERE run_id = ? AND state = 'skipped')",
                [run_id, run_id, run_id]).rowcount

    def frontier(self, run_id: int) -> tuple[list[str], list[tuple[str, str, int]]]:
        """(every URL this run admitted, the pending ones as (url, role, priority))."""
        rows = self.db.execute("SELECT url, role, priority, state FROM frontier WHERE run_id = ? ORDER BY rowid",
                               [run_id]).fetchall()
        return [r[0] for r in rows], [(r[0], r[1], r[2]) for r in rows if r[3] == "pending"]

    # -- revisits and changes -----------------------------------------------------------------

    def validators(self) -> dict[str, tuple[str, str | None, str | None]]:
        """url -> (source_id, ETag, Last-Modified) of every stored article page of a live article."""
        sql = ("SELECT p.url, p.source_id, p.headers FROM pages p JOIN articles a ON a.source_id = p.source_id "
               "WHERE p.kind = 'article' AND p.status = 200 AND a.state = 'live'")
        found = {}
        for url, source_id, headers in self.db.execute(sql):
            lowered = {k.lower(): v for k, v in json.loads(headers or "{}").items()}
            if lowered.get("etag") or lowered.get("last-modified"):
                found[url] = (source_id, lowered.get("etag"), lowered.get("last-modified"))
        return found

    def validator_choices(self) -> dict[str, tuple[str, dict[str, int]]]:
        """host -> (validator choice, evidence counts) learned by earlier syncs."""
        return {host: (choice, json.loads(evidence or "{}"))
                for host, choice, evidence in self.db.execute("SELECT host, choice, evidence FROM site_validators")}

    def save_validator_choice(self, host: str, choice: str, reason: str, evidence: dict[str, int],
                              run_id: int | None) -> None:
        """Record which validators a sync sends to ``host``, why, and the evidence counted so far."""
        with self.batch():
            self.db["site_validators"].upsert({"host": host, "choice": choice, "reason": reason,
                                               "evidence": _dumps(evidence), "run_id": run_id, "at": utcnow()},
                                              pk="host")

    def revisit_candidates(self) -> list[tuple[str, str, str | None, str | None, list[str]]]:
        """(canonical URL, state, published_at, when its page was last fetched or answered 304, its other
        URLs) of every article ever recorded (live or gone), for revisits."""
        rows = self.db.execute(
            "SELECT a.url, a.state, a.published_at, coalesce(p.checked_at, p.fetched_at), "
            "(SELECT json_group_array(x.url) FROM aliases x WHERE x.source_id = a.source_id AND x.url != a.url) "
            "FROM articles a LEFT JOIN pages p ON p.url = a.url ORDER BY a.url").fetchall()
        return [(url, state, published, checked, json.loads(aliases)) for url, state, published, checked, aliases in rows]

    def record_change(self, run_id: int, source_id: str, url: str, change: str) -> None:
        self.db["changes"].upsert({"run_id": run_id, "source_id": source_id, "url": url, "change": change,
                                   "at": utcnow()}, pk=("run_id", "source_id"))

    def touch_article(self, source_id: str, url: str, run_id: int) -> str:
        """An article page answered 304: seen this run, content unchanged; "merged" when seen already."""
        self.db.execute("UPDATE pages SET run_id = ?, checked_at = ? WHERE url = ?", [run_id, utcnow(), url])
        row = self.db.execute("SELECT last_run FROM articles WHERE source_id = ? AND state = 'live'",
                              [source_id]).fetchone()
        if row is None:
            return "missing"
        if row[0] == run_id:
            return "merged"
        self.db.execute("UPDATE articles SET last_run = ? WHERE source_id = ?", [run_id, source_id])
        return "unchanged"

    def mark_gone(self, url: str, status: int, run_id: int) -> str | None:
        """The canonical URL of an article answered 404/410: keep a tombstone with the evidence.

        Returns "gone" (new tombstone), "still-gone", or None when the URL is no article's (or the
        article was seen live earlier in this run).
        """
        row = self.db.execute("SELECT source_id, state, last_run FROM articles WHERE url = ?", [url]).fetchone()
        if row is None or row[2] == run_id:
            return None
        if row[1] == "gone":
            return "still-gone"
        self.db["articles"].update(row[0], {"state": "gone", "gone_at": utcnow(),
                                            "gone_reason": f"http-{status} at {url} in run {run_id}"})
        self.record_change(run_id, row[0], url, "gone")
        return "gone"

    def run_report(self, run_id: int) -> dict[str, Any]:
        """What a run changed: ``{"new": [urls], "updated": [urls], "gone": [urls], "unchanged": N}``."""
        report: dict[str, Any] = {"new": [], "updated": [], "gone": []}
        for change, url in self.db.execute("SELECT change, url FROM changes WHERE run_id = ? ORDER BY url", [run_id]):
            report.setdefault(change, []).append(url)
        report["unchanged"] = self.db.execute(
            "SELECT count(*) FROM articles WHERE last_run = ? AND state = 'live' AND source_id NOT IN "
            "(SELECT source_id FROM changes WHERE run_id = ?)", [run_id, run_id]).fetchone()[0]
        return report

    def run_totals(self, run_id: int) -> dict[str, int]:
        """A run's counts from what it stored (every part of a resumed run), as crawl stats keys: live
        articles it saw, new / updated ones, errors by reason."""
        one = self.db.execute
        totals = {"migrator/articles": one("SELECT count(*) FROM articles WHERE last_run = ? AND state = 'live'",
                                           [run_id]).fetchone()[0]}
        for change in ("new", "updated"):
            totals[f"migrator/articles/{change}"] = one(
                "SELECT count(*) FROM changes c JOIN articles a USING (source_id) WHERE c.run_id = ? "
                "AND c.change = ? AND a.state = 'live'", [run_id, change]).fetchone()[0]
        for reason, count in one("SELECT reason, sum(count) FROM errors WHERE run_id = ? GROUP BY reason", [run_id]):
            totals[f"migrator/errors/{reason}"] = int(count)
        return totals

    def status(self, runs: int = 10) -> dict[str, Any]:
        """Articles by state, the last runs with their change counts, errors of the last run by reason."""
        states = dict(self.db.execute("SELECT state, count(*) FROM articles GROUP BY state ORDER BY state").fetchall())
        last = self.runs(runs)
        for run in last:
            run["changes"] = dict(self.db.execute(
                "SELECT change, count(*) FROM changes WHERE run_id = ? GROUP BY change", [run["id"]]).fetchall())
        errors = []
        if last:
            errors = self.db.execute(
                "SELECT reason, sum(count), count(*) FROM errors WHERE run_id = ? GROUP BY reason "
                "ORDER BY sum(count) DESC", [last[0]["id"]]).fetchall()
        types = self.db.execute(
            "SELECT COALESCE(NULLIF(type, ''), '(none)'), count(*), min(url) FROM articles WHERE state = 'live' "
            "GROUP BY 1 ORDER BY count(*) DESC, 1").fetchall()
        withdrawn: dict[str, list[str]] = {}
        for row in self.withdrawals():
            withdrawn.setdefault(row["reason"], []).append(row["url"])
        validators = list(self.db["site_validators"].rows_where(order_by="host"))
        return {"articles": states, "runs": last, "errors": [tuple(e) for e in errors],
                "types": [tuple(t) for t in types], "withdrawn": withdrawn, "validators": validators}

    # -- writes -------------------------------------------------------------------------------

    def save_page(self, page: RawPage, run_id: int) -> None:
        """Keep the raw bytes (compressed) so cleaning can be re-run offline."""
        self.db["pages"].upsert({
            "url": page.url, "request_url": page.request_url, "status": page.status,
            "headers": json.dumps(page.headers, ensure_ascii=False), "body": zlib.compress(page.body, RAW_LEVEL),
            "fetched_at": page.fetched_at, "encoding": page.encoding, "encoding_source": page.encoding_source,
            "encoding_evidence": json.dumps(page.encoding_evidence or {}), "kind": page.kind,
            "source_id": page.source_id, "run_id": run_id, "checked_at": page.fetched_at,
        }, pk="url")

    def save_article(self, article: Article, run_id: int, alias_rules: Iterable[re.Pattern[str]] = ()) -> str:
        """Upsert one article; returns "new", "updated", "unchanged" or "merged".

        The same article seen under several URLs keeps the best-ranked URL as canonical
        and records the others as aliases.
        """
        rules = tuple(alias_rules)
        table = self.db["articles"]
        existing = self._get(table, article.source_id)
        urls = {article.url, *article.aliases}
        if existing:
            urls.add(existing["url"])
        canonical = min(urls, key=lambda u: url_rank(u, rules))
        record = article.to_record()
        digest = record["content_hash"]
        row = {
            "source_id": article.source_id, "url": canonical, "title": article.title,
            "published_at": article.published_at, "published_raw": article.published_raw,
            "updated_at": article.updated_at, "author": article.author,
            "tags": _dumps(article.tags), "sources": _dumps(article.sources), "images": _dumps(article.images),
            "attachments": _dumps(article.attachments), "body_html": article.body_html, "body_text": article.body_text,
            "comments": _dumps(record["comments"]), "comment_count": len(article.comments),
            "content_hash": digest, "fetched_at": article.fetched_at, "profile": article.profile,
            "type": type_at(article.type, article.url, canonical), "state": "live", "last_run": run_id, "gone_at": None, "gone_reason": None,
        }
        if existing is None:
            outcome = "new"
            row.update(first_run=run_id, changed_run=run_id)
        elif existing["last_run"] == run_id and (existing["content_hash"] == digest
                                                 or existing["changed_run"] == run_id):
            outcome = "merged"  # the same article again this run, under another URL (a 304, then an edit: updated)
        elif existing["content_hash"] != digest or existing["state"] != "live":
            outcome = "updated"
            row["changed_run"] = run_id
            self._keep_version(existing, run_id)
        else:
            outcome = "unchanged"
        table.upsert(row, pk="source_id")
        if outcome in ("new", "updated"):
            self.record_change(run_id, article.source_id, canonical, outcome)
        elif outcome == "merged":  # the canonical URL may have moved to a better-ranked one
            self.db.execute("UPDATE changes SET url = ? WHERE run_id = ? AND source_id = ?",
                            [canonical, run_id, article.source_id])
        self._save_comments(article.source_id, record["comments"])
        self.add_aliases(article.source_id, urls, "seen", run_id)
        return outcome

    def _keep_version(self, row: dict[str, Any], replaced_run: int) -> None:
        """Keep an article row's content before ``replaced_run`` overwrites it (once per run)."""
        record = _record({**row, "alias_list": "[]"})
        self.db["versions"].upsert({"source_id": row["source_id"], "run_id": row["changed_run"],
                                    "replaced_run": replaced_run, "record": _dumps(record)},
                                   pk=("source_id", "replaced_run"))

    def _save_comments(self, source_id: str, comments: list[dict[str, Any]]) -> None:
        self.db.execute("DELETE FROM comments WHERE source_id = ?", [source_id])
        if comments:
            self.db["comments"].insert_all(
                ({"source_id": source_id, "position": i, **c} for i, c in enumerate(comments)),
                pk=("source_id", "position"),
            )

    def add_aliases(self, source_id: str, urls: Iterable[str], how: str, run_id: int) -> None:
        """Record URLs that serve (or name) an article; the first claim on a URL wins."""
        self.db["aliases"].insert_all(
            ({"url": u, "source_id": source_id, "how": how, "first_run": run_id} for u in urls),
            pk="url", ignore=True,
        )

    def record_error(self, run_id: int, url: str, reason: str, detail: str = "") -> None:
        """One row per (run, url, reason); repeats count up instead of piling up."""
        self.db.execute(
            "INSERT INTO errors (run_id, url, reason, detail, at, count) VALUES (?, ?, ?, ?, ?, 1) "
            "ON CONFLICT (run_id, url, reason) DO UPDATE SET count = count + 1, detail = excluded.detail",
            [run_id, url, reason, detail[:2000], utcnow()],
        )

    def save_boilerplate(self, learned: dict[str, int], total: int, run_id: int) -> None:
        """Record repeated blocks found this run (with page counts); earlier findings stay, since bodies
        already cleaned of a block no longer show it."""
        for text, pages in learned.items():
            row = self.db.execute("SELECT url FROM articles WHERE state = 'live' AND instr(body_text, ?) LIMIT 1",
                                  [text[:200]]).fetchone()
            known = self.db.execute("SELECT pages, share, run_id FROM (SELECT pages, share, learned_run AS run_id "
                                    "FROM boilerplate WHERE text = ?)", [text]).fetchone()
            share = round(pages / max(total, 1), 4)
            if known and known[2] == run_id and known[0] >= pages:
                continue  # the same block in another template this run: keep its larger count
            self.db["boilerplate"].upsert({"text": text, "pages": pages, "share": share,
                                           "sample_url": row[0] if row else None, "learned_run": run_id}, pk="text")

    def demote(self, source_id: str, run_id: int, reason: str, older: bool = False) -> bool:
        """Withdraw a record first created by this run (or, ``older``, by any: ``migrator reclean``) that turned
        out not to be an article."""
        row = self._get(self.db["articles"], source_id)
        if row is None or (row["first_run"] != run_id and not older):
            return False
        self.db.execute("DELETE FROM articles WHERE source_id = ?", [source_id])
        self.db.execute("DELETE FROM comments WHERE source_id = ?", [source_id])
        self.db.execute("DELETE FROM aliases WHERE source_id = ?", [source_id])
        self.db.execute("DELETE FROM changes WHERE source_id = ? AND run_id = ?", [source_id, run_id])
        self.db.execute("UPDATE pages SET kind = 'listing' WHERE source_id = ? OR url = ?", [source_id, row["url"]])
        self.record_withdrawal(row["url"], source_id, reason, run_id)
        return True

    def record_withdrawal(self, url: str, source_id: str | None, reason: str, run_id: int) -> None:
        """One page a heuristic kept from the records, with why (``migrator status`` lists them)."""
        self.db["withdrawals"].upsert({"url": url, "source_id": source_id, "reason": reason, "run_id": run_id,
                                       "at": utcnow()}, pk=("run_id", "url"))

    def undo_withdrawal(self, url: str, run_id: int) -> None:
        """A page withdrawn earlier in this run turned out to be an article after all."""
        self.db.execute("DELETE FROM withdrawals WHERE url = ? AND run_id = ?", [url, run_id])

    def withdrawals(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """The withdrawals of one run (default: the latest run that has any), by URL."""
        if run_id is None:
            row = self.db.execute("SELECT max(run_id) FROM withdrawals").fetchone()
            run_id = row[0] if row else None
        return list(self.db["withdrawals"].rows_where("run_id = ?", [run_id], order_by="reason, url"))

    def boilerplate(self) -> dict[str, int]:
        return {r["text"]: r["pages"] for r in self.db["boilerplate"].rows}

    def bodies(self, profile: str | None = None) -> Iterator[tuple[str, str]]:
        """(source_id, body_html) of every live article (of one extraction profile), streamed."""
        sql = "SELECT source_id, body_html FROM articles WHERE state = 'live'"
        args = [] if profile is None else [profile]
        yield from self.db.conn.execute(sql + (" AND profile = ?" if profile is not None else ""), args)

    def body_texts(self, profile: str) -> Iterator[tuple[str, str]]:
        """(source_id, body_text) of every live article of one extraction profile, streamed."""
        sql = "SELECT source_id, body_text FROM articles WHERE state = 'live' AND profile = ?"
        for source_id, text in self.db.conn.execute(sql, [profile]):
            yield source_id, text or ""

    def body_text(self, source_id: str) -> str | None:
        """The body text of a live article."""
        row = self.db.execute("SELECT body_text FROM articles WHERE source_id = ? AND state = 'live'",
                              [source_id]).fetchone()
        return row[0] if row else None

    def profiles(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT profile FROM articles WHERE state = 'live'")]

    def rewrite_body(self, source_id: str, body_html: str, body_text: str) -> None:
        """Replace an article's body after an offline cleaning pass; the content hash follows."""
        row = self._get(self.db["articles"], source_id)
        if row is None:
            return
        record = _record({**row, "alias_list": "[]", "body_html": body_html, "body_text": body_text})
        self.db["articles"].update(source_id, {"body_html": body_html, "body_text": body_text,
                                               "content_hash": content_hash(record)})

    # -- reads --------------------------------------------------------------------------------

    @staticmethod
    def _get(table: Any, pk: str) -> dict[str, Any] | None:
        rows = list(table.rows_where("source_id = ?", [pk], limit=1))
        return rows[0] if rows else None

    def article_count(self, state: str = "live") -> int:
        return self.db.execute("SELECT count(*) FROM articles WHERE state = ?", [state]).fetchone()[0]

    def records(self, state: str = "live", types: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
        """Exported records (of some content types only, when given), streamed in ``url`` order, with exactly
        the keys of design.md."""
        wanted = list(types)
        if wanted:
            marks = ", ".join("?" for _ in wanted)
            yield from self._records(f"state = ? AND type IN ({marks}) ORDER BY url", [state, *wanted])
        else:
            yield from self._records("state = ? ORDER BY url", [state])

    def record(self, source_id: str) -> dict[str, Any] | None:
        """The live record of one article, or None."""
        return next(self._records("source_id = ? AND state = 'live'", [source_id]), None)

    def _records(self, where: str, args: list[Any]) -> Iterator[dict[str, Any]]:
        sql = (
            "SELECT a.*, (SELECT json_group_array(url) FROM (SELECT url FROM aliases "
            "WHERE source_id = a.source_id AND url != a.url ORDER BY url)) AS alias_list "
            f"FROM articles a WHERE {where}"
        )
        cursor = self.db.conn.execute(sql, args)
        columns = [d[0] for d in cursor.description]
        for values in cursor:
            yield _record(dict(zip(columns, values)))

    def records_at(self, run_id: int) -> Iterator[dict[str, Any]]:
        """Records as they were after run ``run_id``: the articles live then, with the content and the
        aliases they had then (the change log gives each article's state, ``versions`` its older content)."""
        live_then = self.db.conn.execute(
            "SELECT c.source_id FROM changes c WHERE c.run_id = (SELECT max(run_id) FROM changes "
            "WHERE source_id = c.source_id AND run_id <= ?) AND c.change != 'gone' ORDER BY c.url", [run_id])
        for (source_id,) in live_then.fetchall():
            row = self.db.execute("SELECT record FROM versions WHERE source_id = ? AND replaced_run > ? "
                                  "ORDER BY replaced_run LIMIT 1", [source_id, run_id]).fetchone()
            record = json.loads(row[0]) if row else next(self._records("source_id = ?", [source_id]), None)
            if record is None:
                continue
            record["aliases"] = [u for (u,) in self.db.execute(
                "SELECT url FROM aliases WHERE source_id = ? AND first_run <= ? AND url != ? ORDER BY url",
                [source_id, run_id, record["url"]])]
            yield record

    def errors(self, run_id: int | None = None) -> list[dict[str, Any]]:
        where, args = ("run_id = ?", [run_id]) if run_id is not None else (None, [])
        return list(self.db["errors"].rows_where(where, args, order_by="reason, url"))

    def page_body(self, url: str) -> bytes | None:
        rows = list(self.db["pages"].rows_where("url = ?", [url], select="body"))
        return zlib.decompress(rows[0]["body"]) if rows else None

    def close(self) -> None:
        self.db.close()
        _writers.discard(self)

    def abandon(self) -> None:
        """Roll back this store's open transaction, when the calling thread owns the connection (a process
        about to exit at once: see :func:`mark_run`); the store must not be written again."""
        conn = self.db.conn
        try:
            if conn.in_transaction:
                conn.rollback()
        except sqlite3.Error:  # another thread's connection (sqlite3 refuses it), or already closed
            pass

    # -- reads for exports, redirect maps and media (cut-over) ---------------------------------

    def find_article(self, url: str) -> str | None:
        """The source id of the live article served at ``url`` (canonical or alias), or None."""
        row = self.db.execute(
            "SELECT a.source_id FROM articles a WHERE a.url = ? AND a.state = 'live' UNION ALL "
            "SELECT a.source_id FROM aliases x JOIN articles a ON a.source_id = x.source_id "
            "WHERE x.url = ? AND a.state = 'live' LIMIT 1", [url, url]).fetchone()
        return row[0] if row else None

    def profile_of(self, source_id: str) -> str | None:
        """The extraction profile (``drupal6``, ``generic``) a live article was read with."""
        row = self.db.execute("SELECT profile FROM articles WHERE source_id = ? AND state = 'live'",
                              [source_id]).fetchone()
        return row[0] if row else None

    def article_head(self, source_id: str) -> dict[str, Any] | None:
        """``url``, ``source_id``, ``title``, ``published_at`` of a live article: enough for its new URL."""
        row = self.db.execute("SELECT url, source_id, title, published_at FROM articles "
                              "WHERE source_id = ? AND state = 'live'", [source_id]).fetchone()
        return dict(zip(("url", "source_id", "title", "published_at"), row)) if row else None

    def old_urls(self) -> Iterator[tuple[str, str, str]]:
        """(old URL, source id, "canonical" or "alias") of every live article, streamed by URL."""
        yield from self.db.conn.execute(
            "SELECT url, source_id, 'canonical' FROM articles WHERE state = 'live' UNION "
            "SELECT x.url, x.source_id, 'alias' FROM aliases x JOIN articles a ON a.source_id = x.source_id "
            "WHERE a.state = 'live' AND x.url != a.url ORDER BY 1")

    def distinct_terms(self) -> list[str]:
        """Every tag of a live article, sorted."""
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT j.value FROM articles a, json_each(a.tags) j WHERE a.state = 'live' ORDER BY 1")]

    def distinct_authors(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT author FROM articles WHERE state = 'live' AND author IS NOT NULL ORDER BY 1")]

    def media_urls(self, kinds: tuple[str, ...] = ("image", "attachment")) -> Iterator[tuple[str, str]]:
        """(URL, kind) of every image and attached file of a live article, once each, streamed by URL.

        A URL both shown as an image and attached counts as an image: one file, one manifest row.
        """
        parts = [f"SELECT j.value AS url, '{kind}' AS kind FROM articles a, json_each({column}) j "
                 "WHERE a.state = 'live'"
                 for kind, column in (("image", "a.images"), ("attachment", "COALESCE(a.attachments, '[]')"))
                 if kind in kinds]
        sql = f"SELECT url, MAX(kind) FROM ({' UNION '.join(parts)}) GROUP BY url ORDER BY url"
        for row in self.db.conn.execute(sql):
            yield row[0], row[1]

    # -- learned rules and offline re-cleaning (issue 3) ---------------------------------------

    def boilerplate_rows(self) -> list[dict[str, Any]]:
        """Every learned repeated block with its evidence (pages, share, sample URL), most frequent first."""
        return list(self.db["boilerplate"].rows_where(order_by="pages desc, text"))

    def save_templates(self, rows: Iterable[dict[str, Any]], run_id: int) -> None:
        """Replace the learned templates: each learning pass sees the whole corpus, so its findings are the
        current truth (rows: ``xpath``, ``skeleton`` as a list, ``pages``, ``agreeing``)."""
        self.db.execute("DELETE FROM templates")
        for row in rows:
            self.db["templates"].upsert({**row, "skeleton": _dumps(sorted(row["skeleton"])), "learned_run": run_id,
                                         "fields": _dumps(row.get("fields") or {})}, pk=("xpath", "skeleton"))

    def template_rows(self) -> list[dict[str, Any]]:
        """The learned templates, most pages first, ``skeleton`` parsed."""
        rows = list(self.db["templates"].rows_where(order_by="pages desc, xpath"))
        return [{**row, "skeleton": json.loads(row["skeleton"]), "fields": json.loads(row.get("fields") or "{}")}
                for row in rows]

    def sample_url(self, text: str) -> str | None:
        """The URL of a live article whose body text holds ``text``, or None."""
        row = self.db.execute("SELECT url FROM articles WHERE state = 'live' AND instr(body_text, ?) LIMIT 1",
                              [text[:200]]).fetchone()
        return row[0] if row else None

    def last_run(self, commands: tuple[str, ...] = ("crawl", "sync")) -> dict[str, Any] | None:
        """The latest run of one of ``commands``, with ``options`` and ``stats`` parsed."""
        marks = ", ".join("?" for _ in commands)
        rows = list(self.db["runs"].rows_where(f"command IN ({marks})", list(commands), order_by="id desc", limit=1))
        if not rows:
            return None
        run = rows[0]
        run["options"] = json.loads(run["options"] or "{}")
        run["stats"] = json.loads(run["stats"] or "{}")
        return run

    def stored_pages(self, profile: str | None = None) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """(live article row, its stored page) for every live article (of one extraction profile) whose raw
        page was kept.

        The page is the one at the article's canonical URL when kept, else one of its aliases';
        ``body`` comes decompressed, ``headers`` parsed.
        """
        sql = ("SELECT p.url, p.status, p.headers, p.body, p.fetched_at, p.encoding FROM pages p "
               "WHERE p.status = 200 AND p.kind = 'article' AND (p.url = ? OR p.url IN "
               "(SELECT url FROM aliases WHERE source_id = ?)) ORDER BY p.url = ? DESC, length(p.url), p.url LIMIT 1")
        where, args = ("state = 'live'", []) if profile is None else ("state = 'live' AND profile = ?", [profile])
        ids = [r[0] for r in self.db.execute(f"SELECT source_id FROM articles WHERE {where} ORDER BY url", args)]
        for source_id in ids:  # the ids up front, each row when its turn comes: a site's bodies are never all held
            article = self._get(self.db["articles"], source_id)
            found = self.db.execute(sql, [article["url"], source_id, article["url"]]).fetchone() if article else None
            if found is None:
                continue
            page = dict(zip(("url", "status", "headers", "body", "fetched_at", "encoding"), found))
            page["body"] = zlib.decompress(page["body"])
            page["headers"] = json.loads(page["headers"] or "{}")
            yield article, page

    def unrecorded_pages(self) -> Iterator[dict[str, Any]]:
        """Stored 200 pages that became no record (other, listing), one at a time, ``body`` decompressed."""
        urls = [u for (u,) in self.db.execute(
            "SELECT url FROM pages WHERE status = 200 AND kind IN ('other', 'listing') ORDER BY url").fetchall()]
        for url in urls:
            page = self.page(url)
            if page is not None:
                yield page

    def html_pages(self) -> Iterator[dict[str, Any]]:
        """Stored 200 pages in the order they were first stored, one at a time (see :meth:`page`)."""
        urls = [u for (u,) in self.db.execute("SELECT url FROM pages WHERE status = 200 ORDER BY rowid").fetchall()]
        for url in urls:
            page = self.page(url)
            if page is not None:
                yield page

    def page(self, url: str) -> dict[str, Any] | None:
        """One stored page (``url``, ``status``, ``headers`` parsed, ``body`` decompressed, ``fetched_at``,
        ``encoding``), or None."""
        found = self.db.execute("SELECT url, status, headers, body, fetched_at, encoding FROM pages WHERE url = ?",
                                [url]).fetchone()
        if found is None:
            return None
        page = dict(zip(("url", "status", "headers", "body", "fetched_at", "encoding"), found))
        page["body"] = zlib.decompress(page["body"])
        page["headers"] = json.loads(page["headers"] or "{}")
        return page

    def mark_page(self, url: str, kind: str, source_id: str | None) -> None:
        """What a stored page turned out to be after an offline pass."""
        self.db.execute("UPDATE pages SET kind = ?, source_id = ? WHERE url = ?", [kind, source_id, url])

    def update_content(self, source_id: str, article: Article, run_id: int) -> bool:
        """Replace a live article's content fields after an offline re-cleaning; URL, aliases and run
        bookkeeping stay. True (and an "updated" change for ``run_id``) when the content hash changed (a
        change of markup alone is written without one);
        an article this run created stays "new" (its regions were learned at the end of the same run)."""
        row = self._get(self.db["articles"], source_id)
        record = article.to_record()
        if row is None:
            return False
        if row["content_hash"] == record["content_hash"]:
            if row["body_html"] != article.body_html:  # the same content in other markup: no edit to report
                self.db["articles"].update(source_id, {"body_html": article.body_html})
            if (row.get("type") or "") != article.type:  # a database from before types: no edit either
                self.db["articles"].update(source_id, {"type": article.type})
            return False
        self._keep_version(row, run_id)
        self.db["articles"].update(source_id, {
            "title": article.title, "published_at": article.published_at, "published_raw": article.published_raw,
            "updated_at": article.updated_at, "author": article.author, "tags": _dumps(article.tags),
            "sources": _dumps(article.sources), "images": _dumps(article.images), "body_html": article.body_html,
            "attachments": _dumps(article.attachments), "body_text": article.body_text,
            "comments": _dumps(record["comments"]),
            "comment_count": len(article.comments), "content_hash": record["content_hash"], "changed_run": run_id,
            "type": article.type,
        })
        self._save_comments(source_id, record["comments"])
        self.record_change(run_id, source_id, row["url"], "new" if row["first_run"] == run_id else "updated")
        return True


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _record(row: dict[str, Any]) -> dict[str, Any]:
    record = {
        "url": row["url"], "aliases": json.loads(row["alias_list"] or "[]"), "source_id": row["source_id"],
        "title": row["title"], "published_at": row["published_at"], "updated_at": row["updated_at"],
        "author": row["author"], "tags": json.loads(row["tags"]), "sources": json.loads(row["sources"]),
        "images": json.loads(row["images"]), "body_html": row["body_html"], "body_text": row["body_text"],
        "comments": json.loads(row["comments"]), "type": row.get("type") or "", "content_hash": row["content_hash"],
        "fetched_at": row["fetched_at"],
    }
    assert tuple(record) == EXPORT_KEYS
    return record


__all__ = ["Store", "RawPage", "utcnow", "content_hash"]
