"""The generic site spider: discovers and fetches every page of one site; it does not clean.

Discovery: the start URL, robots.txt (its Sitemap lines), sitemaps, RSS/Atom feeds, and every
link on every HTML page (listings, pagers, taxonomy pages, links inside articles). What is
followed is decided by :class:`spiders.frontier.Frontier` from the mapping's URL rules.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from scrapy import Request, Spider
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from migrator import sitemaps
from migrator.encoding import decode_html
from migrator.ingest.items import AliasItem, ErrorItem, NotModifiedItem, PageItem, VisitItem
from migrator.limits import MAX_DEPTH, bound_markup, flatten_nesting, hit_depth_limit, looks_binary
from migrator.mapping import Config, load_config
from migrator.store import Store, utcnow
from migrator.urls import normalize
from spiders.frontier import Frontier
from spiders.middlewares import OffsiteRedirect
from spiders.revisit import RevisitPolicy, lastmod_after

logger = logging.getLogger(__name__)

_LINK_XPATH = lxml.etree.XPath(
    "//a/@href | //area/@href | //frame/@src | //iframe/@src"
    " | //link[@rel='alternate' or @rel='canonical' or @rel='next']/@href"
)
_BASE_XPATH = lxml.etree.XPath("//base/@href")
#: XML media types: text/xml, application/xml and every ``+xml`` suffix (RFC 7303: rss+xml, atom+xml)
#: but XHTML, which is a page to store and follow.
_XML_TYPE = re.compile(r"^(?:text|application)/(?:[\w.-]+\+)?xml$")


def _compile(patterns: Any) -> tuple[re.Pattern[str], ...]:
    return tuple(p if isinstance(p, re.Pattern) else re.compile(p) for p in patterns or ())


#: Exception class names (Twisted's and Scrapy's, old and new) to the reason a failure is counted under.
_FAILURE_REASONS = (
    ("RedirectLoop", "redirect-loop"), ("DNS", "dns"), ("CannotResolveHost", "dns"),
    ("ConnectionRefused", "connection-refused"), ("Timeout", "timeout"), ("TimedOut", "timeout"),
    ("ConnectionLost", "connection-lost"), ("ResponseNeverReceived", "connection-lost"),
    ("DataLoss", "connection-lost"), ("DownloadFailed", "download-failed"),
    ("OffsiteRedirect", "offsite-redirect"),
    ("Cancelled", "too-large"),  # Scrapy cancels a download itself only when its body passes DOWNLOAD_MAXSIZE
)
#: What Scrapy says when a body passes DOWNLOAD_MAXSIZE: by its Content-Length, or while it is decompressed.
_SIZE_CAPS = ("larger than download max size", "exceeded DOWNLOAD_MAXSIZE")


def failure_reason(failure: Failure) -> str:
    """A short, countable name for why a request failed.

    >>> failure_reason(Failure(TimeoutError("took too long")))
    'timeout'
    """
    name = type(failure.value).__name__
    if name == "IgnoreRequest" and "robots.txt" in str(failure.value):
        return "robots"
    if any(cap in str(failure.value) for cap in _SIZE_CAPS):
        return "too-large"
    return next((reason for key, reason in _FAILURE_REASONS if key in name), name)


class SiteSpider(Spider):
    """``scrapy crawl site -a target=URL|MAPPING.toml [-a timezone=TZ] [-a max_pages=N]``."""

    name = "site"

    def __init__(self, target: str | None = None, mapping: str | None = None, timezone: str | None = None,
                 max_pages: int | str | None = None, config: Config | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if config is None:
            is_mapping = bool(target and target.endswith(".toml"))
            config = load_config(mapping or (target if is_mapping else None),
                                 start_url=None if is_mapping else target, timezone=timezone)
            if max_pages:
                config = config.with_overrides(max_pages=int(max_pages))
        self.config = config
        # Scrapy's OffsiteMiddleware then filters what the frontier did not (requests a shared dupefilter
        # schedules); redirects are refused by spiders.middlewares.OffsiteRedirectMiddleware.
        self.allowed_domains = list(config.allowed_hosts)
        self.alias_rules = _compile(config.alias_rules)
        self.frontier = Frontier(
            allowed_hosts=tuple(config.allowed_hosts), deny=_compile(config.deny),
            budgets=tuple((re.compile(p), int(n)) for p, n in dict(config.budgets).items()),
            strip_query=tuple(config.strip_query), alias_rules=self.alias_rules,
            max_pages=config.max_pages,
        )
        self.policy = RevisitPolicy.from_config(config)
        #: Known articles the revisit policy skipped this run -> when they were last checked; a sitemap
        #: <lastmod> later than that still brings one back.
        self.deferred: dict[str, str | None] = {}
        #: Sync: known article pages -> the Last-Modified they were stored with; a later sitemap <lastmod>
        #: has the page fetched in full, whatever its validators say.
        self.stored_modified: dict[str, str] = {}
        #: What the earlier parts of a resumed run counted (pages, articles, errors), for the progress line.
        self.earlier: dict[str, int] = {}
        #: Start requests (the resumed frontier's and the seeds) not yet handed to Scrapy, which takes them lazily.
        self.unstarted = 0

    # -- seeds ----------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        try:
            requests = self._start_requests()
        except sqlite3.Error as exc:  # the disk is full or read-only before the first page: one line, resumable
            fault = f"cannot write {self.settings.get('MIGRATOR_DB')}: {exc}"
            logger.error("%s; stopping the crawl (it resumes from here once the database can be written)", fault)
            self.crawler.stats.set_value("migrator/fault", fault)
            raise CloseSpider("write-failed") from None
        self.unstarted = len(requests)
        for request in requests:
            self.unstarted -= 1
            yield request

    def _start_requests(self) -> list[Request]:
        """Seeds; a run the migrator command started persists its frontier, and a resumed run first
        takes back the URLs it had queued but not stored when it was killed."""
        run_id = self.settings.get("MIGRATOR_RUN_ID")
        if run_id is None:  # a bare `scrapy crawl site`: nothing to resume, nothing persisted
            return list(self._seeds())
        store = Store(self.settings.get("MIGRATOR_DB"))
        try:
            seen, pending = store.frontier(run_id)
            self.earlier = store.run_progress(run_id) if seen else {}
            self.frontier.restore(seen)
            resumed = [self._request(url, role, priority) for url, role, priority in pending]
            fresh = list(self._seeds())
            skipped: list[str] = []
            if self.settings.get("MIGRATOR_MODE") == "sync":
                revisits, skipped = self._revisits(store, run_id)
                fresh += revisits
            with store.batch():
                store.frontier_add(run_id, _queued(fresh))
                store.frontier_add(run_id, [(url, "article", 0) for url in skipped], state="skipped")
        finally:
            store.close()
        if seen:
            logger.info("resumed frontier: %d URLs known, %d still to fetch", len(seen), len(resumed))
        return resumed + fresh

    def _revisits(self, store: Store, run_id: int) -> tuple[list[Request], list[str]]:
        """Sync: known articles are asked again (conditionally), so edits and removals show even when no
        listing links to the article any more; with a revisit policy, only the due ones (and every gone one,
        so a restored article comes back). A skipped article's URLs, aliases too, are marked seen, so links
        do not fetch them either, and returned as skipped; a resumed run takes back its skipped ones."""
        skipped_before = store.frontier_skipped(run_id)
        self.stored_modified = {url: lm for url, (_, _, lm) in store.validators().items() if lm}
        now = datetime.now(timezone.utc)
        requests, skipped = [], []
        for url, state, published_at, checked_at, aliases in store.revisit_candidates():
            if url in skipped_before:
                self.deferred[url] = checked_at
                continue
            admitted = self.frontier.admit(url)
            if not admitted:
                continue
            if self.policy is None or state != "live" or self.policy.due(published_at, checked_at, now):
                requests.append(self._request(admitted, role="article"))
                continue
            self.deferred[admitted] = checked_at
            skipped += [admitted, *filter(None, map(self.frontier.admit, aliases))]
        self.crawler.stats.inc_value("migrator/revisit/not-due", len(self.deferred))
        return requests, skipped

    def _seeds(self) -> Iterator[Request]:
        roots = []
        for url in self.config.start_urls:
            admitted = self.frontier.admit(url, force=True)
            if admitted:
                yield self._request(admitted, role="start", priority=10)
            parts = urlsplit(url)
            roots.append(f"{parts.scheme}://{parts.netloc}")
        for root in dict.fromkeys(roots):
            for path, role in (("/robots.txt", "robots"), ("/sitemap.xml", "sitemap"), ("/rss.xml", "feed")):
                admitted = self.frontier.admit(root + path, force=True, page=False)
                if admitted:
                    yield self._request(admitted, role=role, priority=5)

    def _request(self, url: str, role: str = "page", priority: int = 0) -> Request:
        # The frontier de-duplicates; a distributed crawl's workers also share scrapy-redis's dupefilter.
        shared = self.settings.getbool("MIGRATOR_SHARED_DUPEFILTER") if hasattr(self, "settings") else False
        return Request(url, callback=self.parse, errback=self.failed, priority=priority,
                       meta={"role": role, "frontier_url": url}, dont_filter=not shared)

    def request_for(self, url: str, role: str = "page") -> Request:
        """A request for a URL handed back to this worker (one a dead worker had in flight): fetched even
        though the shared dupefilter has seen it."""
        return self._request(url, role).replace(dont_filter=True)

    # -- parsing --------------------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Every response ends in exactly one item naming its frontier URL (``visit``), yielded before the
        requests it discovered, so the pipeline stores the page and the queue in one transaction."""
        role = response.meta.get("role", "page")
        visit = response.meta.get("frontier_url")
        if response.status == 304 and "revalidated" in response.meta:
            yield from self._not_modified(response, visit)
            return
        if response.status >= 400:
            if role in ("page", "start", "article"):
                yield self._page_item(response, role, text=None, decoded=None, visit=visit)
            else:
                self.crawler.stats.inc_value(f"migrator/discovery/missing-{role}")
                yield VisitItem(visit)
            return
        if role == "robots":
            yield from self._queue(visit, self._follow_sitemaps(response.text))
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if role in ("sitemap", "feed") or _is_xml(content_type):
            yield from self._queue(visit, self._parse_xml(response))
            return
        if "html" not in content_type and not response.body.lstrip()[:1] == b"<":
            self.crawler.stats.inc_value("migrator/skipped/not-html")
            yield from self._queue(visit, iter(self._in_place_of_a_page(role)))
            return
        if looks_binary(response.body):  # an image or archive served as text/html
            self.crawler.stats.inc_value("migrator/skipped/binary")
            yield from self._queue(visit, iter(self._in_place_of_a_page(role)))
            return
        decoded = decode_html(response.body, content_type)
        requests, aliases = self._follow_links(response.url, decoded.text)
        yield from aliases
        yield self._page_item(response, role, decoded.text, decoded, visit=visit, discovered=_queued(requests))
        yield from requests

    def _not_modified(self, response: Response, visit: str | None) -> Iterator[Any]:
        """A 304 carries the stored body (see ``spiders.revisit``): follow its links, store nothing new."""
        requests: list[Request] = []
        aliases: list[AliasItem] = []
        if response.body:
            content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
            requests, aliases = self._follow_links(response.url, decode_html(response.body, content_type).text)
        yield from aliases
        yield NotModifiedItem(url=response.url, source_id=response.meta["revalidated"], visit=visit,
                              discovered=_queued(requests))
        yield from requests

    @staticmethod
    def _queue(visit: str | None, requests: Iterator[Request]) -> Iterator[VisitItem | Request]:
        found = list(requests)
        yield VisitItem(visit, _queued(found))
        yield from found

    def _page_item(self, response: Response, role: str, text: str | None, decoded: Any, visit: str | None = None,
                   discovered: list[tuple[str, str, int]] | None = None) -> PageItem:
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        return PageItem(
            url=response.url, status=response.status, headers=headers, body=response.body, text=text,
            encoding=decoded.encoding if decoded else None,
            encoding_source=decoded.source if decoded else None,
            encoding_evidence=decoded.evidence if decoded else {},
            fetched_at=utcnow(), redirect_urls=list(response.meta.get("redirect_urls", [])), role=role,
            visit=visit, discovered=discovered or [],
        )

    def _follow_links(self, url: str, text: str) -> tuple[list[Request], list[AliasItem]]:
        """Requests for the links of one page that the frontier admits, and the alias URLs it denied."""
        found = _hrefs(text)
        if found is None:
            return [], []
        bases, hrefs = found
        base = url
        for href in bases:
            base = urljoin(url, href.strip())
        origin = _origin(base)
        links = []
        for href in hrefs:
            href = href.strip()
            if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
                continue
            if href.startswith(("http://", "https://")) and "/." not in href:
                links.append(href)  # absolute already
            elif href[0] == "/" and href[1:2] != "/" and "/." not in href and origin:
                links.append(origin + href)  # root-relative: a string join is urljoin's answer, 40x cheaper
            else:
                links.append(urljoin(base, href))
        requests = [self._request(admitted) for admitted in self.frontier.admit_all(dict.fromkeys(links), url)]
        return requests, list(self._aliases())

    def _aliases(self) -> Iterator[AliasItem]:
        while self.frontier.denied_aliases:
            url, nid = self.frontier.denied_aliases.pop()
            yield AliasItem(url=url, source_id=nid)

    def _follow_sitemaps(self, robots: str) -> Iterator[Request]:
        for url in sitemaps.robots_sitemaps(robots):
            admitted = self.frontier.admit(url, force=True, page=False)
            if admitted:
                yield self._request(admitted, role="sitemap", priority=5)

    def _parse_xml(self, response: Response) -> Iterator[Request]:
        """Sitemaps (urlset, sitemapindex, gzipped too) and RSS/Atom feeds: every URL they list. One that cannot
        be read is counted by reason (a gzip bomb or broken gzip also logged, with the URL)."""
        try:
            listing = sitemaps.read(response.body, response.url)
        except sitemaps.SitemapError as exc:
            self.crawler.stats.inc_value(f"migrator/discovery/{exc.reason}")
            if exc.reason != "bad-xml":
                logger.warning("%s: %s; not read", response.url, exc)
            return
        for url in listing.sitemaps:
            admitted = self.frontier.admit(url, force=True, page=False)
            if admitted:
                yield self._request(admitted, role="sitemap", priority=5)
        yield from self._changed_in_sitemap(listing.lastmod)
        if response.meta.get("role") == "sitemap":  # the site's own count of its pages: the progress line's total
            self.crawler.stats.inc_value("migrator/discovery/sitemap-pages", len(set(listing.pages)))
        for admitted in self.frontier.admit_all(dict.fromkeys(listing.pages), response.url):
            yield self._request(admitted, priority=1)

    def _changed_in_sitemap(self, lastmods: dict[str, str]) -> Iterator[Request]:
        """Articles the revisit policy skipped whose sitemap ``<lastmod>`` is later than their last check, and
        known articles whose ``<lastmod>`` is later than their stored Last-Modified (fetched in full: an edit
        the site's validators may not show)."""
        if not self.deferred and not self.stored_modified:
            return
        for loc, lastmod in lastmods.items():
            url = normalize(loc, self.frontier.strip_query)
            if url in self.deferred and RevisitPolicy.changed_since(lastmod, self.deferred[url]):
                del self.deferred[url]
                self.crawler.stats.inc_value("migrator/revisit/lastmod")
                yield self._request(url, role="article", priority=1)
            elif url in self.stored_modified and lastmod_after(lastmod, self.stored_modified.pop(url),
                                                               self.config.timezone):
                self.crawler.stats.inc_value("migrator/revisit/lastmod-changed")
                request = self._request(url, role="article", priority=1).replace(dont_filter=True)
                request.meta["unconditional"] = True  # no validators: the sitemap says it changed
                yield request

    def closed(self, reason: str) -> None:
        for name, count in self.frontier.skipped.items():
            self.crawler.stats.inc_value(f"migrator/skipped/{name}", count)
        self.frontier.seen.close()

    # -- failures -------------------------------------------------------------------------------

    def failed(self, failure: Failure) -> Iterator[ErrorItem | VisitItem | Request]:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else ""
        role = request.meta.get("role", "page") if request is not None else "page"
        visit = request.meta.get("frontier_url") if request is not None else None
        reason = failure_reason(failure)
        if role in ("robots", "sitemap", "feed") and not isinstance(failure.value, OffsiteRedirect) \
                and reason != "robots":
            self.crawler.stats.inc_value(f"migrator/discovery/missing-{role}")
            yield VisitItem(visit)
            return
        instead = self._in_place_of_a_page(role)  # no page came of it: under --max-pages another URL takes its place
        if isinstance(failure.value, OffsiteRedirect):  # listed with its target, counted as a skip
            yield ErrorItem(url=url, reason=reason, detail=failure.value.target[:500], visit=visit, skip=True,
                            discovered=_queued(instead))
        elif reason == "robots":
            self.crawler.stats.inc_value("migrator/skipped/robots")
            yield VisitItem(visit, _queued(instead))
        else:
            yield ErrorItem(url=url, reason=reason, detail=str(failure.value)[:500], visit=visit,
                            discovered=_queued(instead))
        yield from instead

    def _in_place_of_a_page(self, role: str) -> list[Request]:
        """The request that takes the place of an admitted page URL that gave no page (``Frontier.no_page``)."""
        url = self.frontier.no_page() if role in ("page", "article") else None
        return [self._request(url)] if url else []


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of an absolute http(s) URL, else "".

    >>> _origin("http://d.test:8080/news/1?x=2")
    'http://d.test:8080'
    """
    if not url.startswith(("http://", "https://")):
        return ""
    end = url.find("/", url.index("//") + 2)
    origin = url if end < 0 else url[:end]
    return "" if any(c in origin for c in "?#\\") else origin


def _queued(requests: list[Request]) -> list[tuple[str, str, int]]:
    """(url, role, priority) of requests, as the frontier table keeps them."""
    return [(r.meta["frontier_url"], r.meta.get("role", "page"), r.priority) for r in requests]


_PARSER = lxml.html.HTMLParser(encoding="utf-8", recover=True, remove_comments=True)
#: Characters of a page from which its links are read as it is parsed, in pieces, each element dropped once
#: read (:func:`_hrefs_streamed`): a 3.6 MB forum search page's whole tree took 50 MB.
STREAM_FROM_CHARS = 500_000
_FEED_BYTES = 1 << 16
#: Elements with a link, and its attribute (as :data:`_LINK_XPATH` reads them).
_LINK_ATTRIBUTE = {"a": "href", "area": "href", "frame": "src", "iframe": "src"}
_LINK_RELS = frozenset({"alternate", "canonical", "next"})


def _hrefs(text: str) -> tuple[list[str], list[str]] | None:
    """The page's ``<base href>`` values and its links (:data:`_LINK_XPATH`) in document order, None for a page
    that does not parse."""
    data = text.encode("utf-8")
    if len(text) >= STREAM_FROM_CHARS:
        streamed = _hrefs_streamed(data)
        if streamed is not None:
            return streamed
    try:
        doc = lxml.html.document_fromstring(data, parser=_PARSER)
        if hit_depth_limit(_PARSER):  # libxml2 dropped what follows depth 256, links included
            flat = flatten_nesting(bound_markup(text)[0])[0]
            doc = lxml.html.document_fromstring(flat.encode("utf-8"), parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None
    return _BASE_XPATH(doc), _LINK_XPATH(doc)


def _hrefs_streamed(data: bytes) -> tuple[list[str], list[str]] | None:
    """:func:`_hrefs` of a big page, its tree never held whole: each element's link is read as it starts, and
    the element dropped once it ends. None when it nests deep enough to meet libxml2's depth limit (only the
    whole parse reports it; the caller parses whole then)."""
    parser = lxml.etree.HTMLPullParser(events=("start", "end"), encoding="utf-8", recover=True,
                                       remove_comments=True)
    bases: list[str] = []
    hrefs: list[str] = []
    depth = 0
    try:
        for start in range(0, len(data), _FEED_BYTES):
            parser.feed(data[start:start + _FEED_BYTES])
            for event, element in parser.read_events():
                if event == "end":
                    depth -= 1
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
                    continue
                depth += 1
                if depth >= MAX_DEPTH:
                    return None
                tag = element.tag
                name = _LINK_ATTRIBUTE.get(tag) if isinstance(tag, str) else None
                if name is None and tag == "link" and element.get("rel") in _LINK_RELS:
                    name = "href"
                value = element.get(name) if name else element.get("href") if tag == "base" else None
                if value is not None:
                    (bases if tag == "base" else hrefs).append(value)
        parser.close()
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        return None
    return bases, hrefs


def _is_xml(content_type: str) -> bool:
    """Whether a Content-Type names XML (a sitemap or feed), not XHTML.

    >>> _is_xml("application/rss+xml; charset=utf-8"), _is_xml("text/xml"), _is_xml("application/xhtml+xml")
    (True, True, False)
    """
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime != "application/xhtml+xml" and bool(_XML_TYPE.match(mime))
