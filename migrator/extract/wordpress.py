"""The WordPress profile (2.x–5.x themes, static exports of them).

Recognised by ``<meta name="generator" content="WordPress …">``, ``/wp-content/`` or ``/wp-includes/`` assets,
or ``post_class()``'s marks (``hentry`` / ``type-post`` on an element ``id="post-N"``).

Which page is one entry: ``body_class()`` (``get_body_class()`` in ``wp-includes/post-template.php``) prints
``single single-post postid-N`` on a post, ``page page-id-N`` on a page, and ``home``, ``blog``, ``archive``,
``date``, ``category``, ``tag``, ``author``, ``search``, ``paged`` on listings; a static page whose template loops
over the posts (``template-blog.php``) is a listing by its posts, each a ``type-post`` with a permalink title. Themes
older than WordPress 2.8 print no body classes: then one post whose title is not a permalink (``single.php`` of the Kubrick default theme
prints ``<h2>`` plain, ``index.php`` and ``archive.php`` link it ``rel="bookmark"``) is an entry.

Where the fields stand (Twenty Twelve's ``content.php`` and ``twentytwelve_entry_meta()``, Twenty Ten to
Twenty Seventeen, Underscores, Kubrick): ``h1.entry-title``; ``time.entry-date[datetime]`` (``published`` in
hAtom themes, ``article:published_time`` from SEO plugins); ``<span class="author vcard"><a rel="author">``;
``get_the_category_list()`` links ``rel="category tag"``, ``get_the_tag_list()`` links ``rel="tag"``; the text in
``div.entry-content`` (``div.entry`` in Kubrick), without what common plugins print into it (Jetpack's
``sharedaddy`` and related posts, AddToAny, WordPress Related Posts' ``wp_rp_wrap``, YARPP, Popularity
Contest's ``p.akpc_pop``); comments from ``wp_list_comments()``
(``wp-includes/class-walker-comment.php``): ``<li class="comment" id="comment-N">`` holding ``div.comment-body``
with ``div.comment-author vcard`` / ``cite.fn``, ``div.comment-meta commentmetadata`` (the date) and the text,
or, in HTML5 themes, ``footer.comment-meta`` and ``div.comment-content``.
"""
from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from migrator.clean import clean
from migrator.clean.rules import norm, remove_all
from migrator.clean.text import element_to_text
from migrator.extract import breadcrumbs, platform
from migrator.extract.common import unique
from migrator.extract.dates import find_date, parse_date, to_iso
from migrator.extract.metadata import visible_author
from migrator.extract.platform import Places, has_class, labelled_name
from migrator.record import Comment

if TYPE_CHECKING:
    from migrator.extract import PageResult
    from migrator.mapping import Config

NAME = "wordpress"
#: The profile of a static page's record (not a post's): read by this profile, withdrawable like a generic one.
PAGE_PROFILE = "wordpress-page"

_GENERATOR = re.compile(r"^wordpress\b")
_ASSETS = etree.XPath("boolean(//link[contains(@href, '/wp-content/') or contains(@href, '/wp-includes/')]"
                      " | //script[contains(@src, '/wp-content/') or contains(@src, '/wp-includes/')])")
#: ``id="post-N"`` (digits only: not a theme's "post-header").
_POST_ID_ATTR = ("(starts-with(@id, 'post-') and string-length(@id) > 5"
                 " and translate(substring(@id, 6), '0123456789', '') = '')")
_POSTS = etree.XPath(
    "//*[self::div or self::article or self::section][" + _POST_ID_ATTR + " or " + has_class("hentry") + " or "
    + has_class("type-post") + " or " + has_class("type-page") + "][not(ancestor::*[" + _POST_ID_ATTR + " or "
    + has_class("hentry") + "])][not(ancestor::*[" + has_class("widget") + " or " + has_class("sidebar")
    + " or @id='sidebar' or self::aside])]")
_KUBRICK_POSTS = etree.XPath("//div[" + has_class("post") + "][not(ancestor::div[" + has_class("post") + "])]")
_PERMALINK_TITLE = etree.XPath(".//*[self::h1 or self::h2 or self::h3][a[@rel='bookmark' or contains(@href, '/')]]")
#: Comment pagination (``get_comments_pagenum_link()``): ``/comment-page-N/`` with pretty permalinks, else ``cpage=N``.
COMMENT_PAGE = re.compile(r"/comment-page-\d+/?(?:index\.html?)?\?|[?&]cpage=\d+")
_POST_ID = re.compile(r"^(?:postid|page-id)-(\d+)$")
_ID_ATTR = re.compile(r"^post-(\d+)$")

