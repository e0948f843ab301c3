"""The Drupal 6 extractor: classify the page by its nodes, then read the one full node's fields.

Selectors come from ``config.selectors`` (``mappings/drupal6.toml``, overridable per site);
what no selector can say (teaser or full node, the author inside "submitted", a field known only
by its label) is decided here. The markup is that of Drupal 6 core and its usual contrib modules:

- the node: ``<div id="node-N" class="node">`` in ``modules/node/node.tpl.php``, garland and minnelli
  (its sub-theme) and zen; bluemarine and pushbutton (``themes/*/node.tpl.php``) and chameleon and
  marvin (``chameleon_node()`` in ``themes/chameleon/chameleon.theme``) print ``<div class="node">``
  with no id, so the id comes from links that carry it (print, forward, comment reply);
- "submitted": ``<span class="submitted">`` (node.tpl.php, garland, bluemarine, pushbutton),
  ``<div class="submitted">`` in comments, chameleon's ``<li class="node_submitted">`` /
  ``<li class="comment_submitted">`` inside ``ul.links``; its wording is ``theme_node_submitted()``'s
  "Submitted by !username on @datetime", garland's "!datetime — !username", chameleon's
  "By !author at @date", or a Russian translation of them; ``theme_username()`` links the user
  (title "View user profile.") or, for visitors without "access user profiles", prints the bare name;
- terms: ``taxonomy_link()`` output, ``<ul class="links inline"><li class="taxonomy_term_N"><a
  rel="tag">`` in ``div.terms`` (garland, node.tpl.php, zen), ``div.taxonomy`` (bluemarine,
  pushbutton) or chameleon's node ``ul.links``;
- CCK fields (``cck/theme/content-field.tpl.php``): ``div.field`` with ``div.field-label`` above the
  items or ``div.field-label-inline(-first)`` in each item. Themes and editors also write a field as
  a labelled list or paragraph ("<li>Источник(и): <a>…</a></li>", "<p><strong>Источник:</strong> <a>…"):
  :func:`labelled_blocks` finds a label and its links wherever they stand.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Sequence
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean import clean
from migrator.clean.rules import SOURCE_LABEL, norm, remove_all
from migrator.clean.sanitize import body_html
from migrator.clean.text import element_to_text
from migrator.extract.common import absolute, best_title, clean_author, css, first, unique
from migrator.extract.dates import WEEKDAY, parse_date
from migrator.record import Article, Comment
from migrator.urls import host_allowed, host_of

if TYPE_CHECKING:
    from migrator.mapping import Config

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_NODES = etree.XPath(
    "//div[" + _CLASS.format("node") + "]"
    "[not(ancestor::*[" + _CLASS.format("sidebar") + " or " + _CLASS.format("block") + "])]"
)
_TITLE_LINK = etree.XPath(
    ".//*[self::h1 or self::h2 or self::h3][a[@href]][not(ancestor::*[" + _CLASS.format("content") + "])]"
)
_READ_MORE = etree.XPath(".//li[contains(@class, 'node_read_more')] | .//a[contains(@class, 'read-more')]")
_READ_MORE_TEXT = re.compile(r"^(?:Подробнее|Читать далее|Читать полностью|Read more)\b", re.I)
_PAGER = etree.XPath("//ul[" + _CLASS.format("pager") + "] | //div[" + _CLASS.format("pager") + "]")
_LINK_TEXTS = etree.XPath("//a")
#: Reached through the class attributes holding "print-" (the token tests only for those): testing every
#: element of a 1 MB page with three normalize-space() calls cost 50 ms.
_PRINT_PAGE = etree.XPath("//@class[contains(., 'print-')]/parent::*[" + _CLASS.format("print-content") + " or "
                          + _CLASS.format("print-source_url") + " or " + _CLASS.format("print-title") + "]")
_LOGIN_FORM = etree.XPath("//form[@id='user-login' or @id='user-register' or @id='user-pass']")
#: A user's page (``user/N`` or its alias): user-profile.tpl.php wraps the account's profile in ``div.profile``,
#: its categories (user-profile-category.tpl.php) are ``<h3>`` and ``<dl>`` ("Member for" in ``dl.user-member``).
_USER_PROFILE = etree.XPath("//div[@class='profile'][dl][not(ancestor::*[" + _CLASS.format("block") + " or "
                            + _CLASS.format("sidebar") + "])]")
#: Drupal's "page not found" / "access denied" page (drupal_not_found(), drupal_access_denied()): core's untranslated
#: message, or the Google Analytics convention the googleanalytics module follows, a page view sent as
#: "/404.html?page=…" ("/403.html?page=…") on such a page only.
_ERROR_SCRIPT = re.compile(r"""["']/40[34]\.html\?page=["']""")
_ERROR_TEXT = ("The requested page could not be found.", "You are not authorized to access this page.")
_SCRIPTS = etree.XPath("//script/text()")
_CALENDAR = etree.XPath("//*[" + _CLASS.format("calendar-calendar") + "][not(ancestor::*["
                        + _CLASS.format("block") + "])]")
#: The month a calendar block shows: on the calendar's own page, a link to the page itself.
_CALENDAR_MONTH = etree.XPath("//*[" + _CLASS.format("calendar-calendar") + "]//h3/a/@href")
#: A Views or item list in the content region (not a sidebar block, not a pager).
_ITEM_LISTS = etree.XPath("//div[" + _CLASS.format("item-list") + " or " + _CLASS.format("view-content") + "]"
                          "/ul[not(" + _CLASS.format("pager") + ")][not(ancestor::*[" + _CLASS.format("block") + " or "
                          + _CLASS.format("sidebar") + " or self::form])]")
#: The rows of a Views display in the content region (views-view.tpl.php's ``div.view-content``): a table
#: style's body rows (views-view-table.tpl.php), the unformatted and list styles' ``views-row`` elements.
_VIEW_ROWS = etree.XPath("//div[" + _CLASS.format("view-content") + "][not(ancestor::*[" + _CLASS.format("block")
                         + " or " + _CLASS.format("sidebar") + "])]//*[(self::tr and parent::tbody and ancestor::table[1]["
                         + _CLASS.format("views-table") + "]) or " + _CLASS.format("views-row") + "][.//a[@href]]")
#: The aggregator module's pages (aggregator-wrapper.tpl.php's ``div#aggregator``, aggregator-item.tpl.php's
#: ``div.feed-item``): other sites' items, each linked to its source (none yet on a new source's page).
_FEED_ITEMS = etree.XPath("//div[@id='aggregator' or " + _CLASS.format("feed-item") + "][not(ancestor::*["
                          + _CLASS.format("block") + " or " + _CLASS.format("sidebar") + "])]")
_HREFS = etree.XPath(".//a/@href")
#: Links of the node itself (print, forward, comment reply), not of its text: a body links other nodes.
_OWN_HREFS = etree.XPath(".//a[not(ancestor::div[" + _CLASS.format("content") + "])]/@href")
_FIELDS = etree.XPath(".//div[" + _CLASS.format("field") + "]")
_FIELD_LABEL = etree.XPath("./div[contains(@class, 'field-label')]")
_IMG_SRC = etree.XPath(".//img/@src")
_ATTACHMENT_TABLE = etree.XPath(".//table[@id='attachments']//a/@href")
#: Extensions of linked files that are media to download, not pages.
FILE_EXTENSIONS = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|rtf|odt|ods|zip|rar|7z|gz|mp3|mp4|avi|flv|wmv)$", re.I)
_DATE_FALLBACK = ("meta[property='article:published_time']", ".date-display-single", ".field-field-date")

