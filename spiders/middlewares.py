"""Downloader middlewares of the migrator spiders."""
from __future__ import annotations

from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector


class RedirectLoop(IgnoreRequest):
    """A redirect pointed back at a URL already in the request's chain."""


class RedirectLoopMiddleware:
    """Stops a redirect chain at its first repeated URL (``/a`` → ``/b`` → ``/a``).

    Scrapy's RedirectMiddleware would follow a loop until REDIRECT_MAX_TIMES; this one sits
    before it (priority 650 > 600, so it sees responses first) and names the failure.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status not in (301, 302, 303, 307, 308) or b"Location" not in response.headers:
            return response
        location = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if location in chain:
            self.stats.inc_value("migrator/errors/redirect-loop")
            raise RedirectLoop(f"redirect loop: {' -> '.join(chain + [location])}")
        return response
