"""HTML of the demo site: the Drupal 6 core themes and zen, the print layout and the HTML 3.2 archive.

Garland follows ``tests/pages/drupal6_article.html`` exactly; the other themes follow their own
templates in a Drupal 6 tree: minnelli is garland's sub-theme with garland's ``node.tpl.php`` (terms
and links after the content); bluemarine and pushbutton (``themes/*/node.tpl.php``, ``comment.tpl.php``:
a ``div.node`` with no id, ``div.taxonomy``, "» " before the links, table layout); chameleon and marvin
(``chameleon_node()``, ``chameleon_comment()`` in ``chameleon.theme``: "By !author at @date" as the
first item of the node's ``ul.links``, the page title in ``td#main > h2``); zen (``div.node-inner``).
:class:`Markup` holds the per-site choices a real site made (where the source field sits and how it
is labelled, CCK fields or taxonomy links, the "submitted" wording, user links, node ids, modules).
Templates are plain f-strings: rendering a page must cost well under a millisecond.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import quote, unquote

from migrator.demo import text as t
from migrator.demo.content import ArchiveItem, DemoArticle, DemoComment, file_bytes, human_size

_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_RU = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")


@dataclass(frozen=True)
class Markup:
    """How one Drupal site renders its nodes; ``Markup()`` is the classic demo's.

    ``sources``: "cck" (``div.field`` with ``field-label`` above, content-field.tpl.php), "cck-inline"
    (``field-label-inline-first`` in each item), "list" (``<ul class="node-sources"><li>Label: <a>``),
    "paragraph" (``<p><strong>Label:</strong> <a>`` at the body's end). ``terms``: "theme" (the theme's
    taxonomy links), "field" (a CCK content_taxonomy field with a label), "paragraph" ("Теги: <a>…").
    ``byline``: "theme" (the theme's own wording) or a key of :data:`BYLINES`. ``comments``: "open"
    (read/write: the node and each comment link "login to post comments" with the node id) or "closed"
    (Drupal's read-only setting: comments still shown, comment_link() prints no link at all).
    """

    sources: str = "cck"
    source_label: str = "Источник(и)"
    terms: str = "theme"
    terms_label: str = "Рубрика"
    terms_field: str = "rubric"
    byline: str = "theme"
    user_links: bool = True
    node_ids: bool = True
    node_type: str = ""
    type_on: str = "node"  # "node" | "body": where the node-type-X class stands
    print_link: bool = True
    forward_link: bool = True
    statistics: bool = True
    service_links: bool = True
    breadcrumb: bool = True
    swap_sidebars: bool = False
    briefs: int = 0  # percent of articles (without body links) that are short briefs
    comments: str = "open"

    @classmethod
    def draw(cls, rng: random.Random) -> Markup:
        """One site's choices, each from the real variants it stands for."""
        return cls(
            sources=rng.choice(("cck", "cck-inline", "list", "paragraph")),
            source_label=rng.choice(("Источник(и)", "Источник", "Источники", "Source", "Sources")),
            terms=rng.choice(("theme", "theme", "field", "paragraph")),
            terms_label=rng.choice(("Рубрика", "Рубрики", "Теги", "Tags")),
            terms_field=rng.choice(("rubric", "tags", "tema", "razdel")),
            byline=rng.choice(("theme", *BYLINES)),
            user_links=rng.random() < 0.7, node_ids=rng.random() < 0.6,
            node_type=rng.choice(("", "story", "news", "article")), type_on=rng.choice(("node", "body")),
            print_link=rng.random() < 0.7, forward_link=rng.random() < 0.5, statistics=rng.random() < 0.7,
            service_links=rng.random() < 0.5, breadcrumb=rng.random() < 0.8, swap_sidebars=rng.random() < 0.3,
            briefs=rng.choice((10, 20, 30)),
        )


#: The classic demo's markup (tests/pages/drupal6_article.html).
CLASSIC = Markup()


def _us_medium(when: datetime) -> str:
    """Drupal's default medium format 'D, m/d/Y - H:i': 'Fri, 11/21/2014 - 10:15'."""
    return f"{_WEEKDAYS_EN[when.weekday()]}, {when.month:02d}/{when.day:02d}/{when.year} - {when.hour:02d}:{when.minute:02d}"


def _ru_medium(when: datetime) -> str:
    """The default medium format on a Russian site: the weekday translated, the month still first ('Пт, 11/21/2014 - 10:15')."""
    return f"{_WEEKDAYS_RU[when.weekday()]}, {when.month:02d}/{when.day:02d}/{when.year} - {when.hour:02d}:{when.minute:02d}"


#: "submitted" wordings: theme_node_submitted()'s "Submitted by !username on @datetime" (English and a
#: Russian translation), garland's "!datetime — !username", chameleon's "By !author at @date".
BYLINES = {
    "submitted_en": lambda who, when: f"Submitted by {who} on {_us_medium(when)}",
    "submitted_ru": lambda who, when: f"Опубликовано {who} в {t.numeric_date(when)}",
    "ru_user": lambda who, when: f"Опубликовано {t.ru_date(when)} пользователем {who}",
    "garland_dash": lambda who, when: f"{_ru_medium(when)} — {who}",
    "avtor": lambda who, when: f"Автор: {who}, {t.ru_date_dash(when)}",
    "by_at": lambda who, when: f"By {who} at {t.numeric_date(when)}",
}

Block = tuple[str, str, str]  # (block id, title, inner html)


def _user(name: str | None, link: bool = True) -> str:
    """theme_username(): a profile link, the bare name for visitors who may not see profiles, or the guest."""
    if name is None:
        return t.GUEST
    if not link:
        return name
    return f'<a href="/users/{name}" title="Информация о пользователе.">{name}</a>'


def _login_to_comment(nid: int) -> str:
    return (f'<span><a href="/user/login?destination=comment%2Freply%2F{nid}%23comment-form">'
            f"{t.LOGIN_TO_COMMENT}</a> для отправки комментариев</span>")


def _host(url: str) -> str:
    return url.split("/")[2].removeprefix("www.")


def source_field(a: DemoArticle, m: Markup = CLASSIC) -> str:
    """The source field as the site renders it: a CCK link field (label above or inline), a list or a
    paragraph, with links, with the label only, or nothing."""
    if a.source_mode == "absent":
        return ""
    label = m.source_label
    links = [f'<a href="{escape(u)}">{escape(_host(u))}</a>' for u in a.sources]
    if m.sources == "list":
        return f'    <ul class="node-sources"><li>{label}: {", ".join(links)}</li></ul>\n'
    if m.sources == "paragraph":
        return f'<p><strong>{label}:</strong> {", ".join(links)}</p>\n'
    if m.sources == "cck-inline":
        cells = [f'<div class="field-item {"odd" if k % 2 == 0 else "even"}"><div class="field-label-inline'
                 f'{"-first" if k == 0 else ""}">{label}:&nbsp;</div>{link}</div>' for k, link in enumerate(links or [""])]
        return (f'    <div class="field field-type-link field-field-source"><div class="field-items">{"".join(cells)}'
                "</div></div>\n")
    if a.source_mode == "empty":
        items = '        <div class="field-item odd"></div>\n'
    else:
        items = "".join(f'        <div class="field-item {"odd" if k % 2 == 0 else "even"}">{link}</div>\n'
                        for k, link in enumerate(links))
    return ('    <div class="field field-type-link field-field-source">\n'
            f'      <div class="field-label">{label}:&nbsp;</div>\n'
            f'      <div class="field-items">\n{items}      </div>\n    </div>\n')


def terms_field(a: DemoArticle, m: Markup) -> str:
    """Terms inside the content, when the site shows them as a CCK field or a labelled paragraph."""
    if not a.tags or m.terms == "theme":
        return ""
    if m.terms == "paragraph":
        links = ", ".join(f'<a href="/taxonomy/term/{tid}">{name}</a>' for tid, name in a.tags)
        return f"<p>{m.terms_label}: {links}</p>\n"
    items = "".join(f'<div class="field-item {"odd" if k % 2 == 0 else "even"}"><a href="/taxonomy/term/{tid}">{name}</a></div>'
                    for k, (tid, name) in enumerate(a.tags))
    return (f'  <div class="field field-type-content-taxonomy field-field-{m.terms_field}"><div class="field-label">'
            f'{m.terms_label}:&nbsp;</div><div class="field-items">{items}</div></div>\n')


def link_items(a: DemoArticle, views: int, m: Markup = CLASSIC) -> list[tuple[str, str]]:
    """The node's links (statistics, comment, print, forward modules): (``<li>`` class, inner html)."""
    items = [("statistics_counter", f"<span>{t.views_label(views)}</span>")] if m.statistics else []
    if m.comments == "open":
        items.append(("comment_forbidden", _login_to_comment(a.nid)))
    if m.print_link:
        items.append(("print_html", f'<a href="/print/{a.nid}" title="Display a printer-friendly version of this page." '
                                    'class="print-page" rel="nofollow">Версия для печати</a>'))
    if m.forward_link:
        items.append(("forward_links", f'<a href="/forward?path=node/{a.nid}" title="Отправить страницу другу" '
                                       'class="forward-page">Отправить другу</a>'))
    return items


def _ul(items: list[tuple[str, str]], css: str = "links inline") -> str:
    """theme_links(): one ``<li>`` per item, ``first`` and ``last`` on the end ones."""
    if not items:
        return ""
    last = len(items) - 1
    lis = (f'<li class="{cls}{" first" if k == 0 else ""}{" last" if k == last else ""}">{inner}</li>'
           for k, (cls, inner) in enumerate(items))
    return f'<ul class="{css}">' + "\n".join(lis) + "\n</ul>"


def term_items(a: DemoArticle) -> list[tuple[str, str]]:
    """taxonomy_link(): one item per term, ``rel="tag"``."""
    return [(f"taxonomy_term_{tid}", f'<a href="/taxonomy/term/{tid}" rel="tag" title="">{name}</a>') for tid, name in a.tags]


def node_links(a: DemoArticle, views: int, m: Markup = CLASSIC) -> str:
    if m is CLASSIC or m == CLASSIC:
        return _classic_links(a, views)
    return f'  <div class="links">{_ul(link_items(a, views, m))}</div>\n'


def _classic_links(a: DemoArticle, views: int) -> str:
    """The reference page's links, byte for byte."""
    return (f'  <div class="links"><ul class="links inline"><li class="statistics_counter first"><span>'
            f"{t.views_label(views)}</span></li>\n"
            f'<li class="comment_forbidden">{_login_to_comment(a.nid)}</li>\n'
            f'<li class="print_html"><a href="/print/{a.nid}" title="Display a printer-friendly version of this page." '
            f'class="print-page" rel="nofollow">Версия для печати</a></li>\n'
            f'<li class="forward_links last"><a href="/forward?path=node/{a.nid}" title="Отправить страницу другу" '
            f'class="forward-page">Отправить другу</a></li>\n</ul></div>\n')


def share_widget(base: str, nid: int, m: Markup = CLASSIC) -> str:
    if not m.service_links:
        return ""
    target = quote(f"{base}/node/{nid}", safe="")
    return ('  <div class="service-links"><ul class="links">'
            f'<li class="service_links_vkontakte first"><a href="http://vkontakte.ru/share.php?url={target}" '
            f'rel="nofollow">ВКонтакте</a></li><li class="service_links_facebook"><a href="http://www.facebook.com/'
            f'sharer.php?u={target}" rel="nofollow">Facebook</a></li><li class="service_links_twitter last">'
            f'<a href="http://twitter.com/share?url={target}" rel="nofollow">Twitter</a></li></ul></div>\n')


def attachments_table(a: DemoArticle) -> str:
    """The upload module's table of the files not linked inline, after the body (empty without any)."""
    rows = [f for f in a.attachments if not f.inline]
    if not rows:
        return ""
    cells = "".join(
        f'<tr class="{"odd" if k % 2 == 0 else "even"}"><td><a href="{escape(f.path)}">{escape(f.name)}</a></td>'
        f"<td>{human_size(len(file_bytes(unquote(f.path))))}</td></tr>" for k, f in enumerate(rows))
    return (f'<table id="attachments"><thead><tr><th>Вложение</th><th>Размер</th></tr></thead>'
            f"<tbody>{cells}</tbody></table>\n")


def body_content(a: DemoArticle, fields: str = "", m: Markup = CLASSIC) -> str:
    """The node's ``div.content``: banner, body, the attachments table, then CCK fields (tags, sources)."""
    return (f'  <div class="content">\n    {t.BANNER_HTML}\n{a.body_html}\n{attachments_table(a)}'
            f"{fields}{terms_field(a, m)}{source_field(a, m)}  </div>\n")


def _head(title: str, base: str, extra_class: str = "") -> str:
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ru" lang="ru" dir="ltr">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f"<title>{escape(title)}</title>\n"
        '<meta name="generator" content="Drupal 6 (http://drupal.org)" />\n'
        '<link rel="shortcut icon" href="/misc/favicon.ico" type="image/x-icon" />\n'
        f'<link rel="alternate" type="application/rss+xml" title="{t.SITE_NAME} RSS" href="{base}/rss.xml" />\n'
        f'<link type="text/css" rel="stylesheet" media="all" href="/modules/node/node.css?q" />\n'
        '<script type="text/javascript" src="/misc/jquery.js?q"></script>\n'
        '<script type="text/javascript">\n<!--//--><![CDATA[//><!--\n'
        'jQuery.extend(Drupal.settings, { "basePath": "/" });\n//--><!]]>\n</script>\n</head>\n')


_MENU = ('<ul class="links primary-links"><li class="menu-1 first"><a href="/" title="">Главная</a></li>'
         '<li class="menu-2"><a href="/news" title="">Новости</a></li><li class="menu-3 last">'
         '<a href="/archive/" title="">Архив</a></li></ul>')


class Garland:
    """Drupal 6's default theme, as on the reference page (the node as ``modules/node/node.tpl.php`` lays it out)."""

    name = "garland"

    def __init__(self, markup: Markup = CLASSIC) -> None:
        self.m = markup

    def user(self, who: str | None) -> str:
        return _user(who, self.m.user_links)

    def byline(self, who: str | None, when: datetime, variant: int) -> str:
        """The site's "submitted" wording, or the theme's own."""
        if self.m.byline in BYLINES:
            return BYLINES[self.m.byline](self.user(who), when)
        return self.submitted(who, when, variant)

    def node_attrs(self, a: DemoArticle, classes: str = "node") -> str:
        """``id="node-N"`` (unless the site's template dropped it) and the classes, with ``node-type-X``."""
        ident = f'id="node-{a.nid}" ' if self.m.node_ids else ""
        return f'{ident}class="{self.type_classes(classes)}"'

    def type_classes(self, classes: str) -> str:
        """A theme that prints the type (zen) prints the site's; others get it where the site put it."""
        if not self.m.node_type:
            return classes
        if "node-type-story" in classes:
            return classes.replace("node-type-story", f"node-type-{self.m.node_type}")
        return classes + (f" node-type-{self.m.node_type}" if self.m.type_on == "node" else "")

    def node_type(self) -> str:
        """The content type the pages show (truth for ``type``)."""
        return self.m.node_type

    def chrome(self, crumbs: str, left: list[Block], right: list[Block]) -> tuple[str, list[Block], list[Block]]:
        """The breadcrumb (or none) and the sidebars in the site's order."""
        crumbs_html = f'<div class="breadcrumb">{crumbs}</div>' if self.m.breadcrumb else ""
        return (crumbs_html, right, left) if self.m.swap_sidebars else (crumbs_html, left, right)

    def links(self, a: DemoArticle, views: int, base: str) -> str:
        return node_links(a, views, self.m) + share_widget(base, a.nid, self.m)

    def block(self, block: Block) -> str:
        bid, title, inner = block
        kind = bid.split("-")[0]
        heading = f"<h2>{title}</h2>" if title else ""
        return f'    <div id="block-{bid}" class="clear-block block block-{kind}">{heading}<div class="content">{inner}</div></div>\n'

    def submitted(self, who: str | None, when: object, variant: int) -> str:
        return f"Опубликовано {t.ru_date(when)} пользователем {self.user(who)}"  # type: ignore[arg-type]

    def page(self, *, title: str, heading: str | None, crumbs: str, content: str, left: list[Block],
             right: list[Block], base: str, footer: str, body_class: str = "") -> str:
        head_title = f"{title} | {t.SITE_NAME}" if title else t.SITE_NAME
        h2 = f"    <h2>{escape(heading)}</h2>\n" if heading else ""
        crumbs, left, right = self.chrome(crumbs, left, right)
        return (
            _head(head_title, base) + f'<body class="sidebars{body_class}">\n<div id="header-region" class="clear-block"></div>\n'
            '<div id="wrapper">\n<div id="container" class="clear-block">\n  <div id="header">\n'
            f'    <div id="logo-floater"><h1><a href="/" title="{t.SITE_NAME}"><img src="/sites/default/files/garland_logo.png" '
            f'alt="{t.SITE_NAME}" id="logo" /><span>{t.SITE_NAME}</span></a></h1></div>\n    {_MENU}\n  </div>\n'
            '  <div id="sidebar-left" class="sidebar">\n' + "".join(self.block(b) for b in left) + "  </div>\n"
            '  <div id="center"><div id="squeeze"><div class="right-corner"><div class="left-corner">\n'
            f'    {crumbs}\n{h2}    <div class="clear-block">\n{content}    </div>\n'
            f'    <div id="footer">{footer}</div>\n  </div></div></div></div>\n'
            '  <div id="sidebar-right" class="sidebar">\n' + "".join(self.block(b) for b in right) + "  </div>\n"
            "</div>\n</div>\n</body>\n</html>\n")

    def terms(self, a: DemoArticle) -> str:
        if not a.tags or self.m.terms != "theme":
            return ""
        items = []
        for k, (tid, name) in enumerate(a.tags):
            pos = (" first" if k == 0 else "") + (" last" if k == len(a.tags) - 1 else "")
            items.append(f'<li class="taxonomy_term_{tid}{pos}"><a href="/taxonomy/term/{tid}" rel="tag" title="">{name}</a></li>\n')
        return f'    <div class="terms terms-inline"><ul class="links inline">{"".join(items)}</ul></div>\n'

    def node(self, a: DemoArticle, views: int, base: str) -> str:
        return (f'<div {self.node_attrs(a)}>\n  <div class="meta">\n'
                f'    <span class="submitted">{self.byline(a.author, a.published, a.variant)}</span>\n'
                f"{self.terms(a)}  </div>\n{body_content(a, m=self.m)}{self.links(a, views, base)}</div>\n"
                f"{self.comments(a)}")

    def comment(self, a: DemoArticle, c: DemoComment, k: int) -> str:
        paras = "".join(f"<p>{escape(p)}</p>" for p in c.paragraphs)
        return (f'  <a id="comment-{c.cid}"></a>\n  <div class="comment comment-published {"odd" if k % 2 == 0 else "even"}">\n'
                f'    <div class="clear-block">\n      <span class="submitted">{self.byline(c.author, c.published, a.variant)}</span>\n'
                f'      <h3><a href="{a.alias}#comment-{c.cid}" class="active">{escape(c.subject)}</a></h3>\n'
                f'      <div class="content">{paras}</div>\n    </div>\n'
                + (f'    <ul class="links"><li class="comment_forbidden first last">{_login_to_comment(a.nid)}</li></ul>\n'
                   if self.m.comments == "open" else "") + '  </div>\n')

    def comments(self, a: DemoArticle) -> str:
        if not a.comments:
            return ""
        return '<div id="comments">\n' + "".join(self.comment(a, c, k) for k, c in enumerate(a.comments)) + "</div>\n"

    def teaser(self, a: DemoArticle) -> str:
        return (f'<div {self.node_attrs(a)}>\n<h2><a href="{a.alias}" title="{escape(a.title)}">{escape(a.title)}</a></h2>\n'
                f'  <span class="submitted">{self.byline(a.author, a.published, a.variant)}</span>\n'
                f'  <div class="content">{a.teaser_html}</div>\n'
                f'  <div class="links"><ul class="links inline"><li class="node_read_more first last"><a href="/node/{a.nid}" '
                f'title="Читать полностью.">Подробнее</a></li></ul></div>\n</div>\n')


class Zen(Garland):
    """The Zen theme: ``h1.title``, ``div.node-inner``, comment-inner, Russian or English "submitted" wording."""

    name = "zen"

    def block(self, block: Block) -> str:
        bid, title, inner = block
        kind = bid.split("-")[0]
        heading = f'<h2 class="title">{title}</h2>' if title else ""
        return (f'<div id="block-{bid}" class="block block-{kind} region-odd odd"><div class="block-inner">'
                f'{heading}<div class="content">{inner}</div></div></div>\n')

    def submitted(self, who: str | None, when: object, variant: int) -> str:
        if variant % 2:
            return f"Submitted by {self.user(who)} on {t.numeric_date(when)}"  # type: ignore[arg-type]
        return f"Автор: {self.user(who)}, {t.ru_date_dash(when)}"  # type: ignore[arg-type]

    def page(self, *, title: str, heading: str | None, crumbs: str, content: str, left: list[Block],
             right: list[Block], base: str, footer: str, body_class: str = "") -> str:
        head_title = f"{title} | {t.SITE_NAME}" if title else t.SITE_NAME
        h1 = f'<h1 class="title">{escape(heading)}</h1>' if heading else ""
        crumbs, left, right = self.chrome(crumbs, left, right)
        return (
            _head(head_title, base) + f'<body class="not-front not-logged-in two-sidebars{body_class}">\n'
            '<div id="page"><div id="page-inner">\n<div id="header"><div id="header-inner" class="clear-block">'
            f'<div id="logo-title"><div id="site-name"><strong><a href="/" title="Главная" rel="home">{t.SITE_NAME}'
            '</a></strong></div></div></div></div>\n'
            f'<div id="navbar"><div id="navbar-inner" class="clear-block region region-navbar"><div id="primary">{_MENU}</div></div></div>\n'
            '<div id="main"><div id="main-inner" class="clear-block with-navbar">\n'
            '<div id="content"><div id="content-inner">\n'
            f'<div id="content-header">{crumbs}{h1}</div>\n'
            f'<div id="content-area">\n{content}</div>\n</div></div>\n'
            '<div id="sidebar-left"><div id="sidebar-left-inner" class="region region-left">\n'
            + "".join(self.block(b) for b in left) + "</div></div>\n"
            '<div id="sidebar-right"><div id="sidebar-right-inner" class="region region-right">\n'
            + "".join(self.block(b) for b in right) + "</div></div>\n</div></div>\n"
            f'<div id="footer"><div id="footer-inner" class="region region-footer"><div id="footer-message">{footer}</div></div></div>\n'
            "</div></div>\n</body>\n</html>\n")

    def terms(self, a: DemoArticle) -> str:
        """Taxonomy links in the node's meta, unless this node shows them as a CCK field."""
        return super().terms(a) if a.variant // 2 % 2 == 0 or self.m.terms != "theme" else ""

    def node_type(self) -> str:
        return self.m.node_type or "story"

    def tags_field(self, a: DemoArticle) -> str:
        """Tags as a CCK field inside ``div.content``, as Zen sites with content_taxonomy did."""
        if not a.tags or a.variant // 2 % 2 == 0 or self.m.terms != "theme":
            return ""
        items = "".join(f'<div class="field-item {"odd" if k % 2 == 0 else "even"}"><a href="/taxonomy/term/{tid}" rel="tag">{name}</a></div>'
                        for k, (tid, name) in enumerate(a.tags))
        return ('  <div class="field field-type-content-taxonomy field-field-tags"><div class="field-label">Теги:&nbsp;</div>'
                f'<div class="field-items">{items}</div></div>\n')

    def node(self, a: DemoArticle, views: int, base: str) -> str:
        return (f'<div {self.node_attrs(a, "node node-type-story")}><div class="node-inner">\n'
                f'  <div class="meta"><span class="submitted">{self.byline(a.author, a.published, a.variant)}</span></div>\n'
                f"{self.terms(a)}{body_content(a, self.tags_field(a), self.m)}{self.links(a, views, base)}"
                "</div></div>\n"
                f"{self.comments(a)}")

    def comment(self, a: DemoArticle, c: DemoComment, k: int) -> str:
        paras = "".join(f"<p>{escape(p)}</p>" for p in c.paragraphs)
        return (f'<a id="comment-{c.cid}"></a>\n<div class="comment comment-published {"odd" if k % 2 == 0 else "even"}">'
                f'<div class="comment-inner">\n  <h3 class="title"><a href="{a.alias}#comment-{c.cid}">{escape(c.subject)}</a></h3>\n'
                f'  <div class="submitted">{self.byline(c.author, c.published, a.variant)}</div>\n'
                f'  <div class="content">{paras}</div>\n'
                + (f'  <div class="links"><ul class="links"><li class="comment_forbidden first last">{_login_to_comment(a.nid)}</li></ul></div>\n'
                   if self.m.comments == "open" else "") + "</div></div>\n")

    def comments(self, a: DemoArticle) -> str:
        if not a.comments:
            return ""
        return ('<div id="comments"><h2 class="comments">Комментарии</h2>\n'
                + "".join(self.comment(a, c, k) for k, c in enumerate(a.comments)) + "</div>\n")

    def teaser(self, a: DemoArticle) -> str:
        return (f'<div {self.node_attrs(a, "node node-teaser")}><div class="node-inner">\n'
                f'<h2 class="title"><a href="{a.alias}">{escape(a.title)}</a></h2>\n'
                f'  <div class="meta"><span class="submitted">{self.byline(a.author, a.published, a.variant)}</span></div>\n'
                f'  <div class="content">{a.teaser_html}</div>\n'
                f'  <div class="links"><ul class="links inline"><li class="node_read_more first last"><a href="/node/{a.nid}">'
                "Подробнее</a></li></ul></div>\n</div></div>\n")


_CONTENT, _CONTENT_CLEAR = '<div class="content">', '<div class="content clear-block">'


class Minnelli(Garland):
    """Garland's fixed-width sub-theme, rendering nodes with garland's own ``node.tpl.php``: "submitted"
    above ``div.content clear-block``, then ``div.meta > div.terms`` and ``div.links`` below it."""

    name = "minnelli"

    def node(self, a: DemoArticle, views: int, base: str) -> str:
        terms = _ul(term_items(a)) if a.tags and self.m.terms == "theme" else ""
        meta = f'<div class="terms">{terms}</div>' if terms else ""
        return (f'<div {self.node_attrs(a)}>\n  <span class="submitted">{self.byline(a.author, a.published, a.variant)}</span>\n'
                f"{body_content(a, m=self.m).replace(_CONTENT, _CONTENT_CLEAR, 1)}"
                f'  <div class="clear-block">\n    <div class="meta">{meta}</div>\n'
                f"{self.links(a, views, base)}  </div>\n</div>\n{self.comments(a)}")


class Bluemarine(Garland):
    """bluemarine's ``page.tpl.php`` tables and ``node.tpl.php``: ``<div class="node">`` without an id,
    ``span.submitted``, ``div.taxonomy``, ``div.content``, ``<div class="links">&raquo; …``."""

    name = "bluemarine"
    teaser_heading = "h2"

    def block(self, block: Block) -> str:
        bid, title, inner = block
        kind = bid.split("-")[0]
        heading = f'<h2 class="title">{title}</h2>' if title else ""
        return f'<div class="block block-{kind}" id="block-{bid}">{heading}<div class="content">{inner}</div></div>\n'

    def node_attrs(self, a: DemoArticle, classes: str = "node") -> str:
        return f'class="{self.type_classes(classes)}"'  # the theme's template prints no id

    def submitted(self, who: str | None, when: object, variant: int) -> str:
        return BYLINES["submitted_ru"](self.user(who), when)

    def page(self, *, title: str, heading: str | None, crumbs: str, content: str, left: list[Block],
             right: list[Block], base: str, footer: str, body_class: str = "") -> str:
        head_title = f"{title} | {t.SITE_NAME}" if title else t.SITE_NAME
        h1 = f'<h1 class="title">{escape(heading)}</h1>' if heading else ""
        crumbs, left, right = self.chrome(crumbs.replace(" › ", " » "), left, right)
        body = f' class="{body_class.strip()}"' if body_class else ""
        return (
            _head(head_title, base) + f"<body{body}>\n"
            '<table border="0" cellpadding="0" cellspacing="0" id="header"><tr><td id="logo">'
            f'<a href="/" title="Главная"><img src="/themes/{self.name}/logo.png" alt="Главная" /></a>'
            f"<h1 class='site-name'><a href=\"/\" title=\"Главная\">{t.SITE_NAME}</a></h1></td>"
            f'<td id="menu">{_MENU}</td></tr></table>\n'
            '<table border="0" cellpadding="0" cellspacing="0" id="content"><tr>\n'
            '<td id="sidebar-left">' + "".join(self.block(b) for b in left) + "</td>\n"
            f'<td valign="top"><div id="main">{crumbs}{h1}<div class="tabs"></div>\n{content}</div></td>\n'
            '<td id="sidebar-right">' + "".join(self.block(b) for b in right) + "</td>\n"
            f'</tr></table>\n<div id="footer">{footer}</div>\n</body>\n</html>\n')

    def node(self, a: DemoArticle, views: int, base: str) -> str:
        terms = _ul(term_items(a)) if a.tags and self.m.terms == "theme" else ""
        links = _ul(link_items(a, views, self.m))
        return (f'<div {self.node_attrs(a)}>\n    <span class="submitted">{self.byline(a.author, a.published, a.variant)}</span>\n'
                f'    <div class="taxonomy">{terms}</div>\n{body_content(a, m=self.m)}'
                f'    <div class="links">&raquo; {links}</div>\n{share_widget(base, a.nid, self.m)}</div>\n{self.comments(a)}')

    def comment(self, a: DemoArticle, c: DemoComment, k: int) -> str:
        paras = "".join(f"<p>{escape(p)}</p>" for p in c.paragraphs)
        return (f'<a id="comment-{c.cid}"></a>\n<div class="comment comment-published">\n'
                f'<h3 class="title"><a href="{a.alias}#comment-{c.cid}">{escape(c.subject)}</a></h3>\n'
                f'    <div class="submitted">{self.byline(c.author, c.published, a.variant)}</div>\n'
                f'    <div class="content">{paras}</div>\n'
                + (f'    <div class="links">&raquo; {_ul([("comment_forbidden", _login_to_comment(a.nid))], "links")}</div>\n'
                   if self.m.comments == "open" else "") + "</div>\n")

    def teaser(self, a: DemoArticle) -> str:
        more = _ul([("node_read_more", f'<a href="/node/{a.nid}" title="Читать полностью.">Подробнее</a>')])
        return (f'<div {self.node_attrs(a)}>\n<{self.teaser_heading} class="title"><a href="{a.alias}">{escape(a.title)}'
                f'</a></{self.teaser_heading}>\n    <span class="submitted">{self.byline(a.author, a.published, a.variant)}</span>\n'
                f'    <div class="content">{a.teaser_html}</div>\n    <div class="links">&raquo; {more}</div>\n</div>\n')


class Pushbutton(Bluemarine):
    """pushbutton: bluemarine's node markup, but teasers title in ``h1.title`` (its ``node.tpl.php``)."""

    name = "pushbutton"
    teaser_heading = "h1"

    def submitted(self, who: str | None, when: object, variant: int) -> str:
        return BYLINES["submitted_en"](self.user(who), when)


class Chameleon(Garland):
    """chameleon (a PHP theme, no tpl files): ``chameleon_page()`` tables with the title in
    ``td#main > h2``; ``chameleon_node()`` links a teaser's title with ``l()`` (so to its path alias), puts "By !author at @date" and the terms into the node's
    ``ul.links``; ``chameleon_comment()`` the same for comments."""

    name = "chameleon"

    def node_attrs(self, a: DemoArticle, classes: str = "node") -> str:
        return f'class="{self.type_classes(classes)}"'  # chameleon_node() prints no id

    def submitted(self, who: str | None, when: object, variant: int) -> str:
        return BYLINES["by_at"](self.user(who), when)

    def block(self, block: Block) -> str:
        bid, title, inner = block
        kind = bid.split("-")[0]
        heading = f"<h2>{title}</h2>" if title else ""
        return f'<div id="block-{bid}" class="block block-{kind}">{heading}<div class="content">{inner}</div></div>\n'

    def page(self, *, title: str, heading: str | None, crumbs: str, content: str, left: list[Block],
             right: list[Block], base: str, footer: str, body_class: str = "") -> str:
        head_title = f"{title} | {t.SITE_NAME}" if title else t.SITE_NAME
        h2 = f"<h2>{escape(heading)}</h2>" if heading else ""
        crumbs, left, right = self.chrome(crumbs.replace(" › ", " » "), left, right)
        body = f' class="{body_class.strip()}"' if body_class else ""
        return (
            _head(head_title, base) + f"<body{body}>\n"
            f' <div id="header">  <a href="/" title="Главная"><img src="/themes/{self.name}/logo.png" alt="Главная" /></a>'
            f'  <h1 class="site-name title"><a href="/">{t.SITE_NAME}</a></h1></div>\n'
            f' <div class="navlinks">{_MENU}</div>\n <table id="content">\n  <tr>\n'
            '   <td id="sidebar-left">' + "".join(self.block(b) for b in left) + "</td>\n"
            f'   <td id="main">\n{crumbs}{h2}\n<!-- begin content -->\n{content}\n<!-- end content -->\n'
            f' <div id="footer">{footer}</div>\n   </td>\n'
            '   <td id="sidebar-right">' + "".join(self.block(b) for b in right) + "</td>\n"
            "  </tr>\n </table>\n </body>\n</html>\n")

    def _links(self, a: DemoArticle, items: list[tuple[str, str]]) -> str:
        submitted = [("node_submitted", f"<span>{self.byline(a.author, a.published, a.variant)}</span>")]
        terms = term_items(a) if self.m.terms == "theme" else []
        return f'<div class="links">{_ul(submitted + terms + items)}</div>\n'

    def node(self, a: DemoArticle, views: int, base: str) -> str:
        return (f'<div {self.node_attrs(a)}>\n{body_content(a, m=self.m)}{self._links(a, link_items(a, views, self.m))}'
                f"{share_widget(base, a.nid, self.m)}</div>\n{self.comments(a)}")

    def comment(self, a: DemoArticle, c: DemoComment, k: int) -> str:
        paras = "".join(f"<p>{escape(p)}</p>" for p in c.paragraphs)
        items = [("comment_submitted", f"<span>{self.byline(c.author, c.published, a.variant)}</span>")]
        if self.m.comments == "open":
            items.append(("comment_forbidden", _login_to_comment(a.nid)))
        return (f'<a id="comment-{c.cid}"></a>\n<div class="comment comment-published">\n'
                f' <h3 class="title"><a href="{a.alias}#comment-{c.cid}">{escape(c.subject)}</a></h3>\n'
                f' <div class="content">{paras}</div>\n <div class="links">{_ul(items, "links")}</div>\n</div>\n')

    def teaser(self, a: DemoArticle) -> str:
        more = [("node_read_more", f'<a href="/node/{a.nid}" title="Читать полностью.">Подробнее</a>')]
        return (f'<div {self.node_attrs(a)}>\n <h2 class="title"><a href="{a.alias}">{escape(a.title)}</a></h2>\n'
                f' <div class="content">{a.teaser_html}</div>\n{self._links(a, more)}</div>\n')


class Marvin(Chameleon):
    """chameleon's sub-theme: the same markup, other style sheets."""

    name = "marvin"


#: Theme classes by name; a site makes one with its :class:`Markup`.
THEMES: dict[str, type[Garland]] = {theme.name: theme for theme in (
    Garland, Minnelli, Bluemarine, Pushbutton, Chameleon, Marvin, Zen)}


def print_page(a: DemoArticle, base: str) -> str:
    """The print module's page: title, byline, banner and body, and the source URL."""
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="ru" xml:lang="ru">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f"<title>{escape(a.title)} | {t.SITE_NAME}</title>\n"
        '<meta name="robots" content="noindex, nofollow" />\n'
        f'<link rel="canonical" href="{base}{a.alias}" />\n</head>\n<body>\n'
        f'<div class="print-logo"><img src="/sites/default/files/garland_logo.png" alt="" /></div>\n'
        f'<div class="print-site_name">Опубликовано на {t.SITE_NAME} ({base})</div>\n'
        f'<h1 class="print-title">{escape(a.title)}</h1>\n'
        f'<div class="print-submitted">Опубликовано {t.ru_date(a.published)} пользователем {a.author or t.GUEST}</div>\n'
        f'<div class="print-content">{t.BANNER_HTML}\n{a.body_html}\n{attachments_table(a)}{source_field(a)}</div>\n'
        f'<div class="print-footer">{t.SITE_NAME}</div><hr class="print-hr" />\n'
        f'<div class="print-source_url"><strong>Источник (получено  {a.published.year}):</strong> '
        f'<a href="{base}{a.alias}">{base}{a.alias}</a></div>\n</body>\n</html>\n')


