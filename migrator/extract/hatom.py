"""Other entries a page lists in hAtom markup: a feed of rows pointing at their own pages, never the page's text.

microformats' hAtom (https://microformats.org/wiki/hatom) marks each entry ``hentry`` with its title
``entry-title``; several entries on a page make a feed (``hfeed``, optional), and an entry whose title links
(its permalink, ``rel=bookmark`` in most themes) is published at that link. Hand-made and CMS templates print
such feeds under an entry ("Советуем почитать другие свежие новости:", "Recent posts" rows of a title and its
``abbr.published`` date, each on another page), in a sidebar, and as a section index's content. So:

- a **feed** is two or more sibling ``hentry`` elements whose ``entry-title`` holds a link; :func:`take_feeds`
  removes it from the page with the heading that introduces it (the short line standing right before it,
  a heading or a line that ends in a colon), before anything else is read from the page, as comments leave
  it (:mod:`migrator.extract.comments`): no body, date or title comes from the other entries' rows;
- a page whose own entry stands alone keeps it: one ``hentry`` (a WordPress single post), or one per post
  wrapper (Blogger's ``post-outer``), is no feed;
- what the feed tells about the page, :func:`lists_section`: a feed of the entries under the page's own path
  (``/news/`` or ``/news.html`` listing ``/news/…``) is that section's index.

Related-posts plug-ins that name their block (YARPP ``yarpp-related``, Jetpack ``jp-relatedposts``) are left
to the container conventions (trafilatura's ``related`` tokens, :mod:`migrator.extract.conventions`) and to
:func:`migrator.extract.generic.drop_link_blocks`: their rows are links only.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.rules import norm
from migrator.extract.platform import has_class

#: Entries whose title links (descendant titles: a title nested in the entry's header counts).
_LINKED_ENTRIES = etree.XPath(f"//*[{has_class('hentry')}][.//*[{has_class('entry-title')}]//a[@href]]")
_TITLE_HREF = etree.XPath(f"(.//*[{has_class('entry-title')}]//a/@href)[1]")
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_EMPHASIS = frozenset(("b", "strong", "font", "em", "i", "u", "span"))
#: A heading that introduces a feed is one short line.
HEADING_CHARS = 160


@dataclass(frozen=True)
class Feed:
    """One feed a page printed: its entries' links, as written."""

    hrefs: tuple[str, ...]


def feed_groups(doc: HtmlElement) -> list[list[HtmlElement]]:
    """Sibling entries with linked titles, two or more under one parent, in page order.

    >>> import lxml.html
    >>> row = '<li class="hentry"><h3 class="entry-title"><a href="/n/{0}.html">News {0}</a></h3></li>'
    >>> doc = lxml.html.fromstring('<div><ul class="hfeed">' + row.format(1) + row.format(2) + '</ul>'
    ...     '<div class="hentry"><h1 class="entry-title">Alone</h1></div></div>')
    >>> [len(g) for g in feed_groups(doc)]
    [2]
    """
    by_parent: dict[HtmlElement, list[HtmlElement]] = {}
    taken: set[HtmlElement] = set()
    for entry in _LINKED_ENTRIES(doc):  # document order: an entry nested in a taken one is part of it
        parent = entry.getparent()
        if parent is not None and not any(a in taken for a in entry.iterancestors()):
            taken.add(entry)
            by_parent.setdefault(parent, []).append(entry)
    return [entries for entries in by_parent.values() if len(entries) >= 2]


def take_feeds(doc: HtmlElement) -> list[Feed]:
    """Remove the page's hAtom feeds (:func:`feed_groups`) with the heading before each, and the wrappers they
    leave empty; the feeds' entry links, one :class:`Feed` each.

    >>> import lxml.html
    >>> row = '<li class="hentry"><h3 class="entry-title"><a href="/n/{0}.html">News {0}</a></h3>' \\
    ...       '<abbr class="published" title="2017-07-2{0}">2{0}.07.2017</abbr></li>'
    >>> doc = lxml.html.fromstring('<div id="content"><h1>Title</h1><div>Text of the news.</div><hr>'
    ...     '<div><b>Read other news:</b><br></div><div><ul class="hfeed">' + row.format(1) + row.format(2)
    ...     + '</ul></div><p>After.</p></div>')
    >>> take_feeds(doc), lxml.html.tostring(doc, encoding="unicode")
    ([Feed(hrefs=('/n/1.html', '/n/2.html'))], '<div id="content"><h1>Title</h1><div>Text of the news.</div><hr><p>After.</p></div>')
    """
    feeds = []
    for entries in feed_groups(doc):
        feeds.append(Feed(tuple(str(_TITLE_HREF(e)[0]).strip() for e in entries)))
        outer = _outermost(entries[0].getparent(), entries)
        heading = _heading_before(outer)
        for element in (entries if outer is None else [outer]):
            _drop(element)
        if heading is not None:
            _drop(heading)
    return feeds


