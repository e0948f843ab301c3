"""Reading the new site for the parity diff: single requests, redirect chains, pages, and a whole-site crawl.

The new site is whatever platform the articles moved to, so pages are read by the markup most
platforms write (Open Graph and ``article:*`` meta, ``<h1>``, ``<time datetime>``, ``articleBody``,
``<article>``, ``<main>``, ``rel="tag"`` links and links to term pages, schema.org ``Comment`` microdata and WordPress's comment
list). A ``<meta http-equiv="refresh">`` with a short delay is a redirect, as browsers and search engines
follow it: static site generators (Hugo's ``aliases``, Jekyll's redirect-from) write their redirects as such
pages. The crawl starts from the sitemaps (``robots.txt`` ``Sitemap:`` lines and
``/sitemap.xml``, sitemap indexes followed) and the home page, then follows links on the same host.
"""
from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

import urllib3
from lxml import html as lxml_html
from w3lib.html import get_meta_refresh

from migrator import http, sitemaps
from migrator.encoding import decode_html
from migrator.urls import netloc_of, page_key

log = logging.getLogger(__name__)
USER_AGENT = "migrator-diff/1"
MAX_HOPS = 5
REDIRECTS = (301, 302, 303, 307, 308)
_SPACE = re.compile(r"\s+")
#: Where a page's title is: its Open Graph title, the heading of its article or main part (a theme's banner may be
#: an ``<h1>`` of the site's name, as in Hugo's theme skeleton), any ``<h1>``, ``<title>``.
_TITLE_PATHS = ("string(//meta[@property='og:title']/@content)", "string(//article//h1)", "string(//main//h1)",
                "string(//h1[not(ancestor::header)])", "string(//h1)", "string(//title)")
_BODY_PATHS = ("//*[@itemprop='articleBody']", "//article//*[contains(@class, 'content')]", "//article",
               "//main", "//body")


@dataclass
class Page:
    """One new page as read for comparison; ``published`` and ``tags`` are None when the page shows none."""

    url: str
    status: int
    title: str = ""
    body_text: str = ""
    #: All the body's text in one line, to look paragraphs up in whatever markup holds them.
    flat_text: str = ""
    published: str | None = None
    tags: list[str] | None = None
    links: list[str] = field(default_factory=list)
    #: How many comments the page shows; None when it shows no comment markup at all.
    comments: int | None = None
    #: The tags that are categories (``rel="category tag"``): WordPress files every post under at least one,
    #: its default (Uncategorized) when the post has none.
    categories: list[str] = field(default_factory=list)


#: Largest body read (Scrapy's DOWNLOAD_MAXSIZE in the crawl): a bigger page is read as unreadable.
MAX_BYTES = 20 * 1024 * 1024
_SCHEMES = ("http", "https")


class Client:
    """The diff's HTTP client: pooled keep-alive connections (urllib3), retries with backoff, at most
    ``concurrency`` connections per host, a size cap on every read; redirects are never followed here,
    and only http(s) URLs are asked at all."""

    def __init__(self, concurrency: int = 8, timeout: float = 15.0, max_bytes: int = MAX_BYTES,
                 retries: int = 3) -> None:
        self.max_bytes = max_bytes
        self.pool = http.pool(per_host=concurrency, timeout=timeout, user_agent=USER_AGENT, retries=retries,
                              backoff=0.2)

    def get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of one GET, redirects not followed; status 0 when unreachable, not
        http(s), or larger than the cap."""
        if urlsplit(url).scheme not in _SCHEMES:
            log.warning("diff: %s is not an http(s) URL: not fetched", url)
            return 0, {}, b""
        try:
            response = self.pool.request("GET", url, redirect=False, preload_content=False)
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            log.debug("diff: %s unreachable: %s", url, exc)
            return 0, {}, b""
        try:
            body = http.read_capped(response, self.max_bytes)
        except urllib3.exceptions.HTTPError as exc:
            log.debug("diff: %s: read failed: %s", url, exc)
            return 0, {}, b""
        if body is None:
            log.warning("diff: %s is larger than %d bytes: not read", url, self.max_bytes)
            return 0, dict(response.headers.items()), b""
        return response.status, dict(response.headers.items()), body

_CLIENT: Client | None = None


def default_client() -> Client:
    """One shared client for callers that bring none (a pool is thread-safe)."""
    global _CLIENT
    if _CLIENT is None:
        _CLIENT = Client()
    return _CLIENT


def request(url: str, client: Client | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one GET through ``client`` (the shared one by default)."""
    return (client or default_client()).get(url)


#: Longest ``<meta http-equiv="refresh">`` delay read as a redirect (seconds); Hugo's alias pages use 0.
MAX_REFRESH_DELAY = 5.0


def meta_refresh(url: str, body: bytes, content_type: str | None) -> str | None:
    """Where a page's ``<meta http-equiv="refresh">`` sends the reader within :data:`MAX_REFRESH_DELAY`, or None.

    >>> meta_refresh("http://new.ru/node/5/", b'<meta http-equiv="refresh" content="0; url=/2014/10/a/">', None)
    'http://new.ru/2014/10/a/'
    """
    head = body[:65536]
    if b"refresh" not in head.lower():
        return None
    text = decode_html(head, content_type).text
    delay, target = get_meta_refresh(text.split("</head>", 1)[0], url)
    if target is None or delay is None or delay > MAX_REFRESH_DELAY or urldefrag(target)[0] == urldefrag(url)[0]:
        return None
    return target


