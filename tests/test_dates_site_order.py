"""A Drupal 6 site in Portuguese that prints its dates day first ('D, d/m/Y - H:i', the weekday translated, as
metarec's ``div.blog-data`` does: "qui, 11/09/2008 - 11:20"): the stamps whose day is over 12 settle the site's
order, and the one that reads either way with the same weekday ("sex, 03/12/2010" is a Friday read as 3 December
and as 12 March) is read in it, in the crawl and in a crawl repeated on its own database."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from migrator.extract.dates import DAY_FIRST, MONTH_FIRST, in_order, numeric_order, site_order
from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

#: (path, title, printed stamp, ISO in America/Sao_Paulo).
NODES = [
    ("/blog/11-09-08/Jardinada.html", "Jardinada", "qui, 11/09/2008 - 11:20", "2008-09-11T11:20:00-03:00"),
    ("/blog/25-08-10/Como-realizar.html", "Como realizar", "qua, 25/08/2010 - 10:19", "2010-08-25T10:19:00-03:00"),
    ("/blog/13-03-09/Arla32.html", "Arla32", "sex, 13/03/2009 - 08:06", "2009-03-13T08:06:00-03:00"),
    ("/blog/18-01-10/Mutsaz.html", "Mutsaz", "seg, 18/01/2010 - 02:45", "2010-01-18T02:45:00-02:00"),
    ("/blog/03-12-10/Exercicio.html", "Exercício", "sex, 03/12/2010 - 00:48", "2010-12-03T00:48:00-02:00"),
]
TEXT = ("Como eu tinha avisado aqui, dediquei uma tarde no meio do Fórum a brincar de identidades. "
        "Eu rabisquei um roteiro para o exercício de identidade, em resumo: faça sua bandeira. "
        "Depois compartilhamos as experiências de cada grupo com quem passava pelo canto.")


#: Comments under the first node as metarec prints them (comment.tpl.php: div.comment, div.submitted "Enviado por X em
#: D, d/m/Y - H:i."): (author, printed stamp, ISO). 12/03/2010 reads either way with the same weekday (12 March
#: and 3 December 2010 are Fridays): only the site's order says which.
COMMENTS = [("siliamoan", "sex, 12/03/2010 - 00:14", "2010-03-12T00:14:00-03:00"),
            ("felipefonseca", "qui, 25/03/2010 - 10:05", "2010-03-25T10:05:00-03:00")]


def _comments() -> str:
    return "<div id='comments' class='comment_wrapper'>" + "".join(
        f"<div class='comment clear-block'><h3 class='title'><a href='#comment-{n}'>Re</a></h3>"
        f"<div class='submitted'>Enviado por <a href='/pessoa/{who}.html'>{who}</a> em {stamp}.</div>"
        f"<div class='content'><p>Comentário {n} de {who}, sobre o exercício.</p></div></div>"
        for n, (who, stamp, _) in enumerate(COMMENTS, 1)) + "</div>"


def _node(nid: int, title: str, stamp: str) -> str:
    clock = stamp.rsplit(" ", 1)[1].lstrip("0")
    return (f"<div id='node-{nid}' class='node node-type-blog build-mode-full clearfix'>"
            f"<div class='blog-data'>{stamp}</div><h2 class='title'><a href='#'>{title}</a></h2>"
            f"<div class='meta'><span class='submitted'>Enviado por <a href='/pessoa/felipe.html'>felipe</a> "
            f"em {clock}.</span></div><div class='content'><p>{TEXT} {title}.</p><p>{TEXT}</p></div></div>")


def _page(main: str) -> str:
    links = "".join(f"<li><a href='{p}'>{t}</a></li>" for p, t, _, _ in NODES)
    return ("<!DOCTYPE html><html lang='pt-br'><head><meta charset='utf-8'><title>MetaReciclagem</title>"
            "<script src='/misc/drupal.js'></script></head><body><div id='page'><h1 class='title'>Blog</h1>"
            f"<div id='content-area'>{main}</div><div id='sidebar'><ul>{links}</ul></div></div></body></html>")


def route(path: str) -> tuple[int, dict[str, str], str]:
    pages = {p: _page(_node(100 + i, t, s) + (_comments() if i == 0 else "")) for i, (p, t, s, _) in enumerate(NODES)}
    pages["/"] = _page("<p>Bem-vindo.</p>")
    html = pages.get(path)
    if html is None:
        return 404, {}, "<html><body>Não encontrado</body></html>"
    return 200, {}, html


@pytest.fixture
def site() -> Iterator[RouteServer]:
    with serve("127.0.0.1", route) as server:
        yield server


def _dates(db: Path, base: str) -> dict[str, str]:
    proc = migrator("export", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    return {r["url"].removeprefix(base): r["published_at"] for r in records}


def test_the_sites_order_reads_the_ambiguous_stamp(site: RouteServer, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    wanted = {path: iso for path, _, _, iso in NODES}
    for _ in range(2):  # the first crawl learns the order at its end; the repeated one reads in it as pages arrive
        proc = migrator("crawl", site.url + "/", "--db", str(db), "--timezone", "America/Sao_Paulo")
        assert proc.returncode == 0, proc.stderr[-2000:]
        dates = _dates(db, site.url)
        assert {p: dates.get(p) for p in wanted} == wanted


def test_comments_are_read_in_the_sites_order_too(site: RouteServer, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    for _ in range(2):  # dated again at the first crawl's end; read in the stored order as the repeated one arrives
        proc = migrator("crawl", site.url + "/", "--db", str(db), "--timezone", "America/Sao_Paulo")
        assert proc.returncode == 0, proc.stderr[-2000:]
        export = migrator("export", "--db", str(db))
        (record,) = [r for r in map(json.loads, export.stdout.splitlines()) if r["url"] == site.url + NODES[0][0]]
        assert [(c["author"], c["published_at"]) for c in record["comments"]] == [(a, iso) for a, _, iso in COMMENTS]
        assert all(set(c) == {"author", "published_at", "body_text"} for c in record["comments"])  # the printed stamp is not exported


@pytest.mark.parametrize(("stamps", "order"), [
    (["qui, 11/09/2008", "qua, 25/08/2010", "sex, 13/03/2009", "seg, 18/01/2010", "sex, 03/12/2010"], DAY_FIRST),
    (["8/25/2010", "12/13/2009", "1/30/2011", "3/4/2012"], MONTH_FIRST),
    (["25/08/2010", "8/25/2010", "13/03/2009"], None),   # contradicted: not settled
    (["25.08.2010", "13.03.2009", "18.01.2010"], None),   # d.m.Y is day first by convention, never swapped
    (["11/09/2008", "03/12/2010"], None),                 # nothing shows it
])
def test_site_order(stamps: list[str], order: str | None) -> None:
    assert site_order(numeric_order(s) for s in stamps) == order


@pytest.mark.parametrize(("iso", "raw", "order", "fixed"), [
    ("2010-03-12T00:48:00-03:00", "sex, 03/12/2010 - 00:48", DAY_FIRST, "2010-12-03T00:48:00-02:00"),
    ("2010-12-03T00:48:00-02:00", "sex, 03/12/2010 - 00:48", DAY_FIRST, None),    # already so
    ("2010-03-12", "03/12/2010", MONTH_FIRST, None),
    ("2010-12-03", "03/12/2010", MONTH_FIRST, "2010-03-12"),
    ("2010-08-25T10:19:00-03:00", "25/08/2010 - 10:19", MONTH_FIRST, None),       # not ambiguous
    ("2010-05-05", "05/05/2010", DAY_FIRST, None),                                 # both readings one day
    ("2014-01-03T08:01:00+00:00", "2014-01-03T08:01:00+00:00", DAY_FIRST, None),   # an ISO stamp
])
def test_in_order(iso: str, raw: str, order: str, fixed: str | None) -> None:
    assert in_order(iso, raw, order, "America/Sao_Paulo") == fixed
