"""Every stored page that becomes no record keeps the extractor's reason, and ``migrator status`` lists them by it.

A small Drupal 6 site in Garland's markup (node.tpl.php's ``div.node``, its teasers' linked ``<h2>`` titles as
node.tpl.php prints them when ``!$page``; user-profile.tpl.php's ``div.profile`` with its ``<dl>``) is crawled
through a real local server: four full nodes, a front page and a second listing page of teasers, a user page.
"""
from __future__ import annotations

import gzip
import json
import re
import shutil
import sqlite3
from html import escape
from pathlib import Path
from typing import Any, Iterator

import pytest

from migrator.store import RawPage, Store
from tests.helpers import Crawled, migrator
from tests.sites.server import serve

TEXTS = ("The river mill was rebuilt in the spring after the flood took the old wheel and half of the wall.",
         "Market day brought traders from three valleys, and the guild counted more carts than ever before.",
         "The tower bell cracked in the frost; the smiths argue whether to recast it or to buy a new one.",
         "A new road to the mine shortens the trip by a day and spares the horses the steep forest pass.")


def _page(title: str, inner: str, body_class: str = "") -> str:
    return ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            f'<title>{escape(title)} | Valley News</title>'
            '<meta name="generator" content="Drupal 6 (http://drupal.org)" /></head>'
            f'<body class="sidebars {body_class}"><div id="wrapper"><div id="container" class="clear-block">'
            '<div id="header"><ul class="links primary-links"><li class="menu-1 first"><a href="/">Home</a></li>'
            '<li><a href="/users/editor">Editor</a></li><li><a href="/node?page=1">Older</a></li></ul></div>'
            f'<div id="center"><div id="squeeze">{inner}</div></div></div></div></body></html>')


def _node(nid: int) -> str:
    body = "".join(f"<p>{escape(TEXTS[nid - 1])} Part {k} of the story of issue {nid}, told at length for the "
                   f"readers of the valley who missed the meeting in the hall.</p>" for k in range(1, 5))
    return _page(f"Story {nid}", f'<h2>Story {nid}</h2><div class="clear-block"><div id="node-{nid}" class="node">'
                 f'<div class="meta"><span class="submitted">Submitted by <a href="/users/editor">editor</a> on '
                 f'25 November 2014 - 10:{10 + nid}</span></div><div class="content">{body}</div></div></div>',
                 "node-type-story")


def _teasers(nids: tuple[int, ...]) -> str:
    return _page("Front", "".join(
        f'<div id="node-{n}" class="node"><h2><a href="/node/{n}" title="Story {n}">Story {n}</a></h2>'
        f'<span class="submitted">Submitted by editor on 25 November 2014 - 10:{10 + n}</span>'
        f'<div class="content"><p>{escape(TEXTS[n - 1])}</p></div>'
        f'<ul class="links inline"><li class="node_read_more first last"><a href="/node/{n}">Read more</a></li></ul>'
        "</div>" for n in nids))


USER = _page("editor", '<h2>editor</h2><div class="profile"><h3>History</h3><dl class="user-member"><dt>Member for</dt>'
             "<dd>6 years 2 weeks</dd></dl></div>")
PAGES = {"/": _teasers((4, 3, 2)), "/node?page=1": _teasers((2, 1)), "/users/editor": USER,
         **{f"/node/{n}": _node(n) for n in range(1, 5)}}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Crawled, str]]:
    route = lambda path: (200, {}, PAGES[path]) if path in PAGES else (404, {}, b"")  # noqa: E731
    with serve("127.0.0.1", route) as server:
        db = tmp_path_factory.mktemp("reasons") / "site.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "UTC", timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        yield Crawled(proc, db), server.url


def _pages(db: Path) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        return {url: (kind, reason) for url, kind, reason in conn.execute("SELECT url, kind, reason FROM pages")}


def test_each_skipped_page_keeps_the_extractors_reason(crawled: Any) -> None:
    run, base = crawled
    pages = _pages(run.db)
    assert {u.removeprefix(base) for u, (kind, _) in pages.items() if kind == "article"} \
        == {f"/node/{n}" for n in range(1, 5)}
    assert pages[base + "/users/editor"] == ("other", "user or login page")
    assert pages[base + "/"][0] == "listing" and pages[base + "/node?page=1"][0] == "listing"
    assert re.fullmatch(r"listing: \d+ teasers|listing: home page", pages[base + "/"][1] or "")
    assert pages[base + "/node?page=1"][1] == "listing: 2 teasers"
    assert all(reason is None for kind, reason in pages.values() if kind == "article")


