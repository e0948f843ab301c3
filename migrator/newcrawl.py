"""Reading the new site for the parity diff: single requests, redirect chains, pages, and a whole-site crawl.

The new site is whatever platform the articles moved to, so pages are read by the markup most
platforms write (Open Graph and ``article:*`` meta, ``<h1>``, ``<time datetime>``, ``articleBody``,
``<article>``, ``<main>``). The crawl starts from the sitemaps (``robots.txt`` ``Sitemap:`` lines and
``/sitemap.xml``, sitemap indexes followed) and the home page, then follows links on the same host.
"""
from __future__ import annotations

import logging
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from migrator.encoding import decode_html
from migrator.urls import page_key

log = logging.getLogger(__name__)
USER_AGENT = "migrator-diff/1"
MAX_HOPS = 5
REDIRECTS = (301, 302, 303, 307, 308)
_SPACE = re.compile(r"\s+")
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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def request(url: str, timeout: float = 15.0) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one GET, redirects not followed; status 0 when unreachable."""
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _OPENER.open(req, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), b""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.debug("diff: %s unreachable: %s", url, exc)
        return 0, {}, b""


def _location(url: str, status: int, headers: dict[str, str]) -> str | None:
    location = headers.get("Location") or headers.get("location")
    return urljoin(url, location) if status in REDIRECTS and location else None


def land(url: str) -> tuple[str, list[int]]:
    """Follow redirects from ``url`` without fetching the last page's body twice: (final URL, statuses)."""
    statuses = []
    for _ in range(MAX_HOPS):
        status, headers, _ = request(url)
        statuses.append(status)
        location = _location(url, status, headers)
        if location is None:
            return url, statuses
        url = location
    return url, statuses


def norm(url: str) -> str:
    """One key per page: :func:`migrator.urls.page_key` (normalized, no trailing slash)."""
    return page_key(url)


def _text(node: Any) -> tuple[str, str]:
    """(paragraphs separated by blank lines, all text on one line) of a body node, chrome dropped."""
    for br in node.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for drop in node.xpath(".//h1 | .//script | .//style | .//nav | .//header | .//footer | .//time"):
        drop.drop_tree()
    paragraphs = [_SPACE.sub(" ", p.text_content()).strip() for p in node.xpath(".//p | .//li | .//blockquote")]
    flat = _SPACE.sub(" ", " ".join(node.itertext())).strip()
    return "\n\n".join(p for p in paragraphs if p) or flat, flat


def _tags(doc: Any) -> list[str] | None:
    """Tags by ``article:tag`` meta, else ``rel="tag"`` links; None when the page shows neither."""
    metas = doc.xpath("//meta[@property='article:tag']/@content")
    links = doc.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]")
    if not metas and not links:
        return None
    return [_SPACE.sub(" ", t).strip() for t in (metas or [a.text_content() for a in links])]


def read_page(url: str, status: int, body: bytes, content_type: str | None) -> Page:
    """Title, date, tags, body text and links of a new page."""
    if status != 200 or not body:
        return Page(url, status)
    doc = lxml_html.document_fromstring(decode_html(body, content_type).text)
    doc.make_links_absolute(url, resolve_base_href=True)
    links = list(dict.fromkeys(urldefrag(href)[0] for el, attr, href, _ in doc.iterlinks()
                               if el.tag == "a" and attr == "href"))
    title = (doc.xpath("string(//meta[@property='og:title']/@content)") or doc.xpath("string(//h1)")
             or doc.xpath("string(//title)"))
    published = (doc.xpath("string(//meta[@property='article:published_time']/@content)")
                 or doc.xpath("string(//time/@datetime)") or None)
    page = Page(url, status, _SPACE.sub(" ", title).strip(), published=published, tags=_tags(doc), links=links)
    node = next((found[0] for found in map(doc.xpath, _BODY_PATHS) if found), None)
    if node is not None:
        page.body_text, page.flat_text = _text(node)
    return page


def fetch(url: str) -> tuple[Page, str | None]:
    """One page read (not followed), and where it redirects to, if it does."""
    status, headers, body = request(url)
    content_type = headers.get("Content-Type") or headers.get("content-type")
    if status == 200 and content_type and "html" not in content_type:
        return Page(url, status), None
    return read_page(url, status, body, content_type), _location(url, status, headers)


def sitemap_urls(base: str, limit: int = 100_000) -> list[str]:
    """Page URLs listed in the site's sitemaps (robots.txt's ``Sitemap:`` lines, else ``/sitemap.xml``)."""
    _, _, robots = request(base + "/robots.txt")
    maps = re.findall(r"(?im)^\s*sitemap:\s*(\S+)", robots.decode("utf-8", "replace")) or [base + "/sitemap.xml"]
    found: list[str] = []
    seen: set[str] = set()
    while maps and len(found) < limit:
        sitemap = maps.pop(0)
        if sitemap in seen:
            continue
        seen.add(sitemap)
        status, _, body = request(sitemap)
        if status != 200 or not body:
            continue
        try:
            root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
        except etree.XMLSyntaxError:
            continue
        locs = [t.strip() for t in root.xpath("//*[local-name()='loc']/text()")] if root is not None else []
        if root is not None and etree.QName(root).localname == "sitemapindex":
            maps.extend(locs)
        else:
            found.extend(locs)
    return found[:limit]


def crawl(base: str, *, max_pages: int = 100_000, concurrency: int = 8) -> dict[str, Page]:
    """Every page of the site reachable from its sitemaps and home page on the same host, by :func:`norm` key."""
    host = urlsplit(base).netloc.lower()
    wave = list(dict.fromkeys([base.rstrip("/") + "/", *sitemap_urls(base, max_pages)]))
    seen = {norm(u) for u in wave}
    pages: dict[str, Page] = {}
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        while wave and len(pages) < max_pages:
            wave = wave[: max_pages - len(pages)]
            following = []
            for page, location in pool.map(fetch, wave):
                pages[norm(page.url)] = page
                for link in ([location] if location else page.links):
                    if urlsplit(link).netloc.lower() == host and norm(link) not in seen:
                        seen.add(norm(link))
                        following.append(link)
            wave = following
    log.info("diff: crawled %d pages of %s", len(pages), base)
    return pages
