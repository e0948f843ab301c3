"""Other entries a page lists in hAtom markup are never its text, and a page they are the content of is a listing:
the hand-made town portal as its saved pages really end (:class:`tests.sites.handmade.RelatedPortal`: under each
news entry the heading "Советуем почитать другие свежие новости Калязина:" over a ``ul.hfeed`` of ``li.hentry``
rows with ``entry-title`` links and ``abbr.published`` dates), crawled with no mapping through a real local server."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Callable

from tests.helpers import Crawled, migrator
from tests.sites.handmade import RelatedPortal
from tests.sites.server import serve


def test_related_entries_leave_the_body_and_a_section_of_them_is_a_listing(crawl_site: Callable[..., Any]) -> None:
    site = RelatedPortal()
    crawled, records, base = crawl_site(site.route)
    council = site.council
    expected = [e.path for e in site.entries] + [p.path for p in site.pages.values() if p is not site.raion]
    assert sorted(records) == sorted(expected)  # the district's index, one sentence over its list, is a listing
    titles = site.titles()
    for path, record in records.items():
        body = record["body_text"]
        assert "Советуем почитать" not in body and council.intro not in body, path
        others = [t for p, t in titles.items() if p != path and t in body]
        assert others == [], (path, others)  # no other entry's headline in the body
        assert "19:05" not in body, path  # nor the rows' timestamps
    short = records[site.entries[1].path]  # one sentence, then the list: still its own entry
    assert short["title"] == site.entries[1].title and site.entries[1].paragraphs[0] in short["body_text"]
    assert all(p in records[council.path]["body_text"] for p in council.paragraphs)  # a long text of its own


def test_a_section_index_of_hatom_rows_is_skipped_with_its_reason(tmp_path: Path) -> None:
    """One page extracted alone: the district's index is a listing, and says why; a village page beside it
    (the same rows, of its neighbours) is an entry without them."""
    site = RelatedPortal()
    pages = {tmp_path / "raion.html": site.raion.path, tmp_path / "nerl.html": site.villages[0].path}
    for file, path in pages.items():
        file.write_text(site.route(path)[2], encoding="utf-8")
    found = {}
    for file, path in pages.items():
        proc = migrator("extract", str(file), "--url", "http://kalyazin.test" + path, "--timezone", "Europe/Moscow")
        assert proc.returncode == 0, proc.stderr[-3000:]
        found[path] = json.loads(proc.stdout.splitlines()[0])
    raion, village = found[site.raion.path], found[site.villages[0].path]
    assert (raion["kind"], raion["reason"]) == ("listing", "listing: hAtom feed of 3 entries")
    assert village["kind"] == "article" and village["title"] == site.villages[0].title
    assert site.villages[1].title not in village["body_text"]


def test_hand_wrapped_bodies_agree_on_the_element_holding_them_all(crawl: Callable[..., Crawled]) -> None:
    """Each page's text sits in wrappers its editor made (bare, ``div > div``, one ``div``, a layout table): no
    XPath below ``div#content`` is the region of half the pages, but every page's region lies inside it, so the
    template's content region is learned there, with every page agreeing."""
    site = RelatedPortal()
    with serve("127.0.0.1", site.route) as server:
        crawled = crawl(server.url + "/")
    assert crawled.proc.returncode == 0, crawled.proc.stderr[-3000:]
    with sqlite3.connect(crawled.db) as db:
        templates = db.execute("SELECT xpath, pages, agreeing FROM templates").fetchall()
    assert [(xpath, agreeing == pages) for xpath, pages, agreeing in templates] == [("//div[@id='content']", True)]