#: How a page reveals its node id: the node's own id, then links that carry the id.
_ID_ATTR = re.compile(r"^node-(\d+)$")
_ID_LINKS = (re.compile(r"/print/(\d+)"), re.compile(r"comment(?:/|%2F)reply(?:/|%2F)(\d+)", re.I),
             re.compile(r"[?&]q=node/(\d+)"), re.compile(r"[?&]path=node(?:/|%2F)(\d+)"),
             re.compile(r"^/node/(\d+)(?:$|[/?#])"))
_USER_PATH = re.compile(r"^/(?:user|users|blog|profile)(?:/|$)|[?&]q=user(?:/|$)")
#: Bylines of "submitted" lines, the name in group 1: "Submitted by X on DATE" (theme_node_submitted),
#: "By X at DATE" (chameleon), "Опубликовано X в DATE", "Автор: X, DATE", "DATE пользователем X",
#: "DATE — X" (garland's phptemplate_node_submitted).
_BYLINES = (
    re.compile(r"(?:Submitted by|Posted by|By|Автор:?|Добавил[аи]?:?|Опубликовал[аи]?:?|Опубликовано|Enviado por|"
               r"Publicado por|Escrito por|Soumis par|Posté par)\s+([^\s\d].*?)"
               r"\s*(?:\s(?:on|at|в|em|en|el|le)\s+|,\s*)(?=\D{0,12}\d)", re.I),
    re.compile(r"(?:пользователем|Автор:|Author:|Добавил[аи]?:)\s+([^\s\d].*?)\s*$", re.I),
    re.compile(r"\d\s*[—–]\s*([^\s—–\d][^—–]*?)\s*$"),
)
#: A user linked by theme_username(): a profile path, or its title attribute ("View user profile.").
_USER_LINK = etree.XPath(".//a[contains(@href, '/user') or @title='View user profile.'"
                         " or @title='Информация о пользователе.' or @title='Просмотр профиля пользователя.']")