def _location(url: str, status: int, headers: dict[str, str], body: bytes = b"") -> str | None:
    """Where a response sends the reader: a redirect's Location, or a 200 page's short meta refresh."""
    location = headers.get("Location") or headers.get("location")
    if status in REDIRECTS and location:
        return urljoin(url, location)
    if status == 200 and body:
        return meta_refresh(url, body, headers.get("Content-Type") or headers.get("content-type"))
    return None


def land(url: str, hosts: Iterable[str] | None = None, client: Client | None = None) -> tuple[str, list[int]]:
    """Follow redirects from ``url``: (final URL, statuses). A hop to a non-http(s) URL, or to a host outside
    ``hosts`` (when given), is where it lands: named, never fetched; so is a hop back to a URL already asked
    (a loop: the statuses then end in a redirect, as they do after ``MAX_HOPS``)."""
    allowed = {h.lower() for h in hosts} if hosts is not None else None
    statuses: list[int] = []
    asked: set[str] = set()
    for _ in range(MAX_HOPS):
        if urlsplit(url).scheme not in _SCHEMES or (allowed is not None and netloc_of(url) not in allowed):
            return url, statuses
        status, headers, body = request(url, client)
        statuses.append(status)
        asked.add(urldefrag(url)[0])
        location = _location(url, status, headers, body)
        if location is None or urldefrag(location)[0] in asked:  # the end, or a loop: asking again tells nothing
            return location or url, statuses
        url = location
    return url, statuses


def _text(node: Any) -> tuple[str, str]:
    """(paragraphs separated by blank lines, all text on one line) of a body node, chrome dropped."""
    for br in node.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for drop in node.xpath(".//h1 | .//script | .//style | .//nav | .//header | .//footer | .//time"):
        drop.drop_tree()
    paragraphs = [_SPACE.sub(" ", p.text_content()).strip() for p in node.xpath(".//p | .//li | .//blockquote")]
    flat = _SPACE.sub(" ", " ".join(node.itertext())).strip()
    return "\n\n".join(p for p in paragraphs if p) or flat, flat


#: The path of a taxonomy term's page: Hugo's default ``/tags/x/`` and ``/categories/x/``, WordPress's ``/tag/x/``
#: and ``/category/x/`` (a language or blog prefix before them is allowed).
_TERM_PATH = re.compile(r"/(?:tags?|categories|category)/[^/]+/?$")


def _term_links(doc: Any) -> list[Any]:
    """Links to taxonomy term pages inside the article (else ``<main>``), not in its navigation or asides:
    the tag list of a theme that writes no ``rel="tag"`` (Hugo's own theme skeleton, PaperMod, Ananke)."""
    scope = next(iter(doc.xpath("//article") or doc.xpath("//main")), None)
    if scope is None:
        return []
    return [a for a in scope.iter("a") if _TERM_PATH.search(urlsplit(a.get("href") or "").path)
            and a.text_content().strip() and not a.xpath("ancestor::nav | ancestor::aside")]


def _tags(doc: Any, terms: list[Any]) -> list[str] | None:
    """Tags by ``article:tag`` meta, ``rel="tag"`` links (categories are ``rel="category tag"``) and links to term
    pages, together: a theme's meta may hold only some (Hugo's Open Graph template writes the first six tags and
    no categories). None when the page shows none of them."""
    metas = doc.xpath("//meta[@property='article:tag']/@content")
    links = [a.text_content() for a in doc.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]")]
    if not metas and not links and not terms:
        return None
    found = [*metas, *links, *(a.text_content() for a in terms)]
    return list(dict.fromkeys(t for t in (_SPACE.sub(" ", t).strip() for t in found) if t))


def _drop_term_lists(terms: list[Any]) -> None:
    """Remove the lists made only of term links (a theme's tag list), so tag names are not read as body text."""
    for a in terms:
        lists = a.xpath("ancestor::ul[1] | ancestor::ol[1]")
        if lists and lists[-1].getparent() is not None \
                and all(_TERM_PATH.search(urlsplit(x.get("href") or "").path) for x in lists[-1].iter("a")):
            lists[-1].drop_tree()


#: Comments as schema.org microdata writes them, else WordPress's ``wp_list_comments()`` list items.
_COMMENTS = ("//*[@itemprop='comment']",
             "//*[contains(concat(' ', normalize-space(@class), ' '), ' comment-list ') "
             "or contains(concat(' ', normalize-space(@class), ' '), ' commentlist ')]"
             "//li[contains(concat(' ', normalize-space(@class), ' '), ' comment ')]")


def _comments(doc: Any) -> int | None:
    """How many comments a page shows, or None when it shows no comment markup."""
    for path in _COMMENTS:
        found = doc.xpath(path)
        if found:
            return len(found)
    return None


_REL_CATEGORY = ("//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]"
                 "[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")


