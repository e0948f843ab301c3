"""The SQLite store: raw pages, articles, comments, aliases, a runs ledger and errors.

Every write is an upsert keyed on a stable id, so running the same migration twice leaves
the same rows. Writes are grouped into short transactions by the caller (``with store.batch():``).
"""
from __future__ import annotations

import json
import re
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

from migrator.errors import StoreError
from migrator.record import EXPORT_KEYS, Article, content_hash
from migrator.urls import url_rank

SCHEMA_VERSION = 1


def utcnow() -> str:
    """Now, as ISO 8601 UTC with seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


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

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (run `migrator crawl` first)")
        try:
            self.db = sqlite_utils.Database(self.path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=5000")
        except Exception as exc:  # sqlite3.DatabaseError: not a database, unreadable
            raise StoreError(f"{self.path}: cannot open database: {exc}") from exc
        self._ensure_schema()
        self._depth = 0

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
                "kind": str, "source_id": str, "run_id": int,
            }, pk="url")
            db["pages"].create_index(["source_id"])
        if "articles" not in db.table_names():
            db["articles"].create({
                "source_id": str, "url": str, "title": str, "published_at": str, "published_raw": str,
                "updated_at": str, "author": str, "tags": str, "sources": str, "images": str,
                "body_html": str, "body_text": str, "comments": str, "comment_count": int,
                "content_hash": str, "fetched_at": str, "profile": str, "state": str,
                "first_run": int, "last_run": int, "changed_run": int, "gone_at": str, "gone_reason": str,
            }, pk="source_id")
            db["articles"].create_index(["url"])
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
            self.db["runs"].update(run_id, {
                "finished_at": utcnow(), "status": status, "stats": json.dumps(stats, default=str),
                "pages": int(stats.get("pages", 0)), "articles": int(stats.get("articles", 0)),
                "errors": int(stats.get("errors", 0)),
            })

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        return list(self.db["runs"].rows_where(order_by="id desc", limit=limit))

    # -- writes -------------------------------------------------------------------------------

    def save_page(self, page: RawPage, run_id: int) -> None:
        """Keep the raw bytes (compressed) so cleaning can be re-run offline."""
        self.db["pages"].upsert({
            "url": page.url, "request_url": page.request_url, "status": page.status,
            "headers": json.dumps(page.headers, ensure_ascii=False), "body": zlib.compress(page.body, 6),
            "fetched_at": page.fetched_at, "encoding": page.encoding, "encoding_source": page.encoding_source,
            "encoding_evidence": json.dumps(page.encoding_evidence or {}), "kind": page.kind,
            "source_id": page.source_id, "run_id": run_id,
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
            "body_html": article.body_html, "body_text": article.body_text,
            "comments": _dumps(record["comments"]), "comment_count": len(article.comments),
            "content_hash": digest, "fetched_at": article.fetched_at, "profile": article.profile,
            "state": "live", "last_run": run_id, "gone_at": None, "gone_reason": None,
        }
        if existing is None:
            outcome = "new"
            row.update(first_run=run_id, changed_run=run_id)
        elif existing["last_run"] == run_id:
            outcome = "merged"  # the same article again this run, under another URL
        elif existing["content_hash"] != digest or existing["state"] != "live":
            outcome = "updated"
            row["changed_run"] = run_id
        else:
            outcome = "unchanged"
        table.upsert(row, pk="source_id")
        self._save_comments(article.source_id, record["comments"])
        self.add_aliases(article.source_id, urls, "seen", run_id)
        return outcome

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
            self.db["boilerplate"].upsert({"text": text, "pages": pages, "share": round(pages / max(total, 1), 4),
                                           "sample_url": row[0] if row else None, "learned_run": run_id}, pk="text")

    def boilerplate(self) -> dict[str, int]:
        return {r["text"]: r["pages"] for r in self.db["boilerplate"].rows}

    def bodies(self) -> Iterator[tuple[str, str]]:
        """(source_id, body_html) of every live article, streamed."""
        yield from self.db.conn.execute("SELECT source_id, body_html FROM articles WHERE state = 'live'")

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

    def records(self, state: str = "live") -> Iterator[dict[str, Any]]:
        """Exported records, streamed in ``url`` order, with exactly the keys of design.md."""
        sql = (
            "SELECT a.*, (SELECT json_group_array(url) FROM (SELECT url FROM aliases "
            "WHERE source_id = a.source_id AND url != a.url ORDER BY url)) AS alias_list "
            "FROM articles a WHERE state = ? ORDER BY url"
        )
        cursor = self.db.conn.execute(sql, [state])
        columns = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(columns, values))
            yield _record(row)

    def errors(self, run_id: int | None = None) -> list[dict[str, Any]]:
        where, args = ("run_id = ?", [run_id]) if run_id is not None else (None, [])
        return list(self.db["errors"].rows_where(where, args, order_by="reason, url"))

    def page_body(self, url: str) -> bytes | None:
        rows = list(self.db["pages"].rows_where("url = ?", [url], select="body"))
        return zlib.decompress(rows[0]["body"]) if rows else None

    def close(self) -> None:
        self.db.close()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _record(row: dict[str, Any]) -> dict[str, Any]:
    record = {
        "url": row["url"], "aliases": json.loads(row["alias_list"] or "[]"), "source_id": row["source_id"],
        "title": row["title"], "published_at": row["published_at"], "updated_at": row["updated_at"],
        "author": row["author"], "tags": json.loads(row["tags"]), "sources": json.loads(row["sources"]),
        "images": json.loads(row["images"]), "body_html": row["body_html"], "body_text": row["body_text"],
        "comments": json.loads(row["comments"]), "content_hash": row["content_hash"],
        "fetched_at": row["fetched_at"],
    }
    assert tuple(record) == EXPORT_KEYS
    return record


__all__ = ["Store", "RawPage", "utcnow", "content_hash"]
