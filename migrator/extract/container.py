"""The main text of a page found by the content-container conventions of real sites, in one pass.

Most article pages wrap their text in an element that a published convention names: schema.org's
``itemprop="articleBody"``, hAtom's ``entry-content``, HTML5's ``<article>`` and ``<main>``, the
``post-content`` / ``article-body`` / ``story-body`` classes of the common CMS themes (WordPress,
Drupal's ``field-body``, Blogger's ``post-body``). trafilatura keeps these conventions, gathered over
thousands of sites, in ``trafilatura.xpaths``: we use its lists rather than keep our own copy, and
apply them the cheap way, to the one container only. The container's boilerplate goes by the same
library's discard lists (share bars, related posts, comments, consent banners, hidden blocks) and by
link density, inside the container, never over the whole page.

When no convention names a container with enough text, :func:`main_text` returns None and the caller
falls back to trafilatura's full extraction (once, for that page only).
"""
from __future__ import annotations

import copy
import re
from typing import Iterable

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import MANUALLY_CLEANED
from trafilatura.xpaths import (
    BODY_XPATH, DISCARD_IMAGE_ELEMENTS, OVERALL_DISCARD_XPATH, PRECISION_DISCARD_XPATH, REMOVE_COMMENTS_XPATH, TEASER_DISCARD_XPATH,
)

from migrator.clean import rules
from migrator.clean.rules import norm

#: A container decides the page when it holds at least this many words outside links...
MIN_WORDS = 60
#: ...and at most this share of its text sits in links (a teaser list is mostly links).
MAX_LINK_SHARE = 0.35
#: Discard rules may not take more than this share of a container's text: a rule that would is
#: matching the article itself (trafilatura's own guard for its overall discard list, 1/7 left).
MAX_DISCARDED = 6 / 7

_WORD = re.compile(r"\w+")
#: Elements that never carry article text (trafilatura's MANUALLY_CLEANED, which also drops
#: ``<figure>`` and ``<time>``: captions and date lines are not body text).
_NEVER_TEXT = tuple(tag for tag in MANUALLY_CLEANED if tag not in ("head",))
_HIDDEN = etree.XPath(".//*[@hidden or @aria-hidden='true']")


def main_text(doc: HtmlElement) -> HtmlElement | None:
    """A pruned copy of the first container a convention names that holds a real text, else None.

    >>> import lxml.html
    >>> words = " ".join(["word"] * 70)
    >>> doc = lxml.html.fromstring(f'<html><body><nav><a href="/">Home</a></nav><article><p>{words}</p>'
    ...                            '<div class="share-buttons"><a href="/s">Share</a></div></article></body></html>')
    >>> lxml.html.tostring(main_text(doc), encoding="unicode")[:18]
    '<article><p>word '
    """
    for expression in BODY_XPATH:
        found = next((e for e in expression(doc) if isinstance(e.tag, str)), None)
        if found is None:
            continue
        body = _pruned(found)
        if _decides(body):
            return body
    return None


def _pruned(found: HtmlElement) -> HtmlElement:
    """A copy of ``found`` without what never is article text and without its boilerplate blocks."""
    body = copy.deepcopy(found)
    body.tail = None
    etree.strip_elements(body, *_NEVER_TEXT, with_tail=False)
    _remove(_HIDDEN(body))
    _remove_guarded(body, [e for xpath in (*OVERALL_DISCARD_XPATH, *REMOVE_COMMENTS_XPATH) for e in xpath(body)])
    _remove_guarded(body, [e for xpath in (*DISCARD_IMAGE_ELEMENTS, *TEASER_DISCARD_XPATH, *PRECISION_DISCARD_XPATH)
                           for e in xpath(body)])
    return body


def _remove(elements: Iterable[HtmlElement]) -> None:
    for element in elements:
        if element.getparent() is not None:
            rules.remove(element)


def _remove_guarded(body: HtmlElement, matches: list[HtmlElement]) -> None:
    """Remove the outermost of ``matches`` unless together they hold nearly all the container's text."""
    if not matches:
        return
    chosen = set(matches)
    outer = [e for e in matches if e is not body and not any(a in chosen for a in e.iterancestors())]
    total = len(norm(body.text_content()))
    if total - sum(len(norm(e.text_content())) for e in outer) > total * (1 - MAX_DISCARDED):
        _remove(outer)


def _decides(body: HtmlElement) -> bool:
    """Enough words outside links, and not a list of links."""
    text = norm(body.text_content())
    linked = sum(len(norm(a.text_content())) for a in body.iter("a"))
    words = len(_WORD.findall(text))
    share = linked / max(1, len(text))
    return share <= MAX_LINK_SHARE and words * (1 - share) >= MIN_WORDS
