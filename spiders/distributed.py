"""A worker of a distributed crawl (scrapy-redis): shares one Redis frontier and dupefilter with the
other workers and pushes every item to one Redis list, from which the loader (``migrator crawl
--redis``) extracts and stores them. Workers never touch the database.

Keys under the crawl's namespace ``NS`` (``MIGRATOR_REDIS_KEY``):
``NS:requests`` (scrapy-redis queue), ``NS:dupefilter``, ``NS:items`` (items as JSON, a list),
``NS:requeue`` (URLs the loader hands back: those a dead worker had in flight), ``NS:alive:<id>``
(heartbeat, with a TTL; "idle" or "busy"), ``NS:done`` (set by the loader: workers may stop), ``NS:stop``
(set by an interrupted loader: workers stop now, as on Ctrl-C).

Nothing read from Redis is ever unpickled: whoever can write to it must not run code on a worker or the
loader. Items and requests travel as JSON (bytes as base64, tagged), and this module is also the
``SCHEDULER_SERIALIZER`` of scrapy-redis (its ``loads``/``dumps``); an entry that is not such JSON
(a planted pickle, say) is rejected, counted and logged, never executed.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import logging
import os
import socket
from typing import Any

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from twisted.internet import task

from migrator.ingest.items import AliasItem, ErrorItem, NotModifiedItem, PageItem, VisitItem

logger = logging.getLogger(__name__)

#: Seconds a heartbeat lives: a worker silent this long is taken for dead.
HEARTBEAT_TTL = 5


def worker_settings(redis_url: str, key: str) -> dict[str, Any]:
    """Scrapy settings that make a site spider a worker of the crawl ``key``."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "spiders.distributed.SharedDupeFilter",
        "SCHEDULER_PERSIST": True,  # the loader clears the keys when the whole crawl is done
        "SCHEDULER_SERIALIZER": "spiders.distributed",  # JSON (this module's loads/dumps), never pickle
        "SCHEDULER_QUEUE_CLASS": "spiders.distributed.JsonPriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{key}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{key}:dupefilter",
        "REDIS_URL": redis_url,
        "MIGRATOR_REDIS_KEY": key,
        "MIGRATOR_SHARED_DUPEFILTER": True,
        "ITEM_PIPELINES": {"spiders.distributed.PushItems": 300},
        "EXTENSIONS": {"spiders.distributed.Membership": 500, "spiders.extensions.Progress": None,
                       "scrapy.extensions.logstats.LogStats": None},
    }


# -- JSON on the wire ------------------------------------------------------------------------------

class Rejected(ValueError):
    """An entry read from Redis that is not the JSON this crawl writes."""


_BYTES, _ITEMS = "__b64__", "__items__"
ITEM_TYPES = {cls.__name__: cls for cls in (PageItem, AliasItem, ErrorItem, VisitItem, NotModifiedItem)}


def _plain(value: Any) -> Any:
    """``value`` in JSON's terms: bytes as ``{"__b64__": …}``, a dict with non-string keys (a request's
    headers) as ``{"__items__": [[key, value], …]}``, tuples and sets as lists."""
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _plain(v) for k, v in value.items()}
        return {_ITEMS: [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return {_BYTES: base64.b64encode(bytes(value)).decode("ascii")}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} cannot travel through Redis as JSON")


def _hook(obj: dict[str, Any]) -> Any:
    if _BYTES in obj or _ITEMS in obj:
        key, value = next(iter(obj.items())) if len(obj) == 1 else ("", None)
        if key == _BYTES and isinstance(value, str):
            return base64.b64decode(value, validate=True)
        if key == _ITEMS and isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value):
            return {k: v for k, v in value}
        raise Rejected(f"malformed {key or 'tagged'} value")
    return obj


