"""The generic extractor: any page without platform markup (legacy archives, foreign sites).

The main text comes from the site mapping's body selector, else from the content region learned
for the page's template (:mod:`migrator.extract.region`, link-dense blocks inside it pruned), else
from trafilatura (precision first, no comments); title and date come from the page's own metadata (JSON-LD, og:*,
``<title>``, headings) and visible date patterns, trafilatura's metadata as a fallback.
A page is an article when its body is real text, not a list of links.
"""
from __future__ import annotations

import html
import json
import logging
import re
from collections import Counter
from copy import deepcopy
from datetime import date
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from migrator.clean import clean, rules
from migrator.clean.rules import norm
from migrator.clean.sanitize import absolutize, body_html
from migrator.clean.text import element_to_text
from migrator.extract import dle, ucoz
from migrator.extract.breadcrumbs import trail
from migrator.extract.comments import (
    forum_posts,
    phpbb_forum_rows,
    phpbb_kind,
    phpbb_section,
    take_comments,
    topic_forum,
    topic_page,
    topic_title,
    vbulletin_kind,
)
from migrator.extract.common import absolute, best_title, confirmed_title, css, first, unique
from migrator.extract.container import main_text
from migrator.extract.dates import find_date, find_written, parse_date, to_iso
from migrator.extract.fields import apply_fields
from migrator.extract.hatom import Feed, lists_section, take_feeds
from migrator.extract.metadata import author_of, dle_category, is_byline, opening_author, tags_of
from migrator.record import Article, Comment

if TYPE_CHECKING:
    from migrator.extract import PageResult
    from migrator.extract.region import Regions
    from migrator.mapping import Config

logger = logging.getLogger(__name__)

#: An article has at least this many words of body text...
MIN_WORDS = 40
#: ...of which at most this share sits inside links, unless the words outside links alone
#: make a long text (a well-linked long article is still an article).
MAX_LINK_SHARE = 0.5
LONG_TEXT_WORDS = 200
#: A text this short beside rows of "date + headline link" is an index page's blurb.
SHORT_TEXT_WORDS = 150

_WORD = re.compile(r"\w+")
_HEADINGS = etree.XPath("//h1 | //h2")
_ALL_HEADINGS = etree.XPath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6")
#: A union of name steps: libxml2 tests ``//*[self::b or …]``'s predicate on every element, at 2.5 times the cost.
_EMPHASIS = etree.XPath("(//b | //strong | //font | //h3)[string-length(normalize-space()) < 200]")
#: The text nodes holding a snippet (one pass over text nodes; normalizing every element's whole
#: text instead would be quadratic in the page's depth).
_CONTAINS = etree.XPath("//body//text()[contains(normalize-space(.), $snippet)]")
_TINY = re.compile(r"spacer|pixel|blank\.gif|counter|/logo|banner|/top\.gif|1x1", re.I)
_JSON_LD = etree.XPath("//script[@type='application/ld+json']/text()")
_META_DATE = etree.XPath(
    "//meta[@property='article:published_time' or @name='pubdate' or @name='date' or @itemprop='datePublished'"
    " or @name='DC.date' or @name='dcterms.created']/@content | //time[@datetime]/@datetime"
)
_OG_SITE = etree.XPath("//meta[@property='og:site_name']/@content")
#: XHTML pages wrap script data in CDATA markers (``<![CDATA[ … ]]>``, also behind ``//``): not JSON.
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")
_BODY = etree.XPath("//body")
_BASE_HREF = etree.XPath("//base/@href")
_LINKS = etree.XPath("//a[@href]")


