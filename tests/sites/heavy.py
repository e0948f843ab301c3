"""A news site of heavy generic pages, for the extraction and crawl benchmarks.

Today's news pages weigh 50 to 200 KB before their text: critical CSS inlined in ``<style>``, analytics and
ad-loader scripts, a framework's page state as inline JSON (Next.js ``__NEXT_DATA__``, which repeats the
article), mega menus, "most read" sidebars, consent banners and long footers. Every article here is
dressed in one of the real templates below, picked per article from the seed, so no extractor rule can
key on one of them:

- ``wordpress``: underscores/Twenty-Seventeen markup (``hentry``, ``entry-title``, ``entry-content``,
  ``author vcard``, ``<time class="entry-date published">``, ``rel="tag"`` links);
- ``drupal8``: Bartik/Olivero node markup (``node--type-article``, ``field--name-body``, ``field--name-uid``);
- ``schema``: schema.org ``NewsArticle`` microdata (``headline``, ``author``/``name``, ``datePublished``,
  ``articleBody``), as news CMSs render it;
- ``blogger``: Blogger's classic template (``post hentry``, ``post-body entry-content``, ``post-author vcard``,
  ``abbr.published``);
- ``ghost``: Ghost's Casper theme (``article-title``, ``gh-content``, ``byline-meta-date``).

Each page also carries Open Graph metas; half of them a JSON-LD ``NewsArticle``. Inside the body, as
editors paste them, stand a figure with its caption and a "Read more" list of other stories.
``truth(base)`` gives every article's title, author, date and body text (paragraphs and subheadings).
Serve it with ``python -m tests.sites.heavy --port 8002 --articles 5000``.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from html import escape
from typing import Any, Callable
from urllib.parse import urlsplit

from faker.providers.lorem.en_US import Provider as Lorem

Response = tuple[int, list[tuple[str, str]], bytes]

SITE_NAME = "The Evening Ledger"
SECTIONS = ("World", "Politics", "Business", "Science", "Health", "Sports", "Culture", "Opinion")
AUTHORS = ("Amelia Hart", "Rahul Menon", "Sofia Delgado", "Jonas Weber", "Grace Kim", "Daniel O'Brien")
TEMPLATES = ("wordpress", "drupal8", "schema", "blogger", "ghost")
PER_PAGE = 20
_WORDS = tuple(Lorem.word_list)


@dataclass(frozen=True)
class HeavySpec:
    """What to generate: how many articles, from which seed."""

    articles: int = 300
    seed: int = 5


@dataclass(frozen=True)
class Story:
    """One article and its ground truth."""

    number: int
    title: str
    author: str
    section: str
    template: str
    published: datetime
    blocks: tuple[tuple[str, str], ...]  # ("p" | "h2", text)

    @property
    def path(self) -> str:
        return f"/{self.published:%Y/%m}/{'-'.join(self.title.lower().split()[:6])}-{self.number}/"

    @property
    def body_text(self) -> str:
        return "\n\n".join(text for _, text in self.blocks)


def _sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


class HeavySite:
    """The site; articles are generated on request from the seed (cheap), their chrome once."""

    def __init__(self, spec: HeavySpec | None = None) -> None:
        self.spec = spec or HeavySpec()
        rng = random.Random(self.spec.seed)
        self._style = _style(rng)
        self._menu = _menu(rng)
        self._footer = _footer(rng)
        self._scripts = _scripts(rng)

    # -- content ------------------------------------------------------------------------------

    @lru_cache(maxsize=1024)  # noqa: B019 (one site per process; bounded)
    def story(self, number: int) -> Story:
        rng = random.Random(self.spec.seed * 1_000_003 + number)
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 10))).capitalize()
        blocks: list[tuple[str, str]] = []
        for i in range(rng.randint(6, 16)):
            if i and rng.random() < 0.15:
                blocks.append(("h2", _sentence(rng, 3, 7).rstrip(".")))
            blocks.append(("p", " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))))
        published = datetime(2019, 1, 1, 6, tzinfo=timezone.utc) + timedelta(hours=number * 7 + rng.randint(0, 5),
                                                                              minutes=rng.randint(0, 59))
        return Story(number, title, rng.choice(AUTHORS), rng.choice(SECTIONS), rng.choice(TEMPLATES), published,
                     tuple(blocks))

    def truth(self, base: str) -> list[dict[str, Any]]:
        """Every article as the record a perfect crawler writes (absolute URLs under ``base``)."""
        stories = (self.story(n) for n in range(1, self.spec.articles + 1))
        return [{"url": base + s.path, "title": s.title, "author": s.author, "published_at": s.published.isoformat(),
                 "body_text": s.body_text, "template": s.template} for s in stories]

    # -- serving ------------------------------------------------------------------------------

    def delay(self, path_and_query: str) -> float:
        """No slow pages on this site."""
        return 0.0

    def respond(self, method: str, path_and_query: str, headers: dict[str, str]) -> Response:
        """Answer one request: (status, headers, body)."""
        path = urlsplit(path_and_query).path
        if path == "/robots.txt":
            return 200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow: /search\n"
        html = self.page(path)
        status = 200 if html is not None else 404
        html = html if html is not None else self._shell("Not found", "<main><h1>Page not found</h1></main>")
        return status, [("Content-Type", "text/html; charset=utf-8")], html.encode("utf-8")

    def page(self, path: str) -> str | None:
        """The HTML of one path: the home page and its pages, an article, else None."""
        if path in ("/", "") or path.startswith("/page/"):
            number = int(path.strip("/").split("/")[-1]) if path.startswith("/page/") else 1
            return self._listing(number)
        try:
            number = int(path.rstrip("/").rsplit("-", 1)[-1])
        except ValueError:
            return None
        if not 1 <= number <= self.spec.articles or self.story(number).path != path:
            return None
        return self.article(number)

    def article(self, number: int) -> str:
        """One article page, dressed in its template."""
        story = self.story(number)
        rng = random.Random(number)
        body = _body(story, rng, self)
        inner = _RENDER[story.template](story, body)
        aside = _most_read(rng, self)
        return self._shell(story.title, f'<main id="main" class="site-main">{inner}</main>{aside}', story)

    def _listing(self, number: int) -> str | None:
        pages = max(1, -(-self.spec.articles // PER_PAGE))
        if not 1 <= number <= pages:
            return None
        first = self.spec.articles - (number - 1) * PER_PAGE
        items = "".join(f'<li class="teaser"><a href="{self.story(n).path}">{escape(self.story(n).title)}</a>'
                        f"<p>{escape(self.story(n).blocks[0][1][:160])}</p></li>"
                        for n in range(first, max(0, first - PER_PAGE), -1))
        nav = "".join(f'<a href="/page/{n}/">{n}</a> ' for n in range(max(1, number - 3), min(pages, number + 3) + 1))
        return self._shell(f"{SITE_NAME} — page {number}", f'<main><ul class="teasers">{items}</ul>'
                           f'<nav class="pagination">{nav}</nav></main>')

    def _shell(self, title: str, main: str, story: Story | None = None) -> str:
        head = [f"<title>{escape(title)} | {SITE_NAME}</title>", '<meta name="viewport" content="width=device-width">']
        if story is not None:
            head += [f'<meta property="og:title" content="{escape(story.title)}">',
                     '<meta property="og:type" content="article">',
                     f'<meta property="article:published_time" content="{story.published.isoformat()}">',
                     f'<meta property="article:section" content="{story.section}">']
            if story.number % 2:
                head.append('<script type="application/ld+json">' + json.dumps({
                    "@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
                    "datePublished": story.published.isoformat(), "author": {"@type": "Person", "name": story.author},
                    "publisher": {"@type": "Organization", "name": SITE_NAME}}) + "</script>")
            state = {"props": {"pageProps": {"article": {"id": story.number, "title": story.title,
                                                          "body": [t for _, t in story.blocks]}}}}
            data = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(state)}</script>'
        else:
            data = ""
        return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">" + "".join(head) + self._style
                + self._scripts[0] + "</head><body class=\"page\">" + _CONSENT + self._menu + main + self._footer
                + data + self._scripts[1] + "</body></html>")


# -- the templates --------------------------------------------------------------------------------

def _body(story: Story, rng: random.Random, site: HeavySite) -> str:
    """The body as an editor leaves it: paragraphs, subheadings, a captioned figure, a "Read more" list."""
    parts = [f"<{tag}>{escape(text)}</{tag}>" for tag, text in story.blocks]
    figure = (f'<figure class="wp-caption"><img src="/media/{story.number}.jpg" width="800" height="450" alt="">'
              f"<figcaption>{escape(_sentence(rng, 6, 14))} Photo: {rng.choice(AUTHORS)}</figcaption></figure>")
    parts.insert(1, figure)
    others = [site.story(rng.randint(1, site.spec.articles)) for _ in range(3)]
    more = "".join(f'<li><a href="{o.path}">{escape(o.title)}</a></li>' for o in others)
    parts.insert(min(len(parts), 4), f"<p><strong>Read more:</strong></p><ul>{more}</ul>")
    return "\n".join(parts)


def _wordpress(s: Story, body: str) -> str:
    when = s.published.isoformat()
    return (f'<article id="post-{s.number}" class="post-{s.number} post type-post status-publish hentry '
            f'category-{s.section.lower()}"><header class="entry-header"><h1 class="entry-title">{escape(s.title)}</h1>'
            f'<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{when}">'
            f'{s.published:%B %d, %Y}</time></span><span class="byline"> by <span class="author vcard">'
            f'<a class="url fn n" href="/author/{s.author.split()[0].lower()}/">{escape(s.author)}</a></span></span>'
            f'</div></header><div class="entry-content">{body}</div><footer class="entry-footer"><span class="cat-links">'
            f'Posted in <a href="/category/{s.section.lower()}/" rel="category tag">{s.section}</a></span></footer>'
            "</article>")


def _drupal8(s: Story, body: str) -> str:
    return (f'<article role="article" class="node node--type-article node--promoted node--view-mode-full">'
            f'<h1 class="page-title"><span class="field field--name-title">{escape(s.title)}</span></h1>'
            f'<footer class="node__meta"><div class="node__submitted">Submitted by <span class="field '
            f'field--name-uid"><span>{escape(s.author)}</span></span> on <span class="field field--name-created">'
            f'{s.published:%a, %m/%d/%Y - %H:%M}</span></div></footer><div class="node__content"><div class="clearfix '
            f'text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">'
            f'{body}</div><div class="field field--name-field-tags field--type-entity-reference"><div '
            f'class="field__label">Tags</div><div class="field__item"><a href="/taxonomy/term/3" hreflang="en">'
            f"{s.section}</a></div></div></div></article>")


def _schema(s: Story, body: str) -> str:
    return (f'<div class="article-wrap" itemscope itemtype="https://schema.org/NewsArticle"><div class="kicker">'
            f'<a href="/section/{s.section.lower()}/">{s.section}</a></div><h1 itemprop="headline">{escape(s.title)}</h1>'
            f'<div class="meta">By <span itemprop="author" itemscope itemtype="https://schema.org/Person">'
            f'<span itemprop="name">{escape(s.author)}</span></span> · <time itemprop="datePublished" '
            f'datetime="{s.published.isoformat()}">{s.published:%b. %d, %Y %I:%M %p}</time></div>'
            f'<div class="share-tools"><a href="#">Facebook</a><a href="#">Twitter</a><a href="#">Email</a></div>'
            f'<div itemprop="articleBody">{body}</div></div>')


def _blogger(s: Story, body: str) -> str:
    return (f'<div class="date-outer"><h2 class="date-header"><span>{s.published:%A, %B %d, %Y}</span></h2>'
            f'<div class="post hentry"><h3 class="post-title entry-title">{escape(s.title)}</h3><div '
            f'class="post-header"></div><div class="post-body entry-content" id="post-body-{s.number}">{body}</div>'
            f'<div class="post-footer"><span class="post-author vcard">Posted by <span class="fn">{escape(s.author)}'
            f'</span></span> at <abbr class="published" title="{s.published.isoformat()}">{s.published:%I:%M %p}'
            f'</abbr> <span class="post-labels">Labels: <a href="/search/label/{s.section}" rel="tag">{s.section}</a>'
            "</span></div></div></div>")


def _ghost(s: Story, body: str) -> str:
    return (f'<article class="article post tag-{s.section.lower()}"><header class="article-header gh-canvas">'
            f'<div class="article-tag post-card-tags"><span class="post-card-primary-tag"><a href="/tag/'
            f'{s.section.lower()}/">{s.section}</a></span></div><h1 class="article-title">{escape(s.title)}</h1>'
            f'<div class="article-byline"><div class="article-byline-meta"><h4 class="author-name"><a href="/author/'
            f'{s.author.split()[0].lower()}/">{escape(s.author)}</a></h4><div class="byline-meta-content">'
            f'<time class="byline-meta-date" datetime="{s.published:%Y-%m-%d}">{s.published:%d %b %Y}</time>'
            f'</div></div></div></header><section class="gh-content gh-canvas">{body}</section></article>')


_RENDER: dict[str, Callable[[Story, str], str]] = {
    "wordpress": _wordpress, "drupal8": _drupal8, "schema": _schema, "blogger": _blogger, "ghost": _ghost}


def article_markup(story: Story, body_html: str, template: str | None = None) -> str:
    """An article's markup (no page chrome) in one of :data:`TEMPLATES`, by default its own."""
    return _RENDER[template or story.template](story, body_html)

