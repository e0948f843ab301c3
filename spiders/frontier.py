"""Which discovered URLs get fetched: scope, URL rules, budgets and trap detection.

The spider asks ``admit(url, from_shape)`` for every link it finds; the answer is the
normalized URL to request, or None with the reason counted in ``skipped``.
"""
from __future__ import annotations

import logging
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import parse_qsl, urlsplit

from migrator.store.seen import SeenSet
from migrator.urls import host_allowed, node_id, normalize, path_and_query

logger = logging.getLogger(__name__)

ASSET = re.compile(
    r"\.(?:jpe?g|png|gif|bmp|svg|webp|ico|css|js|pdf|docx?|xlsx?|pptx?|rtf|zip|rar|7z|gz|tar|"
    r"mp[34]|avi|mov|wmv|flv|swf|exe|msi|iso|txt|woff2?|ttf)$", re.I)
_DIGITS = re.compile(r"\d+")
#: A platform's API and action endpoints, which links lead to but which hold no page of the site: WordPress'
#: REST API (``/wp-json/``, ``?rest_route=``), XML-RPC, login, admin and comment-post scripts, the comment reply
#: links of ``comment_reply_link()`` (``?replytocom=N``: the post again), Jetpack's share links (``?share=``),
#: print and e-mail-a-friend views, The Events Calendar's iCal and Outlook exports of an event or a list (``?ical=1``,
#: ``?outlook-ical=1``: text/calendar, the event again); Joomla's form actions (``task=`` of com_user and com_content's edit, vote
#: and e-mail views, ``option=com_mailto``, ``print=1``); the forum engines' scripts that search, post, message
#: or log in (phpBB 3's ``search.php``, ``posting.php``, ``ucp.php``, ``mcp.php``; vBulletin 3-4's ``search.php``,
#: ``newreply.php``, ``newthread.php``, ``private.php``, ``usercp.php``, ``sendmessage.php``, ``subscription.php``,
#: ``printthread.php``, ``login.php``, ``register.php``: a search answer is a listing, never an entry, and one saved
#: vBulletin site holds 3,680 of them, some 4 MB); DataLife Engine's forms (``do=register``, ``lostpassword``,
#: ``feedback``, ``search``, ``pm``, ``addnews``); Cloudflare's own paths (``/cdn-cgi/``: its e-mail protection
#: page, scripts and error pages, the same on every site it serves). Saved mirrors write ``&`` as ``__`` and ``?`` as ``@`` or ``-``
#: in file names.
ENDPOINTS = re.compile(
    r"^/wp-json(?:/|$)|[?&]rest_route=|/xmlrpc\.php|/wp-login\.php|/wp-admin(?:/|$)|/wp-comments-post\.php"
    r"|/wp-trackback\.php|/trackback/?$|[?&](?:replytocom|share|print|pfstyle|ical|outlook-ical)=|/(?:print|email)/?$"
    r"|(?:[?&]|__)task=(?:emailform|emailsend|edit|new|save|apply|cancel|vote|register|lostpassword|login|logout"
    r"|activate|requestreset|confirmreset|remind|add)\b|(?:[?&]|__)option=com_mailto\b|(?:[?&]|__)print=1\b"
    r"|/(?:search|posting|ucp|mcp|newreply|newthread|private|usercp|sendmessage|subscription|printthread|login"
    r"|register)\.php(?:$|[?@]|-\w+=|\.html$)|(?:[?&@]|__)do=(?:register|lostpassword|feedback|search|pm|addnews)\b"
    r"|^/cdn-cgi/",
    re.I)
_MAX_URL = 1000

#: A URL shape whose last ``BARREN_STREAK`` pages found nothing new elsewhere is a trap
#: (a calendar's "next month", a session id loop): stop following it.
BARREN_STREAK = 20
#: Pages whose links decide what the site template (menus, sidebars, footers) links to.
TEMPLATE_SAMPLE = 200


