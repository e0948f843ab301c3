"""Downloader middlewares of the migrator spiders."""
from __future__ import annotations

from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.response import get_meta_refresh
from w3lib.url import safe_url_string

from migrator.urls import host_allowed

_REDIRECTS = (301, 302, 303, 307, 308)


class RedirectLoop(IgnoreRequest):
    """A redirect pointed back at a URL already in the request's chain."""


class RedirectLoopMiddleware:
    """Stops a redirect chain at its first repeated URL (``/a`` → ``/b`` → ``/a``).

    Scrapy's RedirectMiddleware would follow a loop until REDIRECT_MAX_TIMES; this one sits
    before it (priority 650 > 600, so it sees responses first) and names the failure (counted once, as every
    error, when the spider's errback hands it to the ingest).
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status not in _REDIRECTS or b"Location" not in response.headers:
            return response
        location = urljoin(request.url, (response.headers.get(b"Location") or b"").decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if location in chain:
            raise RedirectLoop(f"redirect loop: {' -> '.join(chain + [location])}")
        return response


class OffsiteRedirect(IgnoreRequest):
    """A redirect pointed off the crawl's hosts (or to another scheme than http/https); never followed."""

    def __init__(self, url: str, target: str) -> None:
        super().__init__(f"redirect off the allowed hosts: {url} -> {target}")
        self.url, self.target = url, target


class OffsiteRedirectMiddleware:
    """Refuses every redirect whose target is not an http(s) URL on the spider's allowed hosts.

    Scrapy's own OffsiteMiddleware passes requests with ``dont_filter`` (every request of this
    spider, whose frontier de-duplicates) and so redirects too; this one sits before RedirectMiddleware
    (priority 660 > 600) and stops the chain at the response, so the other host is never contacted,
    not even for its robots.txt. The spider's errback records the target.

    A ``<meta http-equiv="refresh">`` to another host (a stub page a blog left behind when it moved) is a
    redirect too: Scrapy's MetaRefreshMiddleware (580) would follow it, so it is refused here first, by the
    same reading of the tag (``get_meta_refresh`` with the crawl's ignored tags and maximum delay).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirectMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status not in _REDIRECTS or b"Location" not in response.headers:
            return self._meta_refresh(request, response)
        hosts = _allowed_hosts(self.crawler.spider)
        if hosts is None or not _will_follow(request, response):  # not ours, or RedirectMiddleware will not follow
            return response
        location = (response.headers.get(b"Location") or b"").decode("latin-1").strip()
        target = safe_url_string(urljoin(request.url, location))
        if target.startswith(("http://", "https://")) and host_allowed(target, hosts):
            return response
        raise OffsiteRedirect(request.url, target)

    def _meta_refresh(self, request: Request, response: Response) -> Response:
        settings = self.crawler.settings
        if (not isinstance(response, HtmlResponse) or request.meta.get("dont_redirect")
                or not settings.getbool("METAREFRESH_ENABLED")):
            return response
        hosts = _allowed_hosts(self.crawler.spider)
        if hosts is None:
            return response
        interval, url = get_meta_refresh(response, ignore_tags=settings.getlist("METAREFRESH_IGNORE_TAGS"))
        if not url or float(interval or 0) >= settings.getint("METAREFRESH_MAXDELAY"):
            return response
        target = safe_url_string(url)
        if not target.startswith(("http://", "https://")) or host_allowed(target, hosts):
            return response
        raise OffsiteRedirect(request.url, target)


def _will_follow(request: Request, response: Response) -> bool:
    """Whether Scrapy's RedirectMiddleware would follow this redirect (the meta keys it honours)."""
    meta = request.meta
    return not (meta.get("dont_redirect") or meta.get("handle_httpstatus_all")
                or response.status in meta.get("handle_httpstatus_list", ()))


def _allowed_hosts(spider: Spider | None) -> tuple[str, ...] | None:
    """The hosts a migrator spider may fetch from (its frontier's), or None for other spiders."""
    frontier = getattr(spider, "frontier", None)
    return tuple(frontier.allowed_hosts) if frontier is not None else None
