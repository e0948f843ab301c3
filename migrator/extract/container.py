"""The main text of a page found by the content-container conventions of real sites, in one pass.

Most article pages wrap their text in an element that a published convention names: schema.org's
``itemprop="articleBody"``, hAtom's ``entry-content``, HTML5's ``<article>`` and ``<main>``, the
``post-content`` / ``article-body`` / ``story-body`` classes of the common CMS themes (WordPress,
Drupal's ``field-body``, Blogger's ``post-body``). The tokens are trafilatura's, gathered over thousands
of sites (:mod:`migrator.extract.conventions` cites them), applied the cheap way, to the one container
only. The container's boilerplate goes by the same
library's discard lists (share bars, related posts, comments, consent banners, hidden blocks) and by
link density, inside the container, never over the whole page.

When no convention names a container with enough text, :func:`main_text` returns None and the caller
falls back to trafilatura's full extraction (once, for that page only).
"""
from __future__ import annotations

import copy
import re
from typing import Iterator
from urllib.parse import urldefrag, urljoin

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import MANUALLY_CLEANED

from migrator.clean import rules
from migrator.clean.rules import norm
from migrator.extract import conventions as cv
from migrator.extract.conventions import alternation

#: A container decides the page when it holds at least this many words outside links...
MIN_WORDS = 60
#: ...and at most this share of its text sits in links (a teaser list is mostly links).
MAX_LINK_SHARE = 0.35
#: Discard rules may not take more than this share of a container's text: a rule that would is
#: matching the article itself (trafilatura's own guard for its overall discard list, 1/7 left).
MAX_DISCARDED = 6 / 7
#: A container the boilerplate tests took more than this share of is not a sure thing: the page goes to
#: trafilatura's full extraction instead (its element-wise pass judges such mixed containers better).
MAX_UNSURE = 0.5

_WORD = re.compile(r"\w+")
#: Elements that never carry article text (trafilatura's MANUALLY_CLEANED, which also drops
#: ``<figure>`` and ``<time>``: captions and date lines are not body text).
_NEVER_TEXT = tuple(tag for tag in MANUALLY_CLEANED if tag not in ("head",))


# The conventions as Python tests: the same tokens, matched in one walk over the elements instead of
# EXSLT ``re:test`` callbacks, which cost lxml a Python call per element and expression (100 ms on a
# 200 KB page for one of them).
_ARTICLE_ID, _ARTICLE_CLASS = alternation(cv.ARTICLE_CONTENT_ID), alternation(cv.ARTICLE_CONTENT_CLASS)
_STORY_ID, _STORY_CLASS = alternation(cv.STORY_ID), alternation(cv.STORY_CLASS)
_MAIN_ID, _MAIN_CLASS = alternation(cv.MAIN_CONTENT_ID), alternation(cv.MAIN_CONTENT_CLASS)
_CONSENT = alternation(cv.CONSENT)
_DISCARD_ID = alternation(cv.DISCARD_BOTH, cv.DISCARD_ID)
_DISCARD_CLASS = alternation(cv.DISCARD_BOTH, cv.DISCARD_CLASS)
_HIDDEN_CLASS = re.compile(r"^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-"
                           r"|hide-print| hidden| hide|noprint|notloaded")
_HIDDEN_ID = re.compile(r"reader-comments|akismet")
_COMMENTS_ID, _COMMENTS_CLASS = alternation(cv.COMMENTS_ID), alternation(cv.COMMENTS_CLASS)
_BOTTOM, _LINK = re.compile(r"(^|\s)bottom|bottom(\s|$)"), re.compile(r"(^|\s)link(\s|$)")
_CONTAINERS = frozenset(("article", "div", "main", "section"))
#: The blocks the discard tests judge. trafilatura also judges lists and list items (its ``list`` and
#: ``item``, renamed before its tests run); on raw markup that took slide shows and whole galleries of
#: text (salon.com: -0.65 F1), so lists go by link density (:func:`migrator.extract.generic.drop_link_blocks`).
_BLOCKS = frozenset(("div", "p", "section", "span"))
_SECTIONS = frozenset(("div", "section", "details"))


#: Every attribute the discard tests read: an element with none of them is kept without testing.
_JUDGED = frozenset(("id", "class", "style", "role", "aria-hidden", "hidden", "data-lp-replacement-content",
                     "data-component"))