def read_page(url: str, status: int, body: bytes, content_type: str | None) -> Page:
    """Title, date, tags, body text and links of a new page."""
    if status != 200 or not body:
        return Page(url, status)
    doc = lxml_html.document_fromstring(decode_html(body, content_type).text)
    doc.make_links_absolute(url, resolve_base_href=True)
    links = list(dict.fromkeys(urldefrag(href)[0] for el, attr, href, _ in doc.iterlinks()
                               if el.tag == "a" and attr == "href"))
    title = next((t for t in map(doc.xpath, _TITLE_PATHS) if t.strip()), "")
    published = (doc.xpath("string(//meta[@property='article:published_time']/@content)")
                 or doc.xpath("string(//time/@datetime)") or None)
    terms = _term_links(doc)
    page = Page(url, status, _SPACE.sub(" ", title).strip(), published=published, tags=_tags(doc, terms),
                links=links, comments=_comments(doc),
                categories=[_SPACE.sub(" ", a.text_content()).strip() for a in doc.xpath(_REL_CATEGORY)])
    _drop_term_lists(terms)
    node = next((found[0] for found in map(doc.xpath, _BODY_PATHS) if found), None)
    if node is not None:
        page.body_text, page.flat_text = _text(node)
    return page


def fetch(url: str, client: Client | None = None) -> tuple[Page, str | None]:
    """One page read (not followed), and where it redirects to, if it does."""
    status, headers, body = request(url, client)
    content_type = headers.get("Content-Type") or headers.get("content-type")
    if status == 200 and content_type and "html" not in content_type:
        return Page(url, status), None
    location = _location(url, status, headers, body)
    if location is not None:  # a redirect, or a page that only refreshes to another: not a page of its own
        return Page(url, status), location
    return read_page(url, status, body, content_type), None


def on_hosts(url: str, hosts: Iterable[str]) -> bool:
    """An http(s) URL on one of ``hosts``: the only URLs the new site's crawl asks for.

    >>> [on_hosts(url, ["new.ru"]) for url in ("http://new.ru/a", "http://old.ru/a", "file:///etc")]
    [True, False, False]
    """
    return urlsplit(url).scheme in _SCHEMES and netloc_of(url) in hosts


def sitemap_urls(base: str, limit: int = 100_000, hosts: Iterable[str] | None = None,
                 client: Client | None = None) -> list[str]:
    """Page URLs listed in the site's sitemaps (robots.txt's ``Sitemap:`` lines, else ``/sitemap.xml``) that
    are http(s) URLs on ``hosts`` (default: the base URL's host); sitemaps elsewhere are not read."""
    allowed = set(hosts) if hosts is not None else {netloc_of(base)}
    _, _, robots = request(base + "/robots.txt", client)
    maps = sitemaps.robots_sitemaps(robots.decode("utf-8", "replace")) or [base + "/sitemap.xml"]
    found: list[str] = []
    seen: set[str] = set()
    skipped = 0
    while maps and len(found) < limit:
        sitemap = maps.pop(0)
        if sitemap in seen or not on_hosts(sitemap, allowed):
            skipped += sitemap not in seen
            seen.add(sitemap)
            continue
        seen.add(sitemap)
        status, _, body = request(sitemap, client)
        if status != 200 or not body:
            continue
        try:
            listing = sitemaps.read(body, sitemap)
        except sitemaps.SitemapError as exc:
            log.info("diff: %s: %s; not read", sitemap, exc)
            continue
        maps.extend(listing.sitemaps)
        kept = [u for u in listing.pages if on_hosts(u, allowed)]
        skipped += len(listing.pages) - len(kept)
        found.extend(kept)
    if skipped:
        log.info("diff: %d sitemap entries of %s name other hosts or schemes: not followed", skipped, base)
    return found[:limit]


def crawl(base: str, *, max_pages: int = 100_000, concurrency: int = 8, hosts: Iterable[str] | None = None,
          client: Client | None = None) -> dict[str, Page]:
    """Every page of the site reachable from its sitemaps and home page on ``hosts`` (default: the base URL's
    host), by :func:`norm` key. Links elsewhere (the old site's, most often) are counted, not followed."""
    allowed = set(hosts) if hosts is not None else {netloc_of(base)}
    client = client or Client(concurrency)
    wave = list(dict.fromkeys([base.rstrip("/") + "/", *sitemap_urls(base, max_pages, allowed, client)]))
    seen = {page_key(u) for u in wave}
    pages: dict[str, Page] = {}
    elsewhere: set[str] = set()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        while wave and len(pages) < max_pages:
            wave = wave[: max_pages - len(pages)]
            following = []
            for page, location in pool.map(lambda url: fetch(url, client), wave):
                pages[page_key(page.url)] = page
                for link in ([location] if location else page.links):
                    if not on_hosts(link, allowed):
                        elsewhere.add(page_key(link))
                    elif page_key(link) not in seen:
                        seen.add(page_key(link))
                        following.append(link)
            wave = following
    log.info("diff: crawled %d pages of %s; %d links lead off the new site (not followed)",
             len(pages), base, len(elsewhere))
    return pages