#: ``body_class()`` tokens of a listing, and the reason a listing is skipped.
LISTING_CLASSES = ("paged", "search", "date", "category", "tag", "author", "archive", "home", "blog", "error404")
ENTRY_CLASSES = ("single", "single-post", "page")

PLACES = Places(
    title=(".entry-title", ".post-title", "h1", "h2", "h3"),
    body=(".entry-content", ".post-content", ".entry", ".post-entry", ".storycontent", ".post-body"),
    date=("time.entry-date", ".entry-date", "abbr.published", ".published", "time[datetime]", ".post-date",
          ".postdate"),
    updated=("time.updated", ".updated"),
    author=(".author.vcard .fn", ".author.vcard", ".byline .author", "a[rel~=author]", ".post-author",
            ".entry-author"),
    tags=("a[rel~=category]", "a[rel~=tag]"),
    drop=(".sharedaddy", ".jp-relatedposts", ".addtoany_share_save_container", ".wp_rp_wrap", ".yarpp-related",
          ".page-links", ".entry-meta", ".postmetadata", ".entry-utility", "p.author", ".post-author", ".entry-author",
          ".wp_rp_wrap", ".akpc_pop"),
    comments="li.comment, li.trackback, li.pingback",
    comment_author=(".comment-author .fn", ".fn", "cite", ".comment-author"),
    comment_date=(".comment-metadata time", ".comment-meta time", "time", ".comment-metadata", ".commentmetadata",
                  ".comment-meta"),
    comment_body=(".comment-content",),
)
#: What a comment's box holds besides its text (the legacy walker prints the text loose in ``div.comment-body``).
_COMMENT_FURNITURE = ("cite", ".comment-author", ".comment-meta", ".commentmetadata", ".comment-metadata", ".reply",
                      ".children", "ul", "ol", ".comment-awaiting-moderation", "img.avatar")


def detect(doc: HtmlElement) -> bool:
    """The page's own marks say WordPress."""
    return bool(_GENERATOR.match(platform.generator(doc)) or _ASSETS(doc))


def classify(doc: HtmlElement) -> tuple[str, str, HtmlElement | None]:
    """(kind, reason, the entry's element): ``body_class()`` first, then the posts the page holds."""
    classes = platform.body_classes(doc)
    posts = _POSTS(doc) or _KUBRICK_POSTS(doc)
    if "home" in classes:  # the front page, a static page too: the site's index
        return "listing", "listing: wordpress home", None
    if "attachment" in classes:  # an uploaded file's own page
        return "other", "wordpress attachment page", None
    entry = any(c in classes for c in ENTRY_CLASSES)
    if not entry:
        for name in LISTING_CLASSES:
            if name in classes:
                return "listing", f"listing: wordpress {name}", None
    if not posts:
        return "other", "no post", None
    if entry and "single" not in classes and _loops_posts(posts, classes):
        return "listing", "listing: wordpress page of posts", None
    if entry:
        # the post that holds the text; a page builder's wrapper (Elementor) or a theme that prints the text
        # outside any post element holds none: the generic extractor reads those
        held = [p for p in posts if platform.pick(p, PLACES.body) is not None]
        if held:
            return "article", "", held[0]
        if _ID_ATTR.match(posts[0].get("id") or "") and not css_any(doc, PLACES.body):
            return "article", "", posts[0]  # a classic theme: the text straight in div#post-N
        return "other", "no post", None
    if len(posts) == 1 and not _PERMALINK_TITLE(posts[0]):
        return "article", "", posts[0]
    return "listing", f"listing: {len(posts)} posts", None


def _loops_posts(posts: list[HtmlElement], classes: set[str]) -> bool:
    """A static page whose template loops over the blog's posts (``template-blog.php`` of WooThemes and hundreds of
    other themes: body ``page page-template-template-blog``, from page 2 on ``paged`` too): its top-level post
    elements are the posts' ``post_class()`` (``type-post``, title linked to the permalink), none the page's own
    ``type-page``. Two of them, or one on a page past the first, make it a listing."""
    looped = [p for p in posts if "type-post" in (p.get("class") or "").split() and _PERMALINK_TITLE(p)]
    if not looped or len(looped) < len(posts):
        return False
    return len(looped) >= 2 or "paged" in classes


def css_any(doc: HtmlElement, selectors: tuple[str, ...]) -> bool:
    """Any of the selectors finds something on the page."""
    return platform.pick(doc, selectors) is not None


