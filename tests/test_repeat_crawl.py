"""A crawl repeated on its own finished database of an unchanged site gives exactly the first crawl's records,
whatever order the pages come in: a WordPress post saved under its date permalink and its short one (a static
copy made at two times shows other tags and another author on each), as a real WordPress archive does."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from migrator.demo.server import DemoServer
from tests.helpers import exported, migrator
from tests.sites.platforms import _WP_HEAD, _page
from tests.sites.server import PairInOrder

TEXT = ["Gordon Moore predicted in 1965 that the number of transistors on a chip would double every year.",
        "Fifty years later the student branch looked back at what the prediction meant for the industry.",
        "Speakers from three colleges talked about lithography, power walls and what comes after silicon."]
SHORT, DATED = "/50-years-of-moores-law/", "/2015/04/15/50-years-of-moores-law/"


def _post(author: str, tags: list[str]) -> str:
    """One post as Twenty Twelve prints it (its canonical link names the short permalink)."""
    text = "".join(f"<p>{p}</p>" for p in TEXT)
    tagged = ", ".join(f"<a href='/tag/{t.lower()}/' rel='tag'>{t}</a>" for t in tags)
    main = ("<div id='primary'><article id='post-1010' class='post-1010 post type-post status-publish hentry'>"
            "<header class='entry-header'><h1 class='entry-title'>50 years of Moore's law</h1></header>"
            f"<div class='entry-content'>{text}</div><footer class='entry-meta'>This entry was posted in "
            f"<a href='/category/articles/' rel='category tag'>Articles</a> and tagged {tagged} on "
            f"<a href='{SHORT}' rel='bookmark'><time class='entry-date' datetime='2015-04-15T07:25:10+00:00'>"
            "April 15, 2015</time></a><span class='by-author'> by <span class='author vcard'><a class='url fn n' "
            f"href='/author/{author}/' rel='author'>{author}</a></span></span>.</footer></article></div>")
    head = _WP_HEAD + f"<link rel='canonical' href='{SHORT}' />"
    return _page("50 years of Moore's law | IEEE SB", head, "single single-post postid-1010", main)


def _two_permalinks() -> PairInOrder:
    """The home page links both permalinks."""
    home = _page("IEEE SB", _WP_HEAD, "home blog", f"<a href='{DATED}'>dated</a> <a href='{SHORT}'>short</a>")
    return PairInOrder({SHORT: _post("laxmi", ["Technology", "Moore"]), DATED: _post("admin", ["Technology"]),
                        "/": home}, (SHORT, DATED))

@pytest.fixture
def site() -> Iterator[tuple[PairInOrder, str]]:
    served = _two_permalinks()
    with DemoServer(served) as server:
        yield served, server.url


def test_a_repeated_crawl_gives_the_first_crawls_records(site: tuple[PairInOrder, str], tmp_path: Path) -> None:
    served, url = site
    db = tmp_path / "site.db"
    records = []
    for last in (SHORT, DATED):  # the short permalink answered last, then the dated one
        served.last = last
        for event in served.served.values():
            event.clear()
        proc = migrator("crawl", url + "/", "--db", str(db), "--timezone", "UTC")
        assert proc.returncode == 0, proc.stderr[-2000:]
        records.append(exported(db))
    assert records[1] == records[0]
    post = next(r for r in records[0] if r["source_id"] == "post/1010")
    assert post["url"] == url + SHORT and post["aliases"] == [url + DATED]
    assert (post["author"], post["tags"]) == ("laxmi", ["Articles", "Technology", "Moore"])  # the canonical page's
