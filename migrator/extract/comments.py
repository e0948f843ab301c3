"""Reader comments and forum posts of a page without a profile, read as what they are: author, date, text.

A list of blocks that each carry an author and a date is never an entry's content: under an article it is
the comments, on a forum topic it is the posts (the first post is the topic's own text, the others its
comments). They are found by markup their platforms publish, never by guessing from repetition alone:

- **comments**: schema.org microdata items of type ``Comment``, ``UserComments`` or ``Review`` (uCoz's comment
  template marks each comment ``div.comEnt > table[itemscope][itemtype=…/Review]`` with ``itemprop`` ``author``
  > ``name``, ``datePublished`` and ``reviewBody``), and uCoz's comment entry ``div.comEnt`` in templates
  without microdata (its ``cMessage`` text);
- DataLife Engine's comments: its comment builder (``engine/classes/comments.class.php``) wraps each comment the
  theme's ``comments.tpl`` prints in ``<div id='comment-id-N'>`` and the text its ``{comment}`` tag prints in
  ``<div id='comm-id-N'>``, whatever the theme; the commenter is the ``{author}`` profile link (``user/NAME/``),
  else the name the quote button passes (``dle_copy_quote('NAME', …)``), else the first short line of the head;
- **posts**: a post's text element as the engines' own post templates name it (phpBB 3 ``div.content`` in
  ``div#pN``, vBulletin 3 ``div#post_message_N`` in ``table#postN``, uCoz ``td.posttdMessage`` in
  ``table.postTable``); the poster is the element the engine marks as the poster's name
  (:data:`migrator.extract.fields.POSTER_CLASSES`, or ``data-poster-name``), the date a ``<time datetime>``,
  phpBB's ``data-posttime`` (epoch, UTC), else the first date written in the post outside its text and the
  poster's profile column (whose "Joined:" date is no post date).

:func:`take_comments` removes the comment blocks from the page it reads them from, so neither the content
region, nor the page's author (a commenter's ``itemprop=author``), nor its date (the first comment's) comes
from them; the region learning removes them the same way, so learned places and applied places agree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.rules import norm
from migrator.extract.common import clean_author
from migrator.extract.dates import find_date, parse_date, to_iso
from migrator.record import Comment

_COMMENT_TYPE = re.compile(r"schema\.org/(?:Comment|UserComments|Review)\b")
_COMMENT_ITEMS = etree.XPath("//*[@itemscope][@itemtype]")
_UCOZ_COMMENTS = etree.XPath("//div[contains(concat(' ', normalize-space(@class), ' '), ' comEnt ')]")
_DLE_COMMENTS = etree.XPath("//div[starts-with(@id, 'comment-id-')][.//div[starts-with(@id, 'comm-id-')]]")
_DLE_TEXT = etree.XPath(".//div[starts-with(@id, 'comm-id-')]")
_DLE_QUOTE = re.compile(r"dle_copy_quote\('([^']{1,60})'")
_DLE_PROFILE = re.compile(r"(?:/|^)user/([^/?#]+)/(?:index\.html)?$|subaction=userinfo&(?:amp;)?user=([^&#]+)")
_BODY_PROPS = ("reviewBody", "commentText", "text", "description")
_DATE_PROPS = ("datePublished", "dateCreated", "commentTime")
#: Post text elements of forum engines' post templates, and the block (one post) each stands in.
_POST_TEXTS = etree.XPath(
    "//div[starts-with(@id, 'post_message_')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' content ')][ancestor::*[starts-with(@id, 'p')]]"
    " | //td[contains(concat(' ', normalize-space(@class), ' '), ' posttdMessage ')]")
_PHPBB_POST_ID = re.compile(r"^p\d+$")
_VB_POST_ID = re.compile(r"^post\d+$")
#: The poster's profile column beside a post (phpBB 3 ``dl.postprofile``, uCoz ``td.postTdInfo``): its dates are
#: the poster's ("Joined: …"), not the post's.
_PROFILE_CLASSES = frozenset({"postprofile", "posttdinfo"})
_POSTER_CLASSES = frozenset({"postuser", "username", "username-coloured", "bigusername", "poster", "postauthor"})


def _classes(element: HtmlElement) -> set[str]:
    return {c.lower() for c in (element.get("class") or "").split()}


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def comment_blocks(doc: HtmlElement) -> list[HtmlElement]:
    """The page's comment blocks (outermost first, in page order): uCoz ``div.comEnt`` and schema.org
    comment items."""
    items = [e for e in _COMMENT_ITEMS(doc) if _COMMENT_TYPE.search(e.get("itemtype") or "")]
    found = list(_UCOZ_COMMENTS(doc)) + items + list(_DLE_COMMENTS(doc))
    if len(found) < 2:  # nothing to order (most pages have no comment block): no walk over the whole page
        return found
    order = {e: i for i, e in enumerate(doc.iter())}
    return _outermost(sorted(set(found), key=lambda e: order.get(e, 0)))


def _prop(block: HtmlElement, names: tuple[str, ...]) -> HtmlElement | None:
    for name in names:
        found = block.xpath(f".//*[@itemprop='{name}']")
        if found:
            return found[0]
    return None


def _value(element: HtmlElement | None) -> str:
    if element is None:
        return ""
    return norm(element.get("content") or element.get("datetime") or element.text_content())


def read_comment(block: HtmlElement, timezone: str) -> Comment | None:
    """One comment: its author (None for a guest), date and text; None when it has no text."""
    author = _prop(block, ("author",))
    named = author.xpath(".//*[@itemprop='name']") if author is not None else []
    name = _value(named[0] if named else author) or None
    body = _prop(block, _BODY_PROPS)
    if body is None:
        found = block.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' cMessage ')]")
        body = found[0] if found else None
    if body is None:
        found = _DLE_TEXT(block)
        body = found[0] if found else None
        if body is not None and name is None:
            name = _dle_commenter(block, body)
    if name is None:  # a uCoz template without microdata: the name in bold in its head line
        head = block.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' cTop ')]//b")
        name = next((norm(b.text_content()) for b in head if not norm(b.text_content()).isdigit()), None)
    when = _value(_prop(block, _DATE_PROPS))
    if not when:
        rest = norm(block.text_content()).replace(_value(body), "") if body is not None else norm(block.text_content())
        when = rest
    text = _text(body) if body is not None else ""
    if not text:
        return None
    return Comment(author=clean_author(name) if name else None,
                   published_at=parse_date(when, timezone, fallback=False) if when else None, body_text=text)


def _dle_commenter(block: HtmlElement, text: HtmlElement) -> str | None:
    """A DLE comment's author: the ``{author}`` profile link, the quote button's name, else the first short line
    before the text that is neither a date nor a number (a guest's name is printed bare).

    >>> import lxml.html
    >>> block = lxml.html.fragment_fromstring("<div id='comment-id-2'><ul><li>Diyorbek</li><li> 15-апр-2023, 10:00"
    ...     "</li></ul><div id='comm-id-2'><p>so cool</p></div></div>")
    >>> _dle_commenter(block, block.find("div"))
    'Diyorbek'
    """
    for link in block.iter("a"):
        match = _DLE_PROFILE.search(link.get("href") or "")
        if match and norm(link.text_content()):
            return clean_author(norm(link.text_content())) or None
        quoted = _DLE_QUOTE.search(link.get("onmouseover") or link.get("onclick") or "")
        if quoted:
            return clean_author(quoted.group(1).replace("&nbsp;", " ")) or None
    for piece in block.xpath(".//text()[normalize-space()][not(ancestor::script)]"):
        owner = piece.getparent()
        if owner is text or text in owner.iterancestors():
            break
        line = norm(str(piece))
        if len(line) <= 60 and not find_date(line) and not re.fullmatch(r"[\d\s#.,:|-]*", line):
            return clean_author(line) or None
    return None


def _text(element: HtmlElement) -> str:
    from migrator.clean.text import element_to_text

    return element_to_text(element).strip()


def take_comments(doc: HtmlElement, timezone: str) -> list[Comment]:
    """Read the page's comments and remove their blocks from it (their tails stay)."""
    comments = []
    for block in comment_blocks(doc):
        comment = read_comment(block, timezone)
        if comment is not None:
            comments.append(comment)
        _drop(block)
    return comments


def strip_comments(doc: HtmlElement) -> HtmlElement:
    """The page without its comment blocks (as :func:`take_comments` leaves it), for the region learning."""
    for block in comment_blocks(doc):
        _drop(block)
    return doc


def _drop(element: HtmlElement) -> None:
    parent = element.getparent()
    if parent is not None:
        element.drop_tree()


# -- forum posts ------------------------------------------------------------------------------------

@dataclass
class Post:
    """One forum post: its block, text element, poster and date (ISO)."""

    block: HtmlElement
    text: HtmlElement
    author: str | None
    published_at: str | None
    raw_date: str | None


def _post_block(text: HtmlElement) -> HtmlElement | None:
    """The post a text element stands in: phpBB ``#pN``, vBulletin ``table#postN``, uCoz ``table.postTable``."""
    for ancestor in text.iterancestors():
        ident = ancestor.get("id") or ""
        if _PHPBB_POST_ID.match(ident) or (_VB_POST_ID.match(ident) and ancestor.tag == "table"):
            return ancestor
        if "posttable" in _classes(ancestor):
            return ancestor
    return None


def forum_posts(doc: HtmlElement, timezone: str) -> list[Post]:
    """The posts of a forum topic page, in page order (empty on any other page)."""
    posts: list[Post] = []
    seen: set[HtmlElement] = set()
    for text in _POST_TEXTS(doc):
        block = _post_block(text)
        if block is None or block in seen or any(a in seen for a in block.iterancestors()):
            continue
        seen.add(block)
        author, (published, raw) = _poster(block, text), _post_date(block, text, timezone)
        posts.append(Post(block, text, author, published, raw))
    # a topic: its posts carry dates (a "content" element inside an element with a p-number id is not enough)
    return posts if posts and all(p.published_at for p in posts[:1]) else []


_TOPIC_TITLE = etree.XPath("//h2[contains(concat(' ', normalize-space(@class), ' '), ' topic-title ')]")


def topic_title(doc: HtmlElement, posts: list[Post]) -> str | None:
    """A topic's title: phpBB's ``h2.topic-title``, else the first post's subject heading when ``<title>``
    repeats it (a reply's "Re: …" subject is no topic's title)."""
    found = [norm(h.text_content()) for h in _TOPIC_TITLE(doc)]
    if found and found[0]:
        return found[0]
    heads = doc.xpath("//title")
    head = norm(heads[0].text_content()) if heads else ""
    for heading in posts[0].block.iter("h2", "h3", "h4") if posts else ():
        subject = norm(heading.text_content())
        if len(subject) >= 3 and subject in head:
            return subject
    # boards write "Topic - Forum - Board" (uCoz, vBulletin, phpBB): the first part, when the page prints it
    lead = _TITLE_PARTS.split(head, 1)[0].strip() if head else ""
    if len(lead) >= 3 and lead != head:
        for element in doc.iter():
            if isinstance(element.tag, str) and element.tag not in ("title", "script", "style") and (
                    norm((element.text or "")) == lead):
                return lead
    return None


_TITLE_PARTS = re.compile(r"\s+[-–—|»]\s+")


_FORUM_LINKS = etree.XPath("//a[contains(@href, 'viewforum.php') or contains(@href, 'forumdisplay.php')]")
#: Breadcrumb links as the engines print them: vBulletin's navbits (``span.navbar > a``), phpBB 3.1+'s
#: ``span.crumb``, schema.org / data-vocabulary breadcrumbs.
_CRUMBS = etree.XPath("//span[contains(concat(' ', normalize-space(@class), ' '), ' navbar ')]//a"
                      " | //span[contains(concat(' ', normalize-space(@class), ' '), ' crumb ')]//a"
                      " | //*[contains(@itemtype, 'Breadcrumb')]//a")
_TOPIC_LINK = re.compile(r"viewtopic|showthread", re.I)


#: phpBB's overall_header.html: ``<body id="phpbb" class="nojs notouch section-{SCRIPT_NAME} …">`` - which script
#: made the page; only ``viewtopic`` shows an entry (a topic), the board index and forum views list them.
_PHPBB_BODY = etree.XPath("//body[@id='phpbb']/@class")
PHPBB_LISTINGS = frozenset({"index", "viewforum", "search", "memberlist"})
#: ...and its other scripts, which show no entry: the FAQ, the control panels, the posting form, who is online,
#: ``app.php`` routes (the help pages, extensions' pages). A board's own scripts beside them are left to the page.
PHPBB_SERVICE = frozenset({"faq", "ucp", "mcp", "posting", "report", "viewonline", "app"})


def phpbb_kind(section: str | None) -> str | None:
    """"listing" or "other" for a phpBB script that shows no topic; None for a topic or a script phpBB has not.

    >>> phpbb_kind("viewforum"), phpbb_kind("app/help/faq"), phpbb_kind("viewtopic"), phpbb_kind("codex")
    ('listing', 'other', None, None)
    """
    if section in PHPBB_LISTINGS:
        return "listing"
    return "other" if section is not None and section.split("/")[0] in PHPBB_SERVICE else None


def phpbb_section(doc: HtmlElement) -> str | None:
    """The script a phpBB page names in its ``<body>`` ("viewtopic", "index", "faq", "app/help/faq"…), else None.

    >>> import lxml.html
    >>> phpbb_section(lxml.html.fromstring('<html><body id="phpbb" class="nojs notouch section-viewforum ltr"></body></html>'))
    'viewforum'
    """
    for value in _PHPBB_BODY(doc):
        for token in str(value).split():
            if token.startswith("section-") and len(token) > len("section-"):
                return token[len("section-"):]
    return None


#: vBulletin 3-4 names the script that made a page nowhere in its markup (phpBB's ``section-`` body class), but its
#: scripts' names are fixed and its URLs carry them (``member.php?u=N``; saved as ``member.php-u=N.html`` or
#: ``member.php@u=N.html``): on a page whose generator meta names vBulletin, only ``showthread.php`` shows an entry
#: (a thread); ``forumdisplay.php`` and the forum home ``index.php`` list threads and forums, ``memberlist.php``,
#: ``showgroups.php`` and ``online.php`` list members; ``member.php`` is a member's profile (MEMBERINFO), and the
#: FAQ, poll results, single-post pop-ups, the profile editor and ``misc.php``'s dialogs show no entry.
_VBULLETIN = etree.XPath("boolean(//meta[@name='generator'][starts-with(normalize-space(@content), 'vBulletin')])")
_VBULLETIN_SCRIPT = re.compile(r"/(\w+)\.php(?:$|[?@-]|%3F|%40|\.html$)", re.I)
VBULLETIN_SCRIPTS = {
    "forumdisplay": ("listing", "listing: vBulletin forumdisplay"), "index": ("listing", "listing: vBulletin index"),
    "memberlist": ("listing", "listing: vBulletin memberlist"), "showgroups": ("listing", "listing: vBulletin showgroups"),
    "online": ("listing", "listing: vBulletin online"), "member": ("other", "user or login page"),
    "profile": ("other", "user or login page"), "faq": ("other", "other: vBulletin faq"),
    "poll": ("other", "other: vBulletin poll"), "showpost": ("other", "other: vBulletin showpost"),
    "misc": ("other", "other: vBulletin misc"),
}


def vbulletin_kind(doc: HtmlElement, url: str) -> tuple[str, str] | None:
    """(kind, reason) for a vBulletin page whose script shows no entry, by the script its URL names; None for a
    thread, a page of another engine, or a script vBulletin has not (a site's own page beside the board).

    >>> import lxml.html
    >>> doc = lxml.html.fromstring('<html><head><meta name="generator" content="vBulletin 3.8.7"></head><body></body></html>')
    >>> vbulletin_kind(doc, "http://b.test/member.php-u=1037.html"), vbulletin_kind(doc, "http://b.test/showthread.php?t=5")
    (('other', 'user or login page'), None)
    """
    parts = urlsplit(url)
    found = _VBULLETIN_SCRIPT.search(parts.path + ("?" if parts.query else ""))
    if found is None or found.group(1).lower() not in VBULLETIN_SCRIPTS or not _VBULLETIN(doc):
        return None
    return VBULLETIN_SCRIPTS[found.group(1).lower()]


#: phpBB 3's forumlist_body.html prints one ``<a href="{forumrow.U_VIEWFORUM}" class="forumtitle">`` per forum
#: (prosilver and the styles built on it; subsilver2 ``class="forumlink"``): the board index's forum rows, and a
#: forum view's sub-forums.
_PHPBB_FORUM_ROWS = etree.XPath(
    "//a[contains(concat(' ', normalize-space(@class), ' '), ' forumtitle ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' forumlink ')][@href]")


def phpbb_forum_rows(doc: HtmlElement) -> int:
    """How many forums a phpBB page lists in the engine's forum-list rows (``a.forumtitle``, ``a.forumlink``): a
    board whose index is its own script (``forum.php`` beside a portal at ``index.php``, ``section-forum``) still
    prints them.

    >>> import lxml.html
    >>> phpbb_forum_rows(lxml.html.fromstring('<html><body id="phpbb" class="nojs section-forum"><table>'
    ...     '<tr><td><a href="viewforum.php?f=2" class="forumtitle">News</a></td></tr>'
    ...     '<tr><td><a href="viewforum.php?f=3" class="forumtitle">Help</a></td></tr></table></body></html>'))
    2
    """
    return len(_PHPBB_FORUM_ROWS(doc))


_CANONICAL = etree.XPath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
#: A topic's page as the engines name it: phpBB ``viewtopic.php?f=F&t=T&start=S`` (its ``U_CANONICAL`` is
#: ``viewtopic.php?t=T``, with ``&start=S`` past the first page), vBulletin ``showthread.php?t=T&page=P``;
#: copies saved by HTTrack write the ``?`` as ``@`` (or ``-``), ``&`` as ``&`` or ``%26``.
_TOPIC_PAGE = re.compile(r"(?:viewtopic|showthread)\.php(?:[?@-]|%40)(?P<query>[^#]*)", re.I)
_PARAM = re.compile(r"(?:^|[&;?@-]|%26|%40)(?P<name>t|start|page)(?:=|%3D)(?P<value>\d+)", re.I)


def topic_page(doc: HtmlElement, url: str) -> tuple[str, int] | None:
    """(topic id, page offset) of a forum topic's page: from the canonical URL the engine prints (phpBB 3.1+:
    every ``p=``/``f=`` variant of a topic names the same ``t=``, and ``start=`` past the first page), else from
    the page's own URL; None when neither names a topic. The offset is ``start`` (phpBB) or ``page`` - 1
    (vBulletin): 0 on the topic's first page.

    >>> import lxml.html
    >>> doc = lxml.html.fromstring('<html><head><link rel="canonical" href="https://b.test/viewtopic.php@f=14&amp;t=424.html">'
    ...                            '</head><body></body></html>')
    >>> topic_page(doc, "http://local.test/viewtopic.php%40p%3D1001.html")
    ('424', 0)
    >>> topic_page(lxml.html.fromstring('<p>x</p>'), "http://b.test/viewtopic.php?f=2&t=215&start=10")
    ('215', 10)
    """
    for href in [*(str(h) for h in _CANONICAL(doc)), unquote(url)]:
        match = _TOPIC_PAGE.search(href)
        params = {m.group("name").lower(): int(m.group("value")) for m in _PARAM.finditer(match.group("query"))} \
            if match else {}
        if "t" in params:
            offset = params.get("start", max(0, params.get("page", 1) - 1))
            return str(params["t"]), offset
    return None


def topic_forum(doc: HtmlElement, posts: list[Post]) -> str | None:
    """The forum a topic sits in: the last breadcrumb link above its first post (not the board's home, not
    the topic), else the last link to a forum there (phpBB ``viewforum.php``, vBulletin ``forumdisplay.php``)."""
    if not posts:
        return None
    order = {e: i for i, e in enumerate(doc.iter())}
    first = order.get(posts[0].block, 0)

    def above(links: list[HtmlElement]) -> list[HtmlElement]:
        return [a for a in links if order.get(a, first) < first and norm(a.text_content())
                and not _TOPIC_LINK.search(a.get("href") or "")]

    crumbs = above(_CRUMBS(doc))
    if len(crumbs) >= 2:
        return norm(crumbs[-1].text_content())
    forums = above(_FORUM_LINKS(doc))
    return norm(forums[-1].text_content()) if forums else None


def _poster(block: HtmlElement, text: HtmlElement) -> str | None:
    for element in block.iter():
        if element is text or not isinstance(element.tag, str):
            continue
        if element.get("data-poster-name"):
            return clean_author(norm(element.get("data-poster-name")))
        if _classes(element) & _POSTER_CLASSES and text not in element.iterancestors():
            name = norm(element.text_content())
            if name and len(name) <= 60:
                return clean_author(name)
    # vBulletin 3's postbit prints a poster with no profile (unregistered, deleted) as bare text in its menu
    for menu in block.xpath(".//div[starts-with(@id, 'postmenu_')]"):
        name = norm(menu.text_content())
        if name and len(name) <= 60:
            return clean_author(name)
    return None


def _post_date(block: HtmlElement, text: HtmlElement, zone: str) -> tuple[str | None, str | None]:
    """The post's date: ``<time datetime>``, ``data-posttime`` (epoch), else the first date outside its text
    and the poster's profile column."""
    for stamp in block.xpath(".//time[@datetime]"):
        if text not in stamp.iterancestors():
            iso = parse_date(stamp.get("datetime"), zone, fallback=False)
            if iso:
                return iso, norm(stamp.text_content()) or stamp.get("datetime")
    for element in block.xpath(".//*[@data-posttime]"):
        epoch: Any = element.get("data-posttime")
        if str(epoch).isdigit():
            moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
            return moment.astimezone(ZoneInfo(zone)).isoformat(), norm(element.text_content()) or str(epoch)
    parts: list[str] = []
    _collect(block, text, parts)
    written = " ".join(parts)
    fields = find_date(written)
    if fields is None:
        return None, None
    return to_iso(fields, zone), written[:80]


def _collect(element: HtmlElement, skip: HtmlElement, parts: list[str]) -> None:
    """The text of ``element`` without ``skip`` and profile columns, in page order."""
    if element is skip or (_classes(element) & _PROFILE_CLASSES):
        return
    if not isinstance(element.tag, str) or element.tag in ("script", "style"):
        return
    parts.append(element.text or "")
    for child in element:
        _collect(child, skip, parts)
        parts.append(child.tail or "")

