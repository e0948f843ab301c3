"""Cheap re-crawls: which known articles a sync asks again, and conditional requests for them.

Revisit policy by page role: the front page, listings, feeds and sitemaps carry no validators, so
they are fetched in full every run and new articles show; an article page stored with an ETag or a
Last-Modified is asked with If-None-Match / If-Modified-Since. A 304 gets the stored body back, so
the spider still follows its links (articles reachable only from other articles stay found); the
pipeline marks the article seen without extracting it again.

Validators that fit the site (:class:`SiteValidators`): many sites hash the whole page into the ETag, so a
"latest articles" block moves every page's ETag with every new article; since a server ignores
If-Modified-Since when If-None-Match is present (RFC 9110 §13.1.3), such a site would answer every article in
full. Each host's full fetches of known articles show whether its ETags follow the content (and whether its
Last-Modified does); a host whose ETags follow the chrome is asked with If-Modified-Since alone, recorded in
the ``site_validators`` table (``migrator status`` shows it), with an audit fetch in full now and then, and a
fall back to both validators the moment a Last-Modified stands still on an edit.

Revisit policy by article age (opt-in, :class:`RevisitPolicy`): old articles rarely change, so they
are asked only when their last check has expired or a sitemap's ``<lastmod>`` says they changed.
"""
from __future__ import annotations

import logging
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from migrator.store import Store
from migrator.urls import netloc_of

logger = logging.getLogger(__name__)


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


def lastmod_after(lastmod: str | None, last_modified: str | None, zone: str | None = None) -> bool:
    """Does a sitemap ``<lastmod>`` name a later change than the Last-Modified a page was stored with?

    A date without a time is a day on the site's clock (``zone``, else UTC): later only when that day is
    after the stored one's. Unreadable values say nothing.

    >>> lastmod_after("2014-10-21", "Mon, 20 Oct 2014 21:30:00 GMT", "Europe/Moscow")  # 21 Oct 01:30 in Moscow
    False
    >>> lastmod_after("2014-10-22", "Mon, 20 Oct 2014 21:30:00 GMT", "Europe/Moscow")
    True
    >>> lastmod_after("2014-10-20T22:00:00Z", "Mon, 20 Oct 2014 21:30:00 GMT"), lastmod_after("soon", "then")
    (True, False)
    """
    modified = _when(lastmod)
    try:
        stored = parsedate_to_datetime(last_modified or "")
    except (TypeError, ValueError, IndexError):
        return False
    if modified is None:
        return False
    stored = stored if stored.tzinfo else stored.replace(tzinfo=timezone.utc)
    if len((lastmod or "").strip()) == len("2014-10-21"):
        return modified.date() > stored.astimezone(ZoneInfo(zone) if zone else timezone.utc).date()
    return modified > stored


#: Validator choices per host: both stored validators (the default), or If-Modified-Since alone.
BOTH, LAST_MODIFIED = "etag+last-modified", "last-modified"
#: Full fetches showing an ETag that moved while content and Last-Modified stood still, before a host's
#: ETags count as following the page chrome.
LEARN_AFTER = 3
#: Revisits of a host with no evidence yet that go ahead while the others wait for their answers (and for
#: at most PROBE_WAIT seconds).
PROBES, PROBE_WAIT = LEARN_AFTER, 30.0
#: In If-Modified-Since mode, one article in AUDIT_EVERY (by source id and run) is fetched in full anyway: a
#: Last-Modified that stopped following edits shows there, and the host falls back.
AUDIT_EVERY = 50