#: Field labels, read before their values and never left in a body (a colon ends a label).
SOURCE_FIELD = re.compile(r"^(?:Источник(?:\(и\)|и)?|Sources?)\s*:", re.I)
TERMS_FIELD = re.compile(r"^(?:Рубрик[аи]|Теги|Тэги|Метки|Ключевые слова|Категори[яи]|Разделы?|Tags|Categories|"
                         r"Category|Posted in)\s*:", re.I)
#: Elements that can hold a labelled field (CCK div, list item, paragraph, definition list...).
_HOLDERS = ("div", "p", "li", "ul", "ol", "dl", "dt", "dd", "span", "strong", "b", "em", "table", "tr", "td")
_SEPARATORS = re.compile(r"[\s,;|·•/—–-]+")
#: Node classes that are not a content type (node.tpl.php, zen's ``$classes``).
_NOT_TYPES = {"teaser", "unpublished", "promoted", "sticky", "preview", "by-viewer", "inner", "mine", "form"}
_TYPE_CLASS = re.compile(r"^node-(?:type-)?([a-z0-9_-]+)$")
#: Drupal's default "medium" and "small" formats ('D, m/d/Y - H:i') put the month first in every language;
#: a site may have set 'd/m/Y'. Where the two could swap, the weekday printed before them decides (dates.WEEKDAY:
#: t()'s translations of "Mon".."Sun").
_WEEKDAY = WEEKDAY
_WEEKDAY_DATE = re.compile(r"\b(" + "|".join(sorted(_WEEKDAY, key=len, reverse=True)) + r")[а-яa-z]*\.?,?\s+"
                           r"(\d{1,2})/(\d{1,2})/(\d{4})", re.I)
_BODY = etree.XPath("//body")
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d\d)(?!\d)")
#: Short texts of the node outside its content, its links and its comments: where a theme prints the date line.
_NODE_LINES = etree.XPath(".//*[self::div or self::span or self::p or self::small or self::em or self::time]"
                          "[not(ancestor-or-self::*[" + _CLASS.format("content") + " or " + _CLASS.format("links")
                          + " or " + _CLASS.format("comment") + " or " + _CLASS.format("terms") + "])]")
_TEXTS = etree.XPath(".//text()")


# -- classification -----------------------------------------------------------------------------