def post_id(doc: HtmlElement, entry: HtmlElement) -> str | None:
    """"post/N" from ``postid-N`` / ``page-id-N`` on ``<body>`` or ``id="post-N"`` on the entry."""
    for token in platform.body_classes(doc):
        match = _POST_ID.match(token)
        if match:
            return f"post/{match.group(1)}"
    match = _ID_ATTR.match(entry.get("id") or "")
    return f"post/{match.group(1)}" if match else None


def comments_of(doc: HtmlElement, config: Config, removed: Counter[str]) -> list[Comment]:
    """Each comment's author, date and own text (replies, nested in ``ul.children``, are comments of their own)."""
    comments = []
    for element in platform.css(PLACES.comments)(doc):
        box = deepcopy(element)
        body = platform.pick(box, PLACES.comment_body)
        if body is None:
            body = platform.pick(box, (".comment-body",))
            body = box if body is None else body
            remove_all(platform.picks(body, _COMMENT_FURNITURE))
        removed.update(clean(body, config))
        raw = platform.date_text(platform.pick(element, PLACES.comment_date))
        comments.append(Comment(author=platform.author_text(platform.pick(element, PLACES.comment_author)),
                                published_at=parse_date(raw, config.timezone), body_text=element_to_text(body),
                                published_raw=raw))
    return comments


_META_PUBLISHED = etree.XPath("//meta[@property='article:published_time']/@content")
#: ``post_class()`` names each of the post's terms by its slug: ``category-<slug>``, ``tag-<slug>``.
_TERM_CLASS = re.compile(r"^(?:category|tag)-(.+)$")
#: A category archive (``get_category_link()``): ``/category/<slug>/`` under the default category base (a child
#: category under its parents' slugs), ``?cat=N`` without pretty permalinks.
_CATEGORY_LINKS = etree.XPath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")
_CATEGORY_ARCHIVE = re.compile(r"/category/[^?#]+|[?&]cat=\d+")


def term_links(entry: HtmlElement, body: HtmlElement | None) -> tuple[list[str], set[str]]:
    """Names of the post's terms that a theme links without ``rel="tag"`` (Customizr's ``a.tax__link``): links in
    the post, outside its text, to the archive of a term its ``post_class()`` names; and the classes they matched.

    >>> import lxml.html
    >>> entry = lxml.html.fragment_fromstring('<article class="post hentry category-computer-society tag-linux">'
    ...     '<a href="http://s.test/category/computer-society/">Computer Society</a><div class="entry-content"><p>'
    ...     'See <a href="/tag/linux/">all our Linux posts</a>.</p></div></article>')
    >>> term_links(entry, entry.find("div"))
    (['Computer Society'], {'category-computer-society'})
    """
    classes = {m.group(1).lower(): token for token in (entry.get("class") or "").split()
               if (m := _TERM_CLASS.match(token))}
    names, used = [], set()
    for link in entry.iter("a") if classes else ():
        if body is not None and any(a is body for a in link.iterancestors()):
            continue  # a link in the text to the post's own tag ("all about ESWC 2015") names no term
        path = urlsplit(link.get("href") or "").path
        segments = [s for s in path.lower().replace("%", "").split("/") if s and s != "index.html"]
        if len(segments) >= 2 and segments[-1] in classes:
            names.append(norm(link.text_content()))
            used.add(classes[segments[-1]])
    return unique(names), used


def breadcrumb_categories(doc: HtmlElement, url: str) -> list[str]:
    """The category trail a breadcrumb plugin prints above the post (Breadcrumb NavXT, Yoast: Home > parent
    category > category > the post): its steps that link a category archive.

    >>> import lxml.html
    >>> doc = lxml.html.fromstring('<html><body><div class="breadcrumbs"><a href="/">Home</a> &gt; '
    ...     '<a href="/category/tournaments/">Tournaments</a> &gt; <a href="/category/tournaments/news/">News</a> &gt; '
    ...     '<span>The post</span></div></body></html>')
    >>> breadcrumb_categories(doc, "http://b.test/the-post/")
    ['Tournaments', 'News']
    """
    return unique(crumb.name for crumb in breadcrumbs.trail(doc, url)
                  if _CATEGORY_ARCHIVE.search(urlsplit(crumb.href).path + "?" + urlsplit(crumb.href).query))


