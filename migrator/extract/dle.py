"""DataLife Engine: which page is one full story, from the markup the engine itself prints around the template.

DLE's templates (``fullstory.tpl``, ``shortstory.tpl``) are the site's own: a third-party theme (fxclub.uz's
"Masonry") names its blocks as it likes, so the fields are read by the generic extractor and the site's learned
template. What the engine adds to a full story whatever the theme, in ``engine/modules/show.full.php``:

- the comment form around ``addcomments.tpl``: ``<form name="dle-comments-form" id="dle-comments-form">`` with
  ``<input type="hidden" name="post_id" id="post_id" value="N">`` (DLE 10.5 to 17; only where comments are open);
- the read counter (DLE 15 and later, ``allow_read_count``): a script posting ``{'id': 'N', action: 'newsread'}``
  to ``mod=adminfunction``;
- before DLE 10, ``{full-story}`` wrapped in ``<div id="news-id-N" style="display:inline;">`` (``show.short.php``
  wraps each ``{short-story}`` of a listing the same way, so the wrapper alone names no full story).

A full story's friendly URL is ``N-alt_name.html`` (``seo_type`` 1 and 2, at the root or under its category's
path), else ``index.php?newsid=N``; where the URL names an id, the mark must name the same one. Listings
(categories ``/cat/``, ``/cat/page/N/``, ``/tags/…``, ``/user/…``, date archives) carry none of the marks.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml.html import HtmlElement

NAME = "dle"

#: DataLife Engine's pages: its generator meta, the ``dle_root`` script variable.
_DLE = etree.XPath("boolean(//meta[@name='generator'][contains(@content, 'DataLife Engine')]"
                   " | //script[contains(., 'dle_root')])")
_COMMENT_FORM_ID = etree.XPath("//form[@id='dle-comments-form' or @name='dle-comments-form']"
                               "//input[@name='post_id']/@value")
_SCRIPTS = etree.XPath("//script[contains(., 'newsread')]/text()")
_READ_COUNT = re.compile(r"""['"]?id['"]?\s*:\s*['"]?(\d+)['"]?\s*,\s*['"]?action['"]?\s*:\s*['"]newsread['"]""")
_WRAPPERS = etree.XPath("//div[starts-with(@id, 'news-id-')]/@id")
#: ``13-alt-name.html`` (the last path step), ``index.php?newsid=13``; a mirror writes ``?`` as ``@``.
_URL_ID = re.compile(r"(?:^|/)(\d+)-[^/]*\.html?$")
_NEWSID = re.compile(r"(?:^|[?&@])newsid(?:=|%3D)(\d+)", re.I)


def detect(doc: HtmlElement) -> bool:
    """Whether the page is DataLife Engine's (its generator meta, or the ``dle_root`` variable it prints).

    >>> from lxml.html import fromstring
    >>> detect(fromstring("<html><head><script>var dle_root = '/';</script></head><body></body></html>"))
    True
    """
    return bool(_DLE(doc))


def url_id(url: str) -> str | None:
    """The news id a full story's URL names, if it names one.

    >>> url_id("http://s.test/13-%D0%BE%D0%B1.html"), url_id("http://s.test/3d/7-a.html"), url_id("http://s.test/soft.html")
    ('13', '7', None)
    >>> url_id("http://s.test/index.php?newsid=21"), url_id("http://s.test/index.php@newsid=21.html")
    ('21', '21')
    """
    parts = urlsplit(url)
    match = _NEWSID.search(f"{unquote(parts.path)}?{parts.query}") or _URL_ID.search(unquote(parts.path))
    return match.group(1) if match else None


def full_story(doc: HtmlElement, url: str) -> str | None:
    """The news id of the one full story the page shows, by the engine's own marks (see the module); None on a
    listing, a static page, a form, or a page that is no DLE's.

    >>> from lxml.html import fromstring
    >>> page = ("<html><head><meta name='generator' content='DataLife Engine (https://dle-news.ru)'></head><body>"
    ...         "<form method='post' name='dle-comments-form' id='dle-comments-form'><input type='hidden' "
    ...         "name='post_id' id='post_id' value='13'></form></body></html>")
    >>> full_story(fromstring(page), "http://s.test/13-a.html"), full_story(fromstring(page), "http://s.test/14-b.html")
    ('13', None)
    """
    if not detect(doc):
        return None
    named = url_id(url)
    marks = [str(v) for v in _COMMENT_FORM_ID(doc)]
    marks += [m.group(1) for s in _SCRIPTS(doc) for m in _READ_COUNT.finditer(str(s))]
    wrappers = [str(v).removeprefix("news-id-") for v in _WRAPPERS(doc)]
    if named is not None and len(wrappers) == 1:  # the old {full-story} wrapper, once, for the story the URL names
        marks += wrappers
    ids = set(marks)
    if len(ids) != 1:
        return None  # no mark, or marks of several stories
    (found,) = ids
    return found if named in (None, found) else None
