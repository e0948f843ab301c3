"""Helpers every extractor shares: parsing, canonical URL, titles, links, authors, selectors."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlComment, HtmlElement, HtmlElementClassLookup, HtmlEntity, HtmlProcessingInstruction

from migrator.clean.rules import norm
from migrator.encoding import xml_safe
from migrator.limits import MAX_DEPTH, MAX_ELEMENTS, bound_markup, flatten_nesting, hit_depth_limit, truncate_tree

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CANONICAL = etree.XPath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
_AMPHTML = etree.XPath("//link[@rel='amphtml']/@href")
_TITLE = etree.XPath("//title")
#: Characters the URL standard strips from inside a URL (tab, newline, carriage return): "java\tscript:".
_URL_WHITESPACE = re.compile(r"[\t\n\r]")
_TITLE_SEPARATORS = (" | ", " :: ", " — ", " – ", " - ", " « ", " » ")  # " – ": WordPress's default

#: Names that mean "no registered author" on Russian and English Drupal sites.
GUESTS = frozenset(("гость", "аноним", "anonymous", "guest", "анонимный пользователь"))
_UNVERIFIED = re.compile(r"\((?:не проверено|not verified)\)", re.I)


def parse(html: str, warnings: list[str] | None = None) -> HtmlElement | None:
    """The page's document tree, or None for an empty page. Never raises on malformed markup or bad bytes.

    The markup is made XML compatible and held to :mod:`migrator.limits` first; what those limits cut is
    appended to ``warnings`` (``"reason: detail"``).
    """
    if not html or not html.strip():
        return None
    html, cut = bound_markup(xml_safe(_XML_DECLARATION.sub("", html, count=1)))
    doc, too_deep, seen = _parse_html(html)
    if too_deep:  # libxml2 silently drops what follows its depth limit: flatten the markup and parse again
        html, dropped = flatten_nesting(html)
        cut.append(f"nesting-flattened: {dropped:,} tags deeper than {MAX_DEPTH} levels left out, their text kept")
        doc, _, seen = _parse_html(html)
    total = truncate_tree(doc) if doc is not None else 0
    if seen is not None:  # streamed: the elements past the limit were dropped as they were read
        total = seen if total else 0
    if total:
        cut.append(f"page-truncated: {total:,} elements, the first {MAX_ELEMENTS:,} kept")
    if warnings is not None:
        warnings.extend(cut)
    return doc


def _html_classes() -> etree.ElementNamespaceClassLookup:
    """lxml.html's element classes (``FormElement`` for a form, ``HtmlElement`` for the rest, ``HtmlComment``...)
    picked in C: lxml.html's own lookup is a Python method called for every element Python touches, 1.4 million
    calls on a 188-page uCoz crawl (its trees are walked by the extraction, trafilatura and the crawl end). The HTML
    parser gives every element its lower-case name and no namespace, so the classes are the ones lxml.html picks.

    >>> doc = lxml.html.document_fromstring("<html><body><form><input name=q></form><!-- c --></body></html>",
    ...                                     parser=_parser())
    >>> [type(e).__name__ for e in doc.iter()]
    ['HtmlElement', 'HtmlElement', 'FormElement', 'InputElement', 'HtmlComment']
    """
    lookup = etree.ElementNamespaceClassLookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
    names = lookup.get_namespace(None)
    for tag, cls in HtmlElementClassLookup._default_element_classes.items():  # form, input, label, select, textarea
        names[tag] = cls
    return lookup


_HTML_CLASSES = _html_classes()


def _parser() -> etree.HTMLParser:
    """A fresh HTML parser (its error log tells this page's depth limit) making lxml.html's elements."""
    parser = etree.HTMLParser()
    parser.set_element_class_lookup(_HTML_CLASSES)
    return parser


#: Characters of markup from which a page is parsed in pieces, the elements past :data:`MAX_ELEMENTS` dropped as
#: they are read (:func:`_parse_streamed`): a tree takes about 14 bytes per character, so a 3.6 MB vBulletin
#: search page (70,000 elements) took 50 MB to parse whole before all but its first 10,000 elements were cut.
STREAM_FROM_CHARS = 500_000
_FEED_CHARS = 1 << 16
#: Open elements from which a page parsed in pieces is parsed whole instead: libxml2 stops at 256 levels in
#: either, but only the whole parse says so (:func:`~migrator.limits.hit_depth_limit`).
_DEEP = MAX_DEPTH


def _parse_html(html: str) -> tuple[HtmlElement | None, bool, int | None]:
    """The tree lxml makes of ``html``, whether libxml2 hit its depth limit doing it, and (for a big page,
    parsed in pieces) how many elements it read, the tree holding at most :data:`MAX_ELEMENTS` and a few
    emptied ones past them that :func:`~migrator.limits.truncate_tree` then drops."""
    if len(html) >= STREAM_FROM_CHARS:
        return _parse_streamed(html)
    return _parse_whole(html)


def _parse_whole(html: str) -> tuple[HtmlElement | None, bool, int | None]:
    parser = _parser()
    try:
        doc = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return None, False, None
    return doc, hit_depth_limit(parser), None


class _PullParser(etree.HTMLPullParser):
    """The HTML parser making lxml.html's elements (:func:`_parser`), fed in pieces, reporting where each element starts and ends."""

    def __init__(self) -> None:
        super().__init__(events=("start", "end"))
        self.set_element_class_lookup(_HTML_CLASSES)


def _parse_streamed(html: str, limit: int = MAX_ELEMENTS) -> tuple[HtmlElement | None, bool, int | None]:
    """:func:`_parse_html`'s tree read in pieces, without holding what :func:`truncate_tree` cuts.

    Every element after the ``limit``-th in document order is cut there: it is a descendant of that last kept
    element or a following sibling of it or of one of its ancestors (the chain), whose text and tails stay.
    So each element starting past the limit is emptied once it ends, and the emptied ones before it among its
    siblings are dropped (not itself: the text after it, its tail, is yet to come and would join its previous
    sibling's tail, which may be a chain element's). The tree left differs from the whole page's tree only by
    elements truncate_tree drops."""
    parser = _PullParser()
    seen = depth = 0
    chain: set[HtmlElement] = set()
    past: set[HtmlElement] = set()  # elements started past the limit and still open
    try:
        for start in range(0, len(html), _FEED_CHARS):
            parser.feed(html[start:start + _FEED_CHARS])
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    if depth >= _DEEP:  # libxml2's depth limit near: read as a whole, as its limit is met there
                        return _parse_whole(html)
                    seen += 1
                    if seen == limit:
                        chain = {element, *element.iterancestors()}
                    elif seen > limit:
                        past.add(element)
                    continue
                depth -= 1
                if element in past:
                    past.discard(element)
                    del element[:]
                    parent = element.getparent()
                    while (before := element.getprevious()) is not None and before not in chain:
                        parent.remove(before)
        doc = parser.close()
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None, False, None
    if doc is None:
        return None, False, None
    return doc, hit_depth_limit(parser), seen


@lru_cache(maxsize=512)
def css(selector: str) -> CSSSelector:
    """A compiled CSS selector (compiled once per process)."""
    return CSSSelector(selector)


def first(root: HtmlElement, selector: str | None) -> HtmlElement | None:
    """The first element ``selector`` finds under ``root``."""
    if not selector:
        return None
    found = css(selector)(root)
    return found[0] if found else None


def absolute(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base`` when that gives an http(s) URL with a host, else None.

    The one place the extractors make URLs absolute, so ``images``, ``sources`` and attachments never
    carry ``file:``, ``javascript:``, ``data:``, ``vbscript:`` or other schemes (browsers ignore case
    and tabs or newlines inside a scheme, so the joined URL, not the raw text, is checked).

    >>> absolute("http://d.test/news/1", "../img/a.jpg"), absolute("http://d.test/", " JaVaScript:alert(1)")
    ('http://d.test/img/a.jpg', None)
    """
    if not href:
        return None
    href = _URL_WHITESPACE.sub("", href.strip())
    if not href or href.startswith("#"):
        return None
    try:
        joined = urljoin(base, href)
        parts = urlsplit(joined)
    except ValueError:
        return None
    return joined if parts.scheme in ("http", "https") and parts.hostname else None


def unique(items: Iterable[str | None]) -> list[str]:
    """Non-empty items, first occurrence kept, page order.

    >>> unique(["a", "", "b", "a", None])
    ['a', 'b']
    """
    return list(dict.fromkeys(i for i in items if i))


def canonical_url(doc: HtmlElement, url: str) -> str | None:
    """rel=canonical or og:url, absolute."""
    for href in _CANONICAL(doc):
        found = absolute(url, str(href))
        if found:
            return found
    return None


def amphtml_url(doc: HtmlElement, url: str) -> str | None:
    """The page's AMP copy (``<link rel="amphtml">``, as WordPress' AMP plugin prints it on a post), absolute."""
    for href in _AMPHTML(doc):
        found = absolute(url, str(href))
        if found:
            return found
    return None


def is_amp(doc: HtmlElement) -> bool:
    """Whether the page is an AMP document: its ``<html>`` carries ``amp`` or ``⚡`` (the AMP HTML spec); an AMP
    copy of a post (WordPress' AMP plugin at ``/post/amp/``) names the post with ``rel=canonical``.

    >>> is_amp(lxml.html.fromstring("<html amp lang=en><body><p>x</p></body></html>"))
    True
    """
    root = doc.getroottree().getroot()
    return root is not None and ("amp" in root.attrib or "\u26a1" in root.attrib)


def title_parts(text: str) -> list[str]:
    """The parts of a ``<title>`` between separators ("Post – Site" -> ["Post", "Site"]).

    >>> title_parts("Write Rock – The Slow Kitchen Journal")
    ['Write Rock', 'The Slow Kitchen Journal']
    """
    parts = [text]
    for separator in _TITLE_SEPARATORS:
        parts = [piece.strip() for part in parts for piece in part.split(separator)]
    return parts


def page_title(doc: HtmlElement) -> str:
    """``<title>`` without the site name: its longest part between separators.

    >>> page_title(lxml.html.fromstring("<html><head><title>Статья о науке | Наука</title></head></html>"))
    'Статья о науке'
    >>> page_title(lxml.html.fromstring("<html><head><title>Наука :: Архив :: Статья о науке</title></head></html>"))
    'Статья о науке'
    """
    found = _TITLE(doc)
    text = norm(found[0].text_content()) if found else ""
    return max(title_parts(text), key=len) if text else ""


def confirmed_title(candidates: Iterable[HtmlElement], doc: HtmlElement) -> str:
    """The longest heading that the ``<title>`` repeats (at length, or as one whole part: a short title
    beside a longer site name), else ""."""
    found = _TITLE(doc)
    full = norm(found[0].text_content()) if found else ""
    if not full:
        return ""
    parts = set(title_parts(full))
    short = max(parts, key=len)  # page_title(doc), computed once
    texts = [t for t in (norm(c.text_content()) for c in candidates) if t]
    confirmed = [t for t in texts if t in full and (len(t) >= 0.5 * len(short) or t in parts)]
    return max(confirmed, key=len) if confirmed else ""


def best_title(candidates: Iterable[HtmlElement], doc: HtmlElement) -> str:
    """:func:`confirmed_title`, else the ``<title>`` itself (without the site name), else the first heading."""
    candidates = list(candidates)
    confirmed = confirmed_title(candidates, doc)
    if confirmed:
        return confirmed
    texts = [t for t in (norm(c.text_content()) for c in candidates) if t]
    return page_title(doc) or (texts[0] if texts else "")


def clean_author(name: str | None) -> str | None:
    """A user name, or None for guests and unverified anonymous posters.

    >>> clean_author("Гость (не проверено)"), clean_author(" nanonewsru ")
    (None, 'nanonewsru')
    """
    if not name:
        return None
    name = norm(name).strip(" ,.:—-")
    if not name or _UNVERIFIED.search(name) or name.lower() in GUESTS:
        return None
    return name