def read(doc: HtmlElement, url: str, config: Config, warnings: list[str]) -> PageResult:
    from migrator.extract import PageResult

    kind, reason, entry = classify(doc)
    removed: Counter[str] = Counter()
    if kind != "article" or entry is None:
        return PageResult(kind, NAME, None, None, None, removed, reason)
    if COMMENT_PAGE.search(urlsplit(url).path + "?" + urlsplit(url).query):
        # the post again with another page of its comments: an alias of the post, never a second record
        return PageResult("other", NAME, None, post_id(doc, entry), None, removed, "wordpress comment page")
    # before the body, which may be the post itself, is cleaned: the post's head without its title (a title
    # may hold a date: "Update of 21.01.2016"), and a labelled author in the post or around it
    title = platform.pick(entry, PLACES.title)
    head = norm(entry.text_content()).replace(norm(title.text_content()) if title is not None else "\0", " ", 1)[:400]
    around = entry.getparent()
    labelled = labelled_name(entry) or (labelled_name(around) if around is not None and around.tag != "body" else None)
    terms, used = term_links(entry, platform.pick(entry, PLACES.body))
    places = replace(PLACES if platform.pick(entry, PLACES.body) is not None else _loose(entry), comments="")
    article = platform.read_entry(doc, entry, url, config, places, NAME, removed,
                                  kind="page" if "page" in platform.body_classes(doc) else "post", warnings=warnings,
                                  links_pruned=True)
    if article.type == "page" and _no_text(article.body_html, article.body_text):
        # a post is an entry however short; a static page (a sign-up form, a list of links) must hold a text
        return PageResult("other", NAME, None, None, None, removed, "wordpress page without text")
    if article.type == "page":  # not protected like a post: the site-wide sweeps may still find it held no text
        article.profile = PAGE_PROFILE
    published = _META_PUBLISHED(doc)
    if published and (article.published_at is None or len(article.published_at) == 10
                      or article.published_at[11:16] == "00:00"):
        # SEO plugins' article:published_time carries the time a theme left out ("2.02 2015"): the same day or none
        meta = platform.dated(str(published[0]), url, config.timezone)
        if meta and (article.published_at is None or meta[:10] == article.published_at[:10]):
            article.published_at, article.published_raw = meta, str(published[0])
    if article.published_at is None:
        article.published_at, article.published_raw = _fallback_date(head, config)
    if article.author is None:
        article.author = labelled or visible_author(entry)
    article.tags = unique([*article.tags, *terms])
    if not _CATEGORY_LINKS(entry) and not any(t.startswith("category-") for t in used):
        # no category list in the post: the breadcrumb's category trail names them (its own list wins: a
        # breadcrumb also names the parents of a category)
        article.tags = unique([*article.tags, *breadcrumb_categories(doc, url)])
    article.comments = comments_of(doc, config, removed)
    return PageResult("article", NAME, article, post_id(doc, entry), None, removed, "")


def _no_text(html: str, text: str) -> bool:
    """Fewer words than the generic extractor asks of an article, or most of them in links."""
    from migrator.extract.generic import MAX_LINK_SHARE, MIN_WORDS

    words = len(text.split())
    linked = sum(len(a.text_content().split()) for a in lxml.html.fragment_fromstring(html, create_parent="div").iter("a"))
    return words < MIN_WORDS or linked > MAX_LINK_SHARE * max(words, 1)


def _loose(entry: HtmlElement) -> Places:
    """A theme that prints the text straight into the post's element: the body is the post without the
    blocks that hold its title, date, terms and author (each a short child of the post)."""
    furniture: list[HtmlElement] = []
    marks = [platform.pick(entry, PLACES.title), platform.pick(entry, PLACES.date), platform.pick(entry, PLACES.author),
             *platform.picks(entry, (*PLACES.tags, "a[rel=prev]", "a[rel=next]"))]
    for found in marks:  # the largest short block around each mark, below the post
        while (found is not None and found.getparent() is not None and found.getparent() is not entry
               and len(norm(found.getparent().text_content())) < 300):
            found = found.getparent()
        if found is not None and found is not entry and found not in furniture and len(norm(found.text_content())) < 300:
            furniture.append(found)
    for child in entry:
        if isinstance(child.tag, str) and re.search(r"\b(?:meta|post_type_icon|comments?-box|navigation)\b",
                                                   child.get("class") or ""):
            furniture.append(child)
    for element in furniture:
        element.set("data-wp-furniture", "")
    return Places(title=PLACES.title, body=(), date=PLACES.date, updated=PLACES.updated, author=PLACES.author,
                  tags=PLACES.tags, drop=(*PLACES.drop, "[data-wp-furniture]"))


def _fallback_date(head: str, config: Config) -> tuple[str | None, str | None]:
    """The first date the post's head prints ("Дата: 18 марта 2010")."""
    fields = find_date(head)
    if fields:
        return to_iso(fields, config.timezone), "%02d.%02d.%04d" % (fields[2], fields[1], fields[0])
    return None, None