def strip_feeds(doc: HtmlElement) -> HtmlElement:
    """The page without its hAtom feeds (as :func:`take_feeds` leaves it), for the region learning."""
    take_feeds(doc)
    return doc


def lists_section(url: str, feeds: list[Feed]) -> bool:
    """Most entries the feeds list stand under the page's own path: the page is their section's index
    (``/raion/`` or ``/raion/index.html`` listing ``/raion/village.html``; ``/news.html`` listing ``/news/…``).
    An entry's page lists its siblings, never pages under itself.

    >>> feeds = [Feed(("/raion/a.html", "/raion/b.html", "http://town.test/raion/c.html"))]
    >>> lists_section("http://town.test/raion/", feeds), lists_section("http://town.test/raion/index.html", feeds)
    (True, True)
    >>> lists_section("http://town.test/raion/a.html", feeds), lists_section("http://town.test/raion.html", feeds)
    (False, True)
    """
    page = urlsplit(url)
    path = unquote(page.path) or "/"
    folder = path[:path.rfind("/") + 1]
    last = path[len(folder):]
    if last and not last.lower().startswith(("index.", "default.")):
        folder = path.rsplit(".", 1)[0] + "/" if "." in last else path + "/"
    hrefs = [urlsplit(urljoin(url, h)) for f in feeds for h in f.hrefs]
    under = [h for h in hrefs if h.netloc == page.netloc and unquote(h.path).startswith(folder)
             and unquote(h.path) != folder and unquote(h.path) != path]
    return bool(hrefs) and len(under) * 2 > len(hrefs)


def _outermost(parent: HtmlElement | None, entries: list[HtmlElement]) -> HtmlElement | None:
    """The outermost element holding the entries and no other text (the ``ul.hfeed`` and the wrappers around
    it), or None when their parent holds more than them."""
    if parent is None or _text_beside(parent, entries):
        return None
    outer = parent
    while True:
        above = outer.getparent()
        if above is None or above.getparent() is None or _text_beside(above, entries) or above.tag == "body":
            return outer
        outer = above


def _text_beside(element: HtmlElement, entries: list[HtmlElement]) -> bool:
    """Whether ``element`` holds text, or an image, outside ``entries``."""
    inside = set(entries)
    for node in element.iter():
        if any(a in inside for a in (node, *node.iterancestors())):
            continue
        if node.tag == "img" or norm(node.text or "") or (node is not element and norm(node.tail or "")):
            return True
    return False


def _heading_before(element: HtmlElement | None) -> HtmlElement | None:
    """The short line right before a feed that introduces it: a heading, or a line wholly emphasized or ending
    in a colon, with no link ("Советуем почитать другие свежие новости Калязина:", "Recent posts"). What holds
    no text between them (a rule, a line break, an image) is passed over, and so is the start of a wrapper.

    >>> import lxml.html
    >>> doc = lxml.html.fromstring('<div><p>Text.</p><div><b>Read more:</b><br></div><div><a href="/ad">'
    ...     '<img src="ad.jpg"></a><ul><li>feed</li></ul></div></div>')
    >>> _heading_before(doc.find(".//ul")).text_content()
    'Read more:'
    """
    node = element
    for _ in range(_CLIMB):
        if node is None or node.getparent() is None or node.getparent().tag == "body":
            return None
        before = node.getprevious()
        while before is not None and not norm(before.tail or "") and _textless(before):
            before = before.getprevious()
        if before is not None:
            return _heading(before)
        if norm(node.getparent().text or ""):
            return None
        node = node.getparent()
    return None


#: Wrappers a feed's heading may stand outside of.
_CLIMB = 4


def _textless(element: HtmlElement) -> bool:
    """A markup comment, or an element with no text (a rule, a line break, an image or its link)."""
    return not isinstance(element.tag, str) or not norm(element.text_content())


def _heading(before: HtmlElement) -> HtmlElement | None:
    """``before`` when it is a feed's heading line, with no text after it."""
    if norm(before.tail or "") or before.find(".//a") is not None or before.find(".//img") is not None:
        return None
    text = norm(before.text_content())
    if not text or len(text) > HEADING_CHARS:
        return None
    if before.tag in _HEADINGS or text.endswith(":") or _emphasized(before, text):
        return before
    return None


def _emphasized(element: HtmlElement, text: str) -> bool:
    """All of the line's text stands in one heading or emphasis element inside it."""
    return any(norm(e.text_content()) == text for e in element.iterdescendants()
               if isinstance(e.tag, str) and (e.tag in _HEADINGS or e.tag in _EMPHASIS))


def _drop(element: HtmlElement) -> None:
    """Remove an element, keeping its tail text."""
    if element.getparent() is not None:
        element.drop_tree()