def _first_attr(element: HtmlElement) -> str:
    """What XPath's ``@id|@class`` gives as a string: the first of the two in source order."""
    ident, cls = element.get("id"), element.get("class")
    if ident is None:
        return cls or ""
    if cls is None:
        return ident
    return next(v for k, v in element.attrib.items() if k in ("id", "class"))


def _article_content(tag: str, ident: str, cls: str, element: HtmlElement) -> bool:
    return (cls in ("post", "entry") or element.get("itemprop") == "articleBody" or ident == "articleContent"
            or bool(_ARTICLE_ID.search(ident) or _ARTICLE_CLASS.search(cls)))


def _article(tag: str, ident: str, cls: str, element: HtmlElement) -> bool:
    return tag == "article"


def _story(tag: str, ident: str, cls: str, element: HtmlElement) -> bool:
    return (element.get("role") == "article" or ident in ("article", "story")
            or cls in ("postarea", "art-postcontent", "text", "cell", "story")
            or bool(_STORY_ID.search(ident) or re.search("fulltext", cls, re.I) or _STORY_CLASS.search(cls)))


def _main_content(tag: str, ident: str, cls: str, element: HtmlElement) -> bool:
    lower = (ident.replace("C", "c").replace("M", "m"), cls.replace("C", "c").replace("M", "m"))
    return (ident == "content" or cls == "content" or bool(_MAIN_ID.search(ident) or _MAIN_CLASS.search(cls))
            or any("main-content" in v for v in lower) or "page-content" in cls.replace("C", "c").replace("P", "p"))


def _main(tag: str, ident: str, cls: str, element: HtmlElement) -> bool:
    return tag == "main" or any(v.startswith("main") for v in (cls, ident, element.get("role", "")))


#: trafilatura's BODY_XPATH stages, surest first: schema.org articleBody and the entry/article/post
#: content classes; ``<article>``; story containers; main-content containers; ``<main>``.
_STAGES = (_article_content, _article, _story, _main_content, _main)


def _containers(doc: HtmlElement) -> Iterator[HtmlElement]:
    """The first element of each BODY_XPATH stage, surest stage first; a stage's walk stops at its first
    element, and later stages are only looked for when the earlier ones did not decide.

    A stage whose element repeats (another of the same tag and class, not inside it) names no article:
    an index page lists its posts each in the markup of one (hAtom's ``hentry`` per post, a blog's
    ``<article class="post">`` excerpts), and the first of them is only an excerpt.
    """
    for stage in _STAGES:
        found = None
        for element in doc.iter(*_CONTAINERS):
            if not stage(element.tag, element.get("id", ""), element.get("class", ""), element):
                continue
            if found is None:
                found = element
            elif (element.tag, element.get("class")) == (found.tag, found.get("class")) \
                    and not any(a is found for a in element.iterancestors()):
                found = None
                break
        if found is not None:
            yield found


def _overall_discard(element: HtmlElement) -> bool:
    """trafilatura's OVERALL_DISCARD_XPATH and REMOVE_COMMENTS_XPATH: navigation, share and newsletter
    blocks, ads, footers, consent banners, author boxes, tag lists, related links, comments, hidden blocks."""
    get = element.get
    ident, cls, style = get("id", ""), get("class", ""), get("style", "")
    if element.tag in _BLOCKS and (
            get("data-lp-replacement-content") is not None or "nav" in get("role", "").replace("N", "n")
            or "MostPopularStories" in get("data-component", "") or _CONSENT.search(_first_attr(element))
            or _DISCARD_ID.search(ident) or _DISCARD_CLASS.search(cls)):
        return True
    if (cls == "comments-title" or _first_attr(element).startswith("reply-")
            or "hidden" in next((v for k, v in element.attrib.items() if k in ("id", "style")), "")
            or "display:none" in style or "display: none" in style or _HIDDEN_ID.search(ident)
            or _HIDDEN_CLASS.search(cls) or get("aria-hidden") == "true" or get("hidden") is not None):
        return True
    return element.tag in _SECTIONS and bool(_COMMENTS_ID.search(ident) or _COMMENTS_CLASS.search(cls))


def _precision_discard(element: HtmlElement) -> bool:
    """trafilatura's caption, teaser and precision discards (images are not kept, precision first)."""
    if element.tag == "header":
        return True
    if element.tag not in _BLOCKS:
        return False
    ident, cls, first = element.get("id", ""), element.get("class", ""), _first_attr(element)
    return ("caption" in ident or "caption" in cls or "teaser" in ident.replace("T", "t")
            or "teaser" in cls.replace("T", "t") or bool(_BOTTOM.search(first)) or bool(_LINK.search(first))
            or "border" in element.get("style", ""))


