"""The Blogger (Blogspot) profile: layouts templates' post and comment markup.

Recognised by ``<meta name="generator" content="blogger">``. Blogger's layout templates (Minima, Simple,
Watermark…) print each post as ``div.post-outer > div.post.hentry`` with ``h3.post-title.entry-title`` (only when the post has a title),
``div.post-body.entry-content`` (``id="post-body-POSTID"``), in ``div.post-footer``: ``span.post-author.vcard``
("Posted by" / "Publicado por" and ``span.fn``), ``abbr.published[title]`` (an ISO time with its offset),
``span.post-labels`` (``a[rel=tag]``); comments as ``li.comment`` with ``cite.user``, ``span.datetime`` and
``p.comment-content`` (threaded), or the classic ``dl#comments-block``: ``dt.comment-author``, then
``dd.comment-body`` and ``dd.comment-footer`` with ``span.comment-timestamp``.

A post's own page is ``/YYYY/MM/slug.html`` (Blogger's permalink form) holding one post; ``/search…``,
``/search/label/…``, the archives ``/YYYY/MM/`` and the home page are listings.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean import clean
from migrator.clean.text import element_to_text
from migrator.extract import platform
from migrator.extract.dates import parse_date
from migrator.extract.platform import Places, has_class
from migrator.record import Comment

if TYPE_CHECKING:
    from migrator.extract import PageResult
    from migrator.mapping import Config

NAME = "blogger"

_POSTS = etree.XPath("//div[" + has_class("post") + "][not(ancestor::div[" + has_class("post") + "])]"
                     "[.//*[" + has_class("post-body") + "]]")
_PERMALINK = re.compile(r"^/\d{4}/\d{2}/[^/]+\.html$")
_ARCHIVE = re.compile(r"^/(?:\d{4}/(?:\d{2}/)?(?:index\.html?)?|search(?:[/?].*)?|feeds/.*)$")
_POST_BODY_ID = re.compile(r"^post-body-(\d+)$")
_SAID = re.compile(r"\s+(?:said|dijo|disse|a dit|schrieb|ha detto|сказал[аи]?)\s*(?:\.\.\.|…)?\s*:?$", re.I)
_CLASSIC = etree.XPath("//dl[@id='comments-block']/dt[" + has_class("comment-author") + "]")

PLACES = Places(
    title=(".post-title", ".entry-title", "h3"),
    body=(".post-body",),
    date=("abbr.published", ".published", "[itemprop=datePublished]", ".timestamp-link"),
    author=(".post-author .fn", ".post-author", "[itemprop=author] [itemprop=name]"),
    tags=(".post-labels a",),
    drop=(".post-share-buttons", "div[style*='clear: both']:empty"),
    comments="li.comment",
    comment_author=("cite.user", ".comment-author", "cite"),
    comment_date=(".datetime", ".comment-timestamp"),
    comment_body=(".comment-content",),
)


def detect(doc: HtmlElement) -> bool:
    return platform.generator(doc).startswith("blogger")


def classify(doc: HtmlElement, url: str) -> tuple[str, str, HtmlElement | None]:
    posts = _POSTS(doc)
    path = unquote(urlsplit(url).path)  # a saved copy names "search?updated-max=…" files "search%3F…"
    if _ARCHIVE.match(path):  # Blogger's archives and searches list posts, one or many
        return "listing", "listing: blogger archive", None
    if not posts:
        return "other", "no post", None
    if len(posts) == 1 and (_PERMALINK.match(path) or not platform.pick(posts[0], (".post-title a",))):
        return "article", "", posts[0]
    return "listing", f"listing: {len(posts)} posts", None


def post_id(entry: HtmlElement) -> str | None:
    for element in entry.iter():
        match = _POST_BODY_ID.match(element.get("id") or "") if isinstance(element.tag, str) else None
        if match:
            return f"post/{match.group(1)}"
    ids = entry.xpath(".//meta[@itemprop='postId']/@content")
    return f"post/{ids[0]}" if ids else None


def classic_comments(doc: HtmlElement, config: Config, removed: Counter[str]) -> list[Comment]:
    """``dt.comment-author`` and the ``dd`` elements after it, up to the next ``dt``."""
    comments = []
    for dt in _CLASSIC(doc):
        body = footer = None
        for sibling in dt.itersiblings():
            if sibling.tag == "dt":
                break
            classes = (sibling.get("class") or "").split()
            body = sibling if "comment-body" in classes else body
            footer = sibling if "comment-footer" in classes else footer
        text = ""
        if body is not None:
            removed.update(clean(body, config))
            text = element_to_text(body)
        stamp = platform.pick(footer, (".comment-timestamp",)) if footer is not None else None
        author = platform.author_text(dt)
        if author:  # the template's "<name> said..." ("dijo...", "disse...")
            author = _SAID.sub("", author) or None
        comments.append(Comment(author=author, body_text=text,
                                published_at=parse_date(platform.date_text(footer if stamp is None else stamp), config.timezone)))
    return comments


def read(doc: HtmlElement, url: str, config: Config, warnings: list[str]) -> PageResult:
    from migrator.extract import PageResult

    kind, reason, entry = classify(doc, url)
    removed: Counter[str] = Counter()
    if kind != "article" or entry is None:
        return PageResult(kind, NAME, None, None, None, removed, reason)
    article = platform.read_entry(doc, entry, url, config, PLACES, NAME, removed, kind="post", warnings=warnings)
    if platform.pick(entry, PLACES.title[:2]) is None:  # the layouts print h3.post-title only "if data:post.title"
        article.title = ""
    if article.author:  # "wrote" / "escribió" after the name in some translations
        article.author = re.sub(r"\s+(?:wrote|escribió|schrieb)\s*:?$", "", article.author) or None
    if not article.comments:
        article.comments = classic_comments(doc, config, removed)
    return PageResult("article", NAME, article, post_id(entry), None, removed, "")
