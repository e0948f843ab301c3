"""The bundled demo old site: a hostile Drupal 6 science-news portal with known ground truth.

``DemoSite(spec).respond(method, path, headers)`` answers one request; ``truth()`` lists the
articles a perfect crawler finds. Articles are generated lazily from ``(seed, node id)``, so a
100,000-article site costs little memory and any page renders in well under a millisecond.
"""
from __future__ import annotations

import hashlib
import random
import re
import threading
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from html import escape
from typing import Any, Callable
from urllib.parse import parse_qs, quote, unquote, urlsplit

from migrator.demo import layout
from migrator.demo import text as t
from migrator.demo.content import (
    FILE_TYPES,
    MSK,
    ArchiveItem,
    Attachment,
    BodyOptions,
    DemoArticle,
    Link,
    attach,
    build_archive_item,
    build_attachments,
    build_body,
    build_comments,
    build_sources,
    file_bytes,
    page_order,
    validators,
)

Response = tuple[int, list[tuple[str, str]], bytes]


@dataclass(frozen=True)
class Request:
    """What a route handler needs: its URL match, the query, lower-cased headers, the site's base URL."""

    match: re.Match[str]
    query: dict[str, list[str]]
    headers: dict[str, str]
    base: str

FIRST_NID = 1000
NID_STEP = 3  # node ids have gaps (other content types), so /node/1001 is a 404
START = date(2005, 1, 1)
SPAN_DAYS = (date(2015, 1, 1) - START).days
PAGE_SIZE = 10
RSS_SIZE = 15
SITEMAP_CHUNK = 1000
_DRUPAL_HEADERS = [("Server", "Apache/2.2.16 (Debian)"), ("X-Powered-By", "PHP/5.2.17"),
                   ("Expires", "Sun, 19 Nov 1978 05:00:00 GMT")]
_NO_CACHE = ("Cache-Control", "store, no-cache, must-revalidate, post-check=0, pre-check=0")
_REVALIDATE = ("Cache-Control", "public, max-age=0, must-revalidate")
_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
ROBOTS_TXT = """#
# robots.txt
#
# This file is to prevent the crawling and indexing of certain parts
# of your site by web crawlers and spiders run by sites like Yahoo!
# and Google. By telling these "robots" where not to crawl, you save
# bandwidth and server resources.
#
# For more information about the robots.txt standard, see:
# http://www.robotstxt.org/wc/robots.html

User-agent: *
# Directories
Disallow: /includes/
Disallow: /misc/
Disallow: /modules/
Disallow: /profiles/
Disallow: /scripts/
Disallow: /sites/
Disallow: /themes/
# Files
Disallow: /CHANGELOG.txt
Disallow: /cron.php
Disallow: /INSTALL.mysql.txt
Disallow: /INSTALL.pgsql.txt
Disallow: /install.php
Disallow: /INSTALL.txt
Disallow: /LICENSE.txt
Disallow: /MAINTAINERS.txt
Disallow: /update.php
Disallow: /UPGRADE.txt
Disallow: /xmlrpc.php
# Paths (clean URLs)
Disallow: /admin/
Disallow: /comment/reply/
Disallow: /contact/
Disallow: /logout/
Disallow: /node/add/
Disallow: /search/
Disallow: /user/
Disallow: /user/register/
Disallow: /user/password/
Disallow: /user/login/
# Paths (no clean URLs)
Disallow: /?q=admin/
Disallow: /?q=comment/reply/
Disallow: /?q=contact/
Disallow: /?q=logout/
Disallow: /?q=node/add/
Disallow: /?q=search/
Disallow: /?q=user/
Disallow: /?q=user/password/
Disallow: /?q=user/register/
Disallow: /?q=user/login/

Sitemap: {base}/sitemap.xml
"""


@dataclass(frozen=True)
class SiteSpec:
    """What to generate: size, theme, and the mutations of a later version of the same site."""

    seed: int = 7
    articles: int = 300
    theme: str = "garland"  # a name of layout.THEMES, or "random": drawn from the seed
    archive_items: int = 24
    edited: tuple[int, ...] = ()  # node ids whose body changed
    edited_on: date | None = None  # when they changed (Last-Modified, sitemap lastmod); None: a day after the last comment
    added: int = 0  # new articles, newest, with new node ids
    removed: tuple[int, ...] = ()  # node ids that now answer 404
    version: int = 0  # changes sidebars and view counters, not content
    slow_seconds: float = 2.0
    zoo: bool = False  # draw the site's markup (layout.Markup) from the seed, briefs included
    #: "Популярное" lists the newest articles and an article's ETag hashes its page's bytes (Drupal's page cache,
    #: Apache's FileETag): every new article changes every page's ETag; Last-Modified stays the node's change time.
    chrome_etags: bool = False
    briefs: int = 0  # the first ``briefs`` added articles are briefs (:meth:`DemoSite.brief`, as the zoo's)
    #: Markup choices set over the drawn (or classic) ones, as (field, value) pairs of layout.Markup: e.g.
    #: (("comments", "closed"), ("print_link", False)) for a site where nothing on a page names the node id.
    markup: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Specials:
    """Article indexes with a deliberate fault, chosen once per seed."""

    transient: dict[int, int] = field(default_factory=dict)  # index -> number of 500s before a 200
    slow: int | None = None
    loop_linker: int | None = None
    dead_linkers: tuple[int, ...] = ()


