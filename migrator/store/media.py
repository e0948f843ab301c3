"""The manifest of downloaded media: one row per image or attachment URL."""
from __future__ import annotations

from typing import Any

from migrator.store.database import Database, utcnow


class Media(Database):
    """``media``: where each file landed and its checksum, so a second download skips what it has."""

    def downloaded(self, url: str) -> tuple[str, int] | None:
        """(sha256, bytes) of a file already downloaded, or None."""
        row = self.db.execute("SELECT sha256, bytes FROM media WHERE url = ? AND status = 'downloaded'",
                              [url]).fetchone()
        return (row[0], row[1]) if row else None

    def media_path(self, url: str) -> str | None:
        """Where a downloaded file landed (relative to the download directory), or None."""
        row = self.db.execute("SELECT path FROM media WHERE url = ? AND status = 'downloaded'", [url]).fetchone()
        return row[0] if row else None

    def record_media(self, url: str, path: str, kind: str, sha256: str | None, size: int | None, status: str,
                     error: str | None) -> None:
        """Where a file landed (or why it did not)."""
        # Plain SQL: a cursor over the media may still be open, and sqlite-utils' upsert probes with DDL.
        self.db.execute(
            "INSERT INTO media (url, path, kind, sha256, bytes, status, error, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET path = excluded.path, kind = excluded.kind, sha256 = excluded.sha256, "
            "bytes = excluded.bytes, status = excluded.status, error = excluded.error, "
            "fetched_at = excluded.fetched_at",
            [url, path, kind, sha256, size, status, error, utcnow()])

    def media_rows(self) -> list[dict[str, Any]]:
        return list(self.db.table("media").rows_where(order_by="url"))
