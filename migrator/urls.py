"""URL normalization and identity: one article behind many URLs.

Pure functions over strings; the spider, the loader and the diff share them so all agree on what
"the same URL" and "the same article" mean. Every URL is normalized here (``normalize``), with w3lib.
"""
from __future__ import annotations

import fnmatch
import functools
import re
from typing import Iterable
from urllib.parse import SplitResult, unquote, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, parse_qsl_to_bytes, safe_url_string

_DEFAULT_PORTS = {"http": 80, "https": 443}
_EXTENSION = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cgi)$", re.I)
#: The end of a path that names its directory's page: an index file, a comment page (the extension gone).
_DIRECTORY_PAGE = re.compile(r"(?:/comment-page-\d+)?(?:/index)?$|^index$")
#: URLs, paths and queries w3lib would leave as they are (ASCII, nothing to escape or unescape): the fast path.
_PLAIN_URL = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9\-._~/!$&'()*+,=:@]*")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9_.\-~/:=&]*")  # what quote_plus(safe="/:") leaves alone


def normalize(url: str, strip_query: Iterable[str] = ()) -> str:
    """Canonical form of a URL: no fragment, lower-case host, no default port, noise params dropped.

    Built on w3lib: non-ASCII paths are percent-encoded as UTF-8 and escapes upper-cased (``/новости`` and
    ``/%d0%bd…`` are one URL), IDN hosts become punycode, IPv6 hosts keep their brackets, and the query
    keeps its bytes (a windows-1251 ``?q=%CD%EE`` stays so) and its order (the redirect map matches the
    query as clients send it).

    >>> normalize("HTTP://Demo.Test:80/news/a?utm_source=rss&page=2#top", ["utm_*"])
    'http://demo.test/news/a?page=2'
    >>> normalize("http://Пример.РФ/новости?q=%CD%EE%E2%EE%F1%F2%E8"), normalize("http://[::1]:8080")
    ('http://xn--e1afmkfd.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8?q=%CD%EE%E2%EE%F1%F2%E8', 'http://[::1]:8080/')
    """
    return _normalize(url, tuple(strip_query))


@functools.lru_cache(maxsize=1 << 13)
def _normalize(url: str, strip_query: tuple[str, ...]) -> str:
    # Menus, sidebars and pagers repeat the same links on every page: the cache makes them free. 8,192 URLs
    # (about 3 MB) hold them: on a vBulletin forum 4,096 hit as often as 65,536 (90%), which took 25-30 MB in
    # each process that normalizes (the crawl, its workers, an export rewriting every record's links).
    url = url.strip()
    parts = urlsplit(url if _PLAIN_URL.fullmatch(url) else safe_url_string(url))
    scheme = parts.scheme.lower()
    netloc = _netloc(parts)
    path = parts.path or "/"
    if not _PLAIN_PATH.fullmatch(path) or "/." in path:
        # canonicalize_url, given no query, gives the path its canonical escapes (%d0 -> %D0, %7E -> ~) and
        # resolves dot segments; its query handling would sort the parameters, so the query is done below.
        path = urlsplit(canonicalize_url(urlunsplit((scheme, netloc, path, "", "")))).path or "/"
    return urlunsplit((scheme, netloc, path, _query(parts.query, strip_query), ""))


def _netloc(parts: SplitResult) -> str:
    """Lower-case host (IPv6 in brackets) and its port unless it is the scheme's default; no user info."""
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # "host:abc": no usable port, the host is still the host
        port = None
    return f"{host}:{port}" if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()) else host


def _query(query: str, strip_query: tuple[str, ...]) -> str:
    """The query in its order, noise parameters dropped, every value's bytes kept whatever their charset."""
    if not query:
        return ""
    if _PLAIN_QUERY.fullmatch(query):  # nothing to decode or encode: the same answer, without w3lib's cost
        pairs = [p.partition("=") for p in query.split("&") if p]
        if not any("=" in v for _, _, v in pairs):  # urlencode would escape a second "=" in a value
            return "&".join(f"{k}={v}" for k, _, v in pairs if not _stripped(k, strip_query))
    kept = [(k, v) for k, v in parse_qsl_to_bytes(query, keep_blank_values=True)
            if not _stripped(k.decode("utf-8", "replace"), strip_query)]
    return urlencode(kept, safe="/:")


def _stripped(key: str, strip_query: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(key, p) for p in strip_query)


def page_key(url: str) -> str:
    """One key per page of a site read as it is (the new one in a diff): the normalized URL without a
    trailing slash on its path, as platforms answer both.

    >>> page_key("http://New.test:80/2014/slug/#c1")
    'http://new.test/2014/slug'
    """
    parts = urlsplit(normalize(url))
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") or "/", parts.query, ""))


def host_of(url: str) -> str:
    """The host name of a URL, lower-case, without port."""
    return (urlsplit(url).hostname or "").lower()


def netloc_of(url: str) -> str:
    """Lower-case ``host[:port]`` of a URL, the default port dropped.

    >>> netloc_of("HTTP://New.Example.ru:80/a"), netloc_of("https://new.example.ru:8443/")
    ('new.example.ru', 'new.example.ru:8443')
    """
    parts = urlsplit(url)
    netloc = parts.netloc.lower().rsplit("@", 1)[-1]
    default = {"http": ":80", "https": ":443"}.get(parts.scheme.lower(), "")
    return netloc.removesuffix(default) if default else netloc