def _http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(timezone.utc), usegmt=True)


def _with_choices(markup: layout.Markup, choices: dict[str, object]) -> layout.Markup:
    """``markup`` with some choices set; an unknown choice is a clear error, not a silent no-op."""
    known = {f.name for f in fields(layout.Markup)}
    unknown = sorted(set(choices) - known)
    if unknown:
        raise ValueError(f"unknown markup choices {unknown}; expected some of {sorted(known)}")
    return replace(markup, **choices)  # type: ignore[arg-type]  # names checked above; values by the zoo's draw


def _month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    k = year * 12 + month - 1 + delta
    return k // 12, k % 12 + 1


class DemoSite:
    """Routing, pages and ground truth of one version of the demo site."""

    def __init__(self, spec: SiteSpec | None = None) -> None:
        self.spec = spec or SiteSpec()
        if self.spec.theme not in layout.THEMES and self.spec.theme != "random":
            raise ValueError(f"unknown demo theme {self.spec.theme!r}; expected one of {sorted(layout.THEMES)} "
                             "or 'random'")
        draw = random.Random(f"{self.spec.seed}:markup")
        self.markup = layout.Markup.draw(draw) if self.spec.zoo else layout.CLASSIC
        if self.spec.markup:
            self.markup = _with_choices(self.markup, dict(self.spec.markup))
        name = draw.choice(sorted(layout.THEMES)) if self.spec.theme == "random" else self.spec.theme
        self.theme = layout.THEMES[name](self.markup)
        self.n = self.spec.articles
        self.total = self.n + self.spec.added
        self.removed = {i for i in map(self.index_of, self.spec.removed) if i is not None}
        self.edited = set(self.spec.edited)
        self.article = lru_cache(maxsize=4096)(self._build_article)
        self.title = lru_cache(maxsize=65536)(self._build_title)
        self._month = lru_cache(maxsize=1024)(self._build_month)
        self._published_cache = lru_cache(maxsize=65536)(self._published)
        self._left_cache = lru_cache(maxsize=256)(self._build_left)
        self._right_cache = lru_cache(maxsize=1)(self._build_right)
        self.specials = self._choose_specials()
        self._failures: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._visible_list: array[int] | None = None
        self._by_term: dict[int, array[int]] | None = None
        self._sitemap_list: array[int] | None = None
        self.archive = [self._archive_item(k) for k in range(1, self.spec.archive_items + 1)]
        self._routes: list[tuple[re.Pattern[str], Callable[[Request], Response]]] = [
            (re.compile(p), h) for p, h in (
                (r"/|/node", self._front), (r"/news", self._news), (r"/news/(\d{4})/(\d{2})/([^/]+)", self._alias),
                (r"/node/(\d+)", self._node), (r"/print/(\d+)", self._print), (r"/forward", self._forward),
                (r"/taxonomy/term/(\d+)", self._term), (r"/calendar/(\d+)-(\d{2})", self._calendar),
                (r"/users/([^/]+)", self._user), (r"/user(?:/.*)?", self._login), (r"/search(?:/.*)?", self._search),
                (r"/comment/reply/.*", self._forbidden), (r"/rss\.xml", self._rss), (r"/sitemap\.xml", self._sitemap),
                (r"/robots\.txt", self._robots), (r"/archive", self._archive_slash),
                (r"/archive/", self._archive_index),
                (r"/archive/(\d{4})/", self._archive_year), (r"/archive/(\d{4})/item(\d+)\.html", self._archive_page),
                (r"/loop/([ab])", self._loop), (r"/(?:misc|modules|sites|themes|archive/img)/.*", self._static),
            )]

    # ---- identity and time -------------------------------------------------------------------

    def nid(self, i: int) -> int:
        return FIRST_NID + NID_STEP * i

    def index_of(self, nid: int) -> int | None:
        """The article index of a node id, or None when no article ever had it."""
        i, rest = divmod(nid - FIRST_NID, NID_STEP)
        return i if rest == 0 and 0 <= i < self.total else None

    def _hash(self, kind: str, i: int) -> int:
        return zlib.crc32(f"{self.spec.seed}:{kind}:{i}".encode())

    def _index_at_day(self, day: int) -> int:
        """First article index published on or after ``day`` (days since START)."""
        if day <= 0:
            return 0
        if day <= SPAN_DAYS:
            return -(-day * self.n // SPAN_DAYS)
        return min(self.total, self.n + day - SPAN_DAYS)

    def _day_of(self, i: int) -> int:
        return i * SPAN_DAYS // self.n if i < self.n else SPAN_DAYS + i - self.n

    def published(self, i: int) -> datetime:
        """When article ``i`` was published, in Moscow time."""
        return self._published_cache(i)

    def _published(self, i: int) -> datetime:
        """Local Moscow time; articles of one day are spread 8:00-22:00 in node order."""
        day = self._day_of(i)
        first, count = self._index_at_day(day), self._index_at_day(day + 1) - self._index_at_day(day)
        slot = 840 // max(count, 1)
        minute = 480 + (i - first) * slot + self._hash("minute", i) % max(slot, 1)
        when = datetime.combine(START + timedelta(days=day), datetime.min.time()) + timedelta(minutes=minute)
        return when.replace(tzinfo=MSK)

    def _month_range(self, year: int, month: int) -> range:
        if not 1 <= year <= 9998:
            return range(0)
        y2, m2 = _month_shift(year, month, 1)
        lo = (date(year, month, 1) - START).days
        hi = (date(y2, m2, 1) - START).days
        return range(self._index_at_day(lo), self._index_at_day(hi))

    # ---- titles and aliases ------------------------------------------------------------------

    def _build_title(self, i: int) -> str:
        return t.title(random.Random(f"{self.spec.seed}:{self.nid(i)}:title"))

    def _build_month(self, year: int, month: int) -> tuple[dict[int, str], dict[str, int]]:
        """Pathauto slugs of one month, with its "-0", "-1" suffixes for repeated titles."""
        by_index: dict[int, str] = {}
        by_slug: dict[str, int] = {}
        seen: Counter[str] = Counter()
        for i in self._month_range(year, month):
            base = t.slugify(self.title(i))
            slug = base if not seen[base] else f"{base}-{seen[base] - 1}"
            seen[base] += 1
            by_index[i], by_slug[slug] = slug, i
        return by_index, by_slug

    def alias(self, i: int) -> str:
        when = self.published(i)
        return f"/news/{when.year}/{when.month:02d}/{self._month(when.year, when.month)[0][i]}"

    # ---- which articles show where -----------------------------------------------------------

    def _raw_hidden(self, i: int) -> bool:
        if self.n < 10 or i >= self.n - 1:
            return False
        return i == self.n // 2 or self._hash("hidden", i) % 100 < 3

    def hidden(self, i: int) -> bool:
        """Reachable only through links inside other articles' bodies."""
        return self._raw_hidden(i)

    def live(self, i: int) -> bool:
        return 0 <= i < self.total and i not in self.removed

    def visible(self, i: int) -> bool:
        """In listings, taxonomy, calendar, sitemap candidates."""
        return self.live(i) and not self.hidden(i)

    def parent(self, i: int) -> int | None:
        """The article whose body links to hidden article ``i``: the next live one."""
        j = i + 1
        while j < self.total and j in self.removed:
            j += 1
        return j if j < self.total else None

    def reachable(self, i: int) -> bool:
        while self.live(i) and self.hidden(i):
            parent = self.parent(i)
            if parent is None:
                return False
            i = parent
        return self.live(i)

    def in_sitemap(self, i: int) -> bool:
        return self.visible(i) and self._hash("sitemap", i) % 10 != 0

    def visible_indexes(self) -> array[int]:
        """All visible article indexes, oldest first (built once, 4 bytes per article)."""
        if self._visible_list is None:
            self._visible_list = array("i", (i for i in range(self.total) if self.visible(i)))
        return self._visible_list

    def newest(self, count: int) -> list[int]:
        """The newest ``count`` visible articles, walking down from the top."""
        found: list[int] = []
        i = self.total - 1
        while i >= 0 and len(found) < count:
            if self.visible(i):
                found.append(i)
            i -= 1
        return found

    def tags(self, i: int) -> tuple[tuple[int, str], ...]:
        """1-3 taxonomy terms from a cheap hash (taxonomy listings need them for every article)."""
        h = self._hash("tags", i)
        pool = list(t.TERMS)
        chosen = [pool.pop((h >> (4 * k)) % len(pool)) for k in range(1 + h % 3)]
        return tuple(sorted(chosen, key=lambda term: term[1]))

    def by_term(self, tid: int) -> array[int]:
        if self._by_term is None:
            index: dict[int, array[int]] = {term: array("i") for term, _ in t.TERMS}
            for i in self.visible_indexes():
                for term, _ in self.tags(i):
                    index[term].append(i)
            self._by_term = index
        return self._by_term.get(tid, array("i"))

    def _choose_specials(self) -> Specials:
        if self.n < 12:
            return Specials()
        rng = random.Random(f"{self.spec.seed}:specials")
        picked: list[int] = []
        while len(picked) < 8:
            i = rng.randrange(1, self.n - 1)
            if i not in picked and not self._raw_hidden(i):
                picked.append(i)
        transient = {picked[0]: 1, picked[1]: 2, picked[2]: 2}
        return Specials(transient, picked[3], picked[4], tuple(picked[5:8]))

    # ---- articles ----------------------------------------------------------------------------

    def _link_to(self, target: int, form: int) -> Link:
        nid = self.nid(target)
        alias = self.alias(target)
        href = (alias, f"{alias}?utm_source=related", f"/node/{nid}", f"/?q=node/{nid}")[form % 4]
        return Link(href, self.title(target))

    def body_links(self, i: int) -> tuple[Link, ...]:
        """Links inside the body: to a hidden predecessor, to older articles, to dead or looping URLs."""
        rng = random.Random(f"{self.spec.seed}:{self.nid(i)}:links")
        links = []
        k = i - 1
        while k >= 0 and k in self.removed:
            k -= 1
        if k >= 0 and self.hidden(k):
            links.append(self._link_to(k, rng.randrange(4)))
        for _ in range(rng.choice((0, 0, 1, 1, 2)) if i > 0 else 0):
            links.append(self._link_to(rng.randrange(i), rng.randrange(4)))
        if i in self.specials.dead_linkers:
            links.append(Link(f"/node/{self.nid(i) + 1}", t.title(rng)))
        if i == self.specials.loop_linker:
            links.append(Link("/loop/a", "Обсуждение на старом форуме"))
        return tuple(links)

    def _build_article(self, i: int) -> DemoArticle:
        nid = self.nid(i)
        rng = random.Random(f"{self.spec.seed}:{nid}")
        published = self.published(i)
        author = None if rng.random() < 0.1 else rng.choice(t.USERS)
        options = BodyOptions(
            links=self.body_links(i),
            edit_seed=f"{self.spec.seed}:{nid}:edit" if nid in self.edited else None,
            word=published.year < 2009 and rng.random() < 0.7,
            malformed=self._hash("malformed", i) % 100 < 4,
            brief=self.brief(i),
        )
        body_html, body_text, images, teaser = build_body(rng, nid, options)
        files = () if options.brief else self.attachments(i)
        body_html, body_text = attach(body_html, body_text, files)
        mode, sources = build_sources(rng)
        comments = build_comments(rng, nid, published)
        title, alias, tags = self.title(i), self.alias(i), self.tags(i)
        last = max([published, *(c.published for c in comments)])
        if options.edit_seed:
            last = (datetime.combine(self.spec.edited_on, datetime.min.time(), MSK) if self.spec.edited_on
                    else last + timedelta(days=1))
        parts = (title, alias, published.isoformat(), author, tags, mode, sources, body_html,
                 tuple((c.cid, c.author, c.published.isoformat(), c.paragraphs) for c in comments), files)
        etag, last_modified = validators(parts, last)
        return DemoArticle(i, nid, title, alias, published, author, tags, mode, sources, body_html, body_text, teaser,
                       images, comments, rng.randrange(4), etag, last_modified, files)

    def brief(self, i: int) -> bool:
        """A short news brief (one paragraph of 14 words, :func:`content.build_body`): one of the first
        ``SiteSpec.briefs`` added articles (a brief stays one as more are added), or drawn at the zoo markup's
        share (``Markup.briefs``) among those without links that keep a hidden article reachable. The one place
        either kind is decided."""
        if self.n <= i < self.n + self.spec.briefs:
            return True
        share = self.markup.briefs
        return bool(share) and not self.body_links(i) and self._hash("brief", i) % 100 < share

    def attachments(self, i: int) -> tuple[Attachment, ...]:
        """About one article in twelve has files; their own RNG leaves every other article's content as it was."""
        if self._hash("files", i) % 12:
            return ()
        return build_attachments(random.Random(f"{self.spec.seed}:{self.nid(i)}:files"), self.nid(i))

    def views(self, i: int) -> int:
        """The view counter: grows with every version even when the article does not change."""
        h = self._hash("views", i)
        return 20 + h % 20000 + self.spec.version * (1 + h % 37)

    # ---- truth -------------------------------------------------------------------------------

    def truth(self) -> list[dict[str, Any]]:
        """One dict per article a perfect crawler finds (root-relative URLs), node articles first."""
        rss = set(self.newest(RSS_SIZE))
        items = [self._article_truth(i, rss) for i in range(self.total) if self.reachable(i)]
        return items + [self._archive_truth(item) for item in self.archive]

    def _article_truth(self, i: int, rss: set[int]) -> dict[str, Any]:
        a = self.article(i)
        if self.hidden(i):
            discovery = ["body-link-only"]
        else:
            discovery = ["listing", "taxonomy", "calendar"]
            discovery += ["sitemap"] if self.in_sitemap(i) else []
            discovery += ["rss"] if i in rss else []
        return {
            "url": a.alias, "aliases": [f"/node/{a.nid}", f"/?q=node/{a.nid}", f"/print/{a.nid}"],
            "source_id": f"node/{a.nid}", "title": a.title, "published_at": a.published.isoformat(),
            "updated_at": None, "author": a.author, "tags": [name for _, name in a.tags], "sources": list(a.sources),
            "images": list(a.images), "attachments": page_order(a.attachments), "body_text": a.body_text,
            "comments": [c.truth() for c in a.comments], "kind": "node", "discovery": discovery,
            "type": self.theme.node_type(), "brief": self.brief(i),
        }

    def _archive_truth(self, item: ArchiveItem) -> dict[str, Any]:
        return {
            "url": item.path, "aliases": [], "source_id": item.path.strip("/").removesuffix(".html"),
            # the archive prints the day only ("12.03.2001"): a date, no time of day
            "title": item.title, "published_at": item.published.date().isoformat(), "updated_at": None,
            "author": None, "tags": [], "sources": [], "images": [item.image] if item.image else [], "attachments": [],
            "body_text": "\n\n".join(item.paragraphs), "comments": [], "kind": "archive",
            "discovery": ["archive-index"],
        }

    # ---- HTTP --------------------------------------------------------------------------------

    def delay(self, path_and_query: str) -> float:
        """Seconds the server should wait before answering (the one slow article)."""
        slow = self.specials.slow
        if slow is None:
            return 0.0
        path = urlsplit(path_and_query).path
        nid = self.nid(slow)
        if path in (f"/node/{nid}", f"/print/{nid}") or path == self.alias(slow):
            return self.spec.slow_seconds
        return 0.0

    def respond(self, method: str, path_and_query: str, headers: dict[str, str]) -> Response:
        """Answer one request: (status, headers, body)."""
        headers = {k.lower(): v for k, v in headers.items()}
        base = f"http://{headers.get('host', 'demo.test')}"
        parts = urlsplit(path_and_query)
        query = parse_qs(parts.query)
        if parts.path in ("/", "/index.php") and "q" in query:
            return self._q_redirect(query["q"][0], base)
        for pattern, handler in self._routes:
            match = pattern.fullmatch(parts.path)
            if match:
                return handler(Request(match, query, headers, base))
        return self._not_found(base)

    def _html(self, status: int, html: str, extra: list[tuple[str, str]] | None = None) -> Response:
        headers = [("Content-Type", "text/html; charset=utf-8"), *_DRUPAL_HEADERS, *(extra or [_NO_CACHE])]
        return status, headers, html.encode("utf-8")

    def _redirect(self, status: int, location: str) -> Response:
        body = f'<html><body>Moved: <a href="{escape(location)}">{escape(location)}</a></body></html>'
        return status, [("Location", location), ("Content-Type", "text/html; charset=iso-8859-1")], body.encode()

    def _q_redirect(self, target: str, base: str) -> Response:
        """Drupal without clean URLs: ``/?q=node/8`` moves permanently to the alias."""
        match = re.fullmatch(r"node/(\d+)", target)
        if match:
            i = self.index_of(int(match.group(1)))
            if i is not None and self.live(i):
                return self._redirect(301, base + self.alias(i))
        return self._redirect(301, base + "/" + quote(target.lstrip("/"), safe="/"))

    # ---- page chrome -------------------------------------------------------------------------

    def _calendar_block(self, year: int, month: int) -> layout.Block:
        py, pm = _month_shift(year, month, -1)
        ny, nm = _month_shift(year, month, 1)
        inner = (f'<div class="calendar-calendar"><div class="date-nav"><div class="date-prev"><a href="/calendar/{py}-{pm:02d}">'
                 f'‹ пред</a></div><h3><a href="/calendar/{year}-{month:02d}">{t.MONTHS_NOM[month - 1]} {year}</a></h3>'
                 f'<div class="date-next"><a href="/calendar/{ny}-{nm:02d}">след ›</a></div></div></div>')
        return "views-calendar-block_1", "Календарь", inner

    def _left(self, year: int, month: int) -> list[layout.Block]:
        """Search, calendar and rubrics blocks."""
        return self._left_cache(year, month)

    def _build_left(self, year: int, month: int) -> list[layout.Block]:
        search = ('<form action="/search/node" accept-charset="UTF-8" method="post" id="search-block-form"><div>'
                  '<input type="text" maxlength="128" name="search_block_form" size="15" value="" class="form-text" />'
                  '<input type="submit" name="op" value="Поиск" class="form-submit" /></div></form>')
        terms = "".join(f'<li class="leaf"><a href="/taxonomy/term/{tid}">{name}</a></li>' for tid, name in t.TERMS)
        return [("search-0", "", search), self._calendar_block(year, month),
                ("taxonomy-0", "Рубрики", f'<ul class="menu">{terms}</ul>')]

    def _right(self) -> list[layout.Block]:
        """Latest and popular blocks, the same on every page of one site version."""
        return self._right_cache()

    def _build_right(self) -> list[layout.Block]:
        """Latest and popular blocks: their content changes with every version."""
        version = self.spec.version
        newest = self.newest(8)
        rng = random.Random(f"{self.spec.seed}:latest:{version}")
        pick = sorted(rng.sample(range(len(newest)), min(5, len(newest))))
        latest = "".join(f'<li><a href="{self.alias(newest[k])}?from=sidebar">{escape(self.title(newest[k]))}</a></li>'
                         for k in pick)
        rng = random.Random(f"{self.spec.seed}:popular:{version}")  # a new draw, not the latest block's
        popular = [f'<li><a href="/node/{self.nid(i)}">{escape(self.title(i))}</a></li>'
                   for i in (newest[:5] if self.spec.chrome_etags else ())]
        for _ in range(5 if self.total and not popular else 0):
            i = rng.randrange(self.total)
            while i < self.total - 1 and not self.visible(i):
                i += 1
            if self.visible(i):
                popular.append(f'<li><a href="/node/{self.nid(i)}">{escape(self.title(i))}</a></li>')
        return [("views-latest-block", "Последние новости", f"<ul>{latest}</ul>"),
                ("statistics-0", "Популярное",
                 f'<div class="item-list"><h3>Сегодня:</h3><ul>{"".join(popular)}</ul></div>')]

    def _footer(self) -> str:
        return ('<p>© 2005–2014 Наука и техника | <a href="/loop/a">Форум</a> | '
                '<a href="/search/node/nano">Поиск по сайту</a></p>')

    def _current_month(self) -> tuple[int, int]:
        newest = self.newest(1)
        when = self.published(newest[0]) if newest else datetime(2014, 12, 1)
        return when.year, when.month

    def _page(self, status: int, *, title: str, heading: str | None, content: str, base: str,
              crumbs: str = '<a href="/">Главная</a>', month: tuple[int, int] | None = None,
              extra: list[tuple[str, str]] | None = None, body_class: str = "") -> Response:
        html = self.theme.page(title=title, heading=heading, crumbs=crumbs, content=content,
                               left=self._left(*(month or self._current_month())), right=self._right(), base=base,
                               footer=self._footer(), body_class=body_class)
        return self._html(status, html, extra)

    def _banner_block(self) -> str:
        return ('<div id="block-block-1" class="clear-block block block-block">'
                f'<div class="content">{t.BANNER_HTML}</div></div>\n')

    def _pager(self, path: str, page: int, pages: int) -> str:
        """Drupal's full pager, 9 page links around the current one."""
        if pages <= 1:
            return ""
        sep = "&" if "?" in path else "?"

        def href(p: int) -> str:
            return path if p == 0 else f"{path}{sep}page={p}"

        items = []
        if page > 0:
            items += [f'<li class="pager-first first"><a href="{href(0)}" title="На первую страницу">« первая</a></li>',
                      f'<li class="pager-previous"><a href="{href(page - 1)}" title="На предыдущую страницу">‹ предыдущая</a></li>']
        lo = max(0, min(page - 4, pages - 9))
        for p in range(lo, min(pages, lo + 9)):
            items.append(f'<li class="pager-current">{p + 1}</li>' if p == page
                         else f'<li class="pager-item"><a href="{href(p)}" title="На страницу номер {p + 1}">{p + 1}</a></li>')
        if page < pages - 1:
            items += [f'<li class="pager-next"><a href="{href(page + 1)}" title="На следующую страницу">следующая ›</a></li>',
                      f'<li class="pager-last last"><a href="{href(pages - 1)}" title="На последнюю страницу">последняя »</a></li>']
        return f'<div class="item-list"><ul class="pager">{"".join(items)}</ul></div>\n'

    def _listing(self, indexes: array[int], page: int, path: str, title: str | None, base: str,
                 pager_path: str | None = None) -> Response:
        """Teasers, newest first, PAGE_SIZE a page; a page past the end is a 404."""
        pages = max(1, -(-len(indexes) // PAGE_SIZE))
        if page < 0 or page >= pages:
            return self._not_found(base)
        end = len(indexes) - page * PAGE_SIZE
        chunk = [indexes[k] for k in range(end - 1, max(end - PAGE_SIZE, 0) - 1, -1)]
        content = (self._banner_block() + "".join(self.theme.teaser(self.article(i)) for i in chunk)
                   + self._pager(pager_path or path, page, pages))
        return self._page(200, title=title or "", heading=title, content=content, base=base)

    @staticmethod
    def _page_number(query: dict[str, list[str]]) -> int:
        try:
            return int(query.get("page", ["0"])[0])
        except ValueError:
            return 0

    # ---- handlers ----------------------------------------------------------------------------

    def _front(self, req: Request) -> Response:
        page = self._page_number(req.query)
        return self._listing(self.visible_indexes(), page, "/", None, req.base, pager_path="/news")

    def _news(self, req: Request) -> Response:
        return self._listing(self.visible_indexes(), self._page_number(req.query), "/news", "Новости", req.base)

    def _alias(self, req: Request) -> Response:
        year, month = int(req.match.group(1)), int(req.match.group(2))
        i = self._month(year, month)[1].get(req.match.group(3)) if 1 <= month <= 12 else None
        return self._article_response(i, req.headers, req.base)

    def _node(self, req: Request) -> Response:
        return self._article_response(self.index_of(int(req.match.group(1))), req.headers, req.base)

    def _article_response(self, i: int | None, headers: dict[str, str], base: str) -> Response:
        if i is None or not self.live(i):
            return self._not_found(base)
        if self._fails_now(i):
            return self._server_error()
        a = self.article(i)
        crumbs = '<a href="/">Главная</a> › <a href="/news">Новости</a>'
        body_class = f" node-type-{self.markup.node_type}" if self.markup.node_type and self.markup.type_on == "body" else ""
        status, page_headers, page = self._page(200, title=a.title, heading=a.title, crumbs=crumbs, base=base,
                                                content=self.theme.node(a, self.views(i), base),
                                                month=(a.published.year, a.published.month), extra=[_REVALIDATE],
                                                body_class=body_class)
        etag = f'"{hashlib.sha1(page).hexdigest()[:20]}"' if self.spec.chrome_etags else a.etag
        validators_ = [("ETag", etag), ("Last-Modified", _http_date(a.last_modified))]
        if self._not_modified(etag, a.last_modified, headers):
            return 304, [*_DRUPAL_HEADERS, *validators_, _REVALIDATE], b""
        return status, page_headers + validators_, page

    def _fails_now(self, i: int) -> bool:
        """Transient 500s: the first one or two requests for a few articles fail, per site instance."""
        failures = self.specials.transient.get(i)
        if not failures:
            return False
        with self._lock:
            self._failures[i] += 1
            return self._failures[i] <= failures

    @staticmethod
    def _not_modified(etag: str, last_modified: datetime, headers: dict[str, str]) -> bool:
        """RFC 9110 §13.1: If-None-Match decides when present; If-Modified-Since only without it."""
        if "if-none-match" in headers:
            tags = {tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")}
            return etag in tags or "*" in tags
        since = headers.get("if-modified-since")
        if since:
            try:
                return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _print(self, req: Request) -> Response:
        i = self.index_of(int(req.match.group(1)))
        if i is None or not self.live(i):
            return self._not_found(req.base)
        return self._html(200, layout.print_page(self.article(i), req.base))

    def _forward(self, req: Request) -> Response:
        path = req.query.get("path", [""])[0]
        content = (f'<form action="/forward?path={escape(path)}" method="post" id="forward-form"><div>'
                   '<p>Отправить эту страницу другу: <a href="/' + escape(path) + '">' + escape(path) + "</a></p>"
                   '<input type="text" name="email" class="form-text" /><input type="submit" value="Отправить" /></div></form>\n')
        return self._page(200, title="Отправить другу", heading="Отправить другу", content=content, base=req.base)

    def _term(self, req: Request) -> Response:
        tid = int(req.match.group(1))
        name = dict(t.TERMS).get(tid)
        if name is None:
            return self._not_found(req.base)
        return self._listing(self.by_term(tid), self._page_number(req.query), f"/taxonomy/term/{tid}", name, req.base)

    def _calendar(self, req: Request) -> Response:
        """A crawler trap: every month answers 200 and links to the months around it, forever."""
        year, month = int(req.match.group(1)), int(req.match.group(2))
        if not 1 <= month <= 12:
            return self._not_found(req.base)
        rows = [f'<li><a href="{self.alias(i)}">{escape(self.title(i))}</a> — {t.ru_date(self.published(i))}</li>'
                for i in self._month_range(year, month) if self.visible(i)]
        body = f'<div class="item-list"><ul>{"".join(rows)}</ul></div>' if rows else "<p>Нет материалов.</p>"
        heading = f"{t.MONTHS_NOM[month - 1]} {year}"
        return self._page(200, title=heading, heading=heading, content=self._banner_block() + body + "\n", base=req.base,
                          month=(year, month))

    def _user(self, req: Request) -> Response:
        name = req.match.group(1)
        if name not in t.USERS:
            return self._not_found(req.base)
        since = 2 + zlib.crc32(name.encode()) % 8
        content = (self._banner_block() + f'<div class="profile"><h3>История</h3><dl><dt class="user-member">Участник</dt>'
                   f"<dd>{since} лет</dd></dl></div>\n")
        return self._page(200, title=name, heading=name, content=content, base=req.base)

    def _login(self, req: Request) -> Response:
        content = ('<form action="/user/login" method="post" id="user-login"><div><input type="text" name="name" />'
                   '<input type="password" name="pass" /><input type="submit" value="Войти" /></div></form>\n'
                   '<div class="item-list"><ul><li><a href="/user/register">Регистрация</a></li>'
                   '<li><a href="/user/password">Забыли пароль?</a></li></ul></div>\n')
        return self._page(200, title="Вход", heading="Вход", content=content, base=req.base)

    def _search(self, req: Request) -> Response:
        """Disallowed by robots.txt: results link to articles, and the pager never ends."""
        page, path = self._page_number(req.query), req.match.group(0)
        rng = random.Random(f"{self.spec.seed}:search:{path}:{page}")
        visible = self.visible_indexes()
        hits = [visible[rng.randrange(len(visible))] for _ in range(PAGE_SIZE)] if len(visible) else []
        rows = "".join(f'<dt class="title"><a href="{self.alias(i)}">{escape(self.title(i))}</a></dt>' for i in hits)
        more = (f'<div class="item-list"><ul class="pager"><li class="pager-next"><a href="{path}?page={page + 1}">'
                "следующая ›</a></li></ul></div>")
        return self._page(200, title="Поиск", heading="Поиск", content=f'<dl class="search-results">{rows}</dl>{more}\n',
                          base=req.base)

    def _forbidden(self, req: Request) -> Response:
        content = "<p>У вас нет доступа к этой странице.</p>\n"
        return self._page(403, title="Доступ запрещён", heading="Доступ запрещён", content=content, base=req.base)

    def _not_found(self, base: str) -> Response:
        content = self._banner_block() + "<p>Запрашиваемая страница не найдена.</p>\n"
        return self._page(404, title="Страница не найдена", heading="Страница не найдена", content=content, base=base)

    def _server_error(self) -> Response:
        body = (b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head><title>500 Internal Server Error</title>"
                b"</head><body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n")
        return 500, [("Content-Type", "text/html; charset=iso-8859-1"), ("Server", "Apache/2.2.16 (Debian)")], body

    def _loop(self, req: Request) -> Response:
        return self._redirect(302, f"{req.base}/loop/{'b' if req.match.group(1) == 'a' else 'a'}")

    def _static(self, req: Request) -> Response:
        path = req.match.group(0)
        ext = path.rpartition(".")[2].lower()
        if ext in FILE_TYPES:
            return 200, [("Content-Type", FILE_TYPES[ext])], file_bytes(unquote(path))
        if path.endswith((".gif", ".jpg", ".png", ".ico")):
            return 200, [("Content-Type", "image/gif")], _GIF
        kind = "text/css" if ".css" in path else "application/javascript"
        return 200, [("Content-Type", kind)], b"/* demo */\n"

    def _robots(self, req: Request) -> Response:
        return 200, [("Content-Type", "text/plain; charset=utf-8")], ROBOTS_TXT.replace("{base}", req.base).encode()

    # ---- feeds -------------------------------------------------------------------------------

    def _rss(self, req: Request) -> Response:
        """The latest 15 visible articles, links carrying ``utm_source``."""
        base = req.base
        items = []
        for i in self.newest(RSS_SIZE):
            a = self.article(i)
            items.append(
                f"<item>\n <title>{escape(a.title)}</title>\n <link>{base}{a.alias}?utm_source=rss</link>\n"
                f" <description>{escape(a.teaser_html)}</description>\n"
                f" <pubDate>{format_datetime(a.published)}</pubDate>\n <dc:creator>{a.author or 'Гость'}</dc:creator>\n"
                f' <guid isPermaLink="false">{a.nid} at {base}</guid>\n</item>\n')
        xml = ('<?xml version="1.0" encoding="utf-8"?>\n'
               f'<rss version="2.0" xml:base="{base}" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
               f"<title>{t.SITE_NAME}</title>\n<link>{base}</link>\n<description></description>\n<language>ru</language>\n"
               + "".join(items) + "</channel>\n</rss>\n")
        return 200, [("Content-Type", "application/rss+xml; charset=utf-8")], xml.encode("utf-8")

    def _sitemap_indexes(self) -> array[int]:
        """Articles the sitemap lists, oldest first (built once; entries are rendered per chunk)."""
        if self._sitemap_list is None:
            self._sitemap_list = array("i", (i for i in self.visible_indexes() if self.in_sitemap(i)))
        return self._sitemap_list

    def _sitemap_entries(self, start: int, stop: int) -> list[tuple[str, str]]:
        """(path, lastmod) of entries ``start:stop``: front, news, rubrics, then articles."""
        fixed = [("/", ""), ("/news", "")] + [(f"/taxonomy/term/{tid}", "") for tid, _ in t.TERMS]
        entries = fixed[start:stop]
        indexes = self._sitemap_indexes()
        for k in range(max(start - len(fixed), 0), min(stop - len(fixed), len(indexes))):
            i = indexes[k]
            modified = self.article(i).last_modified if self.nid(i) in self.edited else self.published(i)
            entries.append((self.alias(i), modified.date().isoformat()))
        return entries

    def _sitemap(self, req: Request) -> Response:
        """xmlsitemap: misses about a tenth of the articles and every body-link-only one."""
        base = req.base
        total = 2 + len(t.TERMS) + len(self._sitemap_indexes())
        chunks = -(-total // SITEMAP_CHUNK)
        ctype = [("Content-Type", "text/xml; charset=utf-8")]
        if chunks > 1 and "page" not in req.query:
            maps = "".join(f"<sitemap><loc>{base}/sitemap.xml?page={k + 1}</loc></sitemap>\n" for k in range(chunks))
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                   f"{maps}</sitemapindex>\n")
            return 200, ctype, xml.encode()
        page = self._page_number(req.query) - 1 if chunks > 1 else 0
        if not 0 <= page < chunks:
            return self._not_found(req.base)
        urls = "".join(f"<url><loc>{base}{path}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}"
                       "<changefreq>monthly</changefreq></url>\n"
                       for path, mod in self._sitemap_entries(page * SITEMAP_CHUNK, (page + 1) * SITEMAP_CHUNK))
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
               f"{urls}</urlset>\n")
        return 200, ctype, xml.encode()

    # ---- legacy archive ----------------------------------------------------------------------

    def _archive_item(self, number: int) -> ArchiveItem:
        """Encodings: windows-1251 declared in the header, in a <meta> only, or nowhere; a couple in KOI8-R."""
        year = 2000 + (number - 1) * 5 // max(self.spec.archive_items, 1)
        if number % 10 == 7:
            encoding, declared = "koi8_r", "header"
        else:
            encoding, declared = "cp1251", ("none", "header", "meta")[number % 3]
        rng = random.Random(f"{self.spec.seed}:archive:{number}")
        return build_archive_item(rng, number, year, encoding, declared)

    def _archive_years(self) -> list[int]:
        return sorted({item.year for item in self.archive})

    def _legacy(self, html: str, encoding: str, declared: str) -> Response:
        """Encode an archive page and declare its charset the way that page does."""
        charset = {"cp1251": "windows-1251", "koi8_r": "koi8-r"}[encoding]
        ctype = f"text/html; charset={charset}" if declared == "header" else "text/html"
        headers = [("Content-Type", ctype), ("Server", "Apache/1.3.27 (Unix)")]
        return 200, headers, html.encode(encoding, errors="xmlcharrefreplace")

    def _archive_slash(self, req: Request) -> Response:
        return self._redirect(301, req.base + "/archive/")

    def _archive_index(self, req: Request) -> Response:
        years = self._archive_years()
        rows = [(f"{y}/", "", f"Материалы {y} года") for y in years]
        html = layout.archive_listing("Архив новостей", rows, layout.archive_nav(years), "windows-1251")
        return self._legacy(html, "cp1251", "meta")

    def _archive_year(self, req: Request) -> Response:
        year = int(req.match.group(1))
        items = [item for item in self.archive if item.year == year]
        if not items:
            return self._not_found(req.base)
        rows = [(f"item{item.number}.html", item.date_text, item.title) for item in items]
        years = self._archive_years()
        html = layout.archive_listing(f"Архив: {year} год", rows, layout.archive_nav(years), None)
        return self._legacy(html, "cp1251", "header")

    def _archive_page(self, req: Request) -> Response:
        number = int(req.match.group(2))
        if not 1 <= number <= len(self.archive) or self.archive[number - 1].year != int(req.match.group(1)):
            return self._not_found(req.base)
        item = self.archive[number - 1]
        meta = {"cp1251": "windows-1251", "koi8_r": "koi8-r"}[item.encoding] if item.declared == "meta" else None
        html = layout.archive_item(item, layout.archive_nav(self._archive_years()), meta)
        return self._legacy(html, item.encoding, item.declared)
