"""A worker of a distributed crawl (scrapy-redis): shares one Redis frontier and dupefilter with the
other workers and pushes every item to one Redis list, from which the loader (``migrator crawl
--redis``) extracts and stores them. Workers never touch the database.

Keys under the crawl's namespace ``NS`` (``MIGRATOR_REDIS_KEY``):
``NS:requests`` (scrapy-redis queue), ``NS:dupefilter``, ``NS:items`` (pickled items, a list),
``NS:requeue`` (URLs the loader hands back: those a dead worker had in flight), ``NS:alive:<id>``
(heartbeat, with a TTL; "idle" or "busy"), ``NS:done`` (set by the loader: workers may stop).
"""
from __future__ import annotations

import os
import pickle
import socket
from typing import Any

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

#: Seconds a heartbeat lives: a worker silent this long is taken for dead.
HEARTBEAT_TTL = 5


def worker_settings(redis_url: str, key: str) -> dict[str, Any]:
    """Scrapy settings that make a site spider a worker of the crawl ``key``."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the loader clears the keys when the whole crawl is done
        "SCHEDULER_QUEUE_KEY": f"{key}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{key}:dupefilter",
        "REDIS_URL": redis_url,
        "MIGRATOR_REDIS_KEY": key,
        "MIGRATOR_SHARED_DUPEFILTER": True,
        "ITEM_PIPELINES": {"spiders.distributed.PushItems": 300},
        "EXTENSIONS": {"spiders.distributed.Membership": 500, "spiders.extensions.Progress": None,
                       "scrapy.extensions.logstats.LogStats": None},
    }


class PushItems:
    """Item pipeline of a worker: every item, pickled, onto ``NS:items``."""

    def __init__(self, server: redis.Redis, key: str) -> None:
        self.server, self.key = server, f"{key}:items"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PushItems:
        key = crawler.settings.get("MIGRATOR_REDIS_KEY")
        if not key:
            raise NotConfigured
        return cls(redis.Redis.from_url(crawler.settings.get("REDIS_URL")), key)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        self.server.rpush(self.key, pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
        return item


class Membership:
    """Keeps a worker in the crawl until the loader says it is done: a heartbeat every second, and
    on idle, the URLs the loader hands back (``NS:requeue``) are scheduled again."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.key = settings.get("MIGRATOR_REDIS_KEY")
        self.server = redis.Redis.from_url(settings.get("REDIS_URL"))
        self.name = f"{self.key}:alive:{socket.gethostname()}-{os.getpid()}"
        self.idle = False
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Membership:
        if not crawler.settings.get("MIGRATOR_REDIS_KEY"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(1.0, now=True)

    def beat(self) -> None:
        engine = self.crawler.engine
        busy = bool(engine and (engine.downloader.active or engine.scraper.slot and engine.scraper.slot.active))
        self.server.set(self.name, "busy" if busy or not self.idle else "idle", ex=HEARTBEAT_TTL)

    def on_idle(self, spider: Any) -> None:
        if self.server.exists(f"{self.key}:done"):
            return  # the loader has everything: let the spider close
        requeued = self.server.lpop(f"{self.key}:requeue", 100) or []
        for raw in requeued:
            url, role = raw.decode().split(" ", 1)
            self.crawler.engine.crawl(spider.request_for(url, role))
        self.idle = not requeued
        self.beat()
        raise DontCloseSpider

    def closed(self, spider: Any) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.server.delete(self.name)