def build_mode(node: HtmlElement) -> str | None:
    """What the node's classes say it is shown as: "teaser" (zen's ``node-teaser``, a ``teaser`` class) or
    "full" (zen's ``$build_mode`` printed as ``build-mode-full``: a full node, however its theme links its
    title); None when they say neither.

    >>> from lxml.html import fragment_fromstring as f
    >>> [build_mode(f(f'<div class="{c}"></div>')) for c in ("node build-mode-full", "node node-teaser build-mode-teaser", "node")]
    ['full', 'teaser', None]
    """
    classes = node.get("class") or ""
    if "teaser" in classes:
        return "teaser"
    return "full" if "build-mode-full" in classes.split() else None


def is_teaser(node: HtmlElement) -> bool:
    """A node rendered as a teaser: its classes say so, else Drupal 6 themes link the title only when not on
    its own page (node.tpl.php's ``if (!$page)``)."""
    mode = build_mode(node)
    if mode is not None:
        return mode == "teaser"
    if _READ_MORE(node) or _TITLE_LINK(node):
        return True
    return any(_READ_MORE_TEXT.match(norm(a.text_content())) for a in node.iter("a"))


def page_node_type(doc: HtmlElement) -> str | None:
    """The node type ``<body>`` names: template_preprocess_page() adds ``node-type-X`` on an individual node's
    page only (never on a listing)."""
    bodies = _BODY(doc)
    for token in (bodies[0].get("class") or "").split() if bodies else ():
        if token.startswith("node-type-") and len(token) > len("node-type-"):
            return token[len("node-type-"):]
    return None


def _page_node(doc: HtmlElement, nodes: list[HtmlElement]) -> HtmlElement | None:
    """On a page ``<body>`` marks as one node's, the one node of that type not marked as a teaser: the page's
    own node, though its theme links its title as teasers do."""
    kind = page_node_type(doc)
    if kind is None:
        return None
    typed = [n for n in nodes if {f"node-type-{kind}", f"node-{kind}"} & set((n.get("class") or "").split())]
    return typed[0] if len(typed) == 1 and build_mode(typed[0]) != "teaser" else None


def is_link_list(ul: HtmlElement) -> bool:
    """A list whose every item leads with a link (a Views listing: "title — date" rows)."""
    items = [li for li in ul if li.tag == "li"]
    return bool(items) and all(next(li.iter("a"), None) is not None for li in items)


def is_print_page(doc: HtmlElement, url: str) -> bool:
    """The print module's page (``/print/N``): a copy of an article, carrying no Drupal theme markup."""
    return urlsplit(url).path.startswith("/print/") or bool(_PRINT_PAGE(doc))


def is_error_page(doc: HtmlElement) -> bool:
    """Drupal's "page not found" or "access denied" page, saved by a mirror as if it were a page of the site.

    >>> from lxml.html import document_fromstring as d
    >>> is_error_page(d('<html><body><div class="messages error">x</div><p>The requested page could not be found.</p></body></html>'))
    True
    """
    if any(_ERROR_SCRIPT.search(str(text)) for text in _SCRIPTS(doc)):
        return True
    bodies = _BODY(doc)
    text = norm(bodies[0].text_content()) if bodies else ""
    return any(message in text for message in _ERROR_TEXT)


