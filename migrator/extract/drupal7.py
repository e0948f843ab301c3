"""The Drupal 7 profile: a node page read from Drupal 7 core's templates.

Drupal 7 is told from Drupal 6 by ``<meta name="generator" content="Drupal 7 …">`` or by Field API markup
(``modules/field/theme/field.tpl.php``: ``div.field.field-name-NAME.field-type-TYPE``, where Drupal 6's CCK
printed ``field-field-NAME``) or ``html.tpl.php``'s ``<body class="html …">``.

- The node (``modules/node/node.tpl.php``): ``<div id="node-N" class="node node-TYPE [node-teaser]
  [node-promoted]">``; its title is linked in an ``<h2>`` only when not on its own page (``!$page``), the page's
  own ``<h1 id="page-title">`` is in ``page.tpl.php``; ``<div class="submitted">`` holds ``$submitted``
  (``template_preprocess_node()``: "Submitted by !username on !datetime", themes reword it), the user from
  ``theme_username()`` (``<span class="username">`` or ``<a class="username">``); the content in ``div.content``.
- A node laid out by Display Suite (``ds-1col.tpl.php``) has no ``id="node-N"``; core's RDF module still marks it
  (``rdf_preprocess_node()``: ``about="/ALIAS" typeof="sioc:Item foaf:Document"``), and a theme's ``page.tpl.php`` may
  print ``$title`` in a bare ``<h1>`` before the content (braslaw.by's zen sub-theme; the breadcrumb's
  ``<h2 class="element-invisible">`` before it is no title). With no ``$submitted`` the date is a field of its own:
  the node's first element holding a date and nothing else.
- ``template_preprocess_html()`` puts ``page-node-N`` and ``node-type-TYPE`` on ``<body>`` of a node page.
- The body is the ``body`` field (``field-name-body``); term references (``field-type-taxonomy-term-reference``)
  are the tags, in the order the node prints them; comments (``modules/comment/comment.tpl.php``): ``div.comment``
  with its own ``div.submitted`` and ``div.content``.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.rules import norm
from migrator.extract import dates, drupal6, platform
from migrator.extract.platform import Places, has_class

if TYPE_CHECKING:
    from migrator.extract import PageResult
    from migrator.mapping import Config

NAME = "drupal7"

_FIELD_API = etree.XPath("boolean(//div[contains(@class, 'field-name-')])")
_NODES = etree.XPath("//*[self::div or self::article][" + has_class("node") + "][starts-with(@id, 'node-')"
                     " or ancestor::*[" + has_class("region-content") + " or @id='content']"
                     " or (@about and contains(@typeof, 'sioc:Item'))]"
                     "[not(ancestor::*[" + has_class("block") + "][not(@id='block-system-main')])]")
#: The page's title heading before the node (nearest first), never one inside it.
_TITLE_BEFORE = etree.XPath("preceding::h1[1]")
_PAGE_NODE = re.compile(r"^page-node-(\d+)$")
_NODE_ID = re.compile(r"^node-(\d+)$")
_TYPE = re.compile(r"^node-type-([a-z0-9_-]+)$")

PLACES = Places(
    title=("h1#page-title", "h1.page-title", "h1.title", "h1", "h2.node-title", "h2"),
    body=(".field-name-body .field-item", ".field-name-body", "div.content"),
    date=(".submitted",),
    author=(),
    tags=(".field-type-taxonomy-term-reference a",),
    drop=(".field-type-taxonomy-term-reference", ".field-type-file", "ul.links", ".submitted"),
    comments="div.comment",
    comment_author=(".username", ".submitted a"),
    comment_date=(".submitted",),
    comment_body=(".content",),
)


def detect(doc: HtmlElement) -> bool:
    """Drupal 7 rather than 6 (called once the page is known to be Drupal)."""
    gen = platform.generator(doc)
    if gen.startswith("drupal"):
        return gen.startswith("drupal 7")
    return bool(_FIELD_API(doc)) or "html" in platform.body_classes(doc)


def classify(doc: HtmlElement) -> tuple[str, str, HtmlElement | None]:
    """One full node (or ``page-node-N`` on ``<body>``) is an entry; teasers are a listing."""
    nodes = _NODES(doc)
    teasers = [n for n in nodes if drupal6.is_teaser(n) or "node-teaser" in (n.get("class") or "").split()]
    full = [n for n in nodes if n not in teasers]
    on_body = any(_PAGE_NODE.match(c) for c in platform.body_classes(doc))
    if len(full) == 1 and (not teasers or on_body):
        return "article", "", full[0]
    if teasers or len(full) > 1:
        return "listing", f"listing: {len(teasers) or len(full)} teasers", None
    return "other", "no node", None


def node_id(doc: HtmlElement, node: HtmlElement) -> str | None:
    match = _NODE_ID.match(node.get("id") or "")
    if match:
        return f"node/{match.group(1)}"
    for token in platform.body_classes(doc):
        match = _PAGE_NODE.match(token)
        if match:
            return f"node/{match.group(1)}"
    return None


def type_of(doc: HtmlElement, node: HtmlElement) -> str:
    for token in platform.body_classes(doc):
        match = _TYPE.match(token)
        if match:
            return match.group(1)
    return drupal6.type_of(doc, node)


def read(doc: HtmlElement, url: str, config: Config, warnings: list[str]) -> PageResult:
    from migrator.extract import PageResult

    kind, reason, node = classify(doc)
    removed: Counter[str] = Counter()
    if kind != "article" or node is None:
        return PageResult(kind, NAME, None, None, None, removed, reason)
    submitted = platform.pick(node, (".submitted",))
    body = platform.pick(node, PLACES.body[:2])
    if body is not None:
        injected = platform.drop_injected(body, url)
        if injected:
            removed["injected_spam"] += injected
    article = platform.read_entry(doc, node, url, config, PLACES, NAME, removed, kind=type_of(doc, node),
                                  warnings=warnings)
    heading = platform.pick(doc, PLACES.title[:3])  # page.tpl.php prints the node's title outside the node
    if heading is None:  # a theme's page.tpl.php printing $title in a bare <h1> before $page['content']
        heading = next(iter(_TITLE_BEFORE(node)), None)
    if heading is not None and norm(heading.text_content()):
        article.title = norm(heading.text_content())
    if submitted is None:  # no $submitted: the node's date printed as a field of its own (a date alone)
        raw = _date_field(node)
        if raw:
            article.published_raw = raw
            article.published_at = platform.dated(raw, url, config.timezone, warnings)
    else:
        article.author = drupal6.author_of(submitted, ".username")
        raw = _date_part(submitted)
        article.published_raw = raw
        article.published_at = platform.dated(raw, url, config.timezone, warnings)
    return PageResult("article", NAME, article, node_id(doc, node), None, removed, "")


def _date_field(node: HtmlElement) -> str | None:
    """The text of the node's first element that holds a date and nothing else ("18.04.2013"): a theme
    that leaves out ``$submitted`` prints the node's date as a field (Display Suite's post date, a date field).

    >>> import lxml.html
    >>> _date_field(lxml.html.fromstring('<div class="node"><div>18.04.2013</div><p>Text 12.05.2012.</p></div>'))
    '18.04.2013'
    >>> _date_field(lxml.html.fromstring('<div class="node"><p>В 2013 году, 18.04.2013, прошло.</p></div>')) is None
    True
    """
    for element in node.iter("div", "span", "time", "p"):
        if len(element):
            continue
        text = norm(element.text_content())
        if 0 < len(text) <= 40:
            found = dates.find_written(text)
            if found and found[1] == text:
                return text
    return None


def _date_part(submitted: HtmlElement) -> str:
    """The "submitted" text without the user's name (digits in a name would read as a date)."""
    text = norm(submitted.text_content())
    for user in submitted.xpath(".//*[" + has_class("username") + "]"):
        text = text.replace(norm(user.text_content()), " ")
    return norm(text)
