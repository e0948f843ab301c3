"""Articles and what hangs off them: comments, aliases, earlier versions, and the reads exports make."""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Iterator

from migrator.record import EXPORT_KEYS, Article, content_hash
from migrator.store.database import Database, dumps, utcnow
from migrator.store.rows import ArticleHead
from migrator.urls import copy_key, type_at, url_rank

#: Tables whose rows belong to an article by its ``source_id``.
_OWNED = ("comments", "aliases", "changes", "versions", "pages")


def content_columns(article: Article, record: dict[str, Any]) -> dict[str, Any]:
    """The article's content as ``articles`` columns: one mapping for a save and an update alike."""
    return {
        "title": article.title, "published_at": article.published_at, "published_raw": article.published_raw,
        "updated_at": article.updated_at, "author": article.author, "tags": dumps(article.tags),
        "sources": dumps(article.sources), "images": dumps(article.images),
        "attachments": dumps(article.attachments), "body_html": article.body_html, "body_text": article.body_text,
        "comments": dumps(record["comments"]), "comment_count": len(article.comments),
        "content_hash": record["content_hash"],
    }


class Articles(Database):
    """``articles`` with ``comments``, ``aliases``, ``versions``, ``changes`` and ``withdrawals``."""

    # -- writes -------------------------------------------------------------------------------

    def save_article(self, article: Article, run_id: int, alias_rules: Iterable[re.Pattern[str]] = ()) -> str:
        """Upsert one article; returns "new", "updated", "unchanged" or "merged".

        The same article seen under several URLs keeps the best-ranked URL as canonical
        and records the others as aliases; its content is the one read at the canonical URL (until that page
        is read, the first page's), never another page's. Where two pages each say they are the article's
        canonical page (``claim``), the one :func:`~migrator.urls.copy_key` prefers is: the newer engine's copy.
        """
        rules = tuple(alias_rules)
        existing = self._get("articles", article.source_id)
        urls = {article.url, *article.aliases}
        if existing:
            urls.add(existing["url"])
        canonical = min(urls, key=lambda u: url_rank(u, rules))
        if existing is not None and existing["state"] == "live" and existing["url"] != article.url \
                and article.claim is not None and existing.get("claim") is not None:
            # two pages that each say they are the article's own: the copy the site stands by (copy_key)
            canonical = min((existing["url"], existing["claim"]), (article.url, article.claim),
                            key=lambda c: copy_key(c[0], c[1], rules))[0]
        if existing is not None and existing["state"] == "live" and canonical == existing["url"] != article.url:
            # another page of a record known at its canonical URL: the content stays the one read there (or
            # first), whichever page a run fetches first, so that a run gives the same records every time
            self.db.execute("UPDATE articles SET last_run = ? WHERE source_id = ?", [run_id, article.source_id])
            self.add_aliases(article.source_id, urls, "seen", run_id)
            return "merged" if existing["last_run"] == run_id else "unchanged"
        record = article.to_record()
        digest = record["content_hash"]
        row = {
            "source_id": article.source_id, "url": canonical, **content_columns(article, record),
            "fetched_at": article.fetched_at, "profile": article.profile,
            # the claim of the page the content was read at, when that page is the record's URL
            "claim": article.claim if canonical == article.url else None,
            "type": type_at(article.type, article.url, canonical), "state": "live", "last_run": run_id,
            "gone_at": None, "gone_reason": None,
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
        self.upsert("articles", row, "source_id")
        if outcome in ("new", "updated"):
            self.record_change(run_id, article.source_id, canonical, outcome)
        elif outcome == "merged":  # the canonical URL may have moved to a better-ranked one
            self.db.execute("UPDATE changes SET url = ? WHERE run_id = ? AND source_id = ?",
                            [canonical, run_id, article.source_id])
        self._save_comments(article.source_id, record["comments"], [c.published_raw for c in article.comments])
        self.add_aliases(article.source_id, urls, "seen", run_id)
        return outcome

    def update_content(self, source_id: str, article: Article, run_id: int) -> bool:
        """Replace a live article's content fields after an offline re-cleaning; URL, aliases and run
        bookkeeping stay. True (and an "updated" change for ``run_id``) when the content hash changed (a
        change of markup alone is written without one);
        an article this run created stays "new" (its regions were learned at the end of the same run)."""
        row = self._get("articles", source_id)
        record = article.to_record()
        if row is None:
            return False
        if row["content_hash"] == record["content_hash"]:
            if row["body_html"] != article.body_html:  # the same content in other markup: no edit to report
                self.db.table("articles").update(source_id, {"body_html": article.body_html})
            if (row.get("type") or "") != article.type:  # a database from before types: no edit either
                self.db.table("articles").update(source_id, {"type": article.type})
            return False
        self._keep_version(row, run_id)
        self.db.table("articles").update(source_id, {**content_columns(article, record), "changed_run": run_id,
                                               "type": article.type})
        self._save_comments(source_id, record["comments"], [c.published_raw for c in article.comments])
        self.record_change(run_id, source_id, row["url"], "new" if row["first_run"] == run_id else "updated")
        return True

    def dating(self, source_id: str) -> tuple[str, str | None] | None:
        """(published_raw, profile) of a live article that has a publication date, else None."""
        row = self.db.execute("SELECT published_raw, profile FROM articles WHERE source_id = ? AND state = 'live' "
                              "AND coalesce(published_at, '') != ''", [source_id]).fetchone()
        return (row[0] or "", row[1]) if row else None

    def undate(self, source_id: str, run_id: int) -> None:
        """Take an article's publication date away (it was read from a text that dates other things: the front
        page's); the content hash follows, and a record an earlier run made keeps its version and is "updated"."""
        row = self._get("articles", source_id)
        if row is None:
            return
        record = _record({**row, "alias_list": "[]", "published_at": None})
        columns: dict[str, Any] = {"published_at": None, "published_raw": None, "content_hash": content_hash(record)}
        if row["first_run"] != run_id and row["changed_run"] != run_id:
            self._keep_version(row, run_id)
            columns["changed_run"] = run_id
            self.record_change(run_id, source_id, row["url"], "updated")
        self.db.table("articles").update(source_id, columns)

    def rewrite_body(self, source_id: str, body_html: str, body_text: str) -> None:
        """Replace an article's body after an offline cleaning pass; the content hash follows."""
        row = self._get("articles", source_id)
        if row is None:
            return
        record = _record({**row, "alias_list": "[]", "body_html": body_html, "body_text": body_text})
        self.db.table("articles").update(source_id, {"body_html": body_html, "body_text": body_text,
                                               "content_hash": content_hash(record)})

    def redate(self, source_id: str, published_at: str, run_id: int) -> bool:
        """Give a live article another ``published_at`` (its stamp read again in the site's order); the content
        hash follows, the change is the run's. True when it changed."""
        row = self._get("articles", source_id)
        if row is None or row["published_at"] == published_at:
            return False
        record = _record({**row, "alias_list": "[]", "published_at": published_at})
        self._keep_version(row, run_id)
        self.db.table("articles").update(source_id, {"published_at": published_at, "changed_run": run_id,
                                                     "content_hash": content_hash(record)})
        self.record_change(run_id, source_id, row["url"], "new" if row["first_run"] == run_id else "updated")
        return True

    def redate_comments(self, source_id: str, dates: dict[int, str], run_id: int) -> bool:
        """Give comments of a live article other dates (position -> ``published_at``: their stamps read again in
        the site's order); the article's content hash follows, the change is the run's. True when one changed."""
        row = self._get("articles", source_id)
        if row is None:
            return False
        comments = json.loads(row["comments"] or "[]")
        moved = {i: d for i, d in dates.items() if i < len(comments) and comments[i]["published_at"] != d}
        if not moved:
            return False
        for i, published_at in moved.items():
            comments[i]["published_at"] = published_at
            self.db.execute("UPDATE comments SET published_at = ? WHERE source_id = ? AND position = ?",
                            [published_at, source_id, i])
        record = _record({**row, "alias_list": "[]", "comments": dumps(comments)})
        self._keep_version(row, run_id)
        self.db.table("articles").update(source_id, {"comments": dumps(comments), "changed_run": run_id,
                                                     "content_hash": content_hash(record)})
        self.record_change(run_id, source_id, row["url"], "new" if row["first_run"] == run_id else "updated")
        return True

    def comment_stamps(self) -> list[tuple[str, int, str, str | None]]:
        """(source_id, position, published_raw, published_at) of every comment of a live article whose date was
        read from a printed stamp."""
        return [(r[0], r[1], r[2], r[3]) for r in self.db.execute(
            "SELECT c.source_id, c.position, c.published_raw, c.published_at FROM comments c JOIN articles a "
            "ON a.source_id = c.source_id WHERE a.state = 'live' AND c.published_raw IS NOT NULL "
            "ORDER BY c.source_id, c.position")]

    def stamps(self) -> list[tuple[str, str, str | None]]:
        """(source_id, published_raw, published_at) of every live article whose date was read from a stamp."""
        return [(r[0], r[1], r[2]) for r in self.db.execute(
            "SELECT source_id, published_raw, published_at FROM articles WHERE state = 'live' "
            "AND published_raw IS NOT NULL ORDER BY source_id")]

    def _keep_version(self, row: dict[str, Any], replaced_run: int) -> None:
        """Keep an article row's content before ``replaced_run`` overwrites it (once per run). Not for a record
        the same run made: no earlier run saw that content (``records_at`` reads versions of earlier runs only),
        and a crawl end that re-extracts every generic page would keep a second copy of each (77 MB over a
        3,000-page forum)."""
        if row["first_run"] == replaced_run:
            return
        record = _record({**row, "alias_list": "[]"})
        self.upsert("versions", {"source_id": row["source_id"], "run_id": row["changed_run"],
                                 "replaced_run": replaced_run, "record": dumps(record)}, ("source_id", "replaced_run"))

    def _save_comments(self, source_id: str, comments: list[dict[str, Any]], raws: list[str | None]) -> None:
        self.db.execute("DELETE FROM comments WHERE source_id = ?", [source_id])
        if comments:
            self.insert_rows("comments", [{"source_id": source_id, "position": i, **c, "published_raw": raw}
                                          for i, (c, raw) in enumerate(zip(comments, raws, strict=True))])

    def add_aliases(self, source_id: str, urls: Iterable[str], how: str, run_id: int) -> None:
        """Record URLs that serve (or name) an article; the first claim on a URL wins."""
        self.insert_rows("aliases", [{"url": u, "source_id": source_id, "how": how, "first_run": run_id} for u in urls],
                         ignore=True)

    def adopt_aliases(self, named: str, source_id: str) -> None:
        """AMP copies recorded as aliases of ``named`` (the id their post's URL names) before that post was read
        become aliases of its record ``source_id``, unless a record ``named`` stands (then they are its)."""
        self.db.execute("UPDATE OR IGNORE aliases SET source_id = ? WHERE source_id = ? AND how = 'amp' AND NOT EXISTS "
                        "(SELECT 1 FROM articles WHERE source_id = ?)", [source_id, named, named])

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
        self.db.table("articles").update(row[0], {"state": "gone", "gone_at": utcnow(),
                                            "gone_reason": f"http-{status} at {url} in run {run_id}"})
        self.record_change(run_id, row[0], url, "gone")
        return "gone"

    def demote(self, source_id: str, run_id: int, reason: str, older: bool = False) -> int:
        """Withdraw a record first created by this run (or, ``older``, by any: ``migrator reclean``) that turned
        out not to be an article; returns how many of its URLs were withdrawn (0: none, it stays)."""
        row = self._get("articles", source_id)
        if row is None or (row["first_run"] != run_id and not older):
            return 0
        # every stored page that served it (its URL, the aliases a run fetched): none of them is an article
        served = [url for (url,) in self.db.execute(
            "SELECT url FROM pages WHERE source_id = ? OR url = ? OR url IN "
            "(SELECT url FROM aliases WHERE source_id = ?)", [source_id, row["url"], source_id])]
        self.db.execute("DELETE FROM articles WHERE source_id = ?", [source_id])
        self.db.execute("DELETE FROM comments WHERE source_id = ?", [source_id])
        self.db.execute("DELETE FROM aliases WHERE source_id = ?", [source_id])
        self.db.execute("DELETE FROM changes WHERE source_id = ? AND run_id = ?", [source_id, run_id])
        withdrawn = sorted({row["url"], *served})
        for url in withdrawn:
            self.db.execute("UPDATE pages SET kind = 'listing', reason = ? WHERE url = ?",
                            [f"withdrawn: {reason}", url])
            self.record_withdrawal(url, source_id, reason, run_id)
        return len(withdrawn)

    def rename_record(self, old: str, new: str, run_id: int) -> bool:
        """Rename record ``old`` (if there is one) to ``new``, with everything it owns. A ``new`` record first
        made by this same run gives way (its aliases stay with ``new``); an older one is left as it is."""
        db = self.db
        if db.execute("SELECT 1 FROM articles WHERE source_id = ?", [old]).fetchone() is None:
            return True  # nothing saved under ``old``: the article is simply saved as ``new``
        row = db.execute("SELECT first_run FROM articles WHERE source_id = ?", [new]).fetchone()
        if row is not None:
            if row[0] != run_id:
                return False  # two records older than this run: not a decision to take page by page
            db.execute("DELETE FROM articles WHERE source_id = ?", [new])
            db.execute("DELETE FROM comments WHERE source_id = ?", [new])
            db.execute("DELETE FROM changes WHERE source_id = ? AND run_id = ?", [new, run_id])
        db.execute("UPDATE articles SET source_id = ? WHERE source_id = ?", [new, old])
        for table in _OWNED:
            db.execute(f"UPDATE OR REPLACE {table} SET source_id = ? WHERE source_id = ?", [new, old])
        return True

    # -- reads for identity: which record a page is -------------------------------------------

    def has_record(self, source_id: str, url: str) -> bool:
        """Whether a record of this id stands at this URL."""
        return self.db.execute("SELECT 1 FROM articles WHERE url = ? AND source_id = ?",
                               [url, source_id]).fetchone() is not None

    def ids_at(self, url: str) -> list[str]:
        """The ids of the records known at ``url``, as their URL or an alias."""
        return [r[0] for r in self.db.execute("SELECT source_id FROM articles WHERE url = ? UNION "
                                              "SELECT source_id FROM aliases WHERE url = ?", [url, url])]

    def urls_of(self, source_id: str) -> list[str]:
        """Every URL of a record: its own and its aliases."""
        return [r[0] for r in self.db.execute("SELECT url FROM aliases WHERE source_id = ? UNION "
                                              "SELECT url FROM articles WHERE source_id = ?", [source_id, source_id])]

    def texts_at(self, url: str) -> list[tuple[str, str, str, str]]:
        """(source_id, url, title, body_text) of the live records whose URL is ``url``."""
        return self.db.execute("SELECT source_id, url, title, body_text FROM articles WHERE url = ? AND state = 'live'",
                               [url]).fetchall()

    def texts_in(self, directory: str) -> list[tuple[str, str, str, str]]:
        """(source_id, url, title, body_text) of the live records whose URL is a file right in ``directory``
        (a URL ending in ``/``): no deeper path, no query."""
        rows = self.db.execute("SELECT source_id, url, title, body_text FROM articles WHERE url > ? AND url < ? "
                               "AND state = 'live' ORDER BY url", [directory, directory + "\uffff"]).fetchall()
        return [row for row in rows if not set(row[1][len(directory):]) & {"/", "?", "#"}]

    def same_content(self, digest: str, run_id: int, other_than: str) -> list[tuple[str, str]]:
        """(source_id, url) of the live records this run saved with this content hash, but for ``other_than``."""
        return self.db.execute("SELECT source_id, url FROM articles WHERE content_hash = ? AND state = 'live' "
                               "AND last_run = ? AND source_id != ? ORDER BY url",
                               [digest, run_id, other_than]).fetchall()

    def content_hash_of(self, source_id: str) -> str | None:
        """The content hash of a live record, or None."""
        row = self.db.execute("SELECT content_hash FROM articles WHERE source_id = ? AND state = 'live'",
                              [source_id]).fetchone()
        return row[0] if row else None

    # -- reads --------------------------------------------------------------------------------

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
            yield _record(dict(zip(columns, values, strict=False)))

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

    def changed_in(self, source_id: str) -> int | None:
        """The run that last changed an article's content."""
        row = self.db.execute("SELECT changed_run FROM articles WHERE source_id = ?", [source_id]).fetchone()
        return row[0] if row else None

    def article_head(self, source_id: str) -> ArticleHead | None:
        """What names a live article."""
        row = self.db.execute(f"SELECT {ArticleHead.COLUMNS} FROM articles WHERE source_id = ? AND state = 'live'",
                              [source_id]).fetchone()
        return ArticleHead(*row) if row else None

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

    def undated_count(self) -> int:
        """Live articles with no publication date (their new URLs take the undated pattern)."""
        return self.db.execute("SELECT count(*) FROM articles WHERE state = 'live' "
                               "AND coalesce(published_at, '') = ''").fetchone()[0]

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

    def bodies(self, profile: str | None = None) -> Iterator[tuple[str, str]]:
        """(source_id, body_html) of every live article (of one extraction profile), streamed."""
        sql = "SELECT source_id, body_html FROM articles WHERE state = 'live'"
        args = [] if profile is None else [profile]
        yield from self.db.conn.execute(sql + (" AND profile = ?" if profile is not None else ""), args)

    def live_ids(self) -> list[str]:
        """The source ids of every live article."""
        return [r[0] for r in self.db.execute("SELECT source_id FROM articles WHERE state = 'live'").fetchall()]

    def body_html(self, source_id: str) -> str | None:
        """The body of an article."""
        row = self.db.execute("SELECT body_html FROM articles WHERE source_id = ?", [source_id]).fetchone()
        return row[0] if row else None

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

    def revisit_candidates(self) -> list[tuple[str, str, str | None, str | None, list[str]]]:
        """(canonical URL, state, published_at, when its page was last fetched or answered 304, its other
        URLs) of every article ever recorded (live or gone), for revisits."""
        rows = self.db.execute(
            "SELECT a.url, a.state, a.published_at, coalesce(p.checked_at, p.fetched_at), "
            "(SELECT json_group_array(x.url) FROM aliases x WHERE x.source_id = a.source_id AND x.url != a.url) "
            "FROM articles a LEFT JOIN pages p ON p.url = a.url ORDER BY a.url").fetchall()
        return [(url, state, published, checked, json.loads(aliases)) for url, state, published, checked, aliases in rows]

    def sample_url(self, text: str) -> str | None:
        """The URL of a live article whose body text holds ``text``, or None."""
        row = self.db.execute("SELECT url FROM articles WHERE state = 'live' AND instr(body_text, ?) LIMIT 1",
                              [text[:200]]).fetchone()
        return row[0] if row else None

    # -- withdrawals: records a crawl-end heuristic took back ---------------------------------

    def record_withdrawal(self, url: str, source_id: str | None, reason: str, run_id: int) -> None:
        """One page a heuristic kept from the records, with why (``migrator status`` lists them)."""
        self.upsert("withdrawals", {"url": url, "source_id": source_id, "reason": reason, "run_id": run_id,
                                    "at": utcnow()}, ("run_id", "url"))

    def undo_withdrawal(self, url: str, run_id: int) -> None:
        """A page withdrawn earlier in this run turned out to be an article after all."""
        self.db.execute("DELETE FROM withdrawals WHERE url = ? AND run_id = ?", [url, run_id])

    def withdrawals(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """The withdrawals of one run (default: the latest run that has any), by URL."""
        if run_id is None:
            row = self.db.execute("SELECT max(run_id) FROM withdrawals").fetchone()
            run_id = row[0] if row else None
        return list(self.db.table("withdrawals").rows_where("run_id = ?", [run_id], order_by="reason, url"))

    def record_change(self, run_id: int, source_id: str, url: str, change: str) -> None:
        self.upsert("changes", {"run_id": run_id, "source_id": source_id, "url": url, "change": change,
                                "at": utcnow()}, ("run_id", "source_id"))


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
