"""A directory index and the page it serves (``/`` and ``/title-page.html``, the same bytes) are one record."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from migrator.extract import extract
from migrator.ingest import Counts, Ingest
from migrator.mapping import Config, load_config
from migrator.record import content_hash
from migrator.rulebook import Rulebook
from migrator.store import RawPage, Store
from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

TEXT = " ".join(["Краеведческий музей открыт по будням с десяти утра, вход для школьников свободный."] * 8)


def _news(title: str) -> str:
    return (f"<!doctype html><html lang=ru><head><meta charset=utf-8><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1><time datetime='2017-07-11T10:00:00+03:00'>11.07.17</time>"
            f"<p>{TEXT}</p><p>{title}. {TEXT}</p></article></body></html>")


#: A hand-made site's title page, saved as title-page.html and served at / too (a static copy of a site whose
#: front page was /title-page.html): a welcome text that quotes the latest news with its date.
TITLE_PAGE = ("<!doctype html><html lang=ru><head><meta charset=utf-8><title>Город Калязин</title></head><body>"
              "<div id=menu><a href='/title-page.html'>Главная</a> <a href='/news/muzey.html'>Музей</a> "
              "<a href='/news/most.html'>Мост</a></div><div id=content><h1>Добро пожаловать в Калязин</h1>"
              f"<p>{TEXT}</p><p>Новости города — 11.07.2017: музей открыт после ремонта. {TEXT}</p></div></body></html>")


def route(path: str) -> tuple[int, dict[str, str], bytes]:
    pages = {"/": TITLE_PAGE, "/title-page.html": TITLE_PAGE, "/news/muzey.html": _news("Музей открыт после ремонта"),
             "/news/most.html": _news("Мост через Волгу")}
    html = pages.get(path)
    return (200, {}, html.encode()) if html else (404, {}, b"<html><body>no</body></html>")


@pytest.fixture(scope="module")
def server() -> Iterator[RouteServer]:
    with serve("127.0.0.1", route) as running:
        yield running


def test_a_directory_index_and_its_page_are_one_record(server: RouteServer, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    for _ in range(2):  # the second crawl finds the record as the first left it
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
        assert proc.returncode == 0, proc.stderr[-2000:]
        export = migrator("export", "--db", str(db))
        assert export.returncode == 0, export.stderr
        records = {r["url"]: r for r in map(json.loads, export.stdout.splitlines())}
        front = [r for r in records.values() if "Новости города" in r["body_text"]]
        assert len(front) == 1, sorted(records)
        # the site root is a listing, never a record: the title page is the one record of that content, or the
        # root's alias where the root's page came first
        assert server.url + "/" not in records or front[0]["url"] == server.url + "/"
        assert {front[0]["url"], *front[0]["aliases"]} <= {server.url + "/", server.url + "/title-page.html"}
        assert records[server.url + "/news/muzey.html"]["published_at"] == "2017-07-11T10:00:00+03:00"


def test_the_title_page_the_root_serves_is_not_dated_from_its_text(server: RouteServer, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    for _ in range(2):  # and a crawl repeated on its database leaves it so
        assert migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow").returncode == 0
        records = [json.loads(line) for line in migrator("export", "--db", str(db)).stdout.splitlines()]
        assert [r["published_at"] for r in records if "Новости города" in r["body_text"]] == [None]


def _fetched(ingest: Ingest, store: Store, config: Config, url: str, html: str) -> None:
    raw = RawPage(url=url, status=200, headers={"Content-Type": "text/html; charset=utf-8"}, body=html.encode(),
                  fetched_at="2026-12-07T10:00:00+00:00", encoding="utf-8", request_url=url)
    with store.batch():
        ingest.page(raw, extract(url, html, config))


@pytest.mark.parametrize("order", [("/", "/title-page.html"), ("/title-page.html", "/")])
def test_a_page_with_the_roots_bytes_is_not_dated_from_its_text_whichever_came_first(
        store: Store, order: tuple[str, str]) -> None:
    site = "http://town.test"
    config = load_config(start_url=site + "/", timezone="Europe/Moscow")
    run = store.begin_run("crawl", site + "/", {})
    ingest = Ingest(store, config, Rulebook.for_run(config, str(store.path)), run, Counts(), frontier=False)
    for path in order:
        _fetched(ingest, store, config, site + path, TITLE_PAGE)
    _fetched(ingest, store, config, site + "/news/muzey.html", _news("Музей открыт после ремонта"))
    records = {r["url"]: r for r in store.records()}
    assert records[site + "/title-page.html"]["published_at"] is None
    assert records[site + "/title-page.html"]["content_hash"] == content_hash(records[site + "/title-page.html"])
    assert records[site + "/news/muzey.html"]["published_at"] == "2017-07-11T10:00:00+03:00"
