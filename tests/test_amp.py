"""An AMP copy of a post (``/post/N/amp/``: ``<link rel="amphtml">`` on the post, ``<link rel="canonical">`` on the
copy) is an alias of its post, never a record of its own, whichever of the two is fetched first.

The markup follows WordPress' AMP plugin (ampproject/amp-wp, legacy Reader mode templates): ``<html amp>``, the
viewport meta, the AMP runtime script, ``<style amp-custom>``, ``header.amp-wp-header``, ``article.amp-wp-article``
with ``h1.amp-wp-title``, the byline (``amp-img`` avatar, ``span.amp-wp-author``) and ``time`` in
``div.amp-wp-meta``, ``div.amp-wp-article-content``, the taxonomy and comments links in the article's footer, and
``footer.amp-wp-footer``; the post links its copy as the plugin's ``amp_add_amphtml_link`` prints it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from migrator.extract import extract
from migrator.ingest import Counts, Ingest
from migrator.mapping import load_config
from migrator.rulebook import Rulebook
from migrator.store import RawPage, Store
from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

POSTS = 6
TEXT = ("The orchard survived the late frost because the growers lit smudge pots along every row and kept them "
        "burning until the sun was well above the hills.")


def _paragraphs(n: int) -> str:
    return "".join(f"<p>Night {n}, hour {k}: {TEXT}</p>" for k in range(1, 6))


def post(base: str, n: int) -> str:
    return f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>Frost night {n} &#8211; Orchard notes</title>
<link rel="canonical" href="{base}/post/{n}/"><link rel="amphtml" href="{base}/post/{n}/amp/"></head>
<body class="post-template-default single single-post postid-{n}"><div id="page" class="site">
<header id="masthead" class="site-header"><p class="site-title"><a href="{base}/">Orchard notes</a></p>
<nav class="main-navigation"><a href="{base}/">Home</a> <a href="{base}/about/">About</a></nav></header>
<main id="main" class="site-main"><article id="post-{n}" class="post-{n} post type-post status-publish hentry">
<header class="entry-header"><h1 class="entry-title">Frost night {n}</h1><div class="entry-meta"><span class="posted-on">
<time class="entry-date published" datetime="2019-04-0{n}T08:00:00+00:00">April {n}, 2019</time></span></div></header>
<div class="entry-content">{_paragraphs(n)}</div></article></main>
<footer class="site-footer"><a href="https://wordpress.org/">Proudly powered by WordPress</a></footer></div></body></html>"""


def amp(base: str, n: int) -> str:
    """The plugin's Reader-mode copy: the same content, its own chrome, a relative time in the byline."""
    return f"""<!doctype html><html amp lang="en-US"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,minimum-scale=1,maximum-scale=1,user-scalable=no">
<link rel="canonical" href="{base}/post/{n}/"><title>Frost night {n} &#8211; Orchard notes</title>
<script async src="https://cdn.ampproject.org/v0.js"></script>
<style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both}}</style>
<style amp-custom>.amp-wp-header{{background:#0a89c0}}</style></head>
<body class=""><header id="top" class="amp-wp-header"><div><a href="{base}/">Orchard notes</a></div></header>
<article class="amp-wp-article"><header class="amp-wp-article-header"><h1 class="amp-wp-title">Frost night {n}</h1>
<div class="amp-wp-meta amp-wp-byline"><amp-img src="https://secure.gravatar.com/avatar/0?s=24&amp;d=mm" width="24" height="24"
layout="fixed"></amp-img><span class="amp-wp-author author vcard">Ann Grower</span></div>
<div class="amp-wp-meta amp-wp-posted-on"><time datetime="2019-04-0{n}T08:00:00+00:00">5 years ago</time></div></header>
<div class="amp-wp-article-content">{_paragraphs(n)}</div>
<footer class="amp-wp-article-footer"><div class="amp-wp-meta amp-wp-tax-category">Categories: <a href="{base}/category/news/"
rel="category tag">News</a></div><div class="amp-wp-meta amp-wp-comments-link"><a href="{base}/post/{n}/#respond">Leave a
Comment</a></div></footer></article><footer class="amp-wp-footer"><div><h2>Orchard notes</h2>
<a href="#top" class="back-to-top">Back to top</a></div></footer></body></html>"""