def test_status_lists_skipped_pages_by_reason_and_the_urls_of_one(crawled: Any) -> None:
    run, base = crawled
    proc = migrator("status", "--db", str(run.db))
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout[proc.stdout.index("skipped: stored pages that are no record"):]
    assert re.search(r"other\s*│\s*user or login page\s*│\s*1\b", table)
    assert re.search(r"listing\s*│\s*listing: N teasers\s*│\s*\d\b", table)
    assert "listing: 2 teasers" not in table  # grouped without its numbers
    users = migrator("status", "--db", str(run.db), "--skipped", "user or login page")
    assert users.returncode == 0 and users.stdout.split() == [base + "/users/editor"]
    teasers = migrator("status", "--db", str(run.db), "--skipped", "listing: N teasers")
    assert base + "/node?page=1" in teasers.stdout.split()
    exact = migrator("status", "--db", str(run.db), "--skipped", "listing: 2 teasers")
    assert exact.stdout.split() == [base + "/node?page=1"]
    none = migrator("status", "--db", str(run.db), "--skipped", "no such reason")
    assert none.returncode == 1 and "user or login page" in none.stderr
    assert "--skipped 'user or login page'" in migrator("status", "--help").stdout


def test_the_status_counts_agree_with_the_run_summary(crawled: Any) -> None:
    run, _ = crawled
    with sqlite3.connect(run.db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM runs ORDER BY id DESC").fetchone()[0])
    store = Store(run.db, create=False, readonly=True)
    by_kind: dict[str, int] = {}
    for kind, _, count in store.skipped_reasons():
        by_kind[kind] = by_kind.get(kind, 0) + count
    assert by_kind == {k: n for k, n in stats["skipped"].items() if k in ("listing", "other")} \
        == {"listing": 2, "other": 1}
    total = re.search(r"skipped: pages that are no article\D*(\d+)", run.proc.stderr)
    assert total and int(total.group(1)) == sum(by_kind.values())


def _raw(kind: str, reason: str | None) -> RawPage:
    return RawPage(url="http://old.test/p", status=200, headers={}, body=b"<html></html>", fetched_at="2026-01-01",
                   kind=kind, reason=reason)


def test_a_page_that_becomes_a_record_loses_its_reason(tmp_path: Path) -> None:
    store = Store(tmp_path / "site.db")
    store.save_page(_raw("other", "other: 37 words, 0% in links"), 1)
    assert store.skipped_reasons() == [("other", "other: N words, N% in links", 1)]
    store.save_page(_raw("article", "other: 37 words, 0% in links"), 2)  # a later run read it as an article
    assert store.skipped_reasons() == [] and _pages(store.path)["http://old.test/p"] == ("article", None)
    store.mark_page("http://old.test/p", "listing", None, "listing: uCoz list of 12 entries")
    assert store.skipped_urls("listing: uCoz list of N entries") == ["http://old.test/p"]
    store.mark_page("http://old.test/p", "article", "sid")  # the crawl-end rescue made it a record
    assert _pages(store.path)["http://old.test/p"] == ("article", None)


def test_a_withdrawn_records_pages_keep_the_withdrawal_reason(tmp_path: Path) -> None:
    from migrator.record import Article

    store = Store(tmp_path / "site.db")
    run = store.begin_run("crawl", "http://old.test/", {})
    article = Article(source_id="s1", url="http://old.test/p", title="T", body_html="<p>x</p>", body_text="x")
    store.save_page(_raw("article", None), run)
    store.save_article(article, run)
    assert store.demote("s1", run, "excerpts of other articles", older=True) == 1
    assert _pages(store.path)["http://old.test/p"] == ("listing", "withdrawn: excerpts of other articles")


def test_an_old_database_upgrades_and_its_skipped_pages_show_without_reason(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    with gzip.open(Path(__file__).parent / "data" / "pre-ledger" / "site.db.gz") as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    before = migrator("status", "--db", str(db))  # read-only: the file is not upgraded yet
    assert before.returncode == 0, before.stderr
    assert re.search(r"listing\s*│\s*\(no reason: stored before reasons were kept\)\s*│\s*15\b", before.stdout)
    store = Store(db)
    assert "page-reason" in store.migrations() and "reason" in store.db.table("pages").columns_dict
    assert {kind: n for kind, _, n in store.skipped_reasons()} == {"listing": 15, "other": 12}
    store.close()
    assert len(migrator("status", "--db", str(db), "--skipped", "(no reason: stored before reasons were kept)")
               .stdout.split()) == 27
