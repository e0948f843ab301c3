"""What the platform profiles beside Drupal 6 share: where a platform's templates print each field, and one
reader that takes an entry's fields from those places.

A profile module (:mod:`~migrator.extract.wordpress`, :mod:`~migrator.extract.joomla`,
:mod:`~migrator.extract.drupal7`, :mod:`~migrator.extract.blogger`) says how its pages are recognised, which page
is one entry and which is a listing (from the platform's own markup: body classes, linked titles, pagers), and
gives its :class:`Places`, taken from the platform's real templates (cited in each module). A page a profile
identifies as one entry is a record however short (:data:`migrator.ingest.withdraw.PLATFORM_PROFILES`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean import clean
from migrator.clean.rules import norm, remove_all
from migrator.clean.sanitize import body_html
from migrator.clean.text import element_to_text
from migrator.extract.common import absolute, best_title, clean_author, css, unique
from migrator.extract.dates import parse_date
from migrator.record import Article, Comment

if TYPE_CHECKING:
    from migrator.mapping import Config

#: "by", "Posted by", "Автор:", "Publicado por" before a printed name: the label, never the name.
_BY = re.compile(r"^(?:(?:posted|written|published)\s+by|by|автор(?:\s+статьи)?:?|опубликовал[аои]?:?|"
                 r"добавил[аи]?:?|publicado\s+por|escrito\s+por|von|par)\s+", re.I)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_URL_YEAR = re.compile(r"/((?:19|20)\d\d)/(?:\d{1,2}/)?")
_PRINTED_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\.(\d{1,2})\s+((?:19|20)\d\d)\b")
_DAY_MONTH = re.compile(r"\d{1,2}\s*[./ ]\s*(?:\d{1,2}|[^\W\d_]{3,})", re.U)


@dataclass(frozen=True)
class Places:
    """CSS selectors where a platform's templates print each field, surest first (the first that finds wins).

    ``date`` elements are read by their ``datetime`` / ``title`` / ``content`` attribute, else their text;
    ``drop``: template blocks the body element holds besides the entry's text (meta lines, share bars, the
    e-mail cloaking notice); ``comment_*`` are read inside each ``comments`` element.
    """

    title: tuple[str, ...]
    body: tuple[str, ...]
    date: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    comments: str = ""
    comment_author: tuple[str, ...] = ()
    comment_date: tuple[str, ...] = ()
    comment_body: tuple[str, ...] = ()


def has_class(name: str) -> str:
    """An XPath test for one class token.

    >>> has_class("post")
    "contains(concat(' ', normalize-space(@class), ' '), ' post ')"
    """
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def body_classes(doc: HtmlElement) -> set[str]:
    """The class tokens of ``<body>`` (WordPress' ``body_class()``, Drupal 7's ``$classes``)."""
    bodies = doc.xpath("//body")
    return set((bodies[0].get("class") or "").split()) if bodies else set()


def generator(doc: HtmlElement) -> str:
    """``<meta name="generator">``'s content, lower-cased ("" when the page names none)."""
    found = doc.xpath("//meta[translate(@name, 'GENERATOR', 'generator')='generator']/@content")
    return " ".join(str(v) for v in found).lower()


#: The engines whose own templates print their name and version in ``<meta name="generator">``: WordPress'
#: ``wp_generator()`` ("WordPress 4.9.10"), Drupal 7+ ("Drupal 7 (http://drupal.org)"), Joomla! ("Joomla! 1.5 -
#: Open Source Content Management"), MediaWiki, Hugo, Jekyll ("Jekyll v3.9.0"). A theme's or a plugin's generator
#: meta ("Extra (shared on themelot.net) v.1.0", "WooCommerce 3.2") names no engine.
_ENGINE = re.compile(r"^(wordpress|drupal|joomla!?|mediawiki|hugo|jekyll)\s+v?(\d+(?:\.\d+)*)\b")


def engine_version(doc: HtmlElement) -> str:
    """The engine and version the page's generator meta names, its version zero-padded so that strings sort
    as versions do ("wordpress 0004.0009.0010"); "" when no generator meta names an engine's version.

    >>> import lxml.html
    >>> engine_version(lxml.html.fromstring('<html><head><meta name="generator" content="Extra v.1.0">'
    ...                                     '<meta name="generator" content="WordPress 4.9.10"></head></html>'))
    'wordpress 0004.0009.0010'
    """
    for content in doc.xpath("//meta[translate(@name, 'GENERATOR', 'generator')='generator']/@content"):
        match = _ENGINE.match(str(content).strip().lower())
        if match:
            name = match.group(1).rstrip("!")
            return f"{name} " + ".".join(f"{int(part):04d}" for part in match.group(2).split(".")[:4])
    return ""