def index(base: str) -> str:
    # half the posts are linked by their AMP copy only (a share widget's link): those copies come first
    links = "".join(f'<li><a href="{base}/post/{n}/{"amp/" if n % 2 else ""}">Frost night {n}</a></li>'
                    for n in range(1, POSTS + 1))
    return f"<!DOCTYPE html><html lang=en><head><title>Orchard notes</title></head><body><ul>{links}</ul></body></html>"


@pytest.fixture(scope="module")
def server() -> Iterator[RouteServer]:
    holder: dict[str, str] = {}

    def route(path: str) -> tuple[int, dict[str, str], str]:
        base = holder["base"]
        parts = path.strip("/").split("/")
        if path == "/":
            return 200, {}, index(base)
        if len(parts) in (2, 3) and parts[0] == "post" and parts[1].isdigit() and 1 <= int(parts[1]) <= POSTS:
            if len(parts) == 2:
                return 200, {}, post(base, int(parts[1]))
            if parts[2] == "amp":
                return 200, {}, amp(base, int(parts[1]))
        return 404, {}, "<html><body>Not found</body></html>"

    with serve("127.0.0.1", route) as running:
        holder["base"] = running.url
        yield running


def test_amp_copies_are_aliases_of_their_posts(server: RouteServer, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    for _ in range(2):  # and a crawl repeated on its database finds them so
        done = migrator("crawl", server.url + "/", "--db", str(db))
        assert done.returncode == 0, done.stderr[-3000:]
        exported = migrator("export", "--db", str(db))
        records = [json.loads(line) for line in exported.stdout.splitlines()]
        assert sorted(r["url"] for r in records) == [f"{server.url}/post/{n}/" for n in range(1, POSTS + 1)]
        for record in records:
            assert record["aliases"] == [record["url"] + "amp/"], record["aliases"]
            assert record["published_at"] == f"2019-04-0{record['url'].rstrip('/')[-1]}T08:00:00+00:00"
            assert "Back to top" not in record["body_text"] and "5 years ago" not in record["body_text"]


@pytest.mark.parametrize("amp_first", [False, True], ids=["post-first", "amp-first"])
def test_an_amp_copy_joins_its_post_whichever_comes_first(store: Store, amp_first: bool) -> None:
    base = "http://orchard.test"
    config = load_config(start_url=base + "/")
    stats = Counts()
    ingest = Ingest(store, config, Rulebook.for_run(config, str(store.path)), store.begin_run("crawl", base + "/", {}),
                    stats, frontier=False)
    pages = [(f"{base}/post/3/", post(base, 3)), (f"{base}/post/3/amp/", amp(base, 3))]
    for url, html in reversed(pages) if amp_first else pages:
        raw = RawPage(url=url, status=200, headers={}, body=html.encode(), fetched_at="2026-12-07T10:00:00+00:00",
                      encoding="utf-8", request_url=url)
        with store.batch():
            ingest.page(raw, extract(url, html, config))
    [record] = list(store.records())
    assert (record["url"], record["aliases"]) == (f"{base}/post/3/", [f"{base}/post/3/amp/"])
    assert record["body_text"] == extract(pages[0][0], pages[0][1], config).article.body_text  # type: ignore[union-attr]
    assert stats["migrator/articles"] == 1 and stats["migrator/articles/merged"] == 1


def test_an_amp_page_that_is_its_own_canonical_is_a_record(store: Store) -> None:
    """An AMP-only site: each page is the canonical of itself."""
    base = "http://orchard.test"
    config = load_config(start_url=base + "/")
    ingest = Ingest(store, config, Rulebook.for_run(config, str(store.path)), store.begin_run("crawl", base + "/", {}),
                    Counts(), frontier=False)
    url, html = f"{base}/post/2/", amp(base, 2)
    raw = RawPage(url=url, status=200, headers={}, body=html.encode(), fetched_at="2026-12-07T10:00:00+00:00",
                  encoding="utf-8", request_url=url)
    with store.batch():
        ingest.page(raw, extract(url, html, config))
    assert [r["url"] for r in store.records()] == [url]
