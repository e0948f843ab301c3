"""The Joomla profile (1.0, 1.5 and the 2.5/3 ``item-page`` layout).

Recognised by ``<meta name="generator" content="Joomla! …">`` or com_content's own markup.

- Joomla 1.5, ``components/com_content/views/article/tmpl/default.php``: a ``table.contentpaneopen`` whose
  ``td.contentheading`` holds the title (linked ``a.contentpagetitle`` only with "link titles" on), then a second
  ``table.contentpaneopen`` with optional rows: section/category, ``<span class="small">Written by X</span>``,
  ``td.createdate``, the URL, the text in ``<td valign="top">``, ``td.modifydate`` ("Last Updated on …"). The
  article view also sets ``<meta name="title">`` to the article's title, unescaped. Category and section blog
  views (``views/category/tmpl/blog_item.php``) print the same tables per item, with ``a.readon`` links.
- Joomla 2.5/3, ``views/article/tmpl/default.php``: ``div.item-page``, ``dl.article-info`` with ``dd.createdby``
  ("Written by X"), ``dd.create`` / ``dd.published`` and ``dd.modified``, the text after it (``itemprop=
  "articleBody"`` in 3.x); listings are ``div.blog``, ``div.blog-featured``, ``div.category-list`` (1.5's
  frontpage and blog views: ``table.blog``).
- The non-SEF URL names the view: ``option=com_content&view=article&id=N`` (1.0: ``task=view&id=N``) is an
  article; ``view=category|section|frontpage|featured|archive`` (1.0: ``task=section|category|blogsection|
  blogcategory``) a listing; ``print=1`` the print view of an article.
- Core components other than com_content hold no article: ``option=com_contact`` (a contact card and its e-mail
  form, ``components/com_contact/views/contact/tmpl/default.php``, which prints the contact's name in a
  ``td.contentheading`` of a ``table.contentpaneopen``), ``com_search``, ``com_user``, ``com_mailto``, ``com_poll``,
  ``com_weblinks``, ``com_newsfeeds``, ``com_wrapper``. Third-party components (K2, ZOO) may hold articles.
- mod_breadcrumbs prints ``span.breadcrumbs.pathway`` with ``a.pathway`` links: the menu path, then the article's
  category where the menu item is a section (the article view adds it, linked ``view=category&id=…``). Its links
  to category and section views are the article's categories.
- The e-mail cloaking plugin (``plugins/content/emailcloak.php``) writes ``<span id="cloakN">This e-mail address
  is being protected from spambots…</span>`` and a script: the notice is no text of the article.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.rules import norm
from migrator.extract import platform
from migrator.extract.platform import Places, has_class

if TYPE_CHECKING:
    from migrator.extract import PageResult
    from migrator.mapping import Config

NAME = "joomla"

_MARKUP = etree.XPath("boolean(//td[" + has_class("contentheading") + "] | //div[" + has_class("item-page") + "]"
                      " | //table[" + has_class("contentpaneopen") + "])")
_COM_CONTENT = etree.XPath("boolean(//a[contains(@href, 'option=com_content')] | //link[contains(@href, '/templates/')]"
                           "[contains(@href, '/css/template')])")
_HEADINGS = etree.XPath("//*[self::td or self::div or self::h1 or self::h2][" + has_class("contentheading") + "]")
_READ_ON = etree.XPath("//a[" + has_class("readon") + " or " + has_class("readmore") + "] | //p[" + has_class("readmore")
                       + "]/a")
_ITEM_PAGE = etree.XPath("//div[" + has_class("item-page") + "]")
_LISTING_DIVS = etree.XPath("boolean(//*[self::div or self::table][" + has_class("blog") + " or " + has_class("blog-featured") + " or "
                            + has_class("category-list") + "])")
_TEXT_CELLS = etree.XPath("./tr/td[@valign='top'][not(@class)] | ./tbody/tr/td[@valign='top'][not(@class)]")
_ICON_LINKS = etree.XPath("//a[contains(@href, 'print=1') or contains(@href, 'format=pdf')]/@href")
_META_TITLE = etree.XPath("//meta[@name='title']/@content")
_PATHWAY_LINKS = etree.XPath("//span[" + has_class("breadcrumbs") + "]//a[" + has_class("pathway") + "][@href]")
#: ``option=com_X`` of a URL; the core components that print no article (the K2 or ZOO ones may).
_COMPONENT = re.compile(r"(?:^|[?&_/])option=(com_[0-9a-z]+)", re.I)
NOT_CONTENT = frozenset({"com_contact", "com_search", "com_user", "com_users", "com_mailto", "com_poll",
                         "com_polls", "com_weblinks", "com_newsfeeds", "com_wrapper", "com_registration",
                         "com_login", "com_messages"})
CATEGORY_VIEWS = {("view", "category"), ("view", "section"), ("task", "section"), ("task", "category"),
                  ("task", "blogsection"), ("task", "blogcategory")}
#: Non-SEF routing, also when a saver wrote "&" as "__" in file names.
_ROUTE = re.compile(r"(?:^|[?&_/])(view|task|layout|print|id)=([0-9A-Za-z-]+)")
ARTICLE_VIEWS = {("view", "article"), ("task", "view")}
LISTING_VIEWS = {("view", "category"), ("view", "section"), ("view", "frontpage"), ("view", "featured"),
                 ("view", "archive"), ("task", "section"), ("task", "category"), ("task", "blogsection"),
                 ("task", "blogcategory"), ("task", "archivecategory"), ("layout", "blog")}

PLACES_15 = Places(
    title=("td.contentheading", ".contentheading"),
    body=(),
    date=("td.createdate", ".createdate"),
    updated=("td.modifydate", ".modifydate"),
    author=("span.small", ".createdby"),
    drop=("span[id^=cloak]", "script", ".pagenav", "table.pagenav"),
)
PLACES_25 = Places(
    title=(".item-page h2", ".item-page h1", "h2", "h1"),
    body=("[itemprop=articleBody]",),
    date=("dd.create time", "dd.create", "dd.published time", "dd.published"),
    updated=("dd.modified time", "dd.modified"),
    author=("dd.createdby [itemprop=name]", "dd.createdby"),
    drop=("span[id^=cloak]", "script", ".article-info", "dl.article-info", ".pagenav", "ul.pager", ".actions",
          ".icons", "h2", "h1"),
)


def detect(doc: HtmlElement) -> bool:
    """The page's own marks say Joomla."""
    return platform.generator(doc).startswith("joomla") or (bool(_MARKUP(doc)) and bool(_COM_CONTENT(doc)))