def pick(scope: HtmlElement, selectors: tuple[str, ...]) -> HtmlElement | None:
    """The first element the first selector that finds any finds."""
    for selector in selectors:
        found = css(selector)(scope)
        if found:
            return found[0]
    return None


def picks(scope: HtmlElement, selectors: tuple[str, ...]) -> list[HtmlElement]:
    """Every element of every selector, page order within each, no element twice."""
    seen: list[HtmlElement] = []
    for selector in selectors:
        seen.extend(e for e in css(selector)(scope) if e not in seen)
    return seen


def date_text(element: HtmlElement | None) -> str | None:
    """What a date element says: its machine-readable attribute, else its printed text."""
    if element is None:
        return None
    for attr in ("datetime", "title", "content"):
        value = norm(element.get(attr) or "")
        if value and re.search(r"\d", value):
            return value
    return norm(element.text_content()) or None


def dated(raw: str | None, url: str, timezone: str, warnings: list[str] | None = None) -> str | None:
    """A printed date -> ISO; a year-less day-month stamp ("20.03", "20 March") takes the year the URL names
    (``/2013/03/…``), else stays unread, with a warning (dateparser would supply the current year).

    >>> dated("20 марта, 10:15", "http://b.test/2013/03/20/post/", "Europe/Moscow")
    '2013-03-20T10:15:00+04:00'
    >>> w = []; dated("20 марта", "http://b.test/post/", "Europe/Moscow", w), w
    (None, ['partial-date: 20 марта'])
    >>> dated("2.02 2015", "http://b.test/post/", "Europe/Moscow")
    '2015-02-02T00:00:00+03:00'

    """
    if not raw or not re.search(r"\d", raw):
        return None
    printed = _PRINTED_OFFSET.search(raw)
    if printed:  # a time printed with its offset is kept as printed, not re-zoned
        try:
            return datetime.fromisoformat(printed.group(0).replace("Z", "+00:00")).isoformat()
        except ValueError:
            pass
    raw = _DAY_MONTH_YEAR.sub(r"\1.\2.\3", raw)  # "2.02 2015": a theme's day.month, then the year
    if _YEAR.search(raw) or re.search(r"\d{4}-\d\d-\d\d", raw):
        return parse_date(raw, timezone)
    if not _DAY_MONTH.search(raw):
        return None
    match = _URL_YEAR.search(urlsplit(url).path)
    if match:
        with_year = re.sub(r"^(.*?\d{1,2}\s*[./ ]\s*(?:\d{1,2}|[^\W\d_]{3,}))", rf"\1 {match.group(1)}", raw, count=1)
        with_year = re.sub(r"(\d{1,2})\.(\d{1,2}) (\d{4})", r"\1.\2.\3", with_year)
        found = parse_date(with_year, timezone, fallback=False)
        if found:
            return found
    if warnings is not None:
        warnings.append(f"partial-date: {raw[:60]}")
    return None


def author_text(element: HtmlElement | None) -> str | None:
    """A printed byline's name, without its label ("by X", "Автор: X")."""
    if element is None:
        return None
    return clean_author(_BY.sub("", norm(element.text_content())))


_AUTHOR_LABEL = re.compile(r"^(?:автор(?:\s+статьи)?|author|posted by|written by|добавил[аи]?|опубликовал[аи]?)\s*:?\s*(.*)$",
                           re.I)


def labelled_name(scope: HtmlElement) -> str | None:
    """The name a theme prints after an author label, in the same line ("Автор статьи: admin<br>Просмотров: 5"):
    the rest of the label's text node, else the link right after it.

    >>> import lxml.html
    >>> labelled_name(lxml.html.fragment_fromstring('<p><img src="a.jpg">Автор статьи: admin<br>Просмотров: 5</p>'))
    'admin'
    """
    for text in scope.xpath(".//text()[normalize-space()][not(ancestor::script)]"):
        match = _AUTHOR_LABEL.match(norm(str(text)))
        if not match:
            continue
        name = re.split(r"\s*[,|;·•]\s*", match.group(1))[0]
        if not name:
            owner = text.getparent()
            after = owner if text.is_tail else next(iter(owner), None)
            if after is not None and after.tag == "a":
                name = norm(after.text_content())
        name = clean_author(name) or ""
        if name and len(name) <= 60:
            return name
    return None