def classify(doc: HtmlElement, url: str) -> tuple[str, str, list[HtmlElement]]:
    """(kind, reason, full nodes): one full node is an article; teasers or a pager are a listing."""
    path = urlsplit(url).path
    if is_print_page(doc, url):
        return "other", "print page", []
    nodes = _NODES(doc)
    teasers = [n for n in nodes if is_teaser(n)]
    full = [n for n in nodes if n not in teasers]
    if len(full) == 1 and not teasers:
        return "article", "", full
    own = _page_node(doc, nodes) if not full else None
    if own is not None and len(nodes) == 1:
        return "article", "", [own]
    if teasers or len(full) > 1:
        return "listing", f"listing: {len(teasers) or len(full)} teasers", []
    if _LOGIN_FORM(doc) or _USER_PATH.search(path + "?" + urlsplit(url).query) or _USER_PROFILE(doc):
        return "other", "user or login page", []
    if not nodes and is_error_page(doc):
        return "other", "error page", []
    if _CALENDAR(doc) or any(urlsplit(str(href)).path == path for href in _CALENDAR_MONTH(doc)):
        return "listing", "listing: calendar", []
    if any(is_link_list(ul) for ul in _ITEM_LISTS(doc)):
        return "listing", "listing: item list", []
    rows = _VIEW_ROWS(doc) if not nodes else []
    if rows:
        return "listing", f"listing: views, {len(rows)} rows", []
    items = _FEED_ITEMS(doc) if not nodes else []
    if items:
        return "listing", "listing: aggregator", []
    more = sum(1 for a in _LINK_TEXTS(doc) if _READ_MORE_TEXT.match(norm(a.text_content())))
    if _PAGER(doc) or more >= 2:
        return "listing", f"listing: pager, {more} read-more links", []
    return "other", "no node", []


def source_id(doc: HtmlElement, node: HtmlElement | None, url: str, alias_rules: tuple[str, ...]) -> str | None:
    """"node/N" from the node's id, links that carry it (print, reply, forward), or the URL."""
    if node is not None:
        match = _ID_ATTR.match(node.get("id") or "")
        if match:
            return f"node/{match.group(1)}"
    target = urlsplit(url)
    target_text = target.path + (f"?{target.query}" if target.query else "")
    for rule in alias_rules:
        match = re.search(rule, target_text)
        if match and match.groups():
            return f"node/{match.group(1)}"
    scope = node if node is not None else doc
    for href in _OWN_HREFS(scope):
        for pattern in _ID_LINKS[:4]:
            match = pattern.search(str(href))
            if match:
                return f"node/{match.group(1)}"
    return None


# -- fields ---------------------------------------------------------------------------------------

def author_of(submitted: HtmlElement | None, selector: str | None) -> str | None:
    """The user linked in "submitted", else the name its byline gives; None for guests."""
    if submitted is None:
        return None
    link = first(submitted, selector) if selector else None
    if link is None:
        link = next(iter(_USER_LINK(submitted)), None)
    if link is None:  # theme_node_submitted() links nothing but the user: its one link, in any language
        links = [a for a in submitted.iter("a") if re.search(r"[^\W\d_]", a.text_content())]
        link = links[0] if len(links) == 1 and not _HAS_YEAR.search(links[0].text_content()) else None
    if link is not None:
        return clean_author(link.text_content())
    text = norm(submitted.text_content())
    for byline in _BYLINES:
        match = byline.search(text)
        if match:
            return clean_author(match.group(1))
    return None


def _residue(element: HtmlElement, label: re.Pattern[str]) -> str:
    """The text of a block besides its labels and link texts: empty for a labelled list of links."""
    text = norm(element.text_content())
    if not label.match(text):
        return text
    for a in element.iter("a"):
        text = text.replace(norm(a.text_content()), " ", 1)
    text = re.sub(label.pattern.lstrip("^"), " ", text, flags=label.flags)
    return _SEPARATORS.sub("", text)


def labelled_blocks(scope: HtmlElement, label: re.Pattern[str], keep: tuple[HtmlElement, ...] = ()) -> list[HtmlElement]:
    """The outermost blocks in ``scope`` that hold a label and nothing but links after it.

    A CCK ``div.field`` with its ``field-label``, ``<li>Источник(и): <a>…</a></li>`` in a list,
    ``<p><strong>Источник:</strong> <a>…</a></p>``: wherever the theme or the editor put the field.
    ``keep`` (the node, its body) is never taken whole.

    >>> from lxml.html import fragment_fromstring as f
    >>> node = f('<div><p>Текст.</p><ul><li>Источник(и): <a href="http://a.ru/">a.ru</a></li></ul></div>')
    >>> [b.tag for b in labelled_blocks(node, SOURCE_FIELD)]
    ['ul']
    """
    found: list[HtmlElement] = []
    for text in _TEXTS(scope):
        if not label.match(norm(text)):
            continue
        start = text.getparent()
        if text.is_tail:
            start = start.getparent()
        best = None
        for element in (start, *start.iterancestors()):
            if element is None or element is scope or element in keep or not label.match(norm(element.text_content())):
                break
            if element.tag in _HOLDERS and not _residue(element, label):
                best = element
        if best is not None and best not in found and not any(a in found for a in best.iterancestors()):
            found.append(best)
    return found


