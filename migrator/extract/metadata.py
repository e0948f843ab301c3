"""Author and tags of a page without a profile: what the page declares about itself.

In order of trust: JSON-LD (``author``, ``keywords``), meta tags (``author``, ``article:author``,
``article:tag``, ``news_keywords``), microdata (``itemprop="author"``, ``itemprop="keywords"``), then
what is written on the page under a label ("Автор: …", "Теги: …"). ``<meta name="keywords">`` is
left out on purpose: it holds search-engine bait, not the site's rubrics.
"""
from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.rules import norm
from migrator.extract.common import clean_author, unique

_META_AUTHOR = etree.XPath("//meta[@name='author' or @property='article:author' or @name='article:author'"
                           " or @name='byl']/@content")
#: Through the itemprop attributes (``//*[@itemprop='author']`` tests every element: twice the cost).
_MICRO_AUTHOR = etree.XPath("//@itemprop[. = 'author']/parent::*")
_META_TAGS = etree.XPath("//meta[@property='article:tag' or @name='news_keywords']/@content")
_MICRO_TAGS = etree.XPath("//@itemprop[. = 'keywords']/parent::*")
#: Short elements whose text starts with a label: "Автор: Иван Петров", "Теги: физика, космос".
#: Found from the text nodes that start with the label (one linear pass), not by normalizing every
#: element's whole text (quadratic in the page's depth).
_LABEL_TEXT = etree.XPath("//body//text()[contains(., ':')][not(parent::script or parent::style)]")  # labels end with ':'
_LABEL_TAGS = frozenset(("p", "div", "span", "li", "td", "dd", "small", "em", "i", "b", "strong"))
_LABEL_MAX = 300
_AUTHOR_LABELS = ("Автор:", "Авторы:", "Автор материала:", "Author:")
_TAG_LABELS = ("Теги:", "Метки:", "Рубрики:", "Рубрика:", "Ключевые слова:", "Tags:")
_AUTHOR_END = re.compile(r"\s*(?:[,|;(]|\d{1,2}[./ ]|$)")
_BY = re.compile(r"^(?:by|автор)\s+", re.I)


def _labelled(doc: HtmlElement, labels: tuple[str, ...]) -> list[tuple[str, HtmlElement]]:
    """(label, element) for each element (of the tags above, under 300 characters) whose text starts with
    one of ``labels``: labels in the order given, elements outermost first, in page order."""
    texts = [t for t in _LABEL_TEXT(doc) if t.lstrip().startswith(labels)]
    found: list[tuple[str, HtmlElement]] = []
    for label in labels:
        for text in texts:
            element = _label_owner(text, label) if text.lstrip().startswith(label) else None
            if element is not None and (label, element) not in found:
                found.append((label, element))
    return found


def _label_owner(text: Any, label: str) -> HtmlElement | None:
    """The outermost short element around a text node that starts with ``label`` whose text starts with it too."""
    owner = text.getparent()
    if owner is not None and text.is_tail:
        owner = owner.getparent()
    best = None
    while owner is not None and owner.tag != "body":
        content = norm(owner.text_content())
        if len(content) >= _LABEL_MAX or not content.startswith(label):
            break
        if owner.tag in _LABEL_TAGS:
            best = owner
        owner = owner.getparent()
    return best


def _name(value: Any) -> str | None:
    """A person's name out of a JSON-LD/microdata value (string, object with ``name``, or a list)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    if value is None:
        return None
    if isinstance(value, HtmlElement):
        named = value.xpath(".//*[@itemprop='name']")
        value = (named[0] if named else value).text_content()
    return clean_author(_BY.sub("", norm(str(value))))


def visible_author(doc: HtmlElement) -> str | None:
    """The name after an "Автор:" label written on the page, up to a comma, a bar or a date.

    >>> from lxml.html import fromstring
    >>> visible_author(fromstring("<html><body><p>Автор: Иван Петров, 25 ноября 2014</p></body></html>"))
    'Иван Петров'
    """
    for label, element in _labelled(doc, _AUTHOR_LABELS):
        rest = norm(element.text_content())[len(label):]
        name = clean_author(_AUTHOR_END.split(rest, 1)[0])
        if name and len(name) <= 80:
            return name
    return None


def author_of(doc: HtmlElement, ld: dict[str, Any]) -> str | None:
    """JSON-LD, meta tags, microdata, then a visible "Автор:" label; None when none says (or a guest)."""
    candidates: list[Any] = [ld.get("author"), *(_META_AUTHOR(doc)[:1]), *(_MICRO_AUTHOR(doc)[:1])]
    for value in candidates:
        name = _name(value)
        if name and not name.startswith(("http://", "https://")):
            return name
    return visible_author(doc)


def _split_terms(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for v in value for t in _split_terms(v)]
    if isinstance(value, HtmlElement):
        value = value.get("content") or value.text_content()
    return [norm(t) for t in re.split(r"[,;]", str(value or "")) if norm(t)]


def visible_tags(doc: HtmlElement) -> list[str]:
    """The terms under a "Теги:" label: its links' texts, else the comma-separated text after it.

    >>> from lxml.html import fromstring
    >>> visible_tags(fromstring('<html><body><div>Теги: <a href="/t/1">физика</a>, <a href="/t/2">космос</a></div></body></html>'))
    ['физика', 'космос']
    """
    for label, element in _labelled(doc, _TAG_LABELS):
        links = [norm(a.text_content()) for a in element.iter("a")]
        terms = [t for t in links if t] or _split_terms(norm(element.text_content())[len(label):])
        if terms:
            return unique(terms)
    return []


def tags_of(doc: HtmlElement, ld: dict[str, Any]) -> list[str]:
    """JSON-LD ``keywords``, ``article:tag`` / ``news_keywords`` metas, microdata, then a visible "Теги:" label."""
    for terms in (_split_terms(ld.get("keywords")), _split_terms(_META_TAGS(doc)), _split_terms(_MICRO_TAGS(doc))):
        if terms:
            return unique(terms)
    return visible_tags(doc)
