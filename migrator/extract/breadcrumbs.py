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


_MARKED = etree.XPath(
    "//*[contains(@itemtype, 'schema.org/BreadcrumbList') or contains(concat(' ', normalize-space(@typeof), ' '),"
    " ' BreadcrumbList ') or @itemprop='breadcrumb' or translate(@aria-label, 'BREADCUMB', 'breadcumb')='breadcrumb'"
    " or contains(concat(' ', normalize-space(@class), ' '), ' breadcrumb ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' breadcrumbs ') or @id='breadcrumbs'"
    " or @id='breadcrumb']"
    "[not(ancestor::*[contains(@itemtype, 'schema.org/BreadcrumbList') or @itemprop='breadcrumb'"
    " or contains(concat(' ', normalize-space(@class), ' '), ' breadcrumb ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' breadcrumbs ') or @id='breadcrumbs'])]")
#: The steps of Google's data-vocabulary breadcrumb: each ``typeof="v:Breadcrumb"`` element, wherever it stands.
_VOCABULARY = etree.XPath("//*[@typeof='v:Breadcrumb']")
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
    marked = _MARKED(doc)
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