# -- the chrome: what makes the pages heavy -----------------------------------------------------------

_CONSENT = ('<div id="cookie-consent" class="consent-banner" role="dialog"><p>We use cookies to personalise content '
            'and ads.</p><button>Accept all</button><button>Manage</button></div>')


def _style(rng: random.Random) -> str:
    """Critical CSS inlined in the head, as page-speed tools advise (about 20 KB)."""
    rules = []
    for i in range(400):
        selector = f".{rng.choice(_WORDS)}-{rng.choice(_WORDS)}__{i}"
        rules.append(f"{selector}{{margin:{rng.randint(0, 40)}px;padding:{rng.randint(0, 20)}px;color:#"
                     f"{rng.randrange(16**6):06x};font:{rng.randint(10, 30)}px/1.4 Georgia,serif}}")
    return "<style>" + "\n".join(rules) + "</style>"


def _menu(rng: random.Random) -> str:
    """A header with a mega menu: every section with its dozen subsections."""
    columns = []
    for section in SECTIONS:
        links = "".join(f'<li><a href="/section/{section.lower()}/{rng.choice(_WORDS)}-{i}/">{rng.choice(_WORDS).title()}'
                        "</a></li>" for i in range(16))
        columns.append(f'<li class="menu-item"><a href="/section/{section.lower()}/">{section}</a>'
                       f'<ul class="sub-menu">{links}</ul></li>')
    return (f'<header id="masthead" class="site-header"><a class="site-title" href="/">{SITE_NAME}</a>'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{"".join(columns)}'
            '</ul></nav><form role="search" action="/search"><input type="search" name="q"></form></header>')