def route(url: str) -> set[tuple[str, str]]:
    """The (key, value) pairs of Joomla's non-SEF route in a URL.

    >>> sorted(route("http://j.test/index.php__option=com_content__view=article__id=5__Itemid=2.html"))
    [('id', '5'), ('view', 'article')]
    """
    parts = urlsplit(url)
    return {(k.lower(), v.lower()) for k, v in _ROUTE.findall(unquote(parts.path + "?" + parts.query))}


def component_of(url: str) -> str | None:
    """The component a non-SEF Joomla URL names (``option=com_X``), lowercased.

    >>> component_of("http://j.test/index.php__option=com_contact__view=contact__id=1__Itemid=8.html")
    'com_contact'
    """
    parts = urlsplit(url)
    match = _COMPONENT.search(unquote(parts.path + "?" + parts.query))
    return match.group(1).lower() if match else None


def categories(doc: HtmlElement) -> list[str]:
    """The breadcrumb's links to category and section views (the menu path and the category the article view
    adds to it), in the order printed; the Home link and the article's own unlinked title are not among them."""
    names = []
    for link in _PATHWAY_LINKS(doc):
        if route(str(link.get("href"))) & CATEGORY_VIEWS:
            names.append(norm(link.text_content()))
    return [n for n in dict.fromkeys(names) if n]


def classify(doc: HtmlElement, url: str) -> tuple[str, str, HtmlElement | None]:
    """(kind, reason, the element holding the article): item-page, else one contentheading; the route decides
    where the markup could be either (a category blog with one item)."""
    steps = route(url)
    if ("print", "1") in steps:
        return "other", "print view", None
    component = component_of(url)
    if component in NOT_CONTENT:
        return "other", f"joomla {component}", None
    listing = steps & LISTING_VIEWS
    if listing:
        key, value = sorted(listing)[0]
        return "listing", f"listing: joomla {key}={value}", None
    pages = _ITEM_PAGE(doc)
    if len(pages) == 1:
        return "article", "", pages[0]
    if _LISTING_DIVS(doc):
        return "listing", "listing: joomla blog", None
    headings = _HEADINGS(doc)
    if len(headings) > 1 or (headings and _READ_ON(doc) and not steps & ARTICLE_VIEWS):
        return "listing", f"listing: {len(headings)} contentheadings", None
    if len(headings) == 1:
        return "article", "", headings[0]
    return "other", "no article", None


