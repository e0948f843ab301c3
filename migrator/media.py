"""Media: a manifest of every image and attachment (old URL, new path, kind, checksum) and a concurrent,
resumable download.

Downloads run in a thread pool; only the calling thread writes the ``media`` table, one row per
file once it is on disk under its final name (written to a temporary name, then renamed). A
second run skips every file whose recorded checksum still matches the file on disk.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import urllib.error
import urllib.request
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, TextIO
from urllib.parse import unquote, urlsplit

from migrator.slug import slugify

if TYPE_CHECKING:
    from migrator.store import Store

log = logging.getLogger(__name__)
_DRUPAL_FILES = re.compile(r"^/sites/[^/]+/files/")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
USER_AGENT = "migrator-media/1"


@dataclass
class MediaItem:
    """One row of the manifest: ``kind`` is image or attachment; ``status`` is downloaded, skipped or failed."""

    old_url: str
    new_path: str
    kind: str = "image"
    sha256: str | None = None
    bytes: int | None = None
    status: str = "pending"
    error: str | None = None


def new_path(url: str) -> str:
    """A safe relative path for a file: its URL path without Drupal's ``sites/*/files/`` prefix.

    >>> new_path("http://old.ru/sites/default/files/images/1870-6.jpg"), new_path("http://old.ru/a b/ф.gif")
    ('images/1870-6.jpg', 'a-b/f.gif')
    """
    path = _DRUPAL_FILES.sub("/", unquote(urlsplit(url).path))
    segments = []
    for segment in path.split("/"):
        stem, dot, ext = segment.rpartition(".") if "." in segment else (segment, "", "")
        safe = _UNSAFE.sub("-", slugify(stem, limit=120) if re.search(r"[^\x00-\x7f]", stem) else stem).strip("-.")
        if safe:
            segments.append(safe + (dot + _UNSAFE.sub("", ext) if dot else ""))
    return "/".join(segments) or hashlib.sha1(url.encode()).hexdigest()[:16]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_table(store: Store) -> None:
    if "media" not in store.db.table_names():
        store.db["media"].create({"url": str, "path": str, "kind": str, "sha256": str, "bytes": int, "status": str,
                                  "error": str, "fetched_at": str}, pk="url")
    elif "kind" not in store.db["media"].columns_dict:  # a database from before attachments
        store.db["media"].add_column("kind", str)


def download(url: str, target: Path, timeout: float = 30.0) -> tuple[str, int]:
    """Fetch ``url`` into ``target`` atomically; returns (sha256, size)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".part{os.getpid()}")
    digest, size = hashlib.sha256(), 0
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, partial.open("wb") as fh:
            for chunk in iter(lambda: response.read(1 << 16), b""):
                digest.update(chunk)
                fh.write(chunk)
                size += len(chunk)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return digest.hexdigest(), size


class MediaDownloader:
    """Downloads every image and attachment of a store into ``directory``; records each file in the ``media`` table."""

    def __init__(self, store: Store, directory: str | Path, concurrency: int = 8) -> None:
        self.store, self.root, self.concurrency = store, Path(directory), concurrency
        ensure_table(store)

    def _done(self, item: MediaItem) -> MediaItem | None:
        """The item when it is already downloaded and its file still has the recorded checksum."""
        row = self.store.db.execute("SELECT sha256, bytes FROM media WHERE url = ? AND status = 'downloaded'",
                                    [item.old_url]).fetchone()
        target = self.root / item.new_path
        if row and target.is_file() and sha256_file(target) == row[0]:
            return MediaItem(item.old_url, item.new_path, item.kind, row[0], row[1], "skipped")
        return None

    def _fetch(self, item: MediaItem) -> MediaItem:
        try:
            item.sha256, item.bytes = download(item.old_url, self.root / item.new_path)
            item.status = "downloaded"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            item.status, item.error = "failed", str(exc)[:500]
        return item

    def _record(self, item: MediaItem) -> None:
        from migrator.store import utcnow

        # Plain SQL: the media cursor is still open, and sqlite-utils' upsert probes with DDL.
        self.store.db.execute(
            "INSERT INTO media (url, path, kind, sha256, bytes, status, error, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET path = excluded.path, kind = excluded.kind, sha256 = excluded.sha256, "
            "bytes = excluded.bytes, "
            "status = excluded.status, error = excluded.error, fetched_at = excluded.fetched_at",
            [item.old_url, item.new_path, item.kind, item.sha256, item.bytes, item.status, item.error, utcnow()])

    def run(self, urls: Iterable[tuple[str, str]]) -> Iterator[MediaItem]:
        """Every (URL, kind) as a manifest item, in the order given; downloads happen concurrently."""
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            # A bounded look-ahead keeps memory flat: at most 4 × concurrency items in flight.
            window: deque[tuple[MediaItem, Future[MediaItem] | None]] = deque()
            for url, kind in urls:
                item = MediaItem(url, new_path(url), kind)
                done = self._done(item)
                window.append((done, None) if done else (item, pool.submit(self._fetch, item)))
                if len(window) >= 4 * self.concurrency:
                    yield self._finish(*window.popleft())
            while window:
                yield self._finish(*window.popleft())

    def _finish(self, item: MediaItem, future: Future[MediaItem] | None) -> MediaItem:
        if future is not None:
            item = future.result()
            with self.store.batch():
                self._record(item)
            if item.status == "failed":
                log.warning("media: %s failed: %s", item.old_url, item.error)
        return item


def write_manifest(items: Iterable[MediaItem], out: TextIO) -> dict[str, int]:
    """JSON Lines manifest ``{old_url, new_path, kind, sha256, bytes, status, error}``; returns counts by status."""
    counts: dict[str, int] = {}
    for item in items:
        out.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts


def download_media(store: Store, directory: str | Path, concurrency: int = 8,
                   manifest: str | Path | None = None) -> dict[str, int]:
    """Download every image and attachment of ``store`` into ``directory``; write the manifest
    (default DIR/manifest.jsonl)."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    downloader = MediaDownloader(store, root, concurrency)
    target = Path(manifest) if manifest else root / "manifest.jsonl"
    with target.open("w", encoding="utf-8") as out:
        return write_manifest(downloader.run(store.media_urls()), out)
