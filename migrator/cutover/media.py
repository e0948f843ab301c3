"""Media: a manifest of every image and attachment (old URL, new path, kind, checksum) and a concurrent,
resumable, polite download.

Only http(s) URLs on the site's hosts (those its crawls started from, the mapping's ``allowed_hosts``)
or on the hosts the mapping's ``[media] hosts`` declares are fetched; any other URL is refused and
listed with its reason, and so is a redirect that leaves those hosts. Downloads share one urllib3
pool (keep-alive, at most ``per_host`` connections to one host, retries with backoff on connection
errors and 429/5xx, an optional delay between requests to one host) and stop at ``max_bytes``.
Only the calling thread writes the ``media`` table, one row per file once it is on disk under its
final name (written to a temporary name of its own, then renamed). A second run skips every file
whose recorded checksum still matches the file on disk.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, TextIO
from urllib.parse import unquote, urljoin, urlsplit

import urllib3
from w3lib.url import safe_url_string

from migrator import http
from migrator.slug import slugify
from migrator.urls import host_allowed, host_of

if TYPE_CHECKING:
    from migrator.store import Store

log = logging.getLogger(__name__)
_DRUPAL_FILES = re.compile(r"^/sites/[^/]+/files/")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
USER_AGENT = "migrator-media/1"
#: Largest file downloaded (bytes); a bigger one fails with its size named.
MAX_BYTES = 200 * 1024 * 1024
#: Redirect hops followed per file, each checked against the allowed hosts.
MAX_REDIRECTS = 5


class MediaRefused(Exception):
    """A URL (or a redirect's target) that is not http(s) on an allowed or declared media host."""


@dataclass
class MediaItem:
    """One row of the manifest: ``kind`` is image or attachment; ``status`` is downloaded, skipped, failed or
    refused (not an http(s) URL on an allowed host: never fetched)."""

    old_url: str
    new_path: str
    kind: str = "image"
    sha256: str | None = None
    bytes: int | None = None
    status: str = "pending"
    error: str | None = None


def _tag(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]


def _safe_segment(segment: str) -> str:
    """A path segment in ASCII letters, digits, ``.``, ``_`` and ``-`` (non-ASCII letters transliterated)."""
    stem, dot, ext = segment.rpartition(".") if "." in segment else (segment, "", "")
    stem = slugify(stem, limit=120) if re.search(r"[^\x00-\x7f]", stem) else stem
    safe = _UNSAFE.sub("-", stem).strip("-.")
    return safe + (dot + _UNSAFE.sub("", ext) if dot and safe else "")


def new_path(url: str, home: str | None = None) -> str:
    """A safe relative path for a file: its URL path without Drupal's ``sites/*/files/`` prefix.

    Distinct URLs get distinct paths: when the name had to change (transliterated, unsafe characters),
    the URL has a query, or the file is on another host than ``home`` (the site's own), an 8-hex hash
    of the whole URL goes before the extension.

    >>> new_path("http://old.ru/sites/default/files/images/1870-6.jpg", "old.ru")
    'images/1870-6.jpg'
    >>> new_path("http://old.ru/a b/ф.gif", "old.ru"), new_path("http://old.ru/image.php?id=1", "old.ru")
    ('a-b/f-a8ed3b48.gif', 'image-e4f8d0c3.php')
    """
    parts = urlsplit(url)
    raw = [s for s in _DRUPAL_FILES.sub("/", unquote(parts.path)).split("/") if s]
    segments = [_safe_segment(s) for s in raw]
    changed = segments != raw or bool(parts.query) or (home is not None and host_of(url) != home)
    segments = [s for s in segments if s]
    if not segments:
        return _tag(url)
    if changed:
        stem, dot, ext = segments[-1].rpartition(".") if "." in segments[-1] else (segments[-1], "", "")
        segments[-1] = f"{stem}-{_tag(url)}{dot}{ext}"
    return "/".join(segments)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Fetcher:
    """One pooled HTTP client for every download: keep-alive, per-host limits, retries, a size cap, scope."""

    hosts: tuple[str, ...]
    per_host: int = 4
    delay: float = 0.0
    max_bytes: int = MAX_BYTES
    timeout: float = 30.0
    pool: urllib3.PoolManager = field(init=False)
    _next: dict[str, float] = field(init=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.pool = http.pool(per_host=self.per_host, timeout=self.timeout, user_agent=USER_AGENT)

    def check(self, url: str) -> None:
        """Raise MediaRefused unless ``url`` may be fetched."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise MediaRefused(f"not an http(s) URL: {url[:200]}")
        if not host_allowed(url, self.hosts):
            raise MediaRefused(f"host {parts.hostname} is neither the site's nor a declared media host")

    def _polite(self, url: str) -> None:
        """Wait until ``delay`` has passed since the last request to the URL's host."""
        if not self.delay:
            return
        host = host_of(url)
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + self.delay
        if start > now:
            time.sleep(start - now)

    def open(self, url: str) -> urllib3.BaseHTTPResponse:
        """The final response for ``url``, streaming; redirects followed only within scope."""
        for _ in range(MAX_REDIRECTS + 1):
            self.check(url)
            self._polite(url)
            response = self.pool.request("GET", safe_url_string(url), preload_content=False, redirect=False)
            location = response.get_redirect_location()
            if not location:
                return response
            response.close()  # a redirect's body may be endless: not read, the connection not reused
            response.release_conn()
            url = urljoin(url, location)
        raise OSError(f"more than {MAX_REDIRECTS} redirects")

    def download(self, url: str, target: Path) -> tuple[str, int]:
        """Fetch ``url`` into ``target`` atomically, through a temporary file of its own; (sha256, size)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        response = self.open(url)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        partial = Path(name)
        digest, size = hashlib.sha256(), 0
        try:
            if not 200 <= response.status < 300:
                raise OSError(f"HTTP Error {response.status}: {response.reason}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise OSError(f"{declared} bytes, more than the {self.max_bytes} allowed")
            with os.fdopen(fd, "wb") as fh:
                fd = -1
                for chunk in response.stream(1 << 16):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise OSError(f"more than the {self.max_bytes} bytes allowed")
                    digest.update(chunk)
                    fh.write(chunk)
            os.replace(partial, target)
        except BaseException:
            response.close()  # its body is left unread: the connection cannot carry another request
            raise
        finally:
            if fd >= 0:
                os.close(fd)
            partial.unlink(missing_ok=True)
            response.release_conn()
        return digest.hexdigest(), size


def site_hosts(store: Store) -> tuple[str, ...]:
    """The hosts the database's crawls started from (``runs.target``), first crawled first."""
    hosts: dict[str, None] = {}
    for target in store.run_targets():
        for url in target.split(","):
            if url.startswith(("http://", "https://")) and host_of(url):
                hosts[host_of(url)] = None
    return tuple(hosts)


class MediaDownloader:
    """Downloads every image and attachment of a store into ``directory``; records each file in the ``media`` table.

    ``hosts`` are fetched from besides the site's own (``site_hosts``); files of the first site host land at
    their path, others get a hash suffix (see :func:`new_path`).
    """

    def __init__(self, store: Store, directory: str | Path, concurrency: int = 8, *, hosts: Iterable[str] = (),
                 per_host: int = 4, delay: float = 0.0, max_bytes: int = MAX_BYTES) -> None:
        self.store, self.root, self.concurrency = store, Path(directory), concurrency
        own = site_hosts(store)
        self.home = own[0] if own else None
        self.fetcher = Fetcher(tuple(dict.fromkeys([*own, *(h.lower() for h in hosts)])), per_host=per_host,
                               delay=delay, max_bytes=max_bytes)

    def _done(self, item: MediaItem) -> MediaItem | None:
        """The item when it is already downloaded and its file still has the recorded checksum."""
        row = self.store.downloaded(item.old_url)
        target = self.root / item.new_path
        if row and target.is_file() and sha256_file(target) == row[0]:
            return MediaItem(item.old_url, item.new_path, item.kind, row[0], row[1], "skipped")
        return None

    def _refused(self, item: MediaItem) -> MediaItem | None:
        """The item marked refused when its URL may not be fetched at all (wrong scheme, another host)."""
        try:
            self.fetcher.check(item.old_url)
        except MediaRefused as exc:
            item.new_path, item.status, item.error = "", "refused", str(exc)
            return item
        return None

    def _fetch(self, item: MediaItem) -> MediaItem:
        try:
            item.sha256, item.bytes = self.fetcher.download(item.old_url, self.root / item.new_path)
            item.status = "downloaded"
        except MediaRefused as exc:  # a redirect off the allowed hosts
            item.status, item.error = "refused", str(exc)[:500]
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            item.status, item.error = "failed", str(exc)[:500]
        return item

    def _record(self, item: MediaItem) -> None:
        self.store.record_media(item.old_url, item.new_path, item.kind, item.sha256, item.bytes, item.status,
                                item.error)

    def run(self, urls: Iterable[tuple[str, str]]) -> Iterator[MediaItem]:
        """Every (URL, kind) as a manifest item, in the order given; downloads happen concurrently."""
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            # A bounded look-ahead keeps memory flat: at most 4 × concurrency items in flight.
            window: deque[tuple[MediaItem, Future[MediaItem] | None]] = deque()
            for url, kind in urls:
                item = MediaItem(url, new_path(url, self.home), kind)
                refused = self._refused(item)
                done = refused or self._done(item)
                window.append((done, None) if done else (item, pool.submit(self._fetch, item)))
                if len(window) >= 4 * self.concurrency:
                    yield self._finish(*window.popleft())
            while window:
                yield self._finish(*window.popleft())

    def _finish(self, item: MediaItem, future: Future[MediaItem] | None) -> MediaItem:
        if future is not None or item.status == "refused":
            item = future.result() if future is not None else item
            with self.store.batch():
                self._record(item)
            if item.status in ("failed", "refused"):
                log.warning("media: %s %s: %s", item.old_url, item.status, item.error)
        return item


def write_manifest(items: Iterable[MediaItem], out: TextIO) -> dict[str, int]:
    """JSON Lines manifest ``{old_url, new_path, kind, sha256, bytes, status, error}``; returns counts by status."""
    counts: dict[str, int] = {}
    for item in items:
        out.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts


def download_media(store: Store, directory: str | Path, concurrency: int = 8,
                   manifest: str | Path | None = None, **options: Any) -> dict[str, int]:
    """Download every image and attachment of ``store`` into ``directory``; write the manifest
    (default DIR/manifest.jsonl). ``options``: those of :class:`MediaDownloader` (hosts, per_host, delay,
    max_bytes)."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    downloader = MediaDownloader(store, root, concurrency, **options)
    target = Path(manifest) if manifest else root / "manifest.jsonl"
    with target.open("w", encoding="utf-8") as out:
        return write_manifest(downloader.run(store.media_urls()), out)