@dataclass
class SiteValidators:
    """What one host's full fetches of known articles said about its validators, and the choice it implies.

    Evidence (counted over runs): ``etag-moved`` an answer's ETag moved under a steady Last-Modified (counted
    as it arrives, so the choice changes early in a run); ``etag-chrome`` an ETag moved while the content did
    not; ``lm-steady`` Last-Modified stood still on unchanged content; ``lm-followed`` it moved with an edit;
    ``lm-missed`` it stood still while the content changed (If-Modified-Since alone would have missed that edit).
    """

    choice: str = BOTH
    evidence: Counter[str] = field(default_factory=Counter)

    def answered(self, etag_moved: bool, lm_moved: bool | None) -> str | None:
        """Count one full answer as it arrives, before its content is known (an ETag that moved under a steady
        Last-Modified); the new choice's reason when it changes. :meth:`observe` checks the content later.

        >>> site = SiteValidators()
        >>> [site.answered(True, False) for _ in range(3)][-1], site.choice
        ('ETag changed on 3 articles whose Last-Modified stood still: it follows the page chrome', 'last-modified')
        """
        if etag_moved and lm_moved is False:
            self.evidence["etag-moved"] += 1
        if self.choice == BOTH and not self.evidence["lm-missed"] and self.evidence["etag-moved"] >= LEARN_AFTER:
            self.choice = LAST_MODIFIED
            return (f"ETag changed on {self.evidence['etag-moved']} articles whose Last-Modified stood still: "
                    "it follows the page chrome")
        return None

    def observe(self, etag_moved: bool, lm_moved: bool | None, content_changed: bool) -> str | None:
        """Count one full fetch (``lm_moved`` None: no Last-Modified); the new choice's reason when it changes.

        >>> site = SiteValidators()
        >>> [site.observe(True, False, False) for _ in range(3)][-1]
        'ETag changed on 3 unchanged articles whose Last-Modified stood still: it follows the page chrome'
        >>> site.choice, site.observe(False, False, True)
        ('last-modified', 'Last-Modified stood still on an edited article: back to both validators')
        >>> site.choice
        'etag+last-modified'
        """
        if lm_moved is None:
            return None  # no Last-Modified: nothing to learn, If-None-Match stays
        if content_changed:
            self.evidence["lm-followed" if lm_moved else "lm-missed"] += 1
        elif not lm_moved:
            self.evidence["lm-steady"] += 1
            if etag_moved:
                self.evidence["etag-chrome"] += 1
        if self.choice == LAST_MODIFIED and self.evidence["lm-missed"]:
            self.choice = BOTH
            return "Last-Modified stood still on an edited article: back to both validators"
        if self.choice == BOTH and not self.evidence["lm-missed"] and self.evidence["etag-chrome"] >= LEARN_AFTER:
            self.choice = LAST_MODIFIED
            return (f"ETag changed on {self.evidence['etag-chrome']} unchanged articles whose Last-Modified "
                    "stood still: it follows the page chrome")
        return None