def _json_ld(doc: HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object with a headline or a datePublished."""
    for raw in _JSON_LD(doc):
        try:
            data = json.loads(_CDATA.sub("", raw))
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []:
            if isinstance(item, dict) and ("headline" in item or "datePublished" in item):
                return item
    return {}


def title_of(doc: HtmlElement, body: HtmlElement, config: Config, ld: dict[str, Any],
             fallback: str | None, url: str = "") -> tuple[str, str]:
    """(title, headline): the title the page declares for itself (:func:`declared_title`) when it holds the
    page's headline, else the headline; the headline is a heading the ``<title>`` confirms, else the
    ``<title>`` without the site name, else trafilatura's title.

    A declared title that does not hold the headline is another text (a social headline, Wikipedia's
    description in JSON-LD's ``headline``): the headline printed on the page is the article's title then.
    Old table layouts have no headings: a bold line of the body that the ``<title>`` repeats counts.
    A heading that is the site's name (``og:site_name``: a logo in an ``<h1>``) is no title. A breadcrumb's
    step for the page itself (unlinked, or linking the page) confirms a heading too: a site that gives
    ``<title>`` and ``og:title`` a separate SEO text still names the page there as it prints it.
    """
    selector = config.site_selectors.get("title")
    if selector and first(doc, selector) is not None:
        title = norm(first(doc, selector).text_content())  # type: ignore[union-attr]
        return title, title
    site = {norm(str(name)) for name in _OG_SITE(doc)}
    headings = [h for h in (*_HEADINGS(doc), *_EMPHASIS(doc)) if norm(h.text_content()) not in site]
    confirmed = _crumb_confirmed(headings, doc, url) or confirmed_title(headings, doc)
    headline = confirmed or best_title(headings, doc) or norm(str(fallback or ""))
    declared = declared_title(doc, ld, site)
    if declared and (not confirmed or confirmed.casefold() in declared.casefold()):
        return declared, headline
    return headline, headline


def _crumb_confirmed(headings: list[HtmlElement], doc: HtmlElement, url: str) -> str:
    """The heading that the breadcrumb's step for this very page names, else ""."""
    crumbs = trail(doc, url) if url else []
    own = unquote(urlsplit(url).path)
    mine = [c.name for c in crumbs[-1:] if not c.href or unquote(urlsplit(c.href).path) == own]
    if not mine:
        return ""
    texts = {norm(h.text_content()) for h in (*headings, *_ALL_HEADINGS(doc))}
    return mine[0] if mine[0] in texts else ""


#: Titles a page declares in its head, surest first: Dublin Core (``DC.title``, what document
#: repositories and standards bodies print), Open Graph's ``og:title``, Twitter's card title.
_LOWER_NAME = "translate(@name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_TITLE_METAS = etree.XPath(f"//meta[@content][{_LOWER_NAME}='dc.title' or {_LOWER_NAME}='dcterms.title'"
                           " or @property='og:title' or @name='twitter:title' or @property='twitter:title']")
_TITLE_KINDS: tuple[Callable[[HtmlElement], bool], ...] = (
    lambda meta: (meta.get("name") or "").lower() in ("dc.title", "dcterms.title"),
    lambda meta: meta.get("property") == "og:title",
    lambda meta: "twitter:title" in (meta.get("name"), meta.get("property")),
)


def _declared_metas(doc: HtmlElement) -> list[str]:
    """The first of each kind of title meta above, in that order (one walk over the page, not three)."""
    metas = _TITLE_METAS(doc)
    return [next((str(m.get("content")) for m in metas if kind(m)), "") for kind in _TITLE_KINDS]


def declared_title(doc: HtmlElement, ld: dict[str, Any], site: set[str]) -> str:
    """The title the page gives itself for others to show: schema.org ``headline`` (JSON-LD), else the
    meta titles above, verbatim; a site name among them (``og:title`` = ``og:site_name``) is no title.

    Kept as the site wrote it, site name and all ("… - Breitbart"): that is the title the site shares
    and what readers' tools show; a heading shortens it only where the page declares nothing.

    >>> doc = lxml.html.fromstring('<html><head><meta property="og:site_name" content="Blog">'
    ...     '<meta property="og:title" content="Blog"><meta name="DC.Title" content="remoteStorage"></head></html>')
    >>> declared_title(doc, {}, {"Blog"})
    'remoteStorage'
    """
    values = [ld.get("headline"), *_declared_metas(doc)]
    for value in values:
        # html.unescape: sites that escape twice leave "&#8220;" in the attribute lxml already decoded
        title = norm(html.unescape(value)) if isinstance(value, str) else ""
        if title and title not in site:
            return title
    return ""


def date_of(doc: HtmlElement, body_text: str, config: Config, ld: dict[str, Any],
            fallback: str | None) -> tuple[str | None, str | None]:
    """(published_at, raw): metadata, then the first date written on the page, then trafilatura's."""
    selector = config.site_selectors.get("date")
    candidates: list[str] = []
    if selector and first(doc, selector) is not None:
        candidates.append(norm(first(doc, selector).text_content()))  # type: ignore[union-attr]
    candidates += [str(ld["datePublished"])] if ld.get("datePublished") else []
    candidates += [str(v) for v in _META_DATE(doc)]
    for raw in candidates:
        iso = parse_date(raw, config.timezone, fallback=False)
        if iso:
            return iso, raw
    line = dateline(body_text)  # the body's own opening names its day: surer than the first date on the page
    if line:
        return line
    visible = _visible_date(doc, body_text)
    if visible:
        return to_iso(visible[0], config.timezone), visible[1]
    if fallback and not _OTHER_ENTRIES(doc):  # trafilatura reads the other entries' hAtom dates too
        return parse_date(fallback, config.timezone, fallback=False), fallback
    return None, None


#: uCoz's pages (its ``/.s/src/`` scripts and styles, ``.s/src/`` in a saved copy's root-level pages, served
#: from ``sNN.ucoz.net/src/`` on older pages, ``ucoz_site_type``) print the visitor's clock in the site
#: header ("Четверг, 01.03.2018, 05:33 Приветствую Вас Гость", the layout's ``$DATE$, $TIME$``): an entry's own
#: date stands in its entry block (``eBlock``: ``eTitle``, ``eDetails``), in ``<title>`` or the date bar.
_UCOZ = etree.XPath("//link[contains(@href, '/.s/src/') or starts-with(@href, '.s/src/')"
                    " or contains(@href, '.ucoz.net/src/')]"
                    " | //script[contains(@src, '/.s/src/') or starts-with(@src, '.s/src/')"
                    " or contains(@src, '.ucoz.net/src/')]"
                    " | //script[contains(., 'ucoz_site_type')]")
_UCOZ_ENTRIES = etree.XPath("//*[contains(concat(' ', normalize-space(@class), ' '), ' eBlock ')]")
#: uCoz's material lists (a module's main page, its category, archive and paged views, the FAQ's question list)
#: wrap each entry they show in ``div#entryIDn`` inside ``#allEntries``, its title linked to the entry; an
#: entry's own page shows its comments there (``div.comEnt``), never an ``entryID`` block (the system markup,
#: ``ucoz-skills/agent-skills`` ``references/SYSTEM-MARKUP.md``, "Entry lists & grids").
_UCOZ_LISTED = etree.XPath("//div[starts-with(@id, 'entryID')][.//a[@href]]")


#: hAtom entries listed beside others (``hfeed`` rows of ``hentry``: "other news" blocks, sidebars): their
#: ``published`` dates and titles are theirs, not the page's.
_HENTRY = "contains(concat(' ', normalize-space(@class), ' '), ' hentry ')"
_OTHER_ENTRIES = etree.XPath(f"//*[{_HENTRY}][count(../*[{_HENTRY}]) > 1]")
_PAGE_TEXTS = etree.XPath(f"//body//text()[not(ancestor::*[{_HENTRY}][count(../*[{_HENTRY}]) > 1])]")
#: A news dateline opening the body: the source, a dash, the day ("KALYAZIN.MSK.RU — 24.07.17: Прокуратурой…",
#: "www.tverlife.ru — 13.08.17, ТВЕРЬ:").
_DATELINE = re.compile(r"^[^\n:]{2,60}?\s[—–-]\s(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?=[,:\s])")


def dateline(body_text: str) -> tuple[str, str] | None:
    """(day, raw) of the dateline the body opens with; the day alone, as printed.

    >>> dateline("KALYAZIN.MSK.RU — 24.07.17: Прокуратурой района проведена проверка.")
    ('2017-07-24', '24.07.17')
    >>> dateline("www.tverlife.ru — 13.08.17, ТВЕРЬ: В Калязине прошёл фестиваль.")
    ('2017-08-13', '13.08.17')
    >>> dateline("Прокуратура провела проверку 24.07.17.") is None
    True
    """
    lines = [line for line in body_text.split("\n", 4)[:4] if line.strip()][:2]  # the title may come first
    match = next((m for m in (_DATELINE.match(line.strip()) for line in lines) if m), None)
    if not match:
        return None
    day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    year += 2000 if year < 100 else 0
    try:
        return date(year, month, day).isoformat(), match.group(0)[match.start(1):]
    except ValueError:
        return None


def _visible_date(doc: HtmlElement, body_text: str) -> tuple[tuple[int, int, int, int, int], str] | None:
    """The first date written on the page outside the body's own text, else inside it (on uCoz, in the
    entry's block: never the header's clock); never in the other entries an hAtom list shows."""
    bodies = _BODY(doc)
    others = _OTHER_ENTRIES(doc)
    page_text = norm(" ".join(str(t) for t in _PAGE_TEXTS(doc))) if others else (
        norm(" ".join(bodies[0].itertext())) if bodies else "")  # "Title</h1><p>Nov. 20": two words
    if others:  # the body's text up to the list of other entries
        theirs = {norm(str(t)) for e in others for t in e.itertext()}  # their titles and dates, as the body keeps them
        cut = min((i for i in (body_text.find(t) for t in theirs if len(t) >= 8) if i >= 0), default=len(body_text))
        body_text = body_text[:cut]
    texts: tuple[str, ...] = (page_text[:4000], body_text[:2000])
    if _UCOZ(doc):
        texts = (" ".join(norm(e.text_content()) for e in _UCOZ_ENTRIES(doc))[:4000],)
    for text in texts:
        found = find_written(text)
        if found:
            return found
    return None


def _trafilatura(doc: HtmlElement, url: str) -> tuple[HtmlElement | None, Any]:
    """trafilatura's main text as an HTML element (or None), and its document metadata."""
    import trafilatura
    from trafilatura.htmlprocessing import convert_to_html

    copy = deepcopy(doc)  # trafilatura prunes the tree it gets; a copy, not a second parse
    try:
        # No url: trafilatura would resolve relative links against the site root, not the page; without
        # one it keeps them as written and they are resolved below, in its small output only.
        document = trafilatura.bare_extraction(
            copy, url=None, favor_precision=True, include_comments=False,
            include_tables=True, include_images=False, include_links=True, with_metadata=False,
        )
    except Exception as exc:  # trafilatura has many failure paths on broken pages
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return None, None
    if document is None or isinstance(document, dict) or document.body is None:
        return None, document
    markup = etree.tostring(convert_to_html(document.body), encoding="unicode", method="html")
    body = lxml.html.fragment_fromstring(markup, create_parent="div")
    bases = _BASE_HREF(doc)  # HTML: the first base element with an href is the base of relative links
    absolutize(body, (absolute(url, str(bases[0])) if bases else None) or url)
    return body, document


def unwrap_layout_tables(body: HtmlElement) -> int:
    """Old sites lay pages out with tables: keep only the cell holding most of a layout table's text.

    A table is layout when one cell holds at least 60% of a long text (a data table spreads it).
    """
    count = 0
    for table in list(body.iter("table")):
        total = len(norm(table.text_content()))
        cells = [c for c in table.iter("td", "th") if not any(True for _ in c.iter("table"))]
        if total < 300 or not cells:
            continue
        main = max(cells, key=lambda c: len(norm(c.text_content())))
        if len(norm(main.text_content())) >= 0.6 * total and table.getparent() is not None:
            main.tag = "div"
            main.tail = table.tail
            table.getparent().replace(table, main)
            count += 1
    return count


def _leading_text(body: HtmlElement) -> tuple[HtmlElement, str] | None:
    """The first non-blank text node of the body, as (element, "text" | "tail")."""
    for event, element in etree.iterwalk(body, events=("start", "end")):
        attr = "text" if event == "start" else "tail"
        if element is body and attr == "tail":
            break
        if norm(getattr(element, attr) or ""):
            return element, attr
    return None


def drop_leading(body: HtmlElement, titles: set[str]) -> int:
    """The title (or the headline beside a longer declared title), a bare date line and a byline ("Автор:
    <i>Имя</i>") at the top of the body repeat the record's own fields."""
    dropped = 0
    for _ in range(3):
        found = _leading_text(body)
        if found is None:
            break
        element, attr = found
        text = norm(getattr(element, attr))
        if text not in titles and not (len(text) < 40 and find_date(text) and _whole_line(body, text)) \
                and not is_byline(text):
            break
        if is_byline(text) and text not in titles:
            _drop_byline(element, attr, body)
            dropped += 1
            continue
        setattr(element, attr, None)
        dropped += 1
    if dropped:
        rules.empty_blocks(body)
    return dropped


def _whole_line(body: HtmlElement, text: str) -> bool:
    """Whether ``text`` is the body's whole first line: a date that opens a sentence in a Word paste's span
    ("<span>3 декабря 2014 года в рамках </span><b>акции</b>") is text, not a date line.

    >>> import lxml.html
    >>> _whole_line(lxml.html.fragment_fromstring('<div><p>12.05.2012</p><p>Текст</p></div>'), '12.05.2012')
    True
    >>> _whole_line(lxml.html.fragment_fromstring('<div><p><span>3 декабря 2014 года в </span><b>школе</b></p></div>'),
    ...             '3 декабря 2014 года в')
    False
    """
    lines = [line for line in element_to_text(body).split("\n") if line.strip()]
    return bool(lines) and norm(lines[0]) == text


_NAME_TAGS = frozenset({"a", "i", "b", "em", "strong", "span", "font"})


def _drop_byline(element: HtmlElement, attr: str, body: HtmlElement) -> None:
    """Remove a byline at the top of the body: its own short element, else its label and the name element
    after it ("Автор: <i>Имя</i>").

    >>> body = lxml.html.fragment_fromstring("<div>Автор: <i>Иван Петров</i><br>Текст заметки.</div>")
    >>> drop_leading(body, set()), lxml.html.tostring(body, encoding="unicode")
    (1, '<div><br>Текст заметки.</div>')
    """
    owner = element if attr == "text" else element.getparent()
    if owner is not None and owner is not body and is_byline(owner.text_content()):
        rules.remove(owner)
        return
    setattr(element, attr, None)
    after = (element[0] if len(element) else None) if attr == "text" else element.getnext()
    if after is not None and after.tag in _NAME_TAGS and len(norm(after.text_content())) <= 60:
        rules.remove(after)


def trim_breaks(body: HtmlElement) -> int:
    """Line breaks before the body's first word or after its last: what is left of the title and date
    lines :func:`drop_leading` emptied in a table-layout page (``<br>`` has no block to vanish with).

    >>> body = lxml.html.fragment_fromstring("<div><br><br><p>Text.<br>More.</p><br></div>")
    >>> trim_breaks(body), lxml.html.tostring(body, encoding="unicode")
    (3, '<div><p>Text.<br>More.</p></div>')
    """
    order: list[HtmlElement | None] = []  # None: a text node
    for event, element in etree.iterwalk(body, events=("start", "end")):
        if event == "start":
            order.append(element if element.tag == "br" else None if norm(element.text or "") else element)
        elif element is not body and norm(element.tail or ""):
            order.append(None)
    texts = [i for i, item in enumerate(order) if item is None]
    if not texts:
        return 0
    edges = order[:texts[0]] + order[texts[-1] + 1:]
    breaks = [item for item in edges if item is not None and item.tag == "br"]
    for br in breaks:
        rules.remove(br)
    return len(breaks)


def images_of(doc: HtmlElement, text: str, url: str) -> list[str]:
    """Images of the original page inside the smallest element that holds most of the body's words."""
    paragraphs = sorted(text.split("\n\n"), key=len)
    if not paragraphs or len(paragraphs[-1]) < 40:
        return []
    words = paragraphs[-1].split()
    found: list[Any] = []
    for size in (6, 3):  # a shorter snippet when an inline tag splits the text node
        found = found or _CONTAINS(doc, snippet=" ".join(words[len(words) // 2: len(words) // 2 + size]))
    if not found:
        return []
    need = 0.8 * len(_WORD.findall(text))
    container = found[-1].getparent()
    if container is not None and found[-1].is_tail:  # a tail belongs to the element around its owner
        container = container.getparent()
    if container is None:
        return []
    while container.getparent() is not None and len(_WORD.findall(container.text_content())) < need:
        container = container.getparent()
    return _images_in(container, url)


def _images_in(container: HtmlElement, url: str) -> list[str]:
    """The article's images (its figures too), not spacers, counters or logos."""
    images = []
    for img in container.iter("img"):
        src = img.get("src")
        small = any(v.isdigit() and int(v) < 50 for v in (img.get("width", ""), img.get("height", "")))
        if src and not small and not _TINY.search(src):
            images.append(absolute(url, src))
    return unique(images)


def dated_index_rows(doc: HtmlElement) -> int:
    """Rows (table rows, list items) that are just a date and one headline link: an archive index."""
    rows = 0
    for row in doc.iter("tr", "li"):
        links = row.findall(".//a")
        if len(links) != 1:
            continue
        title = norm(links[0].text_content())
        rest = norm(row.text_content()).replace(title, "", 1)
        if len(title.split()) >= 3 and len(rest) < 30 and find_date(rest):
            rows += 1
    return rows


#: Containers inside a learned region that are lists of links (related posts, share bars, tag clouds).
_LINK_BLOCKS = ("div", "ul", "ol", "section", "nav", "aside", "footer", "header", "table", "dl")
#: A container is a list of links when this share of its text sits in at least two links.
LINK_BLOCK_SHARE = 0.6


def drop_link_blocks(body: HtmlElement) -> int:
    """Remove the containers of a learned region that are mostly link text: a template puts related posts,
    share bars and tag lists inside the content element, where the region comparison cannot tell them apart
    (their links differ on every page). trafilatura's link-density test, for the region's blocks.

    >>> import lxml.html
    >>> body = lxml.html.fragment_fromstring('<div><p>Text of the post itself.</p><div><h3>More</h3><ul>'
    ...     '<li><a href="/a">One other post title</a></li><li><a href="/b">Another post title</a></li></ul></div></div>')
    >>> drop_link_blocks(body), lxml.html.tostring(body, encoding="unicode")
    (1, '<div><p>Text of the post itself.</p></div>')
    >>> body = lxml.html.fragment_fromstring('<div><p>Text.</p><div><a href="/a">One other post</a> <a href="/b">'
    ...     'Another post</a></div><p>More text.</p><h3>Trailer</h3><p><img src="v.jpg"></p></div>')
    >>> drop_link_blocks(body), lxml.html.tostring(body, encoding="unicode")
    (1, '<div><p>Text.</p><p>More text.</p><h3>Trailer</h3><p><img src="v.jpg"></p></div>')
    """
    count = 0
    linked: dict[HtmlElement, int] = {}  # each link's text length, folded once (blocks nest: no recount)
    for element in list(body.iter(*_LINK_BLOCKS)):
        if element is body or element.getparent() is None or not _attached(element, body):
            continue
        links = element.findall(".//a")
        if len(links) < 2:
            continue
        text = len(norm(element.text_content()))
        if text and sum(_length(a, linked) for a in links) >= LINK_BLOCK_SHARE * text:
            parent, last = element.getparent(), _ends_its_container(element)
            rules.remove(element)
            count += 1 + (_drop_orphan_headings(parent, body) if last else 0)
    return count


def _ends_its_container(element: HtmlElement) -> bool:
    """Nothing with text follows ``element`` in its parent: a heading left last once it goes introduced it
    (a list in the middle of the text leaves the headings of the text after it alone)."""
    if norm(element.tail or ""):
        return False
    return not any(norm(s.text_content()) or norm(s.tail or "") for s in element.itersiblings()
                   if isinstance(s.tag, str))


def _length(link: HtmlElement, known: dict[HtmlElement, int]) -> int:
    """The folded length of a link's text, remembered in ``known``."""
    length = known.get(link)
    if length is None:
        length = known[link] = len(rules.text_of(link))
    return length


_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _drop_orphan_headings(parent: HtmlElement, body: HtmlElement) -> int:
    """Headings left with nothing after them once the list they introduced is gone ("Share this:",
    "Related posts"): a container holding only headings goes, then trailing headings of the one above."""
    count = 0
    while parent is not body and parent.getparent() is not None and _only_headings(parent):
        grand = parent.getparent()
        rules.remove(parent)
        parent, count = grand, count + 1
    for child in reversed(list(parent)):
        if not isinstance(child.tag, str) or (not norm(child.text_content()) and not norm(child.tail or "")):
            continue
        if child.tag not in _HEADING_TAGS or norm(child.tail or ""):
            break
        rules.remove(child)
        count += 1
    return count


def _only_headings(element: HtmlElement) -> bool:
    """All the text of ``element`` stands in headings."""
    headings = "".join(norm(h.text_content()) for h in element.iter(*_HEADING_TAGS))
    return norm(element.text_content()).replace(" ", "") == headings.replace(" ", "")


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    """Still inside ``root`` (an ancestor may have been removed already)."""
    return any(a is root for a in element.iterancestors())


def _link_share(body: HtmlElement, text: str) -> float:
    linked = sum(len(rules.text_of(a)) for a in body.iter("a"))
    return linked / max(1, len(text))


_HOME = re.compile(r"^/(?:(?:index|default|home)\.(?:html?|shtml|php|aspx?))?$", re.I)


def is_home(url: str) -> bool:
    """The site's front page: its root, or the root's index file, with no query.

    >>> is_home("http://town.test/"), is_home("http://town.test/index.html"), is_home("http://town.test/news/")
    (True, True, False)
    """
    parts = urlsplit(url)
    return not parts.query and bool(_HOME.match(parts.path or "/"))


def extract(doc: HtmlElement, url: str, config: Config, regions: Regions | None = None) -> PageResult:
    """Classify a page without platform markup and extract its article, if it is one."""
    from migrator.extract import PageResult

    if is_home(url):  # the site's front page shows its newest entries, it is none of them; its text is kept, so
        # that copies of it saved at other URLs are known for it (SiteModel.withdraw_home_copies)
        found = _read(doc, url, config, regions)
        text = found.article.body_text if found.article is not None else found.text
        return PageResult("listing", "generic", None, None, None, Counter(), HOME_REASON, text)
    return _read(doc, url, config, regions)


#: Why the site's front page is no record.
HOME_REASON = "listing: home page"


def _read(doc: HtmlElement, url: str, config: Config, regions: Regions | None) -> PageResult:
    from migrator.extract import PageResult

    selector = config.site_selectors.get("body")
    listed = len(_UCOZ_LISTED(doc)) if _UCOZ(doc) else 0
    if listed and not selector and not config.keeps(url):  # the platform's list markup: one entry or twenty
        return PageResult("listing", "generic", None, None, None, Counter(), f"listing: uCoz list of {listed} entries")
    section = phpbb_section(doc)
    board = phpbb_kind(section)
    if board is not None:  # a board's entries are its topics; its index and forum views list them
        return PageResult(board, "generic", None, None, None, Counter(), f"{board}: phpBB {section}")
    script = vbulletin_kind(doc, url)
    if script is not None and not config.keeps(url):  # vBulletin's scripts but its threads list, profile or dialog
        return PageResult(script[0], "generic", None, None, None, Counter(), script[1])
    # comments are read as comments and leave the page: no region, author or date is taken from them
    comments = take_comments(doc, config.timezone)
    # other entries' rows (an hAtom feed: "other news" under the entry, a sidebar, a section's list) leave it too
    feeds = take_feeds(doc) if not selector else []
    posts = forum_posts(doc, config.timezone)
    if section is not None and not posts and (forums := phpbb_forum_rows(doc)) >= 2:
        # a board's own script that shows the forum list (the board index at forum.php): it lists the forums
        return PageResult("listing", "generic", None, None, None, Counter(), f"listing: phpBB list of {forums} forums")
    topic = topic_page(doc, url) if posts else None
    if topic is not None and topic[1] > 0:  # a later page of a topic: its URL is the topic's, its posts are replies
        return PageResult("other", "generic", None, f"topic/{topic[0]}", None, Counter(), "topic page past the first")
    template = None
    body = first(doc, selector) if selector else None
    # uCoz's one entry by its system markup (eTitle, eMessage, eDetails, the date bar): its own text, whatever
    # region a template learned (on a real portal that region was the comment list below the entry)
    material = ucoz.entry(doc, url) if not posts and _UCOZ(doc) else None
    if body is None and material is not None:
        body = deepcopy(material.message)
        template = regions.template_of(doc) if regions else None
    if body is None and posts:  # a forum topic: its first post is its text, the others are its comments
        body = deepcopy(posts[0].text)
        comments = [Comment(p.author, p.published_at, element_to_text(p.text).strip()) for p in posts[1:]] + comments
    meta: Any = None
    pruned = 0
    container: HtmlElement | None = None  # the page's own element the body came from, when we know it
    if posts and regions:  # its title's place, as the topics of its template keep it
        template = regions.template_of(doc)
    if body is None and regions:
        template, body = regions.match(doc)
        pruned = drop_link_blocks(body) if body is not None else 0
    if body is None:
        body, container = main_text(doc, url) or (None, None)
        pruned = drop_link_blocks(body) if body is not None else 0
    if body is None:
        body, meta = _trafilatura(doc, url)
    if body is None:
        links = len(_LINKS(doc))
        kind = "listing" if links >= 10 else "other"
        return PageResult(kind, "generic", None, None, None, Counter(), f"{kind}: no main text, {links} links")
    removed = clean(body, config)
    if pruned:
        removed["link_blocks"] += pruned
    unwrap_layout_tables(body)
    text = element_to_text(body)
    words, share = len(_WORD.findall(text)), _link_share(body, text)
    # A page its learned template shows as an entry (its own title and date) is an article however short, and so
    # is a platform's one entry (a DLE full story, by the engine's marks) in its template's region: an image alone.
    entry = (template is not None and words > 0 and template.identifies_article(url, doc)) or bool(posts) \
        or (template is not None and dle.full_story(doc, url) is not None) \
        or (material is not None and (words > 0 or body.find(".//img") is not None))
    if feeds and not entry and not posts and not config.keeps(url) and _feed_listing(url, feeds, body, words, share):
        listed = sum(len(f.hrefs) for f in feeds)
        return PageResult("listing", "generic", None, None, None, removed, f"listing: hAtom feed of {listed} entries",
                          text)
    if not entry and (words < MIN_WORDS or (share > MAX_LINK_SHARE and words * (1 - share) < LONG_TEXT_WORDS)):
        kind = "listing" if share > MAX_LINK_SHARE or len(_LINKS(doc)) >= 20 else "other"
        return PageResult(kind, "generic", None, None, None, removed, f"{kind}: {words} words, {share:.0%} in links",
                          text)
    rows = dated_index_rows(doc) if words < SHORT_TEXT_WORDS and not entry else 0
    if rows >= 3:  # "date — headline" rows beside a short text: an archive index
        return PageResult("listing", "generic", None, None, None, removed, f"listing: {rows} dated links", text)
    ld = _json_ld(doc)
    published_at, raw = date_of(doc, text, config, ld, getattr(meta, "date", None))
    title, headline = title_of(doc, body, config, ld, getattr(meta, "title", None), url)
    if drop_leading(body, {title, headline}) + trim_breaks(body):
        text = element_to_text(body)
    article = Article(url=url, source_id="", title=title, published_at=published_at, published_raw=raw,
                      author=_author(doc, config, ld, meta), body_text=text,
                      body_html=body_html(body, url), profile="generic")
    article.tags = _tags(doc, config, ld, url)
    article.images = (unique(absolute(url, img.get("src")) for img in body.iter("img"))
                      or (_images_in(container, url) if container is not None else images_of(doc, text, url)))
    article.comments = comments
    if template is not None:  # where this site keeps its fields; a mapping's selector wins
        learned = template.fields_for(url)
        apply_fields(doc, article, {k: v for k, v in learned.items() if k not in config.site_selectors
                                    and not (posts and k in ("date", "author"))}, config.timezone)
    if material is not None:
        _apply_entry(article, material, config)
    if article.author is None and not posts and "author" not in config.site_selectors:
        article.author = opening_author(body)  # a paper's or a clipping's author, its text's first line
    if posts:  # the topic's poster and date are its first post's
        first_post = posts[0]
        article.type = "forum"
        if "title" not in config.site_selectors:
            article.title = topic_title(doc, posts) or article.title
        if "tags" not in config.site_selectors and (forum := topic_forum(doc, posts)):
            article.tags = [forum]  # the forum it was posted in: the topic's category
        article.published_at, article.published_raw = first_post.published_at, first_post.raw_date
        if "author" not in config.site_selectors:
            article.author = first_post.author
    source_id = f"topic/{topic[0]}" if topic is not None else None  # every URL of the topic: one record
    return PageResult("article", "generic", article, source_id, None, removed, "")


def _apply_entry(article: Article, material: ucoz.Entry, config: Config) -> None:
    """What uCoz's entry block prints wins over what was guessed or learned (a mapping's selector wins over it):
    the title in ``eTitle``, the day of the date bar at the time beside the title, the name after "Добавил:"."""
    if material.title and "title" not in config.site_selectors:
        article.title = material.title
    if material.day is not None and "date" not in config.site_selectors:
        day = date(*material.day).isoformat()
        if material.clock is not None:
            stamp = to_iso((*material.day, *material.clock), config.timezone)
            if stamp:
                article.published_at, article.published_raw = stamp, f"{day} {material.clock[0]:02d}:{material.clock[1]:02d}"
        elif not article.published_at or article.published_at[:10] != day:
            article.published_at, article.published_raw = day, day
    if material.author and "author" not in config.site_selectors:
        article.author = material.author


def _feed_listing(url: str, feeds: list[Feed], body: HtmlElement, words: int, share: float) -> bool:
    """A page whose hAtom feed was its content: nothing of its own is left beside it (no word, no image), or
    the feed lists the entries under the page's own path (its section's index) beside a text as short as an
    index page's blurb (words outside links)."""
    if not words:
        return next(body.iter("img"), None) is None
    return lists_section(url, feeds) and words * (1 - share) < SHORT_TEXT_WORDS


def _author(doc: HtmlElement, config: Config, ld: dict[str, Any], meta: Any) -> str | None:
    """The mapping's selector, else what the page declares or labels (:mod:`migrator.extract.metadata`),
    else trafilatura's guess."""
    selector = config.site_selectors.get("author")
    if selector:
        found = css(selector)(doc)
        return norm(found[0].text_content()) or None if found else None
    return author_of(doc, ld) or norm(str(getattr(meta, "author", None) or "")) or None


def _tags(doc: HtmlElement, config: Config, ld: dict[str, Any], url: str) -> list[str]:
    """The mapping's selector (link texts, else texts of what it picks), else the page's own metadata (a DLE
    story's category first: the rubric is a term too)."""
    selector = config.site_selectors.get("tags")
    if selector:
        found = css(selector)(doc)
        return unique(norm(a.text_content()) for el in found for a in (el.findall(".//a") or [el]))
    return unique([dle_category(doc, url), *tags_of(doc, ld)])