def dumps(obj: Any) -> bytes:
    """JSON bytes of a request dict (``Request.to_dict``) or anything plain (see ``_plain``)."""
    return json.dumps(_plain(obj), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """The value ``dumps`` wrote; Rejected for anything else (a pickle, garbage, bad UTF-8)."""
    try:
        return json.loads(data, object_hook=_hook)
    except (ValueError, TypeError) as exc:  # JSONDecodeError, UnicodeDecodeError, binascii.Error: ValueErrors
        raise Rejected(f"not JSON: {exc}") from None


def encode_item(item: Any) -> bytes:
    """One item as ``{"type": ..., "fields": {...}}`` JSON."""
    return dumps({"type": type(item).__name__, "fields": dataclasses.asdict(item)})


def decode_item(data: bytes) -> Any:
    """The item ``encode_item`` wrote; Rejected unless it is one of the spider's item types with its fields."""
    obj = loads(data)
    if not isinstance(obj, dict) or obj.get("type") not in ITEM_TYPES or not isinstance(obj.get("fields"), dict):
        raise Rejected("not a migrator item")
    cls = ITEM_TYPES[obj["type"]]
    fields = obj["fields"]
    if "discovered" in fields and isinstance(fields["discovered"], list):
        fields["discovered"] = [tuple(entry) for entry in fields["discovered"]]
    try:
        return cls(**fields)
    except TypeError as exc:  # unknown or missing fields
        raise Rejected(f"bad {cls.__name__}: {exc}") from None


def preview(data: bytes) -> str:
    """The start of a rejected entry, for the log line."""
    return repr(bytes(data[:40]))


class JsonPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose entries are JSON (``SCHEDULER_SERIALIZER``): an entry that does not
    decode to a request is dropped, counted (``migrator/errors/rejected-request``) and logged."""

    def _decode_request(self, encoded_request: bytes) -> Any:
        try:
            return super()._decode_request(encoded_request)
        except (Rejected, KeyError, TypeError, ValueError, AttributeError) as exc:
            logger.warning("rejected an entry of %s that is not a JSON request (%s): %s", self.key, exc,
                           preview(encoded_request))
            crawler = getattr(self.spider, "crawler", None)
            if crawler is not None:
                crawler.stats.inc_value("migrator/errors/rejected-request")
            return None


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared dupefilter, which never drops a redirect hop: the frontier admitted the request the
    redirect answered, and only the hop's response marks that URL done. Filtered as a URL another request had
    fetched (``?q=node/N`` redirected to an alias a link had reached first), it left its URL pending, and the
    loader took it for one a dead worker had in flight. A single-process crawl filters no request either;
    RedirectLoopMiddleware and REDIRECT_MAX_TIMES bound the chains."""

    def request_seen(self, request: Any) -> bool:
        if request.meta.get("redirect_urls"):
            return False
        return bool(super().request_seen(request))


class PushItems:
    """Item pipeline of a worker: every item, as JSON, onto ``NS:items``."""

    def __init__(self, server: redis.Redis, key: str) -> None:
        self.server, self.key = server, f"{key}:items"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PushItems:
        key = crawler.settings.get("MIGRATOR_REDIS_KEY")
        if not key:
            raise NotConfigured
        return cls(redis.Redis.from_url(crawler.settings.get("REDIS_URL")), key)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        self.server.rpush(self.key, encode_item(item))
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
        self.stopping = False
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
        if self.server.exists(f"{self.key}:stop") and not self.stopping:  # the loader was interrupted
            self.stopping = True
            self.crawler.stop()
            return
        engine = self.crawler.engine
        busy = bool(engine and (engine.downloader.active or engine.scraper.slot and engine.scraper.slot.active))
        self.server.set(self.name, "busy" if busy or not self.idle else "idle", ex=HEARTBEAT_TTL)

    def on_idle(self, spider: Any) -> None:
        if self.server.exists(f"{self.key}:done"):
            return  # the loader has everything: let the spider close
        requeued = self.server.lpop(f"{self.key}:requeue", 100) or []
        for raw in requeued:
            url, role = (raw.decode() if isinstance(raw, bytes) else str(raw)).split(" ", 1)
            self.crawler.engine.crawl(spider.request_for(url, role))
        self.idle = not requeued
        self.beat()
        raise DontCloseSpider

    def closed(self, spider: Any) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.server.delete(self.name)