class ConditionalRequestsMiddleware:
    """On in sync runs (``MIGRATOR_MODE = "sync"``, ``MIGRATOR_CONDITIONAL`` true); off otherwise.

    Known article pages are asked with their stored validators; which ones is learned per host
    (:class:`SiteValidators`) from every full fetch of a known article this sync makes: RFC 9110 §13.1.3
    has a server ignore If-Modified-Since when If-None-Match is present, so a host whose ETags hash the
    page chrome (a "latest articles" block) is asked with If-Modified-Since alone.
    """

    def __init__(self, crawler: Crawler, store: Store) -> None:
        self.crawler = crawler
        self.store = store
        self.stats: StatsCollector = crawler.stats
        self.run_id = crawler.settings.get("MIGRATOR_RUN_ID")
        self.validators = store.validators()
        self.sites: dict[str, SiteValidators] = {
            host: SiteValidators(choice, Counter(evidence))
            for host, (choice, evidence) in store.validator_choices().items()}
        #: URLs answered 304 to If-Modified-Since alone this run, by host: asked again if the host falls back.
        self.since_only: dict[str, list[str]] = {}
        #: Hosts with no evidence yet: [probes sent, probes answered], the requests held meanwhile, and the
        #: hosts done probing this run.
        self.probes: dict[str, list[int]] = {}
        self.held: dict[str, list[tuple[Deferred[None], str]]] = {}
        #: The articles (source ids) probed on each host: a probe is one more article, never one audited this run.
        self.probe_ids: dict[str, set[str]] = {}
        self.probed: set[str] = set()
        #: Hosts with evidence from earlier runs: asked as their choice says from the first request.
        self.known_hosts = {host for host, site in self.sites.items() if site.evidence}
        #: Requests sent on with both validators and not answered yet, by host: the downloader queues them
        #: after this middleware, so when the host's choice changes, those still queued go without If-None-Match.
        self.waiting: dict[str, dict[str, Request]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestsMiddleware:
        settings = crawler.settings
        if settings.get("MIGRATOR_MODE") != "sync" or not settings.getbool("MIGRATOR_CONDITIONAL", True):
            raise NotConfigured
        middleware = cls(crawler, Store(settings.get("MIGRATOR_DB")))
        crawler.signals.connect(middleware.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def site(self, url: str) -> SiteValidators:
        return self.sites.setdefault(netloc_of(url), SiteValidators())

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        known = self.validators.get(request.url)
        if known is None or request.meta.get("unconditional"):
            return
        if "revalidated" in request.meta:
            if not request.meta.get("retry_times"):
                return
            # a retry (of a 5xx, a timeout) waits like any revisit and is asked as the host's choice says now: a
            # copy of a probe keeps the If-None-Match it was sent with, and answered after the flip, comes in full
            request.headers.pop(b"If-None-Match", None)
            request.headers.pop(b"If-Modified-Since", None)
            request.meta.pop("since_only", None)
        await self._probed(netloc_of(request.url), known[0])
        self._validate(request, known)

    async def _probed(self, host: str, source_id: str) -> None:
        """A host with no evidence yet: revisits of the first PROBES articles go ahead, the rest wait (at most
        PROBE_WAIT seconds) until those are answered, so the choice they teach applies to all of them. A probe is
        an article not probed yet (not its alias again) and not audited this run (fetched in full anyway): the
        articles a sync fetches in full are then the audited ones and PROBES others, whatever the timing."""
        if host in self.probed or host in self.known_hosts:
            return
        sent = self.probes.setdefault(host, [0, 0])
        if sent[0] < PROBES and self._may_probe(host, source_id):
            self._probe(host, source_id)
            return
        waiter: Deferred[None] = Deferred()
        self.held.setdefault(host, []).append((waiter, source_id))
        if len(self.held[host]) == 1:
            from twisted.internet import reactor  # the one Scrapy installed (importing it earlier would pick one)

            reactor.callLater(PROBE_WAIT, self._release, host)  # type: ignore[arg-type]  # zope's signature omits self; answers that never come hold nothing for long
        await maybe_deferred_to_future(waiter)

    def _may_probe(self, host: str, source_id: str) -> bool:
        return source_id not in self.probe_ids.get(host, ()) and not self._audited(source_id)

    def _probe(self, host: str, source_id: str) -> None:
        self.probes[host][0] += 1
        self.probe_ids.setdefault(host, set()).add(source_id)

    def _probe_answered(self, host: str, telling: bool) -> None:
        """A revisit of a probing host came back; one that says nothing of the validators (a 5xx, a timeout)
        hands its turn to a held request, or to the next revisit when none is held, so the probes that count
        are PROBES answers of 200 or 304. Only then is the host released: released on fewer (the first two
        revisits, answered before a third was asked), the revisits in flight went with If-None-Match, and how
        many came back in full depended on timing."""
        probes = self.probes.get(host)
        if probes is None or host in self.probed:
            return
        if telling:
            probes[1] += 1
        else:
            probes[0] -= 1
            self._next_probe(host)  # a held one goes on as a probe in its place
        if probes[1] >= PROBES:  # a site with fewer articles that may probe: PROBE_WAIT releases the rest
            self._release(host)

    def _next_probe(self, host: str) -> None:
        """Send on the first held revisit that may probe, as a probe."""
        held = self.held.get(host, [])
        for k, (waiter, source_id) in enumerate(held):
            if self._may_probe(host, source_id):
                del held[k]
                self._probe(host, source_id)
                waiter.callback(None)
                return

    def _release(self, host: str) -> None:
        self.probed.add(host)
        for waiter, _ in self.held.pop(host, []):
            waiter.callback(None)

    def _validate(self, request: Request, known: tuple[str, str | None, str | None]) -> None:
        """Add the validators this host's choice says to send."""
        source_id, etag, last_modified = known
        request.meta["revalidated"] = source_id
        if self.site(request.url).choice == LAST_MODIFIED and last_modified:
            if request.meta.get("role") == "article" and self._audited(source_id):
                self.stats.inc_value("migrator/revisit/audit")  # no validators: a full fetch to check the choice
                return
            request.headers[b"If-Modified-Since"] = last_modified
            request.meta["since_only"] = True
            self.stats.inc_value("migrator/revisit/if-modified-since")
            return
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified:
            request.headers[b"If-Modified-Since"] = last_modified
            self.waiting.setdefault(netloc_of(request.url), {})[request.url] = request
        self.stats.inc_value("migrator/revisit/conditional")

    def _audited(self, source_id: str) -> bool:
        """One article in AUDIT_EVERY, another set each run, is asked without validators (by its id, not its URL:
        the same articles whatever the host and port, and never one a probe fetches in full)."""
        return zlib.crc32(f"{self.run_id}:{source_id}".encode()) % AUDIT_EVERY == 0

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        self._settled(request, telling=False)

    def _settled(self, request: Request, telling: bool) -> None:
        if "revalidated" in request.meta:
            self.waiting.get(netloc_of(request.url), {}).pop(request.url, None)
            self._probe_answered(netloc_of(request.url), telling)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status != 304 or "revalidated" not in request.meta:
            telling = False
            if "revalidated" in request.meta:
                self.stats.inc_value(f"migrator/revisit/status-{response.status}")
                if response.status == 200:
                    telling = self._answered(request.url, response)
            self._settled(request, telling)
            return response
        self._settled(request, telling=True)
        self.stats.inc_value("migrator/revisit/not-modified")
        if request.meta.get("since_only"):
            if self.site(request.url).choice == LAST_MODIFIED:
                self.since_only.setdefault(netloc_of(request.url), []).append(request.url)
            else:  # asked before the host fell back, answered after: ask again now
                self._ask_again([request.url])
        headers = response.headers.copy()
        content_type = _stored_content_type(self.store, request.url)
        if content_type and b"Content-Type" not in headers:
            headers[b"Content-Type"] = content_type
        return response.replace(body=self.store.page_body(request.url) or b"", headers=headers)

    def _answered(self, url: str, response: Response) -> bool:
        """A known article answered in full: did its ETag move while its Last-Modified stood still? True when
        the answer tells something of the validators (its Last-Modified stood still), not an edit's 200."""
        known = self.validators.get(url)
        if known is None:  # a redirect's target, asked under the meta of the URL that moved
            return False
        _, etag, last_modified = known
        new_etag = (response.headers.get(b"ETag") or b"").decode("latin-1")
        new_lm = (response.headers.get(b"Last-Modified") or b"").decode("latin-1")
        site = self.site(url)
        lm_moved = None if not last_modified else new_lm != last_modified
        reason = site.answered(bool(etag) and new_etag != etag, lm_moved)
        if reason:
            self._chose(netloc_of(url), site, reason)
        return lm_moved is False

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        """A known article's page fetched in full and stored: what its validators did against its content."""
        known = self.validators.get(getattr(item, "url", None) or "")
        if known is None or getattr(item, "status", None) != 200:
            return
        source_id, etag, last_modified = known
        headers = {k.lower(): v for k, v in item.headers.items()}
        changed = self.store.changed_in(source_id) == self.run_id
        lm_moved = None if not last_modified else headers.get("last-modified") != last_modified
        etag_moved = bool(etag) and headers.get("etag") != etag
        site = self.site(item.url)
        reason = site.observe(etag_moved, lm_moved, changed)
        if reason:
            self._chose(netloc_of(item.url), site, reason)

    def _chose(self, host: str, site: SiteValidators, reason: str) -> None:
        """Record a new choice at once; a fall back also asks again, with both validators, every article this
        run answered 304 to If-Modified-Since alone (an edit behind one of those 304s must not be missed)."""
        self.store.save_validator_choice(host, site.choice, reason, dict(site.evidence), self.run_id)
        self.stats.inc_value(f"migrator/revisit/choice-{site.choice}")
        logger.info("validators for %s: %s (%s)", host, site.choice, reason)
        if site.choice != BOTH:
            for request in self.waiting.pop(host, {}).values():  # still queued (or on the wire: no harm done)
                del request.headers[b"If-None-Match"]
                request.meta["since_only"] = True
            return
        again = self.since_only.pop(host, [])
        logger.warning("%s: %d articles answered 304 to If-Modified-Since alone are asked again", host, len(again))
        self._ask_again(again)

    def _ask_again(self, urls: list[str]) -> None:
        """Schedule known articles once more (the spider's own requests; validators as the host's choice now)."""
        spider = self.crawler.spider
        for url in urls:
            self.stats.inc_value("migrator/revisit/asked-again")
            self.crawler.engine.crawl(spider.request_for(url, role="article"))  # type: ignore[union-attr]

    def spider_closed(self, spider: Spider) -> None:
        """Keep each host's evidence for the next run (its choice was recorded when it changed)."""
        for host, site in self.sites.items():
            if not site.evidence:
                continue
            reason = self.store.validator_reason(host) or "no evidence against the ETags yet"
            self.store.save_validator_choice(host, site.choice, reason, dict(site.evidence), self.run_id)
        self.store.close()


def _stored_content_type(store: Store, url: str) -> str | None:
    headers = {k.lower(): v for k, v in store.page_headers(url).items()}
    return headers.get("content-type")