def _links(blocks: Sequence[HtmlElement], url: str) -> list[str]:
    """Absolute http(s) links of labelled blocks, in page order."""
    links = (absolute(url, a.get("href")) for block in blocks for a in block.iter("a"))
    return unique(link for link in links if link and urlsplit(link).scheme in ("http", "https"))


def type_of(doc: HtmlElement, node: HtmlElement) -> str:
    """The content type: ``node-type-story`` / ``node-story`` on the node (zen), or on ``<body>``
    (``$body_classes`` of ``template_preprocess_page()``); "" when the theme prints neither."""
    for element in (node, *_BODY(doc)):
        for token in (element.get("class") or "").split():
            match = _TYPE_CLASS.match(token)
            if match and match.group(1) not in _NOT_TYPES and not match.group(1).isdigit():
                return match.group(1)
    return ""


def _submitted(scope: HtmlElement, config: Config) -> HtmlElement | None:
    found = first(scope, config.selectors.get("date"))
    if found is not None:
        return found
    for selector in _DATE_FALLBACK:
        found = first(scope, selector)
        if found is not None:
            return found
    return None


def date_of(raw: str | None, timezone: str) -> str | None:
    """The ISO date of a "submitted" text; a weekday before an ambiguous a/b/Y says which is the day.

    >>> date_of("Сб, 10/11/2014 - 10:15", "Europe/Moscow"), date_of("Пн, 10/11/2014 - 10:15", "Europe/Moscow")
    ('2014-10-11T10:15:00+04:00', '2014-11-10T10:15:00+03:00')
    """
    match = _WEEKDAY_DATE.search(raw) if raw else None
    if match:
        weekday, a, b, year = _WEEKDAY[match.group(1).lower()], int(match.group(2)), int(match.group(3)), int(match.group(4))
        for month, day in ((a, b), (b, a)):
            try:
                if date(year, month, day).weekday() == weekday:
                    raw = f"{match.string[:match.start(2)]}{day:02d}.{month:02d}.{year}{match.string[match.end(4):]}"
                    break
            except ValueError:
                continue
    return parse_date(raw, timezone)


def date_line(node: HtmlElement, submitted: HtmlElement | None, timezone: str) -> tuple[str | None, str | None]:
    """(raw, ISO) of the node's own date when "submitted" prints a time only ("Enviado por X em 7:39."): a
    line of the node outside its content whose whole text is a date with its year, at the time "submitted"
    prints (the two must agree: a date line of something else is not the node's)."""
    said = norm(submitted.text_content()) if submitted is not None else ""
    clock = _CLOCK.search(said)
    for element in _NODE_LINES(node):
        text = norm(element.text_content())
        if not text or len(text) > 60 or not _HAS_YEAR.search(text) or element is submitted:
            continue
        when = _CLOCK.search(text)
        if clock and (when is None or (int(when.group(1)), when.group(2)) != (int(clock.group(1)), clock.group(2))):
            continue
        found = date_of(text, timezone)
        if found:
            return text, found
    return None, None


def _date_text(element: HtmlElement | None) -> str | None:
    if element is None:
        return None
    return element.get("content") or norm(element.text_content()) or None


