"""HTML of the demo site: two Drupal 6 themes (Garland, Zen), the print layout and the HTML 3.2 archive.

Garland follows ``tests/pages/drupal6_article.html`` exactly; Zen wraps the same pieces differently.
Templates are plain f-strings: rendering a page must cost well under a millisecond.
"""
from __future__ import annotations

from html import escape
from urllib.parse import quote, unquote

from migrator.demo import text as t
from migrator.demo.content import Article, ArchiveItem, Comment, file_bytes, human_size

Block = tuple[str, str, str]  # (block id, title, inner html)


def _user(name: str | None) -> str:
    if name is None:
        return t.GUEST
    return f'<a href="/users/{name}" title="Информация о пользователе.">{name}</a>'


def _login_to_comment(nid: int) -> str:
    return (f'<span><a href="/user/login?destination=comment%2Freply%2F{nid}%23comment-form">'
            f"{t.LOGIN_TO_COMMENT}</a> для отправки комментариев</span>")


def source_field(a: Article) -> str:
    """CCK link field "Источник(и):" — with items, with empty items, or nothing."""
    if a.source_mode == "absent":
        return ""
    if a.source_mode == "empty":
        items = '        <div class="field-item odd"></div>\n'
    else:
        items = "".join(
            f'        <div class="field-item {"odd" if k % 2 == 0 else "even"}"><a href="{escape(u)}">'
            f'{escape(u.split("/")[2].removeprefix("www."))}</a></div>\n' for k, u in enumerate(a.sources))
    return ('    <div class="field field-type-link field-field-source">\n'
            '      <div class="field-label">Источник(и):&nbsp;</div>\n'
            f'      <div class="field-items">\n{items}      </div>\n    </div>\n')


def node_links(a: Article, views: int) -> str:
    return (f'  <div class="links"><ul class="links inline"><li class="statistics_counter first"><span>'
            f"{t.views_label(views)}</span></li>\n"
            f'<li class="comment_forbidden">{_login_to_comment(a.nid)}</li>\n'
            f'<li class="print_html"><a href="/print/{a.nid}" title="Display a printer-friendly version of this page." '
            f'class="print-page" rel="nofollow">Версия для печати</a></li>\n'
            f'<li class="forward_links last"><a href="/forward?path=node/{a.nid}" title="Отправить страницу другу" '
            f'class="forward-page">Отправить другу</a></li>\n</ul></div>\n')


def share_widget(base: str, nid: int) -> str:
    target = quote(f"{base}/node/{nid}", safe="")
    return ('  <div class="service-links"><ul class="links">'
            f'<li class="service_links_vkontakte first"><a href="http://vkontakte.ru/share.php?url={target}" '
            f'rel="nofollow">ВКонтакте</a></li><li class="service_links_facebook"><a href="http://www.facebook.com/'
            f'sharer.php?u={target}" rel="nofollow">Facebook</a></li><li class="service_links_twitter last">'
            f'<a href="http://twitter.com/share?url={target}" rel="nofollow">Twitter</a></li></ul></div>\n')


def attachments_table(a: Article) -> str:
    """The upload module's table of the files not linked inline, after the body (empty without any)."""
    rows = [f for f in a.attachments if not f.inline]
    if not rows:
        return ""
    cells = "".join(
        f'<tr class="{"odd" if k % 2 == 0 else "even"}"><td><a href="{escape(f.path)}">{escape(f.name)}</a></td>'
        f"<td>{human_size(len(file_bytes(unquote(f.path))))}</td></tr>" for k, f in enumerate(rows))
    return (f'<table id="attachments"><thead><tr><th>Вложение</th><th>Размер</th></tr></thead>'
            f"<tbody>{cells}</tbody></table>\n")