def shape(url: str) -> str:
    """The template a URL follows: digits folded, query values dropped.

    >>> shape("http://d.test/calendar/2031-07?mini=1")
    '/calendar/#-#?mini'
    """
    parts = urlsplit(url)
    keys = "&".join(k for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    return _DIGITS.sub("#", parts.path) + (f"?{keys}" if keys else "")


def _repeats_segments(path: str) -> bool:
    """``/a/b/a/b/a/b`` style paths, a classic relative-link trap."""
    segments = [s for s in path.split("/") if s]
    return len(segments) > 6 and len(set(segments)) <= len(segments) // 3


@dataclass
class Frontier:
    """Scope and trap rules for one crawl; keeps the seen-set of normalized URLs."""

    allowed_hosts: tuple[str, ...]
    deny: tuple[re.Pattern[str], ...] = ()
    budgets: tuple[tuple[re.Pattern[str], int], ...] = ()
    strip_query: tuple[str, ...] = ()
    alias_rules: tuple[re.Pattern[str], ...] = ()
    max_pages: int | None = None
    seen: SeenSet = field(default_factory=SeenSet)
    skipped: Counter[str] = field(default_factory=Counter)
    admitted: int = 0
    _spent: Counter[str] = field(default_factory=Counter)
    _streak: dict[str, deque[bool]] = field(default_factory=dict)
    _closed: set[str] = field(default_factory=set)
    denied_aliases: list[tuple[str, str]] = field(default_factory=list)
    _pages: int = 0
    _link_pages: Counter[str] = field(default_factory=Counter)
    _template: set[str] = field(default_factory=set)
    #: URLs refused past max_pages, first come first kept (as many as max_pages): one is let in for each admitted
    #: URL that gave no page (an error, a redirect loop), so that max_pages pages are fetched when the site has them.
    _reserve: deque[str] = field(default_factory=deque)

    def admit(self, url: str, force: bool = False, page: bool = True) -> str | None:
        """The normalized URL if it should be fetched, else None (reason counted in ``skipped``).

        ``force`` admits seeds (start URL, robots, sitemaps) past budgets and max_pages; ``page`` false: no page
        of the site (robots.txt, a sitemap, a feed), which max_pages does not count.
        """
        if not url.startswith(("http://", "https://")):
            return self._skip("scheme")
        norm = self._normal(url)
        if norm is None:
            return self._skip("malformed-url")
        if not self.seen.add(norm):
            return None
        reason = self._rejection(norm, force)
        if reason:
            return self._skip(reason)
        self.admitted += page
        return norm

    def restore(self, urls: Iterable[str]) -> None:
        """Resume an interrupted run: its admitted URLs are seen, and count against budgets and max_pages."""
        for url in urls:
            if not self.seen.add(url):
                continue
            self.admitted += 1
            target = path_and_query(url)
            for rule, _ in self.budgets:
                if rule.search(target):
                    self._spent[rule.pattern] += 1

    def _rejection(self, url: str, force: bool) -> str | None:
        if not host_allowed(url, self.allowed_hosts):
            return "offsite"
        parts = urlsplit(url)
        if not force and ASSET.search(parts.path):  # a seed is no asset: robots.txt may name a sitemap.xml.gz
            return "asset"
        target = path_and_query(url)
        if ENDPOINTS.search(target):
            return "endpoint"
        if any(rule.search(target) for rule in self.deny):
            nid = node_id(url, self.alias_rules)
            if nid:
                self.denied_aliases.append((url, nid))
            return "url-rule"
        if force:
            return None
        if len(url) > _MAX_URL or _repeats_segments(parts.path):
            return "trap"
        if shape(url) in self._closed:
            return "trap"
        for rule, limit in self.budgets:
            if rule.search(target):
                self._spent[rule.pattern] += 1
                if self._spent[rule.pattern] > limit:
                    return "budget"
        if self.max_pages is not None and self.admitted >= self.max_pages:
            if len(self._reserve) < self.max_pages:
                self._reserve.append(url)
            return "max-pages"
        return None

    def no_page(self) -> str | None:
        """An admitted URL gave no page: its place under max_pages goes to the first URL refused for it, returned
        (admitted now), if any."""
        if self.max_pages is None:
            return None
        self.admitted -= 1
        if not self._reserve:
            return None
        self.admitted += 1
        self.skipped["max-pages"] -= 1
        return self._reserve.popleft()

    def _normal(self, url: str) -> str | None:
        """The URL normalized, or None when it does not parse (``http://[url=...``, a broken BBCode tag, reads as
        a bad IPv6 host): such a link is skipped, never the page that holds it."""
        try:
            return normalize(url, self.strip_query)
        except ValueError:
            return None

    def _skip(self, reason: str) -> str | None:
        """Count a refusal by reason; None, the answer for a URL not admitted."""
        self.skipped[reason] += 1
        return None

    def report(self, url: str, leads_elsewhere: bool) -> None:
        """After parsing ``url``: whether it linked anywhere but its own shape and the site template."""
        key = shape(url)
        streak = self._streak.setdefault(key, deque(maxlen=BARREN_STREAK))
        streak.append(not leads_elsewhere)
        if len(streak) == BARREN_STREAK and all(streak) and key not in self._closed:
            self._closed.add(key)
            logger.info("URL shape %s looks like a trap (%d pages led nowhere else): not followed further",
                        key, BARREN_STREAK)

    def _template_links(self, links: set[str]) -> set[str]:
        """Links on most pages (menus, sidebars, footers), learned from the first pages parsed."""
        self._pages += 1
        if self._pages <= TEMPLATE_SAMPLE:
            self._link_pages.update(links)
            if self._pages >= 20:
                floor = self._pages / 2
                self._template = {u for u, n in self._link_pages.items() if n >= floor}
        return self._template

    def admit_all(self, urls: Iterable[str], from_url: str) -> list[str]:
        """Admit links found on ``from_url``; a page leading only to pages of its own shape (beyond the
        site template) counts toward closing that shape as a trap."""
        links = set()
        for url in urls:
            if url.startswith(("http://", "https://")):
                norm = self._normal(url)
                if norm is None:
                    self._skip("malformed-url")
                else:
                    links.add(norm)
        template = self._template_links(links)
        here = shape(from_url)
        elsewhere = self._pages <= 20 or any(u not in template and shape(u) != here for u in links)
        self.report(from_url, elsewhere)
        return [u for u in map(self.admit, sorted(links)) if u]
