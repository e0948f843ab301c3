"""Extraction in worker processes, so a crawl uses more than one core.

Scrapy runs on one core, and extraction and cleaning cost more CPU per page than Scrapy's own
work; the pipeline hands pages to a :class:`ExtractionPool` and awaits the result while the
reactor keeps fetching. With ``workers=0`` (one core, or tests) extraction runs inline.
"""
from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from migrator import interrupt, limits
from migrator.extract import PageResult, extract

if TYPE_CHECKING:
    from migrator.extract.region import Regions
    from migrator.mapping import Config

logger = logging.getLogger(__name__)

_config: Config | None = None
_regions: Regions | None = None


def default_workers() -> int:
    """One worker per core beyond the one the reactor uses (none on a single core)."""
    return max((os.cpu_count() or 1) - 1, 0)


def _portable(config: Config) -> dict[str, Any]:
    """The config's fields as plain values (its read-only mappings do not pickle)."""
    return {f.name: (dict(v) if isinstance(v, Mapping) else v)
            for f in dataclasses.fields(config) if f.init for v in [getattr(config, f.name)]}


#: prctl(2) option: the signal the kernel sends this process when the thread that started it exits.
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """End this worker when the crawl process ends, however it ends (SIGKILL too): the kernel's parent-death
    signal on Linux, a watching thread elsewhere. A worker that outlived the crawl would hold its stdout and
    stderr open (cron waits on them) and keep multiprocessing's resource tracker alive."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init(fields: dict[str, Any], regions: Regions | None, parent: int) -> None:
    from migrator.mapping import Config

    die_with_parent(parent)
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C and systemd signal the whole group: the crawl
        signal.signal(signum, signal.SIG_IGN)       # process decides when its workers stop
    if hasattr(signal, "pthread_sigmask"):  # started with them blocked (see ExtractionPool): now they are ignored
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    global _config, _regions
    _config, _regions = Config(**fields), regions


def _extract(url: str, html: str) -> tuple[PageResult, float]:
    """The page's result and the seconds its extraction took (the crawl counts them to its ``extract`` stage).
    What crosses back is what the store keeps: not a non-article's main text (kept for debugging and scoring
    by the offline callers of :func:`migrator.extract.extract`, never stored)."""
    assert _config is not None
    started = time.perf_counter()
    result = extract(url, html, _config, _regions)
    result.text = ""
    seconds = time.perf_counter() - started
    limits.release(len(html))
    return result, seconds


def _extract_chunk(pages: list[tuple[str, str]], regions: Regions | None, record: bool = False) -> list[Any]:
    """Several pages in the regions given (not the ones the worker started with), each page's failure its own;
    with ``record``, each as (result, the skeletons its extraction matched to the regions: :func:`_recorded`)."""
    assert _config is not None
    if record:
        return [_recorded(url, html, _config, regions) for url, html in pages]
    return [_guarded(url, html, _config, regions) for url, html in pages]


def _recorded(url: str, html: str, config: Config, regions: Regions | None
              ) -> tuple[PageResult | Exception, tuple[frozenset[str], ...]]:
    """A page's extraction and the skeletons it asked the regions' templates about, in order: all that the
    regions decided for it, so that other regions answering the same for them extract it the same."""
    if regions is None:
        return _guarded(url, html, config, regions), ()
    regions.asked = []
    try:
        return _guarded(url, html, config, regions), tuple(regions.asked)
    finally:
        regions.asked = None


def _started() -> bool:
    """A worker's first task, which starts it (its imports, the config and regions in) before any page needs it."""
    return True


def _guarded(url: str, html: str, config: Config, regions: Regions | None) -> PageResult | Exception:
    """One page's extraction, or the exception it raised: one broken page never ends a pass."""
    try:
        return extract(url, html, config, regions)
    except Exception as exc:  # noqa: BLE001 - handed back to the caller, who logs it with the page's URL
        return exc
    finally:
        limits.release(len(html))


#: Pages sent to a worker at once by :meth:`ExtractionPool.extract_many` (the regions cross once per chunk)...
CHUNK = 8
#: ...and chunks in flight at most: the pages held while the workers extract stay a handful.
IN_FLIGHT = 4
#: Characters of markup in one chunk (a page this big is a chunk of its own) and in flight, at most: a forum's
#: search pages of 3.6 MB, met together at the end of its stored pages, were held 40 at a time (with their
#: pickled copies on the way to the worker) while both processes extracted them.
CHUNK_CHARS = 1_000_000
IN_FLIGHT_CHARS = 4_000_000


