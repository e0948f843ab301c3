"""The ledger of ``migrator load``: what each record became on a new platform, so a rerun sends only changes."""
from __future__ import annotations

import json
from typing import Any, Iterator

from migrator.store.database import Database, utcnow


class Loaded(Database):
    """``loaded``: one row per (target, kind, source id): the remote id, the hash of what was sent, the link."""

    def loaded_rows(self, target: str, kind: str) -> dict[str, dict[str, Any]]:
        """Every row of one kind for one target, by source id."""
        rows = self.db.execute("SELECT source_id, remote_id, content_hash, link, status, error FROM loaded "
                               "WHERE target = ? AND kind = ?", [target, kind]).fetchall()
        return {r[0]: {"remote_id": r[1], "content_hash": r[2], "link": r[3], "status": r[4], "error": r[5]}
                for r in rows}

    def record_loaded(self, target: str, kind: str, source_id: str, remote_id: int | None, content_hash: str | None,
                      link: str | None, status: str) -> None:
        """One thing written (or found) on the target; its last failure is cleared."""
        with self.batch():
            self.db.execute(
                "INSERT INTO loaded (target, kind, source_id, remote_id, content_hash, link, status, error, loaded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT (target, kind, source_id) DO UPDATE SET "
                "remote_id = excluded.remote_id, content_hash = excluded.content_hash, link = excluded.link, "
                "status = excluded.status, error = NULL, loaded_at = excluded.loaded_at",
                [target, kind, source_id, remote_id, content_hash, link, status, utcnow()])

    def record_load_failure(self, target: str, kind: str, source_id: str, error: str) -> None:
        """Why one thing could not be written; what it was before (remote id, hash) is kept."""
        with self.batch():
            self.db.execute(
                "INSERT INTO loaded (target, kind, source_id, status, error, loaded_at) VALUES (?, ?, ?, 'failed', ?, ?) "
                "ON CONFLICT (target, kind, source_id) DO UPDATE SET error = excluded.error, "
                "loaded_at = excluded.loaded_at",
                [target, kind, source_id, error[:1000], utcnow()])

    def forget_loaded(self, target: str, kind: str, source_id: str) -> None:
        with self.batch():
            self.db.execute("DELETE FROM loaded WHERE target = ? AND kind = ? AND source_id = ?",
                            [target, kind, source_id])

    def loaded_gone(self, target: str) -> list[tuple[str, int, str]]:
        """(source id, remote id, status) of posts loaded into ``target`` whose article is no longer live."""
        return [tuple(r) for r in self.db.execute(
            "SELECT l.source_id, l.remote_id, l.status FROM loaded l WHERE l.target = ? AND l.kind = 'post' "
            "AND l.remote_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.source_id = l.source_id "
            "AND a.state = 'live') ORDER BY l.source_id", [target]).fetchall()]

    def load_targets(self) -> list[str]:
        """Every target some load wrote posts into (none in a file no load has touched, opened read-only)."""
        if not self.db["loaded"].exists():
            return []
        return [r[0] for r in self.db.execute("SELECT DISTINCT target FROM loaded WHERE kind = 'post' ORDER BY 1")]

    def refused_duplicates(self, target: str) -> dict[str, int] | None:
        """Source id -> how many of its comments ``target`` refused as duplicates (WordPress keeps one of the same
        author's same words on a post); None when no load wrote posts into ``target``."""
        if target not in self.load_targets():
            return None
        refused: dict[str, int] = {}
        for (key,) in self.db.execute("SELECT source_id FROM loaded WHERE target = ? AND kind = 'comment' "
                                      "AND status = 'duplicate' AND remote_id IS NULL", [target]):
            owner = key.rsplit("#", 1)[0]
            refused[owner] = refused.get(owner, 0) + 1
        return refused

    def loaded_links(self, target: str) -> dict[str, str]:
        """Source id -> the link the target gave each loaded post."""
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT source_id, link FROM loaded WHERE target = ? AND kind = 'post' AND link IS NOT NULL", [target])}

    def load_failures(self, target: str) -> Iterator[tuple[str, str, str]]:
        """(kind, source id, error) of every thing whose last write failed."""
        yield from self.db.execute("SELECT kind, source_id, error FROM loaded WHERE target = ? AND error IS NOT NULL "
                                   "ORDER BY kind, source_id", [target]).fetchall()

    def attachments_of(self, source_id: str) -> list[str]:
        """The attached files of an article (kept beside the record, not in it)."""
        row = self.db.execute("SELECT attachments FROM articles WHERE source_id = ?", [source_id]).fetchone()
        return list(json.loads(row[0] or "[]")) if row else []
