"""A crawl shared by several worker processes over Redis (scrapy-redis), loaded by one process.

``migrator crawl TARGET --db PATH --redis URL --workers N`` starts N local workers
(``migrator worker TARGET --redis URL``; more can join from other machines) and runs the loader here:
it pops the items the workers push to Redis and stores them as a single-process
crawl (a :class:`~spiders.writer.CrawlWriter`), so the database ends the same. The loader also keeps the run's frontier in the database; URLs
still pending when every live worker is idle and the shared queue is empty were in flight at a
worker that died, and are handed back to the live ones (see :mod:`spiders.distributed`).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import subprocess
import sys
import time
from typing import Any, Iterable, cast

import redis

from migrator import interrupt
from migrator.crawl.run import CrawlSummary, summarize
from migrator.errors import TargetError
from migrator.ingest import Counts, Stats
from migrator.lock import RunLock
from migrator.mapping import Config
from migrator.remembered import site_of
from migrator.store import Store, mark_run
from spiders.writer import CrawlWriter

logger = logging.getLogger(__name__)

#: Rounds of handing pending URLs back before the loader gives up on them.
MAX_REQUEUE_ROUNDS = 3
#: Items stored concurrently (each awaits its extraction in a worker process).
LOADER_CONCURRENCY = 32


def namespace(config: Config) -> str:
    """The Redis key prefix of a crawl: workers started anywhere with the same target share it."""
    return "migrator:" + hashlib.sha1(",".join(config.start_urls).encode()).hexdigest()[:12]


def connect(redis_url: str) -> redis.Redis:
    """The crawl's Redis, answering; TargetError (one line, exit 1) when it is not there or the URL is bad."""
    try:
        server = redis.Redis.from_url(redis_url, socket_connect_timeout=10)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise TargetError(f"cannot reach Redis at {redis_url}: {exc}") from None
    return server


def run_distributed(config: Config, db_path: str, redis_url: str, workers: int, worker_args: list[str], *,
                    max_errors: int | None = None) -> CrawlSummary:
    """Start ``workers`` local workers (``migrator worker`` with ``worker_args``) and load what all
    workers of this crawl push, until the crawl is done. Blocks; holds the database's lock."""
    with RunLock(db_path):
        server = connect(redis_url)
        key = namespace(config)
        server.delete(*(f"{key}:{name}" for name in ("requests", "dupefilter", "items", "requeue", "done", "stop")))
        store = Store(db_path)
        run_id = store.begin_run("crawl", ",".join(config.start_urls),
                                 {"timezone": config.timezone, "redis": redis_url, "workers": workers})
        store.remember_site(site_of(config, {"timezone": None if config.source else config.timezone,
                                             "max_errors": max_errors}), run_id)
        store.close()
        procs = [subprocess.Popen([sys.executable, "-m", "migrator", "worker", *worker_args, "--redis", redis_url,
                                   "--key", key]) for _ in range(workers)]
        started = time.monotonic()
        loader = _Loader(config, db_path, run_id, server, key, procs)
        try:
            # the first signal: what the workers pushed is stored, then the run ends `interrupted`; a forced
            # exit (a second signal, the deadline) marks it so and takes the workers along
            with interrupt.on_exit(lambda: _stopped_now(db_path, run_id, procs)), interrupt.graceful(loader.stop):
                stats = asyncio.run(loader.run())
        finally:
            if loader.stopping:  # no one loads what they would push: every worker, local or remote, stops
                server.set(f"{key}:stop", "1", ex=3600)
            server.set(f"{key}:done", "1")
            for proc in procs:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        store = Store(db_path)
        stats["migrator/pages"] = store.pages_counted(run_id)
        stats.update(store.run_totals(run_id))  # what the database holds, as a single-process crawl's summary
        summary = summarize(run_id, stats, time.monotonic() - started, max_errors)
        summary.report = store.run_report(run_id)
        store.finish_run(run_id, summary.status, summary.as_dict())
        store.close()
        server.delete(*(f"{key}:{name}" for name in ("requests", "dupefilter", "items", "requeue")))
        return summary