def host_allowed(url: str, hosts: Iterable[str]) -> bool:
    """True when the URL's host is one of ``hosts`` or a subdomain of one.

    >>> host_allowed("http://www.demo.test/a", ["demo.test"])
    True
    """
    host = host_of(url)
    return any(host == h or host.endswith("." + h) for h in hosts)


def site_root(url: str) -> str:
    """The root page of the site a URL is on.

    >>> site_root("http://town.test/news/a.html?x=1")
    'http://town.test/'
    """
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


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
    """A stable id for pages without a platform id: the path without extension, plus the query. A directory's
    index file and a post's comment page (WordPress' ``/comment-page-N/``) are the directory's page: a static
    copy links ``/post/index.html`` where the site linked ``/post/``.

    >>> derived_source_id("http://d.test/archive/2003/item17.html")
    'archive/2003/item17'
    >>> derived_source_id("http://d.test/post/index.html"), derived_source_id("http://d.test/post/comment-page-2/")
    ('post', 'post')
    """
    parts = urlsplit(url)
    path = _DIRECTORY_PAGE.sub("", _EXTENSION.sub("", parts.path).rstrip("/")).strip("/") or "index"
    return path + (f"?{parts.query}" if parts.query else "")


#: A forum post's link (phpBB ``viewtopic.php?p=N``, vBulletin ``showthread.php?p=N``, saved with ``?`` as ``@``):
#: it shows the topic, but names a post, not the topic.
_POST_LINK = re.compile(r"(?:viewtopic|showthread)\.php[?@](?!(?:.*[&@?])?t=\d)(?:.*[&@?])?p=\d", re.I)


#: Joomla 1.0's (and Mambo's) article route, ``index.php?option=com_content&task=view&id=N&Itemid=M``, which Joomla
#: 1.5 still serves for old links (its legacy mode) while it builds ``option=com_content&view=article&catid=C&id=N``
#: itself (``components/com_content/helpers/route.php``, ``ContentHelperRoute::getArticleRoute``); saved mirrors write
#: ``&`` as ``__`` and ``?`` as ``@``.
_JOOMLA10_ROUTE = (re.compile(r"(?:[?&@]|__)option=com_content(?:&|__|\.|$)", re.I),
                   re.compile(r"(?:[?&@]|__)task=view(?:&|__|\.|$)", re.I))


def _joomla10_route(url: str) -> bool:
    return all(part.search(url) for part in _JOOMLA10_ROUTE)


#: A path under a Drupal node's own (``node/N/…``): one of its tabs, or any extra argument, which ``node/%node``
#: answers with the node's full page (a saved site holds ``/node/1413/function.html``, a PHP warning's
#: ``function.date`` link resolved under the node's path, beside the node's path alias ``/conectaz/MetaLearning``).
_NODE_SUBPATH = re.compile(r"/node/\d+/[^/]")


def url_rank(url: str, alias_rules: Iterable[re.Pattern[str]]) -> tuple[int, int, int, int, str]:
    """Sort key choosing the canonical URL among an article's URLs: a path alias beats ``/node/N`` and any
    ``/node/N/…`` path, a
    topic's link beats a link to one of its posts, a Joomla 1.5 article route beats the 1.0 route of the same
    article, a URL without query beats one with it, the shorter beats the longer.

    >>> sorted(["http://b.test/viewtopic.php?f=14&t=424", "http://b.test/viewtopic.php?p=1001"],
    ...        key=lambda u: url_rank(u, ()))[0]
    'http://b.test/viewtopic.php?f=14&t=424'
    >>> sorted(["http://j.test/index.php?option=com_content&task=view&id=6&Itemid=3",
    ...         "http://j.test/index.php?option=com_content&view=article&id=6&catid=2&Itemid=5"],
    ...        key=lambda u: url_rank(u, ()))[0]
    'http://j.test/index.php?option=com_content&view=article&id=6&catid=2&Itemid=5'
    >>> min(["http://d.test/node/1413/function.html", "http://d.test/conectaz/MetaLearning.html"],
    ...     key=lambda u: url_rank(u, ()))
    'http://d.test/conectaz/MetaLearning.html'
    """
    parts = urlsplit(url)
    plain = unquote(url)
    named = node_id(url, alias_rules) or _NODE_SUBPATH.match(parts.path)
    return (1 if named else 0, 1 if _POST_LINK.search(plain) else 0,
            1 if _joomla10_route(plain) else 0, 1 if parts.query else 0, f"{len(url):05d}{url}")


def copy_key(url: str, claim: str, alias_rules: Iterable[re.Pattern[str]]) -> tuple[int, tuple[int, ...], tuple[int, int, int, int, str]]:
    """Sort key choosing between two pages of one article that each say they are its canonical page (their
    ``rel=canonical`` names themselves, or nothing): a static export or a half-finished move keeps one post under
    an old and a new permalink, each self-canonical. The copy whose generator meta names the newer engine version
    (``claim``, as :func:`migrator.extract.platform.engine_version` gives it) is the site as it stands; one that names
    a version beats one that names none; then :func:`url_rank`. A total order: the same copy wins whichever came first.

    >>> old, new = "wordpress 0004.0003.0003", "wordpress 0004.0009.0010"
    >>> min([("http://w.test/slug/", old), ("http://w.test/2013/04/22/slug/", new)], key=lambda c: copy_key(*c, ()))[0]
    'http://w.test/2013/04/22/slug/'
    """
    version = claim.rpartition(" ")[2]
    parts = tuple(-int(p) for p in version.split(".") if p.isdigit())
    return (0 if parts else 1, parts, url_rank(url, alias_rules))


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
