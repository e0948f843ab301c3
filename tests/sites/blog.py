"""A second test site, generated differently from the Drupal demo: an English WordPress blog.

Nothing here is Drupal: a Gutenberg-era WordPress theme (``<main>``, ``<article>``, ``entry-*``
classes, per-post classes such as ``post-123 category-travel tag-bread``), a header menu, a widget
sidebar, paginated home, category, tag and author listings, threaded comments with a reply form,
post navigation, and — inside ``.entry-content``, with no class of their own, the way plugins and
editors paste them — a newsletter blurb, a "You might also enjoy" list of related posts and a
share bar. Author and date stand in visible text and in meta tags (Open Graph, JSON-LD).

With ``theme = "hashed"`` the same site comes as a component framework's build renders it: each class
list hashed into one CSS-module name, no ids, ``<div>`` for every sectioning element — nothing an
extractor can read as "content" by name. With ``theme = "magazine"`` each post's first paragraph is set
as a standfirst in the post's header, above ``.entry-content``, as magazine and news themes do.

``BlogSite(spec).respond(method, path, headers)`` answers one request, so
:class:`migrator.demo.server.DemoServer` serves it; ``truth(base)`` lists every post with its body
text. Serve it by hand with ``python -m tests.sites.blog --port 8001``.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from html import escape
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from faker import Faker

Response = tuple[int, list[tuple[str, str]], bytes]

SITE_NAME = "The Slow Kitchen Journal"
TAGLINE = "Notes on bread, gardens and unhurried travel"
CATEGORIES = ("Baking", "Gardening", "Travel", "Preserving", "Essays")
AUTHORS = ("Maya Lindqvist", "Tom Okafor", "Hannah Reyes")
TAGS = ("sourdough", "winter", "tomatoes", "trains", "jam", "rye", "compost", "italy", "fermentation",
        "herbs", "markets", "slow living")
PER_PAGE = 8
#: The newsletter blurb that every post carries inside its content, in one of two places.
NEWSLETTER = ("Enjoyed this piece? Join more than four thousand readers who get our Sunday letter: one long "
              "essay, three links worth your time, and never any spam.")
RELATED_HEADING = "You might also enjoy"
SHARE_HEADING = "Share this:"
#: Template phrases that must never reach a record.
TEMPLATE_PHRASES = (NEWSLETTER[:60], RELATED_HEADING, SHARE_HEADING, "Leave a Reply", "Recent Posts",
                    "Proudly powered by WordPress", TAGLINE, "Your email address will not be published")
#: The blog's own zone: its dates carry the offset in force on that day (EST or EDT).
TIMEZONE = "America/New_York"


@dataclass(frozen=True)
class BlogSpec:
    """What to generate: how many posts, from which seed."""

    posts: int = 80
    seed: int = 11
    theme: str = "wordpress"  # "wordpress" | "hashed" | "magazine"


@dataclass
class Post:
    """One post and its ground truth."""

    number: int
    title: str
    slug: str
    author: str
    category: str
    tags: list[str]
    published: datetime
    blocks: list[tuple[str, Any]]          # ("p", text) | ("h2", text) | ("ul", [items]) | ("quote", text) | ("img", src)
    newsletter_after: int | None           # paragraph index the blurb follows; None: at the end
    comments: list[tuple[str, datetime, str]] = field(default_factory=list)
    related: list[int] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/{self.published:%Y/%m/%d}/{self.slug}/"

    @property
    def body_text(self) -> str:
        """The article text a perfect extractor returns: paragraphs, headings, list items, quotes."""
        parts: list[str] = []
        for kind, value in self.blocks:
            if kind == "ul":
                parts.extend(value)
            elif kind != "img":
                parts.append(value)
        return "\n\n".join(parts)


def _slug(title: str) -> str:
    return "-".join("".join(ch for ch in word.lower() if ch.isalnum()) for word in title.split())


class BlogSite:
    """The blog, generated once from the spec; every page is rendered on request."""

    def __init__(self, spec: BlogSpec | None = None) -> None:
        self.spec = spec or BlogSpec()
        self.posts = self._generate()

    # -- content ------------------------------------------------------------------------------

    def _generate(self) -> list[Post]:
        fake = Faker("en_US")
        fake.seed_instance(self.spec.seed)
        rng = random.Random(self.spec.seed)
        start = datetime(2016, 3, 1, 8, 0, tzinfo=ZoneInfo(TIMEZONE))
        posts = []
        for number in range(1, self.spec.posts + 1):
            title = fake.sentence(nb_words=rng.randint(4, 9)).rstrip(".").title()
            published = start + timedelta(days=number * 9 + rng.randint(0, 5), minutes=rng.randint(0, 600))
            blocks = self._blocks(fake, rng)
            paragraphs = sum(1 for kind, _ in blocks if kind == "p")
            post = Post(number, title, f"{_slug(title)}-{number}", rng.choice(AUTHORS), rng.choice(CATEGORIES),
                        rng.sample(TAGS, rng.randint(1, 3)), published, blocks,
                        rng.randint(1, paragraphs - 1) if paragraphs > 2 and rng.random() < 0.5 else None)
            post.comments = [(fake.name(), published + timedelta(hours=rng.randint(2, 400)),
                              fake.paragraph(nb_sentences=rng.randint(1, 4)))
                             for _ in range(rng.choice((0, 0, 1, 2, 3, 5)))]
            posts.append(post)
        for post in posts:
            same = [p.number for p in posts if p.category == post.category and p is not post]
            post.related = rng.sample(same, min(3, len(same)))
        return posts

    @staticmethod
    def _blocks(fake: Faker, rng: random.Random) -> list[tuple[str, Any]]:
        """A post body: paragraphs of varied length, now and then a subheading, a list, a quote, a photo."""
        blocks: list[tuple[str, Any]] = []
        for i in range(rng.randint(3, 14)):
            roll = rng.random()
            if i and roll < 0.12:
                blocks.append(("h2", fake.sentence(nb_words=rng.randint(3, 6)).rstrip(".")))
            elif i and roll < 0.2:
                blocks.append(("ul", [fake.sentence(nb_words=rng.randint(4, 10)) for _ in range(rng.randint(2, 5))]))
            elif i and roll < 0.25:
                blocks.append(("quote", fake.paragraph(nb_sentences=2)))
            elif i and roll < 0.3:
                blocks.append(("img", f"/wp-content/uploads/{rng.randint(2016, 2019)}/0{rng.randint(1, 9)}/"
                                      f"{fake.word()}-{rng.randint(100, 999)}.jpg"))
            blocks.append(("p", fake.paragraph(nb_sentences=rng.randint(2, 8))))
        return blocks

    @cached_property
    def by_number(self) -> dict[int, Post]:
        return {post.number: post for post in self.posts}

    def truth(self, base: str) -> list[dict[str, Any]]:
        """Every post as the record a perfect crawler writes (absolute URLs under ``base``)."""
        return [{"url": base + post.path, "title": post.title, "author": post.author,
                 "published_at": post.published.isoformat(), "tags": [post.category, *post.tags],
                 "body_text": post.body_text} for post in self.posts]

    # -- serving ------------------------------------------------------------------------------

    def delay(self, path_and_query: str) -> float:
        """No slow pages on this site."""
        return 0.0

    def respond(self, method: str, path_and_query: str, headers: dict[str, str]) -> Response:
        """Answer one request: (status, headers, body)."""
        host = {k.lower(): v for k, v in headers.items()}.get("host", "blog.test")
        base = f"http://{host}"
        path = urlsplit(path_and_query).path
        html = self._route(path, base)
        status = 200
        if html is None:
            status, html = 404, self._shell(base, "Page not found", "error404",
                                            '<section class="error-404 not-found"><h1 class="page-title">'
                                            "Oops! That page can&rsquo;t be found.</h1></section>")
        return self._page(status, hashed_build(html) if self.spec.theme == "hashed" else html)

    @staticmethod
    def _page(status: int, html: str) -> Response:
        return status, [("Content-Type", "text/html; charset=UTF-8"), ("X-Powered-By", "PHP/7.4.33")], \
            html.encode("utf-8")

    def _route(self, path: str, base: str) -> str | None:
        parts = [p for p in path.split("/") if p]
        page = 1
        if len(parts) >= 2 and parts[-2] == "page" and parts[-1].isdigit():
            page, parts = int(parts[-1]), parts[:-2]
        if not parts:
            return self._listing(base, self.posts, page, "", "home blog")
        if parts[0] in ("category", "tag", "author") and len(parts) == 2:
            chosen = [p for p in self.posts if parts[1] in self._archive_slugs(p, parts[0])]
            return self._listing(base, chosen, page, f"/{parts[0]}/{parts[1]}", f"archive {parts[0]}") if chosen else None
        if parts == ["newsletter"] and page == 1:
            return self._newsletter(base)
        if len(parts) == 4 and page == 1:
            for post in self.posts:
                if post.path == path:
                    return self._single(base, post)
        return None

    @staticmethod
    def _archive_slugs(post: Post, kind: str) -> list[str]:
        values = {"category": [post.category], "tag": post.tags, "author": [post.author]}[kind]
        return [_slug(v) for v in values]

    # -- markup -------------------------------------------------------------------------------

    def _shell(self, base: str, title: str, body_class: str, main: str, head: str = "") -> str:
        """The theme around every page: head, masthead with menu, content, sidebar widgets, footer."""
        menu = "".join(f'<li class="menu-item menu-item-type-taxonomy"><a href="{base}/category/{_slug(c)}/">{c}</a></li>'
                       for c in CATEGORIES)
        recent = "".join(f'<li><a href="{base}{p.path}">{escape(p.title)}</a></li>' for p in self.posts[-5:][::-1])
        cats = "".join(f'<li class="cat-item"><a href="{base}/category/{_slug(c)}/">{c}</a> '
                       f"({sum(p.category == c for p in self.posts)})</li>" for c in CATEGORIES)
        return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} &#8211; {SITE_NAME}</title>
<link rel='stylesheet' id='wp-block-library-css' href='{base}/wp-includes/css/dist/block-library/style.min.css?ver=6.4.2' media='all' />
<link rel='stylesheet' id='hearth-style-css' href='{base}/wp-content/themes/hearth/style.css?ver=1.2' media='all' />
<script src="{base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" href="{base}/feed/" />
<meta name="generator" content="WordPress 6.4.2" />
{head}
</head>
<body class="{body_class} wp-embed-responsive hfeed">
<div id="page" class="site">
\t<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
\t<header id="masthead" class="site-header">
\t\t<div class="site-branding">
\t\t\t<p class="site-title"><a href="{base}/" rel="home">{SITE_NAME}</a></p>
\t\t\t<p class="site-description">{TAGLINE}</p>
\t\t</div>
\t\t<nav id="site-navigation" class="main-navigation">
\t\t\t<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
\t\t\t<div class="menu-main-container"><ul id="primary-menu" class="menu"><li class="menu-item"><a href="{base}/">Home</a></li>{menu}</ul></div>
\t\t</nav>
\t</header>
\t<div id="content" class="site-content">
\t<main id="primary" class="site-main">
{main}
\t</main><!-- #main -->
<aside id="secondary" class="widget-area">
\t<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{base}/">
\t\t<label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label>
\t\t<input type="submit" class="search-submit" value="Search" /></form></section>
\t<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>
\t<section id="text-3" class="widget widget_text"><h2 class="widget-title">About the journal</h2><div class="textwidget">
\t\t<p>We are three cooks and gardeners writing about the slow work of feeding people well, from the starter on the counter to the beds behind the house.</p></div></section>
\t<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>{cats}</ul></section>
</aside><!-- #secondary -->
\t</div><!-- #content -->
\t<footer id="colophon" class="site-footer">
\t\t<div class="site-info"><a href="https://wordpress.org/">Proudly powered by WordPress</a>
\t\t<span class="sep"> | </span>Theme: Hearth by Hearth Studio. &copy; {SITE_NAME}</div>
\t</footer>
</div><!-- #page -->
<script src="{base}/wp-content/themes/hearth/js/navigation.js?ver=1.2" id="hearth-navigation-js"></script>
</body>
</html>
"""

    @staticmethod
    def _post_classes(post: Post) -> str:
        tags = " ".join(f"tag-{_slug(t)}" for t in post.tags)
        return (f"post-{post.number + 100} post type-post status-publish format-standard hentry "
                f"category-{_slug(post.category)} {tags}")

    def _meta_line(self, base: str, post: Post) -> str:
        return (f'<div class="entry-meta"><span class="posted-on">Posted on <a href="{base}{post.path}" rel="bookmark">'
                f'<time class="entry-date published" datetime="{post.published.isoformat()}">'
                f"{post.published:%B} {post.published.day}, {post.published:%Y}</time></a></span>"
                f'<span class="byline"> by <span class="author vcard"><a class="url fn n" '
                f'href="{base}/author/{_slug(post.author)}/">{post.author}</a></span></span></div>')

    def _standfirst(self, post: Post) -> str:
        """The magazine theme's lead: the post's first paragraph, in the header."""
        if self.spec.theme != "magazine":
            return ""
        return f'<p class="entry-standfirst">{escape(post.blocks[0][1])}</p>'

    def _content(self, base: str, post: Post) -> str:
        """The post's ``.entry-content``: its blocks, with the blurb, related posts and share bar pasted in."""
        out, paragraphs = [], 0
        blurb = f'<p>{NEWSLETTER} <a href="{base}/newsletter/">Subscribe here</a>.</p>'
        for kind, value in post.blocks:
            if kind == "p":
                if paragraphs or self.spec.theme != "magazine":  # the first one is the standfirst there
                    out.append(f"<p>{escape(value)}</p>")
                paragraphs += 1
                if paragraphs == post.newsletter_after:
                    out.append(blurb)
            elif kind == "h2":
                out.append(f'<h2 class="wp-block-heading">{escape(value)}</h2>')
            elif kind == "ul":
                out.append('<ul class="wp-block-list">' + "".join(f"<li>{escape(i)}</li>" for i in value) + "</ul>")
            elif kind == "quote":
                out.append(f'<blockquote class="wp-block-quote"><p>{escape(value)}</p></blockquote>')
            else:
                out.append(f'<figure class="wp-block-image size-large"><img decoding="async" width="1024" '
                           f'height="683" src="{base}{value}" alt="" /></figure>')
        if post.newsletter_after is None:
            out.append(blurb)
        related = "".join(f'<li><a href="{base}{self.by_number[n].path}">{escape(self.by_number[n].title)}</a></li>'
                          for n in post.related)
        out.append(f"<div><h3>{RELATED_HEADING}</h3><ul>{related}</ul></div>")
        out.append(f'<div class="sharedaddy sd-sharing-enabled"><div class="sd-block"><h3 class="sd-title">'
                   f'{SHARE_HEADING}</h3><div class="sd-content"><ul><li><a href="#">Facebook</a></li>'
                   f'<li><a href="#">X</a></li><li><a href="#">Email</a></li></ul></div></div></div>')
        return "\n".join(out)

    def _comments(self, post: Post) -> str:
        items = "".join(
            f'<li id="comment-{post.number * 10 + i}" class="comment {("even", "odd")[i % 2]} depth-1">'
            f'<article class="comment-body"><footer class="comment-meta"><div class="comment-author vcard">'
            f'<b class="fn">{escape(name)}</b> <span class="says">says:</span></div><div class="comment-metadata">'
            f'<time datetime="{at.isoformat()}">{at:%B} {at.day}, {at:%Y} at {at:%I:%M %p}</time></div></footer>'
            f'<div class="comment-content"><p>{escape(text)}</p></div><div class="reply">'
            f'<a rel="nofollow" class="comment-reply-link" href="#respond">Reply</a></div></article></li>'
            for i, (name, at, text) in enumerate(post.comments))
        count = len(post.comments)
        heading = (f'<h2 class="comments-title">{count} thought{"s" if count > 1 else ""} on &ldquo;'
                   f'{escape(post.title)}&rdquo;</h2><ol class="comment-list">{items}</ol>') if count else ""
        return (f'<div id="comments" class="comments-area">{heading}<div id="respond" class="comment-respond">'
                f'<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3><form action="/wp-comments-post.php" '
                f'method="post" id="commentform" class="comment-form"><p class="comment-notes">Your email address will '
                f'not be published. Required fields are marked *</p><p class="comment-form-comment"><label for="comment">'
                f'Comment *</label><textarea id="comment" name="comment"></textarea></p><p class="form-submit">'
                f'<input name="submit" type="submit" class="submit" value="Post Comment" /></p></form></div></div>')

    def _single(self, base: str, post: Post) -> str:
        index = self.posts.index(post)
        near = [(rel, p) for rel, p in (("prev", self.posts[index - 1] if index else None),
                                        ("next", self.posts[index + 1] if index + 1 < len(self.posts) else None)) if p]
        nav = "".join(f'<div class="nav-{"previous" if rel == "prev" else "next"}"><a href="{base}{p.path}" rel="{rel}">'
                      f'<span class="nav-subtitle">{"Previous" if rel == "prev" else "Next"}:</span> '
                      f'<span class="nav-title">{escape(p.title)}</span></a></div>' for rel, p in near)
        cats = f'<a href="{base}/category/{_slug(post.category)}/" rel="category tag">{post.category}</a>'
        tags = ", ".join(f'<a href="{base}/tag/{_slug(t)}/" rel="tag">{t}</a>' for t in post.tags)
        ld = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": post.title,
              "datePublished": post.published.isoformat(), "author": {"@type": "Person", "name": post.author},
              "articleSection": post.category, "keywords": post.tags}
        excerpt = escape(post.body_text.split("\n\n")[0][:150])
        head = (f'<link rel="canonical" href="{base}{post.path}" />\n<meta name="description" content="{excerpt}" />\n'
                f'<meta property="og:type" content="article" />\n<meta property="og:title" content="{escape(post.title)}" />\n'
                f'<meta property="og:url" content="{base}{post.path}" />\n'
                f'<meta property="article:published_time" content="{post.published.isoformat()}" />\n'
                f'<meta name="author" content="{post.author}" />\n'
                f'<script type="application/ld+json">{json.dumps(ld)}</script>')
        main = f"""
<article id="post-{post.number + 100}" class="{self._post_classes(post)}">
\t<header class="entry-header"><h1 class="entry-title">{escape(post.title)}</h1>{self._meta_line(base, post)}{self._standfirst(post)}</header>
\t<div class="entry-content">
{self._content(base, post)}
\t</div><!-- .entry-content -->
\t<footer class="entry-footer"><span class="cat-links">Posted in {cats}</span><span class="tags-links">Tagged {tags}</span></footer>
</article><!-- #post-{post.number + 100} -->
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">{nav}</div></nav>
{self._comments(post)}"""
        return self._shell(base, post.title, f"post-template-default single single-post postid-{post.number + 100} "
                                             "single-format-standard", main, head)

    @staticmethod
    def _page_url(base: str, prefix: str, number: int) -> str:
        """WordPress links a listing's first page by the listing's own URL, the others under ``/page/N/``."""
        return f"{base}{prefix}/" if number == 1 else f"{base}{prefix}/page/{number}/"

    def _newsletter(self, base: str) -> str:
        """The sign-up page every post links to: the blurb itself (as one paragraph of its own), a form and
        the latest letters: no article, only the template's text and links."""
        letters = "".join(f'<li><a href="{base}{p.path}">{escape(p.title)}</a></li>' for p in self.posts[-3:][::-1])
        main = (f'<article id="post-2" class="post-2 page type-page status-publish hentry"><header class="entry-header">'
                f'<h1 class="entry-title">Newsletter</h1></header><div class="entry-content">'
                f'<p><strong>{NEWSLETTER.split("? ")[0]}?</strong> {NEWSLETTER.split("? ", 1)[1]}</p>'
                f'<form class="mc4wp-form" method="post"><p><label>Email address</label><input type="email" name="EMAIL">'
                f'</p><p><input type="submit" value="Sign up"></p></form>'
                f'<h2 class="wp-block-heading">Recent letters</h2><ul class="wp-block-list">{letters}</ul></div></article>')
        return self._shell(base, "Newsletter", "page-template-default page page-id-2", main)

    def _listing(self, base: str, posts: list[Post], page: int, prefix: str, body_class: str) -> str | None:
        """Newest first, ``PER_PAGE`` excerpts a page, WordPress's numbered pagination."""
        ordered = sorted(posts, key=lambda p: p.published, reverse=True)
        pages = (len(ordered) + PER_PAGE - 1) // PER_PAGE
        if page > pages:
            return None
        items = []
        for post in ordered[(page - 1) * PER_PAGE: page * PER_PAGE]:
            words = post.body_text.split()
            items.append(f'<article id="post-{post.number + 100}" class="{self._post_classes(post)}">'
                         f'<header class="entry-header"><h2 class="entry-title"><a href="{base}{post.path}" rel="bookmark">'
                         f'{escape(post.title)}</a></h2>{self._meta_line(base, post)}{self._standfirst(post)}</header>'
                         f'<div class="entry-summary"><p>{escape(" ".join(words[:35]))} [&hellip;]</p></div>'
                         f'<a class="more-link" href="{base}{post.path}">Continue reading</a></article>')
        numbers = "".join(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page else
                          f'<a class="page-numbers" href="{self._page_url(base, prefix, n)}">{n}</a>'
                          for n in range(1, pages + 1))
        if page < pages:
            numbers += f'<a class="next page-numbers" href="{self._page_url(base, prefix, page + 1)}">Next &raquo;</a>'
        title = prefix.rsplit("/", 1)[-1].replace("-", " ").title() or SITE_NAME
        main = "\n".join(items) + f'<nav class="navigation pagination"><div class="nav-links">{numbers}</div></nav>'
        return self._shell(base, title, body_class, main)


