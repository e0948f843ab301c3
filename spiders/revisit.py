"""Cheap re-crawls: conditional requests for article pages from the validators stored last time.

Revisit policy by page role: the front page, listings, feeds and sitemaps carry no validators, so
they are fetched in full every run and new articles show; an article page stored with an ETag or a
Last-Modified is asked with If-None-Match / If-Modified-Since. A 304 gets the stored body back, so
the spider still follows its links (articles reachable only from other articles stay found); the
pipeline marks the article seen without extracting it again.
"""
from __future__ import annotations

import json

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from migrator.store import Store


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