def main_text(doc: HtmlElement, url: str = "") -> tuple[HtmlElement, HtmlElement] | None:
    """A pruned copy of the first container a convention names that holds a real text, and that container
    as the page has it (its figures and images), else None.

    >>> import lxml.html
    >>> words = " ".join(["word"] * 70)
    >>> doc = lxml.html.fromstring(f'<html><body><nav><a href="/">Home</a></nav><article><p>{words}</p>'
    ...                            '<div class="share-buttons"><a href="/s">Share</a></div></article></body></html>')
    >>> lxml.html.tostring(main_text(doc)[0], encoding="unicode")[:17]
    '<article><p>word '
    """
    for found in _containers(doc):
        if url and _permalink_elsewhere(found, url):
            continue
        body, share = _pruned(found)
        if share <= MAX_UNSURE and _decides(body):
            return body, found
    return None


_BOOKMARKS = etree.XPath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]/@href")


def _permalink_elsewhere(container: HtmlElement, url: str) -> bool:
    """The container links its own permalink (HTML's ``rel="bookmark"``, what WordPress and hAtom themes put
    on an entry's title and date) and that is another page: it is an excerpt in a listing, not the article.

    >>> import lxml.html
    >>> teaser = lxml.html.fromstring('<article><h2><a rel="bookmark" href="/2016/05/post/">Post</a></h2></article>')
    >>> _permalink_elsewhere(teaser, "http://blog.test/tag/x/page/2/"), _permalink_elsewhere(teaser, "http://blog.test/2016/05/post/")
    (True, False)
    """
    here = urldefrag(url)[0].rstrip("/")
    return any(urldefrag(urljoin(url, str(href).strip()))[0].rstrip("/") != here for href in _BOOKMARKS(container))


def pruned(found: HtmlElement) -> HtmlElement:
    """A copy of a platform's content element without the boilerplate blocks these conventions name (share,
    newsletter and related-posts blocks that plugins print inside it), unless their tests would take more than
    ``MAX_UNSURE`` of its text (then the element as it is)."""
    body, share = _pruned(found)
    return body if share <= MAX_UNSURE else found


def _pruned(found: HtmlElement) -> tuple[HtmlElement, float]:
    """A copy of ``found`` without what never is article text and without its boilerplate blocks,
    and the share of its text the boilerplate tests took."""
    body = copy.deepcopy(found)
    body.tail = None
    for figure in body.iter("figure"):  # a listing or a table set as a figure is the text itself
        if figure.find(".//pre") is not None or figure.find(".//table") is not None:
            figure.tag = "div"
    etree.strip_elements(body, *_NEVER_TEXT, with_tail=False)
    total = len(norm(body.text_content()))
    overall, precision = [], []
    for element in body.iterdescendants():
        if not isinstance(element.tag, str) or (element.tag != "header" and _JUDGED.isdisjoint(element.attrib)):
            continue  # every test reads one of these attributes, but for <header>
        if _overall_discard(element):
            overall.append(element)
        elif _precision_discard(element):
            precision.append(element)
    _remove_guarded(body, overall)
    _remove_guarded(body, [e for e in precision if _attached(e, body)])
    return body, 1 - len(norm(body.text_content())) / max(1, total)


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    """Still inside ``root`` (an ancestor may have gone already)."""
    return any(a is root for a in element.iterancestors())


def _remove_guarded(body: HtmlElement, matches: list[HtmlElement]) -> None:
    """Remove the outermost of ``matches`` unless together they hold nearly all the container's text."""
    if not matches:
        return
    chosen = set(matches)
    outer = [e for e in matches if not any(a in chosen for a in e.iterancestors())]
    total = len(norm(body.text_content()))
    if total - sum(len(norm(e.text_content())) for e in outer) > total * (1 - MAX_DISCARDED):
        rules.remove_all(outer)


def _decides(body: HtmlElement) -> bool:
    """Enough words outside links, and not a list of links."""
    text = norm(body.text_content())
    linked = sum(len(rules.text_of(a)) for a in body.iter("a"))
    words = len(_WORD.findall(text))
    share = linked / max(1, len(text))
    return share <= MAX_LINK_SHARE and words * (1 - share) >= MIN_WORDS
