"""Raw pages: the bytes each fetch brought, kept so cleaning can run again offline and revisits ask conditionally."""
from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import Counter
from typing import Iterator

from migrator.store.database import Database, utcnow
from migrator.store.rows import RawPage, StoredArticle, StoredPage
from migrator.urls import site_root

#: The kinds of the stored pages that became no record, whose reason is kept.
SKIPPED_KINDS = frozenset({"listing", "other"})
#: The reason shown for a skipped page stored before ``pages.reason`` existed.
NO_REASON = "(no reason: stored before reasons were kept)"


def reason_group(reason: str | None) -> str:
    """A skip reason without its numbers ("listing: uCoz list of 12 entries" -> "listing: uCoz list of N
    entries"), so the pages of one rule count together."""
    return re.sub(r"\d+", "N", reason) if reason else NO_REASON


#: zlib level of stored raw pages: level 1 is ~4x faster than 6 and ~15% larger on HTML.
RAW_LEVEL = 1


class Pages(Database):
    """``pages``: one row per URL, the body compressed."""

    def save_page(self, page: RawPage, run_id: int) -> None:
        """Keep the raw bytes (compressed) so cleaning can be re-run offline."""
        self.upsert("pages", {
            "url": page.url, "request_url": page.request_url, "status": page.status,
            "headers": json.dumps(page.headers, ensure_ascii=False), "body": zlib.compress(page.body, RAW_LEVEL),
            "fetched_at": page.fetched_at, "encoding": page.encoding, "encoding_source": page.encoding_source,
            "encoding_evidence": json.dumps(page.encoding_evidence or {}), "kind": page.kind,
            "source_id": page.source_id, "run_id": run_id, "checked_at": page.fetched_at,
            "body_sha256": hashlib.sha256(page.body).hexdigest(),
            "reason": page.reason if page.kind in SKIPPED_KINDS else None,
        }, "url")

    def page(self, url: str) -> StoredPage | None:
        """One stored page, or None."""
        found = self.db.execute(f"SELECT {StoredPage.COLUMNS} FROM pages WHERE url = ?", [url]).fetchone()
        return StoredPage.from_row(found) if found else None

    def page_body(self, url: str) -> bytes | None:
        found = self.db.execute("SELECT body FROM pages WHERE url = ?", [url]).fetchone()
        return zlib.decompress(found[0]) if found else None

    def page_headers(self, url: str) -> dict[str, str]:
        """The response headers a stored page came with (none when it is not stored)."""
        found = self.db.execute("SELECT headers FROM pages WHERE url = ?", [url]).fetchone()
        return json.loads(found[0] if found and found[0] else "{}")

    def page_kind(self, url: str) -> str | None:
        """What a stored page was taken for (article, listing, other), None when it is not stored."""
        found = self.db.execute("SELECT kind FROM pages WHERE url = ?", [url]).fetchone()
        return found[0] if found else None

    def serves_root(self, url: str) -> bool:
        """Whether the page stored at ``url`` holds the very bytes of its site's root page (``/``) as stored: the
        title page a static site's root serves, the front page under another URL."""
        root = site_root(url)
        return root != url and self.db.execute(
            "SELECT 1 FROM pages p JOIN pages r ON r.url = ? AND r.body_sha256 = p.body_sha256 WHERE p.url = ?",
            [root, url]).fetchone() is not None

    def root_copies(self, root: str) -> list[str]:
        """The URLs of the stored pages that hold the bytes of the root page stored at ``root``, but for it."""
        return [r[0] for r in self.db.execute(
            "SELECT p.url FROM pages p JOIN pages r ON r.url = ? AND r.body_sha256 = p.body_sha256 "
            "WHERE p.url != r.url ORDER BY p.url", [root])]

    def mark_page(self, url: str, kind: str, source_id: str | None, reason: str | None = None) -> None:
        """What a stored page turned out to be after an offline pass (a record's page keeps no skip reason)."""
        self.db.execute("UPDATE pages SET kind = ?, source_id = ?, reason = ? WHERE url = ?",
                        [kind, source_id, reason if kind in SKIPPED_KINDS else None, url])

    def skipped_reasons(self) -> list[tuple[str, str, int]]:
        """(kind, reason with its numbers as N, pages) of the stored 200 pages that became no record (listing,
        other), most first; a page stored before reasons were kept counts under :data:`NO_REASON`."""
        found: Counter[tuple[str, str]] = Counter()
        for kind, reason in self._skipped_rows():
            found[(kind, reason_group(reason))] += 1
        return [(kind, reason, n) for (kind, reason), n in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))]

    def skipped_urls(self, reason: str) -> list[str]:
        """The URLs of the stored pages skipped for ``reason``: as :meth:`skipped_reasons` groups it (numbers as
        N), or word for word."""
        sql = "SELECT url, reason FROM pages WHERE status = 200 AND kind IN ('listing', 'other') ORDER BY url"
        if "reason" not in self.db.table("pages").columns_dict:
            sql = sql.replace("reason FROM", "NULL FROM")
        return [url for url, found in self.db.execute(sql) if reason in (found, reason_group(found))]

    def _skipped_rows(self) -> Iterator[tuple[str, str | None]]:
        column = "reason" if "reason" in self.db.table("pages").columns_dict else "NULL"  # a read-only old file
        yield from self.db.execute(f"SELECT kind, {column} FROM pages WHERE status = 200 "
                                   "AND kind IN ('listing', 'other')")

    def claim_pages(self, source_id: str, url: str) -> None:
        """The raw pages an article was read from (at its URL or an alias of it) belong to it: revisits ask them
        conditionally."""
        self.db.execute("UPDATE pages SET source_id = ? WHERE source_id IS NULL AND (url = ? OR url IN "
                        "(SELECT url FROM aliases WHERE source_id = ?))", [source_id, url, source_id])

    def touch_page(self, url: str, run_id: int) -> None:
        """A page answered 304: checked by this run, its stored copy still current."""
        self.db.execute("UPDATE pages SET run_id = ?, checked_at = ? WHERE url = ?", [run_id, utcnow(), url])

    def stored_pages(self, profile: str | None = None) -> Iterator[tuple[StoredArticle, StoredPage]]:
        """(live article, its stored page) for every live article (of one extraction profile) whose raw page was
        kept, by URL.

        The page is the one at the article's canonical URL when kept, else one of its aliases'.
        """
        sql = (f"SELECT {StoredPage.COLUMNS} FROM pages p "
               "WHERE p.status = 200 AND p.kind = 'article' AND (p.url = ? OR p.url IN "
               "(SELECT url FROM aliases WHERE source_id = ?)) ORDER BY p.url = ? DESC, length(p.url), p.url LIMIT 1")
        where, args = ("state = 'live'", []) if profile is None else ("state = 'live' AND profile = ?", [profile])
        ids = [r[0] for r in self.db.execute(f"SELECT source_id FROM articles WHERE {where} ORDER BY url", args)]
        for source_id in ids:  # the ids up front, each row when its turn comes: a site's bodies are never all held
            row = self.db.execute(f"SELECT {StoredArticle.COLUMNS} FROM articles WHERE source_id = ?",
                                  [source_id]).fetchone()
            if row is None:
                continue
            article = StoredArticle(row[0], row[1], row[2], row[3], row[4] or "")
            found = self.db.execute(sql, [article.url, source_id, article.url]).fetchone()
            if found is not None:
                yield article, StoredPage.from_row(found)

    def unrecorded_pages(self) -> Iterator[StoredPage]:
        """Stored 200 pages that became no record (other, listing), one at a time."""
        yield from self._pages("SELECT url FROM pages WHERE status = 200 AND kind IN ('other', 'listing') ORDER BY url")

    def page_urls(self, kind: str) -> list[str]:
        """The URLs of the stored 200 pages of one kind ("listing", "other", "article")."""
        return [url for (url,) in self.db.execute("SELECT url FROM pages WHERE status = 200 AND kind = ? ORDER BY url",
                                                  [kind])]

    def html_pages(self) -> Iterator[StoredPage]:
        """Stored 200 pages in the order they were first stored, one at a time."""
        yield from self._pages("SELECT url FROM pages WHERE status = 200 ORDER BY rowid")

    def _pages(self, sql: str) -> Iterator[StoredPage]:
        for (url,) in self.db.execute(sql).fetchall():  # the URLs up front, each page when its turn comes
            page = self.page(url)
            if page is not None:
                yield page

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

