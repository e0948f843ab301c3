"""Sitemaps and feeds, read the same way by the old site's crawl and by the new site's reader: robots.txt's
``Sitemap:`` lines, a gzipped sitemap unpacked within the sitemaps.org limit, a sitemap index's sitemaps, a
urlset's pages with their ``<lastmod>``, and an RSS or Atom feed's links. Nothing here fetches."""
from __future__ import annotations

import gzip
import io
import struct
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.etree

#: The sitemaps.org protocol's limit on an uncompressed sitemap; a gzipped one is decompressed up to it.
SITEMAP_MAX_BYTES = 52_428_800

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 65_536
# No huge_tree: libxml2's own limits on depth and node size stay on for documents from another site.
_PARSER = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"


class SitemapError(ValueError):
    """A sitemap or feed that cannot be read; ``reason`` is what the run counts ("bad-gzip", "xml-too-large",
    "bad-xml")."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Listing:
    """What one sitemap or feed lists: ``sitemaps`` (a sitemap index's), ``pages`` (a urlset's or a feed's, in
    order, absolute) and ``lastmod`` (a urlset's ``<lastmod>`` by page URL)."""

    sitemaps: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    lastmod: dict[str, str] = field(default_factory=dict)


def robots_sitemaps(robots: str) -> list[str]:
    """The sitemap URLs a robots.txt names.

    >>> robots_sitemaps("User-agent: *\\nDisallow: /admin\\nSitemap: http://a.ru/sitemap.xml\\nsitemap:\\n")
    ['http://a.ru/sitemap.xml']
    """
    found = []
    for line in robots.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(value.strip())
    return found


def unpack(body: bytes, limit: int = SITEMAP_MAX_BYTES) -> bytes:
    """A sitemap's XML: gunzipped (in pieces, so a bomb never expands past ``limit``) when its bytes are gzip's,
    whatever the server called them (``.xml.gz`` as ``application/x-gzip``, or already decoded).

    >>> unpack(gzip.compress(b"<urlset/>"))
    b'<urlset/>'
    """
    if body[:2] != _GZIP_MAGIC:
        return body
    unzipped = gzip.GzipFile(fileobj=io.BytesIO(body))
    out = io.BytesIO()
    while True:
        try:
            chunk = unzipped.read1(_CHUNK)
        except (OSError, EOFError, struct.error, zlib.error) as exc:
            if out.tell():  # a truncated or CRC-damaged stream: what came out before the damage is kept
                break
            raise SitemapError("bad-gzip", "not a readable gzip file") from exc
        if not chunk:
            break
        out.write(chunk)
        if out.tell() > limit:
            raise SitemapError("xml-too-large", f"over {limit} bytes once decompressed")
    return out.getvalue()


def read(body: bytes, base: str) -> Listing:
    """What a sitemap, sitemap index or RSS/Atom feed at ``base`` lists (gzip unpacked first).

    >>> read(b"<sitemapindex><sitemap><loc>/s1.xml</loc></sitemap></sitemapindex>", "http://a.ru/sitemap.xml").sitemaps
    ['http://a.ru/s1.xml']
    >>> listing = read(b"<urlset><url><loc>http://a.ru/n/1</loc><lastmod>2014-11-20</lastmod></url></urlset>", "http://a.ru/")
    >>> listing.pages, listing.lastmod
    (['http://a.ru/n/1'], {'http://a.ru/n/1': '2014-11-20'})
    >>> read(b'<rss><channel><item><link>/n/2</link><guid isPermaLink="false">2 at a.ru</guid></item></channel></rss>',
    ...      "http://a.ru/rss.xml").pages
    ['http://a.ru/n/2']
    """
    try:
        root = lxml.etree.fromstring(unpack(body), parser=_PARSER)
    except lxml.etree.XMLSyntaxError as exc:
        raise SitemapError("bad-xml", f"not XML ({exc})") from exc
    if root is None:
        return Listing()
    if lxml.etree.QName(root).localname == "sitemapindex":
        return Listing(sitemaps=[urljoin(base, (loc.text or "").strip()) for loc in root.iter("{*}loc")
                                 if (loc.text or "").strip()])
    lastmod = {}
    for entry in root.iter("{*}url"):
        loc, modified = entry.findtext("{*}loc"), entry.findtext("{*}lastmod")
        if loc and loc.strip() and modified and modified.strip():
            lastmod[urljoin(base, loc.strip())] = modified.strip()
    urls = [(e.text or "").strip() for e in root.iter("{*}loc", "link", "{*}link", "guid")
            if e.get("isPermaLink", "true").lower() != "false"]  # "1135 at http://…" is an id, not a URL
    urls += [e.get("href", "") for e in root.iter(_ATOM_LINK)]
    return Listing(pages=[urljoin(base, u) for u in urls if u], lastmod=lastmod)
