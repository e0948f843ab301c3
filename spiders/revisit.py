"""Cheap re-crawls: which known articles a sync asks again, and conditional requests for them.

Revisit policy by page role: the front page, listings, feeds and sitemaps carry no validators, so
they are fetched in full every run and new articles show; an article page stored with an ETag or a
Last-Modified is asked with If-None-Match / If-Modified-Since. A 304 gets the stored body back, so
the spider still follows its links (articles reachable only from other articles stay found); the
pipeline marks the article seen without extracting it again.

Revisit policy by article age (opt-in, :class:`RevisitPolicy`): old articles rarely change, so they
are asked only when their last check has expired or a sitemap's ``<lastmod>`` says they changed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from migrator.store import Store


def _when(value: str | None) -> datetime | None:
    """An ISO 8601 time as an aware datetime (naive ones taken as UTC); None when absent or unreadable.

    >>> _when("2014-12-30T19:00:00+03:00").isoformat(), _when("2026-11-27"), _when("soon")
    ('2014-12-30T19:00:00+03:00', datetime.datetime(2026, 11, 27, 0, 0, tzinfo=datetime.timezone.utc), None)
    """
    try:
        parsed = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class RevisitPolicy:
    """Which known articles a sync asks again: the fresh ones every run, old ones when their last check
    expired (never when ``expire_days`` is None). Unknown publication or check times count as due."""

    fresh_days: int = 0
    expire_days: int | None = None

    @classmethod
    def from_config(cls, config: Any) -> RevisitPolicy | None:
        """The mapping's ``[crawl]`` revisit keys; None (every article every run) when neither is set."""
        fresh, expire = config.revisit_fresh_days, config.revisit_expire_days
        return None if fresh is None and expire is None else cls(fresh or 0, expire)

    def due(self, published_at: str | None, checked_at: str | None, now: datetime) -> bool:
        """Ask this article again this run?

        >>> now = datetime(2026, 11, 27, tzinfo=timezone.utc)
        >>> policy = RevisitPolicy(fresh_days=30, expire_days=90)
        >>> policy.due("2026-11-20T10:00:00+03:00", "2026-11-26T00:00:00+00:00", now)  # fresh
        True
        >>> policy.due("2014-12-30T19:00:00+03:00", "2026-11-26T00:00:00+00:00", now)  # old, checked yesterday
        False
        >>> policy.due("2014-12-30T19:00:00+03:00", "2026-07-01T00:00:00+00:00", now)  # old, check expired
        True
        """
        published, checked = _when(published_at), _when(checked_at)
        if published is None or checked is None:
            return True
        if now - published <= timedelta(days=self.fresh_days):
            return True
        return self.expire_days is not None and now - checked >= timedelta(days=self.expire_days)

    @staticmethod
    def changed_since(lastmod: str | None, checked_at: str | None) -> bool:
        """Does a sitemap ``<lastmod>`` say the page changed after it was last checked?

        A date without a time may mean any moment of that day in any time zone: it counts as later than
        every check made before the day ended everywhere (12:00 UTC the next day).

        >>> RevisitPolicy.changed_since("2026-11-27", "2026-11-27T20:00:00+00:00")
        True
        >>> RevisitPolicy.changed_since("2026-11-25", "2026-11-27T20:00:00+00:00")
        False
        >>> RevisitPolicy.changed_since("2026-11-27T10:00:00Z", "2026-11-27T11:00:00+00:00")
        False
        """
        modified, checked = _when(lastmod), _when(checked_at)
        if modified is None:
            return False
        if checked is None:
            return True
        if len((lastmod or "").strip()) == len("2026-11-27"):
            modified += timedelta(days=1, hours=12)
        return modified > checked


class ConditionalRequestsMiddleware:
    """On in sync runs (``MIGRATOR_MODE = "sync"``, ``MIGRATOR_CONDITIONAL`` true); off otherwise."""

    def __init__(self, store: Store, stats: StatsCollector) -> None:
        self.store = store
        self.stats = stats
        self.validators = store.validators()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestsMiddleware:
        settings = crawler.settings
        if settings.get("MIGRATOR_MODE") != "sync" or not settings.getbool("MIGRATOR_CONDITIONAL", True):
            raise NotConfigured
        return cls(Store(settings.get("MIGRATOR_DB")), crawler.stats)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        known = self.validators.get(request.url)
        if known is None or "revalidated" in request.meta:
            return
        source_id, etag, last_modified = known
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified:
            request.headers[b"If-Modified-Since"] = last_modified
        request.meta["revalidated"] = source_id
        self.stats.inc_value("migrator/revisit/conditional")

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status != 304 or "revalidated" not in request.meta:
            if "revalidated" in request.meta:
                self.stats.inc_value(f"migrator/revisit/status-{response.status}")
            return response
        self.stats.inc_value("migrator/revisit/not-modified")
        headers = response.headers.copy()
        content_type = _stored_content_type(self.store, request.url)
        if content_type and b"Content-Type" not in headers:
            headers[b"Content-Type"] = content_type
        return response.replace(body=self.store.page_body(request.url) or b"", headers=headers)


def _stored_content_type(store: Store, url: str) -> str | None:
    row = store.db.execute("SELECT headers FROM pages WHERE url = ?", [url]).fetchone()
    headers = {k.lower(): v for k, v in json.loads(row[0] if row and row[0] else "{}").items()}
    return headers.get("content-type")