def _archive_page(title: str, content: str, meta: str | None, nav: str) -> str:
    meta_tag = f'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset={meta}">\n' if meta else ""
    banner = "<BR>\n".join(t.BANNER_LINES)
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<HTML>\n<HEAD>\n'
        f"{meta_tag}<TITLE>{escape(title)}</TITLE>\n</HEAD>\n"
        '<BODY BGCOLOR="#FFFFFF" TEXT="#000000" LINK="#003399" VLINK="#663399">\n'
        '<TABLE WIDTH="100%" BORDER=0 CELLPADDING=4 CELLSPACING=0>\n'
        f'<TR><TD COLSPAN=2 BGCOLOR="#003366"><FONT COLOR="#FFFFFF" FACE="Arial" SIZE="+2"><B>{t.SITE_NAME}</B></FONT></TD></TR>\n'
        f'<TR><TD COLSPAN=2 BGCOLOR="#FFFFCC"><FONT FACE="Arial" SIZE=2>{banner}</FONT></TD></TR>\n'
        f'<TR><TD WIDTH=160 VALIGN=TOP BGCOLOR="#EEEEEE"><FONT FACE="Arial" SIZE=2>{nav}</FONT></TD>\n'
        f"<TD VALIGN=TOP>\n{content}\n</TD></TR>\n"
        '<TR><TD COLSPAN=2 ALIGN=CENTER><FONT SIZE=1>&copy; 2000-2004 Наука и техника. '
        'Перепечатка материалов только со ссылкой на источник. | <A HREF="/">Главная</A></FONT></TD></TR>\n'
        "</TABLE>\n</BODY>\n</HTML>\n")