_CLASS = re.compile(r"""\bclass=(["'])(.*?)\1""")
_ID = re.compile(r"""\sid=(["'])[^"']*\1""")
_SECTIONING = re.compile(r"<(/?)(?:article|main|aside|header|footer|nav|section)\b")


def _module_name(match: re.Match[str]) -> str:
    """One CSS-module name for a class list, as a bundler derives it (a hash of the source)."""
    return f'class="css-{hashlib.sha1(match.group(2).encode()).hexdigest()[:7]}"'


def hashed_build(html: str) -> str:
    """A page as a component framework's build renders it: hashed class names, no ids, only divs.

    >>> hashed_build('<main id="primary" class="site-main"><p class="a b">x</p></main>')
    '<div class="css-45bbcc8"><p class="css-7dbde93">x</p></div>'
    """
    return _SECTIONING.sub(r"<\1div", _ID.sub("", _CLASS.sub(_module_name, html)))


def main(argv: list[str] | None = None) -> None:
    """Serve the blog in the foreground until interrupted."""
    from migrator.demo.server import serve_forever, site_parser

    parser = site_parser("Serve the generated English WordPress-style blog.", 8001)
    parser.add_argument("--posts", type=int, default=BlogSpec.posts)
    parser.add_argument("--seed", type=int, default=BlogSpec.seed)
    parser.add_argument("--theme", default=BlogSpec.theme, choices=["wordpress", "hashed", "magazine"])
    args = parser.parse_args(argv)
    serve_forever(BlogSite(BlogSpec(args.posts, args.seed, args.theme)), args.host, args.port, "the blog")


if __name__ == "__main__":
    main()
