"""A crawl says where its time went, and one malformed link costs a link, not its page.

One real ``migrator crawl`` subprocess of a small generic site on a local server: its summary table and its
``runs`` row carry seconds per stage, its progress lines name the crawl-end steps as they start, and a thread
page holding a broken BBCode link (``http://[url=...``: urlsplit reads a bad IPv6 host) is stored all the same.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterator

import pytest

from migrator.ingest.stats import STAGES
from spiders.frontier import Frontier
from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

PAGE = """<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{title} | Форум</title></head>
<body><nav><a href="/">Главная</a> <a href="/t/1">Первая тема</a> <a href="/t/2">Вторая тема</a></nav>
<article><h1>{title}</h1><time datetime="2012-03-0{n}T10:15:00+04:00">{n} марта 2012</time>
<p>{title}: участники обсуждают, как собрать усилитель из старого радиоприёмника и не сжечь его.</p>
<p>Советуют начать с блока питания, проверить конденсаторы и только потом подключать динамики.</p>
<p>Один из участников выложил схему и фотографии платы, собранной на выходных из того, что нашлось в гараже.</p>
<p>Другие спорят, стоит ли менять лампы на транзисторы, и вспоминают, как звучали старые советские приёмники.</p>
<p>Модератор попросил не уходить от темы и напомнил о правилах раздела, где обсуждают только самоделки.</p>
<p>К вечеру в теме набралось больше сотни сообщений, а автор пообещал рассказать о результатах испытаний.</p>
<p>{extra}</p></article></body></html>"""
BROKEN = 'Музыка здесь: <a href="http://[url=http://music.example/album]">альбом</a>, ссылка из тега BBCode.'


@pytest.fixture(scope="module")
def site() -> Iterator[RouteServer]:
    def route(path: str) -> tuple[int, dict[str, str], str]:
        if path == "/":
            return 200, {}, '<html><body><a href="/t/1">1</a> <a href="/t/2">2</a></body></html>'
        if path == "/t/1":
            return 200, {}, PAGE.format(title="Усилитель своими руками", n=1, extra=BROKEN)
        if path == "/t/2":
            return 200, {}, PAGE.format(title="Ламповый звук", n=2, extra="Обсуждение продолжается в теме.")
        return 404, {}, "<html><body>нет</body></html>"

    with serve("127.0.0.1", route) as server:
        yield server


@pytest.fixture(scope="module")
def crawled(site: RouteServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("stages") / "site.db"
    proc = migrator("crawl", site.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
    assert proc.returncode == 0, proc.stderr[-3000:]
    conn = sqlite3.connect(db)
    stats = json.loads(conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    urls = {url for (url,) in conn.execute("SELECT url FROM articles WHERE state = 'live'")}
    conn.close()
    return {"stderr": proc.stderr, "stats": stats, "urls": urls, "site": site}


def test_page_with_a_malformed_link_is_stored_and_the_link_counted(crawled: dict[str, Any]) -> None:
    url = crawled["site"].url
    assert {f"{url}/t/1", f"{url}/t/2"} <= crawled["urls"]  # the page holding the link is a record
    assert crawled["stats"]["skipped"].get("malformed-url", 0) >= 1


def test_runs_row_and_summary_give_seconds_per_stage(crawled: dict[str, Any]) -> None:
    stages = crawled["stats"]["seconds_by_stage"]
    assert list(stages) == list(STAGES)  # every stage, in order
    assert all(isinstance(v, float) and v >= 0 for v in stages.values())
    assert stages["fetch"] > 0
    summary_row = next(line for line in crawled["stderr"].splitlines() if "seconds by stage" in line)
    for label in STAGES.values():
        assert label in summary_row


def test_crawl_end_steps_show_in_progress_lines_and_are_timed(crawled: dict[str, Any]) -> None:
    lines = [line for line in crawled["stderr"].splitlines() if "migrator.progress" in line and "crawl end:" in line]
    named = {line.split("crawl end: ", 1)[1] for line in lines}
    assert {"listings", "content regions"} <= named
    assert set(crawled["stats"]["crawl_end_steps"]) >= {"listings", "content regions"}


def test_frontier_skips_a_link_that_does_not_split() -> None:
    frontier = Frontier(allowed_hosts=("d.test",))
    admitted = frontier.admit_all(["http://[url=http://music.example/a", "http://d.test/b"], "http://d.test/a")
    assert admitted == ["http://d.test/b"]
    assert frontier.skipped["malformed-url"] == 1
    assert frontier.admit("http://[url=x") is None and frontier.skipped["malformed-url"] == 2
