"""One post kept under two permalinks that each say they are its canonical page (a static export of a WordPress
whose permalink structure changed: the old copy, ``/slug/``, printed by WordPress 4.3.3 under an older theme as
"Posted by admin"; the current one, ``/2013/04/22/slug/``, by WordPress 4.9.10 as "by laxmi"): the record keeps the
copy of the newer engine, whichever the crawl meets first, and a crawl repeated on its own database changes nothing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from migrator.demo.server import DemoServer
from tests.helpers import exported, migrator
from tests.sites.platforms import _page
from tests.sites.server import PairInOrder

TEXT = ["The expo showed free operating systems to the students of the college for four days.",
        "Volunteers installed them on the visitors' own machines and answered questions all week.",
        "The Freedom Toaster is now on display at the Technical Library of the college."]
SHORT, DATED = "/os-expo-from-computer-society/", "/2013/04/22/os-expo-from-computer-society/"


def _head(version: str, canonical: str, theme: str = "") -> str:
    generator = f"<meta name='generator' content='{theme}'/>" if theme else ""
    return (f"{generator}<meta name='generator' content='WordPress {version}' />"
            f"<link rel='stylesheet' href='/wp-content/themes/t/style.css?ver={version}' />"
            f"<link rel='canonical' href='{canonical}' /><link rel='shortlink' href='/?p=601' />")


def _old_copy() -> str:
    """The older theme's single post: "Posted by <a rel=author>", the category linked ``rel=tag``."""
    text = "".join(f"<p>{p}</p>" for p in TEXT)
    main = ("<article id='post-601' class='module single-post-module post-601 post type-post status-publish hentry'>"
            "<div class='post-header'><h1 class='entry-title'>OS expo</h1><div class='post-meta'><p>Posted by "
            "<a href='/author/admin/' title='Posts by admin' rel='author'>admin</a> | April 22, 2013 | "
            "<a href='/category/cs/' rel='tag'>Computer Society</a></p></div></div>"
            f"<div class='post-wrap'><div class='post-content entry-content'>{text}</div></div></article>"
            f"<a href='{SHORT}'>OS expo</a>")
    head = _head("4.3.3", SHORT, "Extra (shared on themelot.net) v.1.0")
    return _page("OS expo | IEEE SB", head, "single single-post postid-601", main)


def _current_copy() -> str:
    """The current theme's single post: "by" ``span.author vcard``, ``time.entry-date``."""
    text = "".join(f"<p>{p}</p>" for p in TEXT)
    main = ("<article id='post-601' class='post-601 post type-post status-publish hentry'>"
            "<div class='tax__container'><a href='/category/cs/' rel='category tag'>Computer Society</a></div>"
            "<h1 class='entry-title'>OS expo</h1><div class='post-info'><span class='author-meta'>by "
            "<span class='author vcard'><a class='url fn n' href='/author/laxmi/' rel='author'>laxmi</a></span>"
            f"</span> Published <a href='/2013/04/22/' rel='bookmark'><time class='entry-date published updated' "
            "datetime='2013-04-22T04:19:00+00:00'>April 22, 2013</time></a></div>"
            f"<div class='entry-content'>{text}</div></article>")
    return _page("OS expo | IEEE SB", _head("4.9.10", DATED), "single single-post postid-601", main)


def _two_copies() -> PairInOrder:
    """The front page (the current theme) links the dated permalink, an old listing the short one."""
    return PairInOrder({SHORT: _old_copy(), DATED: _current_copy(),
                        "/": _page("IEEE SB", _head("4.9.10", "/"), "home blog",
                                   f"<a href='{DATED}'>OS expo</a> <a href='/page/2/'>Older posts</a>"),
                        "/page/2/": _page("IEEE SB", _head("4.3.3", "/page/2/"), "blog paged",
                                          f"<a href='{SHORT}'>OS expo</a> <a href='{SHORT}'>Read more</a>")},
                       (SHORT, DATED))

@pytest.fixture
def site() -> Iterator[tuple[PairInOrder, str]]:
    served = _two_copies()
    with DemoServer(served) as server:
        yield served, server.url


def _crawl(served: PairInOrder, url: str, db: Path, last: str) -> list[dict[str, Any]]:
    served.last = last
    for event in served.served.values():
        event.clear()
    proc = migrator("crawl", url + "/", "--db", str(db), "--timezone", "UTC")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return exported(db)


def test_the_newer_engines_copy_wins_whichever_comes_first(site: tuple[PairInOrder, str], tmp_path: Path) -> None:
    served, url = site
    short_last = _crawl(served, url, tmp_path / "a.db", SHORT)
    dated_last = _crawl(served, url, tmp_path / "b.db", DATED)
    assert short_last == dated_last
    post = next(r for r in short_last if r["source_id"] == "post/601")
    assert post["url"] == url + DATED and post["aliases"] == [url + SHORT]
    assert (post["author"], post["published_at"], post["tags"]) == ("laxmi", "2013-04-22T04:19:00+00:00",
                                                                    ["Computer Society"])


def test_a_repeated_crawl_keeps_the_copy(site: tuple[PairInOrder, str], tmp_path: Path) -> None:
    served, url = site
    db = tmp_path / "site.db"
    first = _crawl(served, url, db, DATED)
    again = _crawl(served, url, db, DATED)  # the old copy answered first this time: it must not take over
    assert again == first
    assert next(r for r in first if r["source_id"] == "post/601")["author"] == "laxmi"
