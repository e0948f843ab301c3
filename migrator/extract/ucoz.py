"""uCoz's one-entry page, read from the system markup of its default entry template.

uCoz's news, blog and publication modules print a material's page as one ``eBlock`` holding ``eTitle`` (the
title, the time floated beside it: ``<div style="float:right">01:50 </div>Title``), ``eMessage`` (``$MESSAGE$``, the
text) and ``eDetails`` ("Просмотров: 290 | Добавил: RADO | Рейтинг: 0.0/0"); the date stands only in the ``dateBar``
breadcrumb above it ("Главная » 2015 » Сентябрь » 4", each link to that day's, month's or year's archive,
``/news/2015-09-04``) and in the entry's URL (``/news/<slug>/2015-09-04-334``). Comments (``div.comEnt``) come after
the ``eBlock``, outside it. Seen on a real school site (lehrer.3dn.ru) and in uCoz's own template reference
(``ucoz-skills/agent-skills`` ``references/SYSTEM-MARKUP.md``: ``eBlock``, ``eTitle``, ``eMessage``, ``eDetails``).
A catalogue entry (``load``: a plain ``<h1>``, its text in ``td.eText``/``td.text``) has no ``eTitle`` with an
``eMessage``: it is none of these.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.rules import norm
from migrator.extract.fields import own_text
from migrator.extract.platform import has_class

_BLOCKS = etree.XPath(f"//*[{has_class('eBlock')}][.//*[{has_class('eTitle')}]][.//*[{has_class('eMessage')}]]")
_TITLE = etree.XPath(f".//*[{has_class('eTitle')}]")
_MESSAGE = etree.XPath(f".//*[{has_class('eMessage')}]")
_DETAILS = etree.XPath(f".//*[{has_class('eDetails')} or {has_class('eDetails1')} or {has_class('eDetails2')}]")
_DATE_BAR = etree.XPath(f"//a[{has_class('dateBar')}]/@href")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_DAY_LINK = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:\.html?)?$")
_ENTRY_URL = re.compile(r"/(\d{4})-(\d{2})-(\d{2})-\d+(?:\.html?)?$")
_AUTHOR = re.compile(r"(?:Добавил[аи]?|Автор)\s*:\s*(.+?)\s*(?:\||$)")


@dataclass
class Entry:
    """What the page's one entry block says of its material."""

    message: HtmlElement
    title: str
    day: tuple[int, int, int] | None
    clock: tuple[int, int] | None
    author: str | None


def entry(doc: HtmlElement, url: str) -> Entry | None:
    """The page's one uCoz entry block (a list of them is a listing), else None.

    >>> import lxml.html
    >>> page = lxml.html.fromstring('<html><body><a class="dateBar" href="../2015-09-04.html">4</a>'
    ...     '<table class="eBlock"><tr><td><div class="eTitle"><div style="float:right">01:50 </div>День</div></td></tr>'
    ...     '<tr><td class="eMessage">Текст</td></tr><tr><td class="eDetails">Просмотров: 2 | Добавил: '
    ...     '<!--x--><a href="#">RADO</a> | Рейтинг: 0.0/0</td></tr></table></body></html>')
    >>> found = entry(page, "http://h/news/den/2015-09-04-334.html")
    >>> found.title, found.day, found.clock, found.author
    ('День', (2015, 9, 4), (1, 50), 'RADO')
    """
    blocks = _BLOCKS(doc)
    outer = [b for b in blocks if not any(a in blocks for a in b.iterancestors())]
    if len(outer) != 1:
        return None
    block = outer[0]
    titles, messages = _TITLE(block), _MESSAGE(block)
    if len(titles) != 1 or len(messages) != 1:
        return None
    title = own_text(titles[0])
    clock = None
    for child in titles[0]:
        if isinstance(child.tag, str) and (match := _CLOCK.match(child.text_content())):
            clock = (int(match.group(1)), int(match.group(2)))
    return Entry(messages[0], title, _day(doc, url), clock, _author(block))


def _day(doc: HtmlElement, url: str) -> tuple[int, int, int] | None:
    """The entry's day: the date bar's day link, else the entry URL's ``YYYY-MM-DD-N``."""
    for href in reversed(_DATE_BAR(doc)):
        if match := _DAY_LINK.search(str(href)):
            return int(match.group(1)), int(match.group(2)), int(match.group(3))
    if match := _ENTRY_URL.search(unquote(urlsplit(url).path)):
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    return None


def _author(block: HtmlElement) -> str | None:
    """The name after "Добавил:" (or "Автор:") in the details line."""
    for details in _DETAILS(block):
        if match := _AUTHOR.search(norm(details.text_content())):
            name = match.group(1).strip()
            return name or None
    return None