def archive_nav(years: list[int]) -> str:
    return '<A HREF="/archive/">Архив</A><BR>\n' + "".join(f'<A HREF="/archive/{y}/">{y}</A><BR>\n' for y in years)


def archive_item(item: ArchiveItem, nav: str, meta: str | None) -> str:
    """An archive story: <font> soup, unclosed <P>, relative links."""
    paras = "\n".join(f'<P ALIGN="justify"><FONT FACE="Times New Roman" SIZE=3>{escape(p)}</FONT>' for p in item.paragraphs)
    image = f'<IMG SRC="{item.image}" WIDTH=200 HEIGHT=150 ALIGN=RIGHT HSPACE=8 ALT="фото">\n' if item.image else ""
    content = (f'<FONT FACE="Arial" SIZE="+1"><B>{escape(item.title)}</B></FONT><BR>\n'
               f'<FONT SIZE=1 COLOR="#666666">{item.date_text}</FONT><BR><BR>\n{image}{paras}\n'
               f'<BR><BR><FONT SIZE=2><A HREF="./">&lt;&lt; Назад к списку</A></FONT>')
    return _archive_page(f"{t.SITE_NAME} :: Архив :: {item.title}", content, meta, nav)


def archive_listing(title: str, rows: list[tuple[str, str, str]], nav: str, meta: str | None) -> str:
    """A table of (href, date, title) rows."""
    trs = "".join(f'<TR><TD><FONT SIZE=2>{d}</FONT></TD><TD><A HREF="{h}"><FONT SIZE=2>{escape(x)}</FONT></A></TD></TR>\n'
                  for h, d, x in rows)
    content = f'<FONT FACE="Arial" SIZE="+1"><B>{escape(title)}</B></FONT><BR><BR>\n<TABLE BORDER=0 CELLPADDING=2>\n{trs}</TABLE>'
    return _archive_page(f"{t.SITE_NAME} :: {title}", content, meta, nav)