def _stopped_now(db_path: str, run_id: int, procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.kill()
    mark_run(db_path, run_id, "interrupted")


def decode_items(blobs: Iterable[bytes], stats: Stats, key: str) -> list[Any]:
    """The items workers pushed; an entry that is not their JSON (a planted pickle, garbage) is rejected,
    counted as the error ``rejected-item`` and logged. Nothing from Redis is ever unpickled."""
    from spiders.distributed import Rejected, decode_item, preview

    items = []
    for blob in blobs:
        try:
            items.append(decode_item(blob))
        except Rejected as exc:
            logger.warning("rejected an entry of %s that is not a migrator item (%s): %s", key, exc, preview(blob))
            stats.inc_value("migrator/errors")
            stats.inc_value("migrator/errors/rejected-item")
    return items


class _Loader:
    def __init__(self, config: Config, db_path: str, run_id: int, server: redis.Redis, key: str,
                 procs: list[subprocess.Popen[bytes]]) -> None:
        from spiders.settings import MIGRATOR_EXTRACT_WORKERS
        from spiders.site import SiteSpider, _queued

        self.config, self.server, self.key, self.procs, self.run_id = config, server, key, procs, run_id
        self.stats = Counts()
        self.writer = CrawlWriter(str(db_path), run_id, self.stats, workers=MIGRATOR_EXTRACT_WORKERS)
        self.seeds = _queued(list(SiteSpider(config=config)._seeds()))
        self.rounds = 0
        self.calm = 0
        self.stopping = False

    def stop(self) -> None:
        """From a signal handler: take no more items; those being stored are finished first."""
        self.stopping = True

    async def run(self) -> dict[str, Any]:
        self.writer.open(self.config)
        store = self.writer.store
        assert store is not None
        with store.batch():
            store.frontier_add(self.run_id, self.seeds)
        tasks: set[asyncio.Task[Any]] = set()
        reason = "finished"
        last_check = 0.0
        while True:
            if self.stopping:
                await asyncio.gather(*tasks)
                reason = "shutdown"  # as Scrapy names a crawl stopped by a signal: the run is `interrupted`
                break
            room = LOADER_CONCURRENCY - len(tasks)
            raw = self.server.lpop(f"{self.key}:items", room) if room > 0 else None
            for item in decode_items(cast(list[bytes], raw) if isinstance(raw, list) else [], self.stats, f"{self.key}:items"):
                task = asyncio.ensure_future(self._load(item))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if raw:
                await asyncio.sleep(0)
                continue
            await asyncio.sleep(0.05)
            if tasks or time.monotonic() - last_check < 0.5:
                continue
            last_check = time.monotonic()
            state = self._state()
            if state in ("done", "interrupted"):
                reason = "finished" if state == "done" else "workers-gone"
                break
        self.writer.close()
        self.stats.set_value("finish_reason", reason)
        return self.stats.get_stats()

    async def _load(self, item: Any) -> None:
        try:
            await self.writer.write(item)  # what became of it is counted by the ingest
        except Exception as exc:  # one broken item never ends the run
            logger.warning("storing an item failed: %s", exc, exc_info=True)

    def _state(self) -> str:
        """"crawling", "done", or "interrupted" (no worker left alive)."""
        alive = [self.server.get(k) for k in self.server.scan_iter(f"{self.key}:alive:*")]
        queued = self.server.zcard(f"{self.key}:requests") + self.server.llen(f"{self.key}:items")
        local_running = any(p.poll() is None for p in self.procs)
        if not alive and not local_running and self.procs:
            return "interrupted"  # every local worker exited and none joined from elsewhere
        if not alive:  # no worker has joined yet (they take seconds to start): nothing is pending on anyone
            self.calm = 0
            return "crawling"
        if queued or any(v != b"idle" for v in alive) or self.server.llen(f"{self.key}:requeue"):
            self.calm = 0
            return "crawling"
        self.calm += 1
        if self.calm < 3:
            return "crawling"
        pending = self._pending()
        if not pending or self.rounds >= MAX_REQUEUE_ROUNDS:
            if pending:
                logger.warning("%d URLs never answered; giving up on them", len(pending))
            return "done"
        self.rounds += 1
        logger.warning("handing %d URLs back to the live workers (a worker left mid-crawl)", len(pending))
        self.server.rpush(f"{self.key}:requeue", *(f"{url} {role}" for url, role, _ in pending))
        self.calm = 0
        return "crawling"

    def _pending(self) -> list[tuple[str, str, int]]:
        assert self.writer.store is not None
        return self.writer.store.frontier(self.run_id)[1]
