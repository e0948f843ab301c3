"""A Drupal 6 node served at its path alias and under ``/node/N/…`` (metarec: HTTrack saved
``/node/1413/function.html``, a PHP warning's ``function.date`` link under the node's path, which Drupal's
``node/%node`` answers with the node's full page, beside ``/conectaz/MetaLearning.html``): one record at the path
alias, the other URL its alias, whichever is met first."""
from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import migrator
from tests.sites.server import serve

ALIAS = "/conectaz/MetaLearning-aprendizado.html"
SUBPATH = "/node/1413/function.html"
TEXT = ("MetaLearning é um projeto cujo objetivo é pesquisar e desenvolver conceitos e sistemas dedicados ao "
        "aprendizado distribuído. ")


def _page(body_class: str) -> str:
    node = (f"<div id='node-1413' class='node node-type-conectaz build-mode-full clearfix'><h2 class='title'>"
            f"MetaLearning</h2><div class='content'><p>{TEXT * 3}</p><p>{TEXT}</p></div></div>")
    return ("<!DOCTYPE html><html lang='pt-br'><head><meta charset='utf-8'><title>MetaLearning | MetaReciclagem"
            f"</title><script src='/misc/drupal.js'></script></head><body class='{body_class}'><div id='page'>"
            f"<div id='content-area'>{node}</div><div id='sidebar'><a href='{SUBPATH}'>função</a> "
            f"<a href='{ALIAS}'>MetaLearning</a></div></div></body></html>")


def route(path: str) -> tuple[int, dict[str, str], str]:
    if path == "/":  # the /node/N/… link comes first
        return 200, {}, f"<html><body><a href='{SUBPATH}'>a</a> <a href='{ALIAS}'>b</a></body></html>"
    if path == SUBPATH:  # zen's body classes: page- and the unaliased path
        return 200, {}, _page("page not-front node-type-conectaz page-node-1413-functiondate section-node")
    if path == ALIAS:
        return 200, {}, _page("page not-front node-type-conectaz page-conectaz-metalearning section-conectaz")
    return 404, {}, "<html><body>Página não encontrada</body></html>"


def test_a_node_under_node_n_subpath_is_an_alias_of_its_path_alias(tmp_path: Path) -> None:
    with serve("127.0.0.1", route) as server:
        db = tmp_path / "site.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "America/Sao_Paulo")
        assert proc.returncode == 0, proc.stderr[-2000:]
        export = migrator("export", "--db", str(db))
    (record,) = [json.loads(line) for line in export.stdout.splitlines()]
    assert record["source_id"] == "node/1413"
    assert record["url"] == server.url + ALIAS and record["aliases"] == [server.url + SUBPATH]