def article_id(doc: HtmlElement, url: str) -> str | None:
    """"article/N": from the article's own print, PDF or e-mail icon links (``JHTML::_('icon.print_popup')``
    links ``view=article&id=N&tmpl=component&print=1``), else from the route of the URL that served it, which
    names the article in Joomla 1.5 (``view=article&id=N``) and 1.0 (``task=view&id=N``) alike: one record for
    both. Asked only of a page that holds one article (a blog or front page under such a URL is a listing)."""
    for target in (*map(str, _ICON_LINKS(doc)), url):
        steps = route(target)
        ids = [v for k, v in steps if k == "id" and v.isdigit()]
        if ids and steps & ARTICLE_VIEWS:
            return f"article/{ids[0]}"
    return None


#: Search-engine-friendly article URLs. Joomla 1.0's core SEF writes ``task=view&id=N&Itemid=M`` as
#: ``/content/view/N/M/``; 1.5 and later build the article's segment from ``id:alias`` (``ContentBuildRoute``) and the
#: site router writes ``:`` as ``-`` (``JRouterSite::_encodeSegments``): ``/menu-item/N-alias.html``,
#: ``/component/content/article/C-category/N-alias``.
_SEF_10 = re.compile(r"/content/view/(\d+)(?:/\d+)*/?$")
_SEF_15 = re.compile(r"/(\d+)-[^/]*[^/\d][^/]*?$")


def sef_article_id(url: str) -> str | None:
    """The "article/N" a SEF URL names, else None. Only a hint: third-party SEF extensions write aliases such as
    ``2010-report`` without the id, so it joins a record only with the same content (``identity.joomla_twin``).

    >>> sef_article_id("http://j.test/projects/106-prototype-of-web-design.html"), sef_article_id("http://j.test/content/view/41/41/")
    ('article/106', 'article/41')
    >>> sef_article_id("http://j.test/index.php?option=com_content&view=article&id=106") is None
    True
    """
    parts = urlsplit(url)
    if parts.query and route(url):
        return None  # a non-SEF route: article_id reads it
    path = re.sub(r"\.html?$", "", unquote(parts.path), flags=re.I)
    match = _SEF_10.search(path) or _SEF_15.search(path)
    return f"article/{match.group(1)}" if match else None


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def read(doc: HtmlElement, url: str, config: Config, warnings: list[str]) -> PageResult:
    from migrator.extract import PageResult

    kind, reason, anchor = classify(doc, url)
    removed: Counter[str] = Counter()
    if kind != "article" or anchor is None:
        return PageResult(kind, NAME, None, None, None, removed, reason, )
    if "item-page" in (anchor.get("class") or "").split():
        entry, places = anchor, PLACES_25
    else:
        entry, places = _entry_15(anchor)
    article = platform.read_entry(doc, entry, url, config, places, NAME, removed, kind="article", warnings=warnings)
    if article.author:
        article.author = re.sub(r"^written by\s+", "", article.author, flags=re.I) or None
    if not article.tags:
        article.tags = categories(doc)
    declared = [norm(str(t)) for t in _META_TITLE(doc) if norm(str(t))]
    if declared and _words(declared[0]) == _words(article.title):  # the view's unescaped copy of the title
        article.title = declared[0]
    return PageResult("article", NAME, article, article_id(doc, url), None, removed, "")


def _entry_15(heading: HtmlElement) -> tuple[HtmlElement, Places]:
    """The element around the heading's table and the next one, and the cell holding the article's text."""
    table = next((a for a in heading.iterancestors("table")), None)
    parent = table.getparent() if table is not None else heading.getparent()
    following = table.getnext() if table is not None else None
    while following is not None and not (isinstance(following.tag, str) and following.tag == "table"):
        following = following.getnext()
    cells = _TEXT_CELLS(following) if following is not None else []
    if cells:
        text = max(cells, key=lambda c: len(norm(c.text_content())))
        text.set("data-joomla-text", "1")
    body = ("[data-joomla-text]",) if cells else ()
    return parent, Places(title=PLACES_15.title, body=body, date=PLACES_15.date, updated=PLACES_15.updated,
                          author=PLACES_15.author, drop=PLACES_15.drop)