def body_content(a: Article, fields: str = "") -> str:
    """The node's ``div.content``: banner, body, the attachments table, then CCK fields (tags, sources)."""
    return (f'  <div class="content">\n    {t.BANNER_HTML}\n{a.body_html}\n{attachments_table(a)}'
            f"{fields}{source_field(a)}  </div>\n")


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
    """Drupal 6's default theme, as on the reference page."""

    name = "garland"

    def block(self, block: Block) -> str:
        bid, title, inner = block
        kind = bid.split("-")[0]
        heading = f"<h2>{title}</h2>" if title else ""
        return f'    <div id="block-{bid}" class="clear-block block block-{kind}">{heading}<div class="content">{inner}</div></div>\n'

    def submitted(self, who: str | None, when: object, variant: int) -> str:
        return f"Опубликовано {t.ru_date(when)} пользователем {_user(who)}"  # type: ignore[arg-type]

    def page(self, *, title: str, heading: str | None, crumbs: str, content: str, left: list[Block],
             right: list[Block], base: str, footer: str) -> str:
        head_title = f"{title} | {t.SITE_NAME}" if title else t.SITE_NAME
        h2 = f"    <h2>{escape(heading)}</h2>\n" if heading else ""
        return (
            _head(head_title, base) + '<body class="sidebars">\n<div id="header-region" class="clear-block"></div>\n'
            '<div id="wrapper">\n<div id="container" class="clear-block">\n  <div id="header">\n'
            f'    <div id="logo-floater"><h1><a href="/" title="{t.SITE_NAME}"><img src="/sites/default/files/garland_logo.png" '
            f'alt="{t.SITE_NAME}" id="logo" /><span>{t.SITE_NAME}</span></a></h1></div>\n    {_MENU}\n  </div>\n'
            '  <div id="sidebar-left" class="sidebar">\n' + "".join(self.block(b) for b in left) + "  </div>\n"
            '  <div id="center"><div id="squeeze"><div class="right-corner"><div class="left-corner">\n'
            f'    <div class="breadcrumb">{crumbs}</div>\n{h2}    <div class="clear-block">\n{content}    </div>\n'
            f'    <div id="footer">{footer}</div>\n  </div></div></div></div>\n'
            '  <div id="sidebar-right" class="sidebar">\n' + "".join(self.block(b) for b in right) + "  </div>\n"
            "</div>\n</div>\n</body>\n</html>\n")

    def terms(self, a: Article) -> str:
        if not a.tags:
            return ""
        items = []
        for k, (tid, name) in enumerate(a.tags):
            pos = (" first" if k == 0 else "") + (" last" if k == len(a.tags) - 1 else "")
            items.append(f'<li class="taxonomy_term_{tid}{pos}"><a href="/taxonomy/term/{tid}" rel="tag" title="">{name}</a></li>\n')
        return f'    <div class="terms terms-inline"><ul class="links inline">{"".join(items)}</ul></div>\n'

    def node(self, a: Article, views: int, base: str) -> str:
        return (f'<div id="node-{a.nid}" class="node">\n  <div class="meta">\n'
                f'    <span class="submitted">{self.submitted(a.author, a.published, a.variant)}</span>\n'
                f"{self.terms(a)}  </div>\n{body_content(a)}{node_links(a, views)}{share_widget(base, a.nid)}</div>\n"
                f"{self.comments(a)}")

    def comment(self, a: Article, c: Comment, k: int) -> str:
        paras = "".join(f"<p>{escape(p)}</p>" for p in c.paragraphs)
        return (f'  <a id="comment-{c.cid}"></a>\n  <div class="comment comment-published {"odd" if k % 2 == 0 else "even"}">\n'
                f'    <div class="clear-block">\n      <span class="submitted">{self.submitted(c.author, c.published, a.variant)}</span>\n'
                f'      <h3><a href="{a.alias}#comment-{c.cid}" class="active">{escape(c.subject)}</a></h3>\n'
                f'      <div class="content">{paras}</div>\n    </div>\n'
                f'    <ul class="links"><li class="comment_forbidden first last">{_login_to_comment(a.nid)}</li></ul>\n  </div>\n')

    def comments(self, a: Article) -> str:
        if not a.comments:
            return ""
        return '<div id="comments">\n' + "".join(self.comment(a, c, k) for k, c in enumerate(a.comments)) + "</div>\n"

    def teaser(self, a: Article) -> str:
        return (f'<div id="node-{a.nid}" class="node">\n<h2><a href="{a.alias}" title="{escape(a.title)}">{escape(a.title)}</a></h2>\n'
                f'  <span class="submitted">{self.submitted(a.author, a.published, a.variant)}</span>\n'
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
            return f"Submitted by {_user(who)} on {t.numeric_date(when)}"  # type: ignore[arg-type]
        return f"Автор: {_user(who)}, {t.ru_date_dash(when)}"  # type: ignore[arg-type]

    def page(self, *, title: str, heading: str | None, crumbs: str, content: str, left: list[Block],
             right: list[Block], base: str, footer: str) -> str:
        head_title = f"{title} | {t.SITE_NAME}" if title else t.SITE_NAME
        h1 = f'<h1 class="title">{escape(heading)}</h1>' if heading else ""
        return (
            _head(head_title, base) + '<body class="not-front not-logged-in two-sidebars">\n'
            '<div id="page"><div id="page-inner">\n<div id="header"><div id="header-inner" class="clear-block">'
            f'<div id="logo-title"><div id="site-name"><strong><a href="/" title="Главная" rel="home">{t.SITE_NAME}'
            '</a></strong></div></div></div></div>\n'
            f'<div id="navbar"><div id="navbar-inner" class="clear-block region region-navbar"><div id="primary">{_MENU}</div></div></div>\n'
            '<div id="main"><div id="main-inner" class="clear-block with-navbar">\n'
            '<div id="content"><div id="content-inner">\n'
            f'<div id="content-header"><div class="breadcrumb">{crumbs}</div>{h1}</div>\n'
            f'<div id="content-area">\n{content}</div>\n</div></div>\n'
            '<div id="sidebar-left"><div id="sidebar-left-inner" class="region region-left">\n'
            + "".join(self.block(b) for b in left) + "</div></div>\n"
            '<div id="sidebar-right"><div id="sidebar-right-inner" class="region region-right">\n'
            + "".join(self.block(b) for b in right) + "</div></div>\n</div></div>\n"
            f'<div id="footer"><div id="footer-inner" class="region region-footer"><div id="footer-message">{footer}</div></div></div>\n'
            "</div></div>\n</body>\n</html>\n")

    def terms(self, a: Article) -> str:
        """Taxonomy links in the node's meta, unless this node shows them as a CCK field."""
        return super().terms(a) if a.variant // 2 % 2 == 0 else ""

    def tags_field(self, a: Article) -> str:
        """Tags as a CCK field inside ``div.content``, as Zen sites with content_taxonomy did."""
        if not a.tags or a.variant // 2 % 2 == 0:
            return ""
        items = "".join(f'<div class="field-item {"odd" if k % 2 == 0 else "even"}"><a href="/taxonomy/term/{tid}" rel="tag">{name}</a></div>'
                        for k, (tid, name) in enumerate(a.tags))
        return ('  <div class="field field-type-content-taxonomy field-field-tags"><div class="field-label">Теги:&nbsp;</div>'
                f'<div class="field-items">{items}</div></div>\n')

    def node(self, a: Article, views: int, base: str) -> str:
        return (f'<div id="node-{a.nid}" class="node node-type-story"><div class="node-inner">\n'
                f'  <div class="meta"><span class="submitted">{self.submitted(a.author, a.published, a.variant)}</span></div>\n'
                f"{self.terms(a)}{body_content(a, self.tags_field(a))}{node_links(a, views)}"
                f"{share_widget(base, a.nid)}</div></div>\n"
                f"{self.comments(a)}")

    def comment(self, a: Article, c: Comment, k: int) -> str:
        paras = "".join(f"<p>{escape(p)}</p>" for p in c.paragraphs)
        return (f'<a id="comment-{c.cid}"></a>\n<div class="comment comment-published {"odd" if k % 2 == 0 else "even"}">'
                f'<div class="comment-inner">\n  <h3 class="title"><a href="{a.alias}#comment-{c.cid}">{escape(c.subject)}</a></h3>\n'
                f'  <div class="submitted">{self.submitted(c.author, c.published, a.variant)}</div>\n'
                f'  <div class="content">{paras}</div>\n'
                f'  <div class="links"><ul class="links"><li class="comment_forbidden first last">{_login_to_comment(a.nid)}</li></ul></div>\n'
                "</div></div>\n")

    def comments(self, a: Article) -> str:
        if not a.comments:
            return ""
        return ('<div id="comments"><h2 class="comments">Комментарии</h2>\n'
                + "".join(self.comment(a, c, k) for k, c in enumerate(a.comments)) + "</div>\n")

    def teaser(self, a: Article) -> str:
        return (f'<div id="node-{a.nid}" class="node node-teaser"><div class="node-inner">\n'
                f'<h2 class="title"><a href="{a.alias}">{escape(a.title)}</a></h2>\n'
                f'  <div class="meta"><span class="submitted">{self.submitted(a.author, a.published, a.variant)}</span></div>\n'
                f'  <div class="content">{a.teaser_html}</div>\n'
                f'  <div class="links"><ul class="links inline"><li class="node_read_more first last"><a href="/node/{a.nid}">'
                "Подробнее</a></li></ul></div>\n</div></div>\n")


THEMES: dict[str, Garland] = {"garland": Garland(), "zen": Zen()}


def print_page(a: Article, base: str) -> str:
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
