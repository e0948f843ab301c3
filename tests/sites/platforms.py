"""Small generated sites in the markup of real platforms' templates, as the saved real sites print it: a
WordPress blog (Twenty Twelve's ``content.php`` and ``twentytwelve_entry_meta()``, ``wp_list_comments()``), a
Drupal 7 site (``node.tpl.php``, Field API fields, an injected spam block hidden by a packed script), a Joomla 1.5
site (``contentpaneopen`` tables, ``table.blog`` listings, the e-mail cloaking notice), Blogger pages and a
DataLife Engine site (a third-party theme around the engine's own comment form and read counter).

Each site is a route function for :class:`tests.sites.server.RouteServer`; the text is Faker's, nothing is
copied from a real page. ``truth`` says what each entry holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from faker import Faker

_FAKE = Faker("en_US")


def _seeded(seed: int) -> None:
    """Each site draws the same text every time it is built (a test builds its own copy to compare with)."""
    _FAKE.seed_instance(seed)


def _sentences(n: int) -> list[str]:
    return [_FAKE.sentence(nb_words=9) for _ in range(n)]


@dataclass
class Entry:
    path: str
    title: str
    paragraphs: list[str]
    published: str | None
    author: str | None
    tags: list[str] = field(default_factory=list)
    comments: list[tuple[str, str, str]] = field(default_factory=list)  # author, ISO time, text
    aliases: list[str] = field(default_factory=list)


def _page(title: str, head: str, body_class: str, main: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>{head}</head>"
            f"<body class='{body_class}'><div id='page'><header><h1 class='site-title'><a href='/'>Site</a></h1>"
            f"<nav><a href='/'>Home</a> <a href='/about/'>About</a></nav></header>{main}"
            f"<aside class='widget'><h3>Archives</h3><ul><li><a href='/2013/02/'>February 2013</a></li></ul></aside>"
            f"</div></body></html>")


# -- WordPress ----------------------------------------------------------------------------------------

_WP_HEAD = ("<meta name='generator' content='WordPress 3.5.1' />"
            "<link rel='stylesheet' href='/wp-content/themes/twentytwelve/style.css?ver=3.5.1' />"
            "<link rel='https://api.w.org/' href='/wp-json/' /><link rel='pingback' href='/xmlrpc.php' />")


class WordPressBlog:
    """A short post (one sentence), a long one with threaded comments, a year-less date, listings of every
    kind, platform endpoints in links, and a meta-refresh stub that points to ``elsewhere`` (another host)."""

    def __init__(self, elsewhere: str = "http://127.0.0.2:9/") -> None:
        self.elsewhere = elsewhere
        _seeded(1)
        self.entries = [
            Entry("/2013/02/01/805/", "A short note", [_FAKE.sentence(nb_words=8)], "2013-02-01T10:15:00+00:00",
                  "Ivan Petrov", ["News", "notes"], aliases=["/2013/02/01/805"]),
            Entry("/2013/02/03/long-post/", "A long post", _sentences(8), "2013-02-03T18:40:00+00:00", "Anna Lee",
                  ["Travel", "serbia", "language"],
                  [("Marko", "2013-02-04T09:00:00+00:00", _FAKE.sentence()),
                   ("Anna Lee", "2013-02-04T11:30:00+00:00", _FAKE.sentence()),
                   ("Jelena", "2013-02-05T12:00:00+00:00", _FAKE.sentence())],
                  aliases=["/2013/02/03/long-post/comment-page-2/"]),
            Entry("/2013/03/02/no-year/", "Printed without a year", _sentences(3), "2013-03-02", "Ivan Petrov",
                  ["News"]),
        ]

    def _meta(self, e: Entry) -> str:
        cats = f"<a href='/category/{e.tags[0].lower()}/' rel='category tag'>{e.tags[0]}</a>"
        tags = ", ".join(f"<a href='/tag/{t}/' rel='tag'>{t}</a>" for t in e.tags[1:])
        if e.published and "T" in e.published:
            when = f"<time class='entry-date' datetime='{e.published}'>{e.published[:10]}</time>"
        else:  # a theme that prints the day and month only
            when = "<time class='entry-date'>2 March</time>"
        tagged = f" and tagged {tags}" if tags else ""
        return (f"<footer class='entry-meta'>This entry was posted in {cats}{tagged} on <a href='{e.path}' "
                f"rel='bookmark'>{when}</a><span class='by-author'> by <span class='author vcard'><a class='url fn n' "
                f"href='/author/{e.author.split()[0].lower() if e.author else ''}/' rel='author'>{e.author}</a></span>"
                f"</span>.</footer>")

    def _comments(self, e: Entry) -> str:
        if not e.comments:
            return ""
        items = []
        for n, (who, when, text) in enumerate(e.comments, 1):
            items.append(f"<li class='comment even depth-1' id='li-comment-{n}'><article id='comment-{n}' class='comment'>"
                         f"<header class='comment-meta comment-author vcard'><cite><b class='fn'>{who}</b></cite>"
                         f"<a href='{e.path}#comment-{n}'><time datetime='{when}'>{when[:10]} at {when[11:16]}</time></a>"
                         f"</header><section class='comment-content comment'><p>{escape(text)}</p></section>"
                         f"<div class='reply'><a class='comment-reply-link' href='{e.path}?replytocom={n}#respond'>Reply"
                         f"</a></div></article></li>")
        return (f"<div id='comments' class='comments-area'><h2 class='comments-title'>{len(items)} thoughts</h2>"
                f"<ol class='commentlist'>{''.join(items)}</ol><nav id='comment-nav-below'>"
                f"<a href='{e.path}comment-page-2/#comments'>Older comments</a></nav></div>")

    def _single(self, e: Entry, n: int) -> str:
        text = "".join(f"<p>{escape(p)}</p>" for p in e.paragraphs)
        share = (f"<div class='sharedaddy'><h3>Share this:</h3><a href='{e.path}?share=twitter'>Twitter</a> "
                 f"<a href='{e.path}?share=facebook'>Facebook</a></div>")
        main = (f"<div id='primary'><article id='post-{n}' class='post-{n} post type-post status-publish hentry'>"
                f"<header class='entry-header'><h1 class='entry-title'>{escape(e.title)}</h1></header>"
                f"<div class='entry-content'>{text}{share}</div>{self._meta(e)}</article>"
                f"<nav class='nav-single'><a href='/' rel='prev'>Previous</a></nav>{self._comments(e)}</div>")
        head = _WP_HEAD + f"<link rel='canonical' href='{e.path}' />"  # rel_canonical() in wp_head
        return _page(f"{e.title} | Site", head, f"single single-post postid-{n} single-format-standard", main)

    def _listing(self, body_class: str, title: str) -> str:
        items = "".join(
            f"<article id='post-{n}' class='post-{n} post type-post hentry'><header class='entry-header'>"
            f"<h1 class='entry-title'><a href='{e.path}' rel='bookmark'>{escape(e.title)}</a></h1></header>"
            f"<div class='entry-content'><p>{escape(e.paragraphs[0])}</p></div>{self._meta(e)}</article>"
            for n, e in enumerate(self.entries, 800))
        links = ("<a href='/2013/02/01/805'>the note</a> <a href='/page/2/'>Older posts</a> <a href='/old/'>old</a> "
                 "<a href='/wp-json/wp/v2/posts'>API</a> <a href='/xmlrpc.php?rsd'>RSD</a> "
                 "<a href='/wp-login.php'>Log in</a> <a href='/events/?ical=1'>+ iCal Export</a> "
                 "<a href='/category/news/'>News</a> "
                 "<a href='/author/ivan/'>Ivan</a> <a href='/tag/notes/'>notes</a>")
        return _page(title, _WP_HEAD, body_class, f"<div id='primary'>{items}<nav>{links}</nav></div>")

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        for n, e in enumerate(self.entries, 805):
            if path in (e.path, *e.aliases):
                return 200, {}, self._single(e, n)
        listings = {"/": "home blog", "/page/2/": "home blog paged paged-2", "/2013/02/": "archive date",
                    "/category/news/": "archive category category-news", "/tag/notes/": "archive tag tag-notes",
                    "/author/ivan/": "archive author author-ivan"}
        if path in listings:
            return 200, {}, self._listing(listings[path], "Site")
        if path == "/old/":
            return 200, {}, (f"<html><head><meta http-equiv='refresh' content='0; url={self.elsewhere}'></head>"
                             f"<body>Moved.</body></html>")
        return 404, {}, "<html><body>Not found</body></html>"


# -- Drupal 7 -----------------------------------------------------------------------------------------

_D7_HEAD = ("<meta name='Generator' content='Drupal 7 (http://drupal.org)' />"
            "<script src='/misc/drupal.js?v=7.26'></script>")
#: What a compromised site's bodies carry: shoe-shop links in a span, and a packed script that hides them.
SPAM = ("<span class='keys_words'><a class='links_good_rands' href='https://shoes.example/'>Authentic Sneakers</a> | "
        "<a class='links_good_rands' href='https://boots.example/'>Releases</a></span>"
        "<script>eval(function(p,a,c,k,e,d){e=function(c){return c};return p}('0 1',2,2,'a|b'.split('|'),0,{}))"
        "</script>")


class Drupal7Site:
    """Two nodes, each under ``/node/N`` and its alias ``/writeup/N`` (the canonical link names the alias),
    "DD.MM.YYYY HH:MM, by user" lines, Category and Event term fields, and a front page of teasers."""

    def __init__(self) -> None:
        _seeded(2)
        self.entries = [
            Entry("/writeup/7", "risc_emu", ["Task:", *_sentences(4)], "2014-03-05T17:59:00+04:00", "villy",
                  ["pwn", "Boston Key Party 2014"], aliases=["/node/7"]),
            Entry("/writeup/8", "tiny", [_FAKE.sentence(nb_words=5)], "2014-03-06T09:05:00+04:00", "azrael",
                  ["web", "RuCTF 2014"], aliases=["/node/8"]),
        ]

    def _node(self, e: Entry, nid: int) -> str:
        day = f"{e.published[8:10]}.{e.published[5:7]}.{e.published[:4]} {e.published[11:16]}" if e.published else ""
        terms = "".join(
            f"<div class='field field-name-field-{name} field-type-taxonomy-term-reference field-label-inline clearfix'>"
            f"<div class='field-label'>{name.title()}:&nbsp;</div><div class='field-items'><div class='field-item even'>"
            f"<a href='/taxonomy/term/{n}'>{term}</a></div></div></div>"
            for n, (name, term) in enumerate(zip(("category", "event"), e.tags, strict=True)))
        text = "".join(f"<p>{escape(p)}</p>" for p in e.paragraphs)
        main = (f"<div id='content'><h1 class='title' id='page-title'>{escape(e.title)}</h1>"
                f"<div id='block-system-main' class='block block-system'><div class='content'>"
                f"<article id='node-{nid}' class='node node-writeup node-promoted clearfix'>"
                f"<div class='submitted'>{day}, by <span class='username'>{e.author}</span></div>"
                f"<div class='content'>{terms}<div class='field field-name-body field-type-text-with-summary "
                f"field-label-hidden'><div class='field-items'><div class='field-item even'>{text}{SPAM}</div></div>"
                f"</div></div><ul class='links inline'><li><a href='/user/login'>Log in</a></li></ul></article>"
                f"</div></div></div>")
        head = _D7_HEAD + f"<link rel='canonical' href='{e.path}' />"
        return _page(f"{e.title} | Crew", head,
                     f"html not-front not-logged-in page-node page-node-{nid} node-type-writeup", main)

    def _front(self) -> str:
        teasers = "".join(
            f"<div id='node-{n}' class='node node-writeup node-teaser clearfix'><h2><a href='{e.path}'>"
            f"{escape(e.title)}</a></h2><div class='content'><p>{escape(e.paragraphs[-1])}</p></div>"
            f"<ul class='links inline'><li class='node-readmore'><a href='{e.path}'>Read more</a></li></ul></div>"
            for n, e in enumerate(self.entries, 7))
        links = "".join(f"<a href='{a}'>{a}</a> " for e in self.entries for a in e.aliases)
        return _page("Crew", _D7_HEAD, "html front not-logged-in page-node",
                     f"<div id='content'><div class='region region-content'>{teasers}</div>{links}</div>")

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        if path == "/":
            return 200, {}, self._front()
        for nid, e in enumerate(self.entries, 7):
            if path in (e.path, *e.aliases):
                return 200, {}, self._node(e, nid)
        return 404, {}, "<html><body>Not found</body></html>"


# -- Joomla 1.5 ---------------------------------------------------------------------------------------

_J_HEAD = ("<meta name='generator' content='Joomla! 1.5 - Open Source Content Management' />"
           "<meta name='author' content='Administrator' />")
CLOAK = ("<span id='cloak4821'>This e-mail address is being protected from spambots. You need JavaScript enabled to "
         "view it</span><script type='text/javascript'>var prefix = 'ma' + 'il' + 'to';</script>")


class JoomlaSite:
    """Two articles (one also under its Joomla 1.0 URL and another menu item, one printing a day and month only), a category blog
    listing, and the print and e-mail-a-friend links Joomla prints under every article."""

    def __init__(self) -> None:
        _seeded(3)
        self.entries = [
            # Joomla 1.5's own route (ContentHelperRoute::getArticleRoute: view=article, catid, the menu item's
            # Itemid), and the 1.0 route old links still use, under another menu item
            Entry("/index.php?option=com_content&view=article&id=12&catid=2&Itemid=3", "Project report",
                  [*_sentences(2), "Write to us at"], "2006-03-20T10:46:00+03:00", "Olena",
                  aliases=["/index.php?option=com_content&task=view&id=12&Itemid=7"]),
            Entry("/index.php?option=com_content&view=article&id=13&Itemid=3", "Short pointer",
                  [_FAKE.sentence(nb_words=6)], None, "Olena"),
            # articles of the SEF era (JRouterSite writes "id:alias" as "N-alias"), also linked by old non-SEF links;
            # the blog links the first by its SEF URL, the second by its route (either can arrive first)
            Entry("/projects/14-annual-report.html", "Annual report", _sentences(2), "2006-03-20T10:46:00+03:00",
                  "Olena", aliases=["/index.php?option=com_content&view=article&id=14&catid=2&Itemid=3"]),
            Entry("/index.php?option=com_content&view=article&id=15&catid=2&Itemid=3", "Meeting notes", _sentences(2),
                  "2006-03-20T10:46:00+03:00", "Olena", aliases=["/projects/15-meeting-notes.html"]),
            # another article whose SEF alias looks like an id (a third-party SEF extension): a record of its own
            Entry("/projects/14-years-on.html", "Fourteen years on", _sentences(2), "2006-03-20T10:46:00+03:00", "Olena"),
        ]
        self.sef = {12: None, 13: None, 14: "/projects/14-annual-report.html", 15: "/projects/15-meeting-notes.html",
                    16: "/projects/14-years-on.html"}

    def _article(self, e: Entry, aid: int) -> str:
        created = "Monday, 20 March 2006 10:46" if e.published else "20 March"
        text = "".join(f"<p>{escape(p)}</p>" for p in e.paragraphs) + (CLOAK if aid == 12 else "")
        sef = self.sef[aid]  # a SEF site prints its icon links SEF too: no id in their query
        printed = f"{sef}?tmpl=component&print=1" if sef else f"/index.php?view=article&id={aid}&tmpl=component&print=1"
        icons = (f"<td class='buttonheading'><a href='{printed}'>Print</a>"
                 f"</td><td class='buttonheading'><a href='/index.php?option=com_mailto&tmpl=component&link=x'>E-mail</a>"
                 f"</td><td><a href='/index.php?option=com_content&task=emailform&id={aid}'>Tell a friend</a></td>")
        main = (f"<div class='content'><table class='contentpaneopen'><tr><td class='contentheading' width='100%'>"
                f"{escape(e.title)}</td>{icons}</tr></table><table class='contentpaneopen'><tr><td valign='top'>"
                f"<span class='small'>Written by {e.author}</span>&nbsp;&nbsp;</td></tr><tr><td valign='top' "
                f"class='createdate'>{created}</td></tr><tr><td valign='top'>{text}</td></tr><tr><td class='modifydate'>"
                f"Last Updated on Friday, 13 April 2007 16:09</td></tr></table><span class='article_separator'>"
                f"&nbsp;</span></div>")
        return _page(e.title, _J_HEAD + f"<meta name='title' content='{escape(e.title)}' />", "", main)

    def _blog(self) -> str:
        items = "".join(
            f"<tr><td><table class='contentpaneopen'><tr><td class='contentheading'><a href='{e.path.replace('&', '&amp;')}'"
            f" class='contentpagetitle'>{escape(e.title)}</a></td></tr></table><table class='contentpaneopen'><tr>"
            f"<td valign='top'><p>{escape(e.paragraphs[0])}</p></td></tr><tr><td><a href='{e.path.replace('&', '&amp;')}'"
            f" class='readon'>Read more...</a></td></tr></table></td></tr>" for e in self.entries)
        links = "".join(f"<a href='{a.replace('&', '&amp;')}'>old link</a> " for e in self.entries for a in e.aliases)
        return _page("Home", _J_HEAD, "", f"<div class='content'><table class='blog'>{items}</table>{links}</div>")

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        if path in ("/", "/index.php?option=com_content&view=category&layout=blog&id=2&Itemid=5"):
            return 200, {}, self._blog()
        for aid, e in enumerate(self.entries, 12):
            if path in (e.path, *e.aliases):
                return 200, {}, self._article(e, aid)
        return 404, {}, "<html><body>Not found</body></html>"


class JoomlaPartnersSite:
    """A Joomla 1.5 site whose template prints no byline and no date (the article view's ``<meta name="author">``
    still names the article's author), mod_breadcrumbs' pathway with the menu path and category, every article under two routes
    (``catid`` first and ``id`` first, as two menu links build them), blog views holding ONE item (a category blog
    with one full item that has no page of its own, a section blog with one teaser and its Read more link), and
    the core com_contact and com_search pages (a contact card prints its name in a ``td.contentheading``)."""

    CATEGORY = "/index.php?option=com_content&view=category&layout=blog&id=7&Itemid=6"
    SECTION = "/index.php?option=com_content&view=section&layout=blog&id=3&Itemid=9"
    NEWS = "/index.php?option=com_content&view=category&layout=blog&id=13&Itemid=12"
    CONTACT = "/index.php?option=com_contact&view=contact&id=1&Itemid=8"
    SEARCH = "/index.php?option=com_search&view=search&Itemid=7"

    def __init__(self) -> None:
        _seeded(15)
        self.entries = []
        self.trail: dict[str, list[tuple[str, str]]] = {}
        for aid, slug in ((7, "resource-centre"), (8, "learning-technology")):
            e = Entry(f"/index.php?option=com_content&view=article&id={aid}:{slug}&catid=7:partners&Itemid=6",
                      _FAKE.company(), [f"Location: {_FAKE.city()}", *_sentences(2)], None, "smriti", ["Partners"],
                      aliases=[f"/index.php?option=com_content&view=article&catid=7:partners&id={aid}:{slug}&Itemid=6"])
            self.entries.append(e)
            self.trail[e.path] = [(self.CATEGORY, "Partners")]
        e = Entry("/index.php?option=com_content&view=article&id=17:open-forum&catid=10:open-forum-conference&Itemid=9",
                  "International Open Forum", _sentences(3), None, "smriti", ["Events", "Open Forum Conference"])
        self.entries.append(e)
        self.trail[e.path] = [(self.SECTION, "Events"),
                              ("/index.php?view=category&id=10:open-forum-conference&option=com_content&Itemid=9",
                               "Open Forum Conference")]
        e = Entry("/index.php?option=com_content&view=article&id=23&Itemid=11", "Participants", _sentences(1), None,
                  "smriti")
        self.entries.append(e)
        self.trail[e.path] = []
        self.news = ("Partner Meeting", _sentences(2))

    @staticmethod
    def _href(path: str) -> str:
        return path.replace("&", "&amp;")

    def _shell(self, title: str, head: str, main: str, pathway: str) -> str:
        menu = "".join(f"<tr><td><a href='{self._href(p)}' class='mainlevel'>{n}</a></td></tr>" for p, n in (
            ("/index.php?option=com_content&view=frontpage&Itemid=1", "Home"), (self.CATEGORY, "Partners"),
            (self.entries[3].path, "Participants"), (self.SECTION, "Events"), (self.NEWS, "In the News"),
            (self.CONTACT, "Contact Us"), (self.SEARCH, "Search")))
        crumbs = (f"<div class='moduletable'><span class='breadcrumbs pathway'><a href='/' class='pathway'>Home</a>"
                  f"{pathway}</span></div>")
        return _page(title, "<meta name='generator' content='Joomla! 1.5 - Open Source Content Management' />" + head,
                     "", f"<div id='maincol'><div class='content'><a name='content'></a>{main}</div></div>"
                         f"<div id='rightcol'>{crumbs}<div class='modulepurple'><h3>Main Menu</h3>"
                         f"<table width='100%'>{menu}</table></div></div>")

    @staticmethod
    def _item(title: str | None, text: str, readon: str = "", link: str = "") -> str:
        named = f"<a href='{link}' class='contentpagetitle'>{escape(title)}</a>" if link and title else escape(title or "")
        heading = (f"<table class='contentpaneopen'><tr><td class='contentheading' width='100%'>{named}</td>"
                   f"</tr></table>") if title else ""
        more = f"<tr><td colspan='2'><a href='{readon}' class='readon'>Read more...</a></td></tr>" if readon else ""
        return f"{heading}<table class='contentpaneopen'><tr><td valign='top' colspan='2'>{text}</td></tr>{more}</table>"

    def _article(self, e: Entry) -> str:
        text = f"<p>{escape(e.paragraphs[0])}</p>" + "".join(f"<p>{escape(p)}</p>" for p in e.paragraphs[1:])
        partners = self.entries[:2]  # Prev / Next between a category's articles, by the catid-first route
        other = partners[1] if e is partners[0] else partners[0]
        nav = ("<table align='center' class='pagenav'><tr><th class='pagenav_next'><a href='"
               f"{self._href(other.aliases[0])}'>Next &gt;</a></th></tr></table>") if e in partners else ""
        main = self._item(e.title, text + nav) + "<span class='article_separator'>&nbsp;</span>"
        pathway = "".join(f" &gt; <a href='{self._href(p)}' class='pathway'>{n}</a>" for p, n in self.trail[e.path])
        head = f"<meta name='title' content='{escape(e.title)}' /><meta name='author' content='{e.author}' />"
        return self._shell(e.title, head, main, f"{pathway} &gt; {escape(e.title)}")

    def _blog(self, heading: str, items: str) -> str:
        return self._shell(heading, "", f"<div class='componentheading'>{heading}</div><table class='blog'><tr>"
                                        f"<td valign='top'><div>{items}<span class='article_separator'>&nbsp;</span>"
                                        f"</div></td></tr></table>", f" &gt; {heading}")

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        if path in ("/", "/index.php?option=com_content&view=frontpage&Itemid=1"):  # the frontpage blog
            return 200, {}, self._blog("Home", self._item("Welcome", f"<p>{_FAKE.sentence()}</p>")
                                       + self._item("Bienvenue", f"<p>{_FAKE.sentence()}</p>"))
        if path == self.CATEGORY:
            return 200, {}, self._blog("Partners", "".join(
                self._item(e.title, f"<p>{escape(e.paragraphs[0])}</p>", link=self._href(e.path))
                for e in self.entries[:2]))
        if path == self.SECTION:  # one teaser: looks like one article, is the section's blog
            e = self.entries[2]
            return 200, {}, self._blog("Events", self._item(e.title, f"<span>{escape(e.paragraphs[0])}</span>",
                                                             readon=self._href(e.path)))
        if path == self.NEWS:  # one full item, no page of its own
            title, text = self.news
            return 200, {}, self._blog("In the News", self._item(title, "".join(f"<p>{t}</p>" for t in text)))
        if path == self.CONTACT:
            card = ("<div class='componentheading'>Contact Us</div><div id='component-contact'><table width='100%' "
                    "class='contentpaneopen'><tr><td width='100%' class='contentheading'>Resource Centre</td></tr>"
                    f"<tr><td><table><tr><td valign='top'>{escape(_FAKE.street_address())}</td></tr></table></td></tr>"
                    "</table><form action='/index.php' method='post' name='emailForm' id='emailForm'>"
                    "<textarea name='text'></textarea><button type='submit'>Send</button></form></div>")
            return 200, {}, self._shell("Contact", "", card, " &gt; Contact Us")
        if path == self.SEARCH:
            form = ("<div class='componentheading'>Search</div><form id='searchForm' action='/index.php' method='post'>"
                    "<input type='text' name='searchword' /><button>Search</button></form>")
            return 200, {}, self._shell("Search", "", form, " &gt; Search")
        for e in self.entries:
            if path in (e.path, *e.aliases):
                return 200, {}, self._article(e)
        return 404, {}, "<html><body>Not found</body></html>"


# -- Blogger ------------------------------------------------------------------------------------------

def blogger_post(e: Entry, post_id: str, classic_comments: bool = True) -> str:
    """A Blogger item page (layout template markup) of one post."""
    text = "<br />".join(escape(p) for p in e.paragraphs)
    labels = ", ".join(f"<a href='/search/label/{t}' rel='tag'>{t}</a>" for t in e.tags)
    comments = "".join(
        f"<dt class='comment-author' id='c{n}'><a name='c{n}'></a>{who} dijo...</dt><dd class='comment-body'>"
        f"<p>{escape(body)}</p></dd><dd class='comment-footer'><span class='comment-timestamp'><a href='#c{n}'>"
        f"{when}</a></span></dd>" for n, (who, when, body) in enumerate(e.comments))
    main = (f"<div class='blog-posts hfeed'><h2 class='date-header'><span>domingo, 25 de julio de 2010</span></h2>"
            f"<div class='post-outer'><div class='post hentry' itemprop='blogPost'>"
            f"<meta content='{post_id}' itemprop='postId'/><h3 class='post-title entry-title'>{escape(e.title)}</h3>"
            f"<div class='post-body entry-content' id='post-body-{post_id}'>{text}<div style='clear: both;'></div></div>"
            f"<div class='post-footer'><span class='post-author vcard'>Publicado por <span class='fn'>{e.author}</span>"
            f"</span> <span class='post-timestamp'>en <a class='timestamp-link' href='{e.path}'><abbr class='published'"
            f" title='{e.published}'>13:46</abbr></a></span> <span class='post-labels'>Etiquetas: {labels}</span>"
            f"</div></div></div><div class='comments' id='comments'><dl id='comments-block'>{comments}</dl></div>"
            f"<div class='blog-pager'><a class='blog-pager-older-link' href='/2010/07/older.html'>Entrada antigua</a>"
            f"</div></div>")
    return _page(e.title, "<meta content='blogger' name='generator'/>", "", main)


def blogger_listing(entries: list[tuple[Entry, str]]) -> str:
    posts = "".join(
        f"<div class='post-outer'><div class='post hentry'><h3 class='post-title entry-title'><a href='{e.path}'>"
        f"{escape(e.title)}</a></h3><div class='post-body entry-content' id='post-body-{pid}'>{escape(e.paragraphs[0])}"
        f"</div></div></div>" for e, pid in entries)
    return _page("Blog", "<meta content='blogger' name='generator'/>", "", f"<div class='blog-posts hfeed'>{posts}</div>")


# -- DataLife Engine ----------------------------------------------------------------------------------

_DLE_HEAD = ("<meta name='generator' content='DataLife Engine (https://dle-news.ru)'>"
             "<link rel='stylesheet' href='/templates/Masonry/css/style.css'>")
_DLE_MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


@dataclass
class DleStory(Entry):
    news_id: int = 0
    category: tuple[str, str] = ("Программы", "soft")  # name, path
    images: list[str] = field(default_factory=list)
    comments_open: bool = True


class DleSite:
    """A DataLife Engine site in the markup a third-party theme (fxclub.uz's "Masonry") and the engine print:
    full stories ``/N-slug.html`` (``div.post-single``: category link, ``h4`` title, the meta line with the author's
    profile link and "13-апр-2023, 16:25", ``div.post-single-body``), the engine's comment form with its hidden
    ``post_id`` and its read-count script, category listings of ``div.post-card`` teasers at ``/<cat>.html`` and
    ``/<cat>/page/2/``, the front page. Two stories are a student's photo card: images alone, and images with a
    one-line caption (fxclub's /13-… and /48-…); one has its comments closed (no form: the read counter remains)."""

    def __init__(self) -> None:
        _seeded(15)
        soft, students = ("Программы", "soft"), ("Ученики", "mystudents")
        self.entries: list[DleStory] = [
            DleStory(f"/{n}-{_FAKE.slug()}.html", _FAKE.sentence(nb_words=5).rstrip("."), _sentences(6 + n % 3),
                     f"2023-04-{10 + n}T16:{10 + n}:00+03:00", "xasanov", [soft[0]], news_id=n, category=soft,
                     comments_open=n != 4)
            for n in range(1, 7)]
        self.entries.append(DleStory("/7-student-card.html", "Облобердиев Нурмуҳаммад", [], "2023-04-13T19:00:00+03:00",
                                     "xasanov", [students[0]], news_id=7, category=students,
                                     images=["/uploads/posts/2023-04/1.jpg", "/uploads/posts/2023-04/2.jpg"]))
        self.entries.append(DleStory("/8-graduate-card.html", "Нормуродов Бехруз",
                                     ["Выпускник учебного центра SENSORIKA EDUCATION"], "2023-07-31T15:01:00+03:00",
                                     "xasanov", [students[0]], news_id=8, category=students,
                                     images=["/uploads/posts/2023-07/3.jpg"]))
        self.entries[1].comments = [("Muhsin", "2023-04-14T14:28:00+03:00", _FAKE.sentence()),
                                    ("Алишер", "2023-04-15T13:34:00+03:00", _FAKE.sentence())]
        self.categories = {path: [e for e in self.entries if e.category[1] == path] for path in (soft[1], students[1])}

    def _page(self, title: str, main: str, script: str = "") -> str:
        menu = "".join(f"<li><a href='/{path}.html'>{path}</a></li>" for path in self.categories)
        return (f"<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>{escape(title)}</title>{_DLE_HEAD}"
                f"<meta property='og:type' content='article'></head><body><header><nav id='main_nav'><ul>{menu}</ul>"
                f"</nav></header><section class='section pt-55'><div class='container-fluid'><div class='row'>"
                f"<div class='col-lg-8 mb-20'>{main}</div><div class='col-lg-4'><div class='widget'><h5>Облако тэгов"
                f"</h5><a href='/tags/windows/'>windows</a> <a href='/tags/bios/'>BIOS</a></div></div></div></div>"
                f"</section><footer><a href='/rules.html'>Правила</a></footer><script>var dle_root = '/';\n"
                f"var dle_skin = 'Masonry';\njQuery(function($){{{script}}});</script></body></html>")

    @staticmethod
    def _printed(iso: str) -> str:
        """DLE's default date format: "13-апр-2023, 19:00"."""
        return f"{iso[8:10]}-{_DLE_MONTHS[int(iso[5:7]) - 1]}-{iso[:4]}, {iso[11:16]}"

    def _story(self, e: DleStory) -> str:
        assert e.published
        images = "".join(f"<p><a href='{src}' class='highslide'><img src='{src.replace('/posts/', '/posts/medium/')}'"
                         f" alt=''></a></p>" for src in e.images)
        text = "<p><br></p>" + images + "".join(f"<p>{escape(p)}</p>" for p in e.paragraphs)
        comments = "".join(
            f"<div id='comment-id-{n}'><li class='comment-item'><img src='/templates/Masonry/dleimages/noavatar.png' "
            f"alt='{who}'><div class='content'><ul class='info list-inline'><li>{who}</li><li class='dot'></li>"
            f"<li> {self._printed(when)}</li></ul><div class='full-comment'><div id='comm-id-{n}'><p>{escape(body)}"
            f"</p></div></div></div></li></div>" for n, (who, when, body) in enumerate(e.comments, 1))
        form = (f"<form method='post' name='dle-comments-form' id='dle-comments-form'><div class='title'><h5>Добавить "
                f"комментарий</h5></div><textarea name='comments' id='comments'></textarea><input type='hidden' "
                f"name='subaction' value='addcomment'><input type='hidden' name='post_id' id='post_id' "
                f"value='{e.news_id}'></form>") if e.comments_open else ""
        main = (f"<div class='post-single'><div class='post-single-image'><img src='/uploads/posts/{e.news_id}.jpg' "
                f"alt='{escape(e.title)}'></div><div class='post-single-content'><a href='/{e.category[1]}/' "
                f"class='categorie'>{e.category[0]}</a><h4>{escape(e.title)}</h4><div class='post-single-info'>"
                f"<ul class='list-inline'><li><a href='/user/{e.author}/'>{e.author}</a></li><li class='dot'></li>"
                f"<li>{self._printed(e.published)}</li><li class='dot'></li><li>{len(e.comments)} комментариев</li>"
                f"</ul></div></div><div class='post-single-body text-justify'>{text}</div><div class='post-single-footer'>"
                f"<div class='social-media'><div class='ya-share2'></div></div></div></div><div class='widget mb-50'>"
                f"<div class='title'><h5>Комментарии ({len(e.comments)})</h5></div><ul class='widget-comments'><form "
                f"method='post' name='dlemasscomments' id='dlemasscomments'><div id='dle-comments-list'>{comments}"
                f"</div></form></ul>{form}</div>")
        counter = (f"setTimeout(function() {{ $.get(dle_root + 'engine/ajax/controller.php?mod=adminfunction', "
                   f"{{ 'id': '{e.news_id}', action: 'newsread', user_hash: dle_login_hash }}); }}, 5000);")
        crumbs = [("fxclub", "/"), (e.category[0], f"/{e.category[1]}/"), (e.title, e.path)]
        items = ",".join(f'{{"@type":"ListItem","position":{n},"item":{{"@id":"https://fxclub.test{href}","name":"{name}"}}}}'
                         for n, (name, href) in enumerate(crumbs, 1))
        breadcrumbs = ('<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":'
                       f'"BreadcrumbList","@context":"https://schema.org/","itemListElement":[{items}]}}]}}</script>')
        return self._page(f"{e.title} » fxclub - Новости", main + breadcrumbs, counter)

    def _cards(self, title: str, entries: list[DleStory], pages: str = "") -> str:
        cards = "".join(
            f"<div class='card'><div class='post-card'><div class='post-card-image'><a href='{e.path}'><img "
            f"src='/uploads/posts/thumbs/{e.news_id}.jpg' alt='img'></a></div><div class='post-card-content'><a "
            f"href='/{e.category[1]}/' class='categorie'>{e.category[0]}</a><h5><a href='{e.path}'>{escape(e.title)}"
            f"</a></h5><p>{escape(e.paragraphs[0][:90]) if e.paragraphs else ''}</p><div class='post-card-info'><ul "
            f"class='list-inline'><li><a href='/user/{e.author}/'>{e.author}</a></li><li class='dot'></li>"
            f"<li>{e.published[8:10]}-{e.published[5:7]}-{e.published[:4]}, {e.published[11:16]}</li></ul></div>"
            f"</div></div></div>" for e in entries if e.published)
        main = (f"<div class='categorie-title mb-30'><div class='speedbar'><a href='/'>fxclub</a> » {title}</div>"
                f"<h1>Категория : <span>{title}</span></h1></div><div class='card-columns'>{cards}</div>"
                f"<div class='pagination mt-30 mb-30'>{pages}</div>")
        return self._page(f"{title} » fxclub - Новости", main)

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        if path in ("/", "/index.html"):
            return 200, {}, self._cards("Новости", self.entries)
        for category, entries in self.categories.items():
            if path in (f"/{category}.html", f"/{category}/"):
                return 200, {}, self._cards(entries[0].category[0], entries[:3], f"<a href='/{category}/page/2/'>2</a>")
            if path == f"/{category}/page/2/":
                return 200, {}, self._cards(entries[0].category[0], entries[3:] or entries[:1])
        for e in self.entries:
            if path == e.path:
                return 200, {}, self._story(e)
        return 404, {}, "<html><body>Not found</body></html>"