def _chunks(pages: Iterable[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """The pages in chunks of :data:`CHUNK` pages or of :data:`CHUNK_CHARS` characters, whichever comes first."""
    chunk: list[tuple[str, str]] = []
    chars = 0
    for page in pages:
        if chunk and chars + len(page[1]) > CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
        chunk.append(page)
        chars += len(page[1])
        if len(chunk) == CHUNK:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


class ExtractionPool:
    """``await pool.extract(url, html)``: :func:`migrator.extract.extract` with the crawl's config and the
    content regions learned so far, in a worker process when there is one. Both cross to each worker once,
    at start."""

    def __init__(self, config: Config, workers: int, regions: Regions | None = None) -> None:
        self.config = config
        self.regions = regions
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self.seconds = 0.0  # spent in :meth:`extract`'s extractions, in whichever process ran them
        if workers > 0:
            # spawn, not fork: the parent runs a reactor and threads that a fork would copy mid-flight
            self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_init, initargs=(_portable(config), regions, os.getpid()))
            # the workers start now, with the crawl's first requests, not when its first page is fetched (their
            # imports take a second or more). They start with Ctrl-C and SIGTERM blocked (a blocked mask is
            # inherited): a signal to the group while one still imports waits for its _init, which ignores it;
            # this process gets its own as soon as they are started.
            with interrupt.held():
                for _ in range(workers):
                    self.executor.submit(_started)

    async def extract(self, url: str, html: str) -> PageResult:
        if self.executor is not None:
            try:
                with interrupt.held():  # a submit may start a worker: it must not get the group's Ctrl-C
                    future = self.executor.submit(_extract, url, html)
                result, seconds = await asyncio.wrap_future(future)
                self.seconds += seconds
                return result
            except BrokenProcessPool:  # a worker died (OOM killer, signal): carry on in this process
                self._died()
        started = time.perf_counter()
        try:
            return extract(url, html, self.config, self.regions)
        finally:
            self.seconds += time.perf_counter() - started

    def extract_many(self, pages: Iterable[tuple[str, str]], regions: Regions | None, record: bool = False
                     ) -> Iterator[Any]:
        """Each (url, html) extracted in ``regions``, results in the pages' order, an exception standing for a
        page whose extraction raised. For the crawl-end passes over the stored pages: chunks go to the workers
        while this process, otherwise idle then, extracts every few chunks itself; a bounded number is in flight.
        ``record``: each result as (result, skeletons asked about), see :func:`_recorded`."""
        pending: deque[tuple[list[tuple[str, str]], Future[list[PageResult | Exception]] | None]] = deque()
        share = self.workers + 1  # of every `share` chunks, this process extracts one
        owed = False  # this process left its chunk to a worker: it takes the next one of small pages
        held = 0  # characters of the pages in flight
        for n, chunk in enumerate(_chunks(pages)):
            mine = self.executor is None or owed or n % share == share - 1
            if mine and self.executor is not None:
                # a big page's trees (trafilatura copies its tree 4 times: 45 MB for a 3.6 MB forum search page)
                # in one process at a time, not in this one while a worker holds another's
                owed = any(len(html) >= limits.RELEASE_FROM_CHARS for _, html in chunk)
                mine = not owed
            pending.append((chunk, None if mine else self._submit(chunk, regions, record)))
            held += sum(len(html) for _, html in chunk)
            while len(pending) > IN_FLIGHT or (held > IN_FLIGHT_CHARS and len(pending) > 1):
                done = pending.popleft()
                held -= sum(len(html) for _, html in done[0])
                yield from self._results(*done, regions, record)
        while pending:
            yield from self._results(*pending.popleft(), regions, record)

    def _submit(self, chunk: list[tuple[str, str]], regions: Regions | None, record: bool = False
                ) -> Future[list[Any]] | None:
        """The chunk handed to a worker, or None when the pool cannot take it (this process extracts it)."""
        try:
            if self.executor is None:
                return None
            with interrupt.held():
                return self.executor.submit(_extract_chunk, chunk, regions, record)
        except (BrokenProcessPool, RuntimeError):  # a worker died, or the pool was shut down
            return None

    def _results(self, chunk: list[tuple[str, str]], future: Future[list[Any]] | None,
                 regions: Regions | None, record: bool = False) -> list[Any]:
        """A chunk's results: the worker's, else (no worker, or it died) extracted here."""
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                self._died()
        if record:
            return [_recorded(url, html, self.config, regions) for url, html in chunk]
        return [_guarded(url, html, self.config, regions) for url, html in chunk]

    def _died(self) -> None:
        """A worker died: say so once (not when a signal is stopping the crawl anyway), go on without the pool."""
        if self.executor is not None and not interrupt.received():
            logger.warning("extraction worker died; extracting in the crawler process from now on")
        self.close()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
