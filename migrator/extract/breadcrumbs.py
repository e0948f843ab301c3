"""The trail a page's breadcrumb prints: each crumb's name and link, home first, the page itself last.

A breadcrumb is found by the published conventions that mark one: schema.org's ``BreadcrumbList`` in JSON-LD
(what DataLife Engine 14+ and Yoast SEO print), in microdata (``itemtype=…/BreadcrumbList``) or RDFa
(``typeof="BreadcrumbList"``); Google's older data-vocabulary.org ``Breadcrumb`` (``typeof="v:Breadcrumb"``,
Breadcrumb NavXT, Yoast before 2019, DLE's speedbar before 14); ``itemprop="breadcrumb"`` (schema.org's
``WebPage.breadcrumb``), ``aria-label="Breadcrumb"`` (the WAI-ARIA authoring practices' breadcrumb pattern); and the
``breadcrumb``/``breadcrumbs`` class or id the WordPress breadcrumb plugins (Yoast ``#breadcrumbs``, NavXT
``.breadcrumbs``) and Bootstrap (``ol.breadcrumb``) print.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.rules import norm


@dataclass(frozen=True)
class Crumb:
    """One step of a breadcrumb: its printed name and its absolute link ("" for the unlinked last step)."""

    name: str
    href: str


#: Candidates by their attributes (a walk over attribute nodes: testing every element's class, id, itemprop…
#: costs several times more); :func:`_marks_trail` keeps those a convention names exactly.
_CANDIDATES = etree.XPath(
    "//@class[contains(., 'readcrumb')]/.. | //@id[contains(., 'readcrumb')]/.. | //@itemprop[. = 'breadcrumb']/.."
    " | //@itemtype[contains(., 'BreadcrumbList')]/.. | //@typeof[contains(., 'BreadcrumbList')]/.."
    " | //@aria-label[contains(., 'readcrumb')]/..")
#: The steps of Google's data-vocabulary breadcrumb: each ``typeof="v:Breadcrumb"`` element, wherever it stands.
_VOCABULARY = etree.XPath("//@typeof[. = 'v:Breadcrumb']/..")
_MARK_CLASSES = frozenset(("breadcrumb", "breadcrumbs"))


def _marks_trail(element: HtmlElement) -> bool:
    """The element is a breadcrumb by one of the conventions above (not a ``breadcrumb-item`` inside one)."""
    return bool(_MARK_CLASSES & set((element.get("class") or "").split())
                or element.get("id") in _MARK_CLASSES or element.get("itemprop") == "breadcrumb"
                or (element.get("itemtype") or "").endswith("schema.org/BreadcrumbList")
                or "BreadcrumbList" in (element.get("typeof") or "").split()
                or (element.get("aria-label") or "").lower() == "breadcrumb")


def _marked(doc: HtmlElement) -> list[HtmlElement]:
    """The marked breadcrumbs, outermost only, in page order."""
    found = [e for e in _CANDIDATES(doc) if _marks_trail(e)]
    chosen = set(found)
    return [e for e in found if not any(a in chosen for a in e.iterancestors())]


_JSON_LD = etree.XPath("//script[@type='application/ld+json']/text()")
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")


def trail(doc: HtmlElement, url: str) -> list[Crumb]:
    """The page's breadcrumb: JSON-LD's ``BreadcrumbList`` first (it names every step), else the first marked
    trail in the markup (its links, then its unlinked last step).

    >>> import lxml.html
    >>> doc = lxml.html.fromstring('<html><body><div class="breadcrumbs"><a href="/">Home</a> &gt; '
    ...     '<a href="/category/news/">News</a> &gt; <span>A post</span></div></body></html>')
    >>> [(c.name, c.href) for c in trail(doc, "http://b.test/a-post/")]
    [('Home', 'http://b.test/'), ('News', 'http://b.test/category/news/'), ('A post', '')]
    """
    crumbs = list(_from_json_ld(doc, url))
    if crumbs:
        return crumbs
    steps = _VOCABULARY(doc)
    marked = _marked(doc) if not steps else []
    if not steps and not marked:
        return []
    scope = steps if steps else marked[:1]
    for element in scope:
        links = [element] if element.tag == "a" else element.iter("a")
        crumbs.extend(Crumb(norm(a.text_content()), urljoin(url, a.get("href") or "")) for a in links
                      if a.get("href") and norm(a.text_content()))
    last = _unlinked_end(scope[-1])
    if last:
        crumbs.append(Crumb(last, ""))
    return crumbs


def _unlinked_end(element: HtmlElement) -> str:
    """The trail's last text outside its links (the page's own title, unlinked), if any."""
    texts = [norm(str(t)) for t in element.xpath(".//text()[not(ancestor::a)][not(ancestor::script)]")]
    texts = [t for t in texts if t and re.search(r"\w", t)]
    return texts[-1] if texts else ""


def _from_json_ld(doc: HtmlElement, url: str) -> Iterator[Crumb]:
    for raw in _JSON_LD(doc):
        try:
            data = json.loads(_CDATA.sub("", raw))
        except ValueError:
            continue
        for item in _items(data):
            if item.get("@type") == "BreadcrumbList" and isinstance(item.get("itemListElement"), list):
                steps = sorted((s for s in item["itemListElement"] if isinstance(s, dict)), key=_position)
                for step in steps:
                    target = step.get("item")
                    name = step.get("name") or (target.get("name") if isinstance(target, dict) else None)
                    href = target.get("@id") or target.get("url") if isinstance(target, dict) else target
                    if isinstance(name, str) and norm(name):
                        yield Crumb(norm(name), urljoin(url, href) if isinstance(href, str) else "")
                return


def _position(step: dict[str, Any]) -> int:
    position = step.get("position")
    return position if isinstance(position, int) else 0


def _items(data: Any) -> list[dict[str, Any]]:
    """The objects of a JSON-LD document: a list, an ``@graph`` or one object."""
    if isinstance(data, list):
        return [i for d in data for i in _items(d)]
    if isinstance(data, dict):
        return [data, *_items(data["@graph"])] if isinstance(data.get("@graph"), list) else [data]
    return []