def tags_in(scope: HtmlElement, places: Places) -> list[str]:
    """Link texts of the term links (categories first, then tags: the order the templates print them)."""
    links = [a for element in picks(scope, places.tags) for a in (element.iter("a") if element.tag != "a" else [element])]
    return unique(norm(a.text_content()) for a in links)


def comments_in(doc: HtmlElement, places: Places, config: Config, removed: Counter[str]) -> list[Comment]:
    """Each comment's author, date and text (its own text only: replies nested in it are comments too)."""
    comments = []
    for element in css(places.comments)(doc) if places.comments else []:
        body = pick(element, places.comment_body)
        text = ""
        if body is not None:
            removed.update(clean(body, config))
            text = element_to_text(body)
        raw = date_text(pick(element, places.comment_date))
        comments.append(Comment(author=author_text(pick(element, places.comment_author)),
                                published_at=parse_date(raw, config.timezone), body_text=text, published_raw=raw))
    return comments


def read_entry(doc: HtmlElement, entry: HtmlElement, url: str, config: Config, places: Places, profile: str,
               removed: Counter[str], *, kind: str = "", warnings: list[str] | None = None,
               links_pruned: bool = False) -> Article:
    """Every field of one entry from its platform's places; the body is cleaned in place, after the fields."""
    title_element = pick(entry, places.title)
    title = norm(title_element.text_content()) if title_element is not None else best_title([], doc)
    raw_date = date_text(pick(entry, places.date)) if places.date else None
    updated_raw = date_text(pick(entry, places.updated)) if places.updated else None
    article = Article(url=url, source_id="", title=title,
                      published_at=dated(raw_date, url, config.timezone, warnings), published_raw=raw_date,
                      updated_at=dated(updated_raw, url, config.timezone, warnings),
                      author=author_text(pick(entry, places.author)), tags=tags_in(entry, places),
                      profile=profile, type=kind)
    body = pick(entry, places.body)
    if body is None:
        body = entry
    comments = comments_in(doc, places, config, removed) if places.comments else []
    dropped = picks(body, places.drop)
    if dropped:
        removed[f"{profile}_template"] += remove_all(dropped)
    if links_pruned:  # related posts, share bars and tag lists that plugins print inside the content element
        from migrator.extract.container import pruned
        from migrator.extract.generic import drop_link_blocks

        body = pruned(body)
        removed["link_blocks"] += drop_link_blocks(body)
    removed.update(clean(body, config))
    article.body_text = element_to_text(body)
    article.body_html = body_html(body, url)
    article.images = unique(absolute(url, str(src)) for src in body.xpath(".//img/@src"))
    article.comments = comments
    return article


#: A Dean Edwards "packer" script (``eval(function(p,a,c,k,e,d)…``): no platform's body field holds one; SEO
#: spam injected into a compromised site's bodies hides its links with it.
_PACKED = etree.XPath(".//script[starts-with(normalize-space(.), 'eval(function(p,a,c,k,e,')]")


def drop_injected(body: HtmlElement, url: str) -> int:
    """Remove packed scripts from a body and the element right before each when every link in it leaves the site
    (the spam block the script hides). Returns how many elements went.

    >>> import lxml.html
    >>> body = lxml.html.fragment_fromstring('<div><p>Text.</p><span><a href="http://shoes.test/">Shoes</a></span>'
    ...     '<script>eval(function(p,a,c,k,e,d){})</script></div>')
    >>> drop_injected(body, "http://site.test/node/1"), lxml.html.tostring(body, encoding="unicode")
    (2, '<div><p>Text.</p></div>')
    """
    host = urlsplit(url).hostname
    gone = []
    for script in _PACKED(body):
        before = script.getprevious()
        links = before.xpath(".//a/@href | self::a/@href") if before is not None else []
        hosts = {urlsplit(absolute(url, str(h)) or "").hostname for h in links}
        if before is not None and links and host not in hosts:
            gone.append(before)
        gone.append(script)
    return remove_all(gone)
