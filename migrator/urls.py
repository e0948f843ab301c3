"""URL normalization and identity: one article behind many URLs.

Pure functions over strings; the spider and the loader share them so both agree on what
"the same URL" and "the same article" mean.
"""
from __future__ import annotations

import fnmatch
import functools
import re
from typing import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_EXTENSION = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cgi)$", re.I)


def normalize(url: str, strip_query: Iterable[str] = ()) -> str:
    """Canonical form of a URL: no fragment, lower-case host, no default port, noise params dropped.

    >>> normalize("HTTP://Demo.Test:80/news/a?utm_source=rss&page=2#top", ["utm_*"])
    'http://demo.test/news/a?page=2'
    """
    return _normalize(url, tuple(strip_query))


@functools.lru_cache(maxsize=1 << 16)
def _normalize(url: str, strip_query: tuple[str, ...]) -> str:
    # Menus, sidebars and pagers repeat the same links on every page: the cache makes them free.
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not any(fnmatch.fnmatchcase(k, p) for p in strip_query)]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query, safe="/:"), ""))


def host_of(url: str) -> str:
    """The host name of a URL, lower-case, without port."""
    return (urlsplit(url).hostname or "").lower()


def host_allowed(url: str, hosts: Iterable[str]) -> bool:
    """True when the URL's host is one of ``hosts`` or a subdomain of one.

    >>> host_allowed("http://www.demo.test/a", ["demo.test"])
    True
    """
    host = host_of(url)
    return any(host == h or host.endswith("." + h) for h in hosts)


def path_and_query(url: str) -> str:
    """The part of a URL that URL rules match against: ``/path?query``."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def node_id(url: str, alias_rules: Iterable[re.Pattern[str]]) -> str | None:
    """The platform id a URL names by its shape (``/node/8``, ``?q=node/8``, ``/print/8``), else None.

    >>> node_id("http://d.test/?q=node/8", [re.compile(r"[?&]q=node/(\\d+)")])
    'node/8'
    """
    target = path_and_query(url)
    for rule in alias_rules:
        match = rule.search(target)
        if match:
            return f"node/{match.group(1)}"
    return None


def derived_source_id(url: str) -> str:
    """A stable id for pages without a platform id: the path without extension, plus the query.

    >>> derived_source_id("http://d.test/archive/2003/item17.html")
    'archive/2003/item17'
    """
    parts = urlsplit(url)
    path = _EXTENSION.sub("", parts.path).strip("/") or "index"
    return path + (f"?{parts.query}" if parts.query else "")


def url_rank(url: str, alias_rules: Iterable[re.Pattern[str]]) -> tuple[int, int, str]:
    """Sort key choosing the canonical URL among an article's URLs: a path alias beats ``/node/N``,
    a URL without query beats one with it, the shorter beats the longer."""
    parts = urlsplit(url)
    return (1 if node_id(url, alias_rules) else 0, 1 if parts.query else 0, f"{len(url):05d}{url}")


_SECTION = re.compile(r"[a-z][a-z_-]*")


def section_of(url: str) -> str:
    """The site section a URL belongs to (its first path segment), the content type of a page whose platform
    names none; ``page`` for the root and for paths that start with a file or a number.

    >>> section_of("http://a.test/news/vstrecha/2010-11-04-123"), section_of("http://a.test/forum/2-15-1")
    ('news', 'forum')
    >>> section_of("http://a.test/"), section_of("http://a.test/index.php?id=5")
    ('page', 'page')
    """
    first = urlsplit(url).path.strip("/").split("/", 1)[0].lower()
    return first if _SECTION.fullmatch(first) else "page"


def type_at(kind: str, fetched: str, canonical: str) -> str:
    """A record's content type: the platform's, or, when it was read off the URL the page came from, the
    section of the canonical URL (``/node/8`` fetched first, then its alias ``/news/...``: ``news``, every run).

    >>> type_at("node", "http://a.test/node/8", "http://a.test/news/x"), type_at("story", "http://a.test/node/8", "http://a.test/news/x")
    ('news', 'story')
    """
    return section_of(canonical) if kind == section_of(fetched) else kind