def _most_read(rng: random.Random, site: HeavySite) -> str:
    items = "".join(f'<li><a href="{site.story(n).path}">{escape(site.story(n).title)}</a></li>'
                    for n in rng.sample(range(1, site.spec.articles + 1), min(10, site.spec.articles)))
    return (f'<aside id="secondary" class="widget-area"><section class="widget most-read"><h2 class="widget-title">'
            f'Most read</h2><ol>{items}</ol></section><section class="widget newsletter"><h2>Newsletter</h2>'
            '<p>The day\'s news in your inbox every morning.</p><form><input type="email"><button>Sign up</button>'
            "</form></section></aside>")


def _footer(rng: random.Random) -> str:
    links = "".join(f'<li><a href="/about/{rng.choice(_WORDS)}-{i}/">{rng.choice(_WORDS).title()} '
                    f"{rng.choice(_WORDS)}</a></li>" for i in range(60))
    return (f'<footer id="colophon" class="site-footer"><ul class="footer-links">{links}</ul><p>© 2019 {SITE_NAME}. '
            "All rights reserved.</p></footer>")


def _scripts(rng: random.Random) -> tuple[str, str]:
    """Analytics and an ad loader in the head; a bundled widget runtime at the end of the body (about 25 KB)."""
    config = {"slots": [{"id": f"ad-slot-{i}", "sizes": [[300, 250], [728, 90]], "targeting": {
        "kw": [rng.choice(_WORDS) for _ in range(8)]}} for i in range(40)]}
    head = ("<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});"
            "var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;j.src='/gtm.js?id='+i;"
            "f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-XXXX');</script>"
            f"<script>window.adConfig = {json.dumps(config)};</script>")
    runtime = ";".join(f"function {rng.choice(_WORDS)}_{i}(a,b){{var c=a&&a.{rng.choice(_WORDS)};"
                       f"return c?b.filter(function(x){{return x.id!=={i}}}):[]}}" for i in range(180))
    return head, f"<script>{runtime}</script>"


def main(argv: list[str] | None = None) -> None:
    """Serve the site in the foreground until interrupted."""
    from migrator.demo.server import serve_forever, site_parser

    parser = site_parser("Serve a generated news site of heavy generic pages.", 8002)
    parser.add_argument("--articles", type=int, default=HeavySpec.articles)
    parser.add_argument("--seed", type=int, default=HeavySpec.seed)
    args = parser.parse_args(argv)
    serve_forever(HeavySite(HeavySpec(args.articles, args.seed)), args.host, args.port, "the heavy news site")


if __name__ == "__main__":
    main()