def tags_of(node: HtmlElement, config: Config, labelled: Sequence[HtmlElement] = ()) -> list[str]:
    """Taxonomy terms: by selector (taxonomy_link()'s ``rel="tag"`` links...) and labelled fields ("Рубрика:")."""
    selector = config.selectors.get("tags")
    links = list(css(selector)(node)) if selector else []
    links += [a for block in labelled for a in block.iter("a")]
    return unique(norm(a.text_content()) for a in links)


def sources_of(node: HtmlElement, url: str, config: Config, labelled: Sequence[HtmlElement] = ()) -> list[str]:
    """Links of the source field: by class (selector), by a CCK label, or by a label anywhere ("Источник:")."""
    links = list(css(config.selectors["sources"])(node)) if config.selectors.get("sources") else []
    for fld in _FIELDS(node):
        label = _FIELD_LABEL(fld)
        if label and SOURCE_LABEL.match(norm(label[0].text_content())):
            links.extend(fld.iter("a"))
    found = (absolute(url, a.get("href")) for a in links)
    return unique([*(link for link in found if link and urlsplit(link).scheme in ("http", "https")),
                   *_links(labelled, url)])


def comments_of(doc: HtmlElement, config: Config, removed: Counter[str]) -> list[Comment]:
    selector = config.selectors.get("comments")
    comments = []
    for element in css(selector)(doc) if selector else []:
        submitted = first(element, config.selectors.get("comment_date") or ".submitted")
        body = first(element, config.selectors.get("comment_body") or "div.content")
        text = ""
        if body is not None:
            removed.update(clean(body, config))
            text = element_to_text(body)
        raw = _date_text(submitted)
        comments.append(Comment(author=author_of(submitted, config.selectors.get("comment_author")),
                                published_at=date_of(raw, config.timezone), body_text=text, published_raw=raw))
    return comments


def attachments_of(body: HtmlElement, url: str, config: Config) -> list[str]:
    """Files of the upload module's table and files linked inline, in page order, on the site's own hosts.

    Read before cleaning: the table is dropped from the body, but its files belong to the article.
    """
    listed = set(_ATTACHMENT_TABLE(body))
    links = (absolute(url, str(href)) for href in _HREFS(body)
             if href in listed or FILE_EXTENSIONS.search(urlsplit(href).path))
    hosts = config.allowed_hosts or (host_of(url),)
    return unique(link for link in links if link is not None and host_allowed(link, hosts))


def article_of(doc: HtmlElement, node: HtmlElement, url: str, config: Config,
               removed: Counter[str]) -> Article:
    """Every field of the one full node; the body is cleaned in place, after the fields are read."""
    sel = config.selectors
    submitted = _submitted(node, config)
    raw_date = _date_text(submitted)
    published = date_of(raw_date, config.timezone)
    if published is None and not (raw_date and _HAS_YEAR.search(raw_date)):
        raw_date, published = date_line(node, submitted, config.timezone) if submitted is not None else (raw_date, None)
    title_candidates = css(sel["title"])(doc) if sel.get("title") else []
    body = first(node, sel.get("body")) if sel.get("body") else None
    if body is None:
        body = node
    source_blocks = labelled_blocks(node, SOURCE_FIELD, (node, body))
    term_blocks = labelled_blocks(node, TERMS_FIELD, (node, body))
    article = Article(
        url=url, source_id="", title=best_title(title_candidates, doc),
        published_at=published, published_raw=raw_date,
        author=author_of(submitted, sel.get("author")), tags=tags_of(node, config, term_blocks),
        sources=sources_of(node, url, config, source_blocks), profile="drupal6", type=type_of(doc, node),
    )
    # A field's label and links are the field, never body text; counted like the cleaners' removals.
    for rule, blocks in (("source_field", source_blocks), ("terms_field", term_blocks)):
        if blocks:
            removed[rule] += remove_all(blocks)
    article.attachments = attachments_of(body, url, config)
    removed.update(clean(body, config))
    article.body_text = element_to_text(body)
    article.body_html = body_html(body, url)
    article.images = unique(absolute(url, str(src)) for src in _IMG_SRC(body))
    article.comments = comments_of(doc, config, removed)
    return article
