"""``diff --against-run N``: the old site after run N against now shows an added paragraph and a new article."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

PARAGRAPHS = ["Учёные Томского университета создали лазер на основе перовскитов, пригодный для резки стекла.",
              "Работа выполнена при поддержке Российского научного фонда, финансирование составило 12 млн рублей.",
              "Следующим этапом станет передача технологии индустриальному партнёру к 2016 году, сообщили в вузе.",
              "Первые образцы установки покажут на выставке в Новосибирске осенью, куда приглашены производители.",
              "Авторы рассчитывают, что новый способ позволит обойтись без дорогих охлаждающих систем и шлифовки."]
ADDED = "Дополнено: в опытах участвовали студенты физического факультета."
STATE = {"version": 0}


def _page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang=ru><head><meta charset=utf-8><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1><time datetime='2014-10-19T13:28:00+04:00'>19 октября 2014</time>"
            f"{body}</article></body></html>")


def _pages() -> dict[str, str]:
    later = STATE["version"] > 0
    pages = {"/news/lazer": _page("Лазер в Томске", PARAGRAPHS + ([ADDED] if later else [])),
             "/news/grant": _page("Грант на лазер", PARAGRAPHS[::-1])}
    if later:
        pages["/news/vystavka"] = _page("Лазер на выставке", [p.replace("Томск", "Омск") for p in PARAGRAPHS[1:]]
                                        + ["Установку показали на выставке в Новосибирске."])
    pages["/"] = "<html><body>" + "".join(f'<a href="{p}">{p}</a> ' for p in pages) + "</body></html>"
    return pages


def route(path: str) -> tuple[int, dict[str, str], bytes]:
    html = _pages().get(path)
    return (200, {}, html.encode()) if html else (404, {}, b"<html><body>no</body></html>")


@pytest.fixture
def server() -> Iterator[RouteServer]:
    STATE["version"] = 0
    with serve("127.0.0.1", route) as running:
        yield running


def test_diff_against_a_run_shows_added_paragraphs_and_new_articles(server: RouteServer, tmp_path: Path) -> None:
    db, out = tmp_path / "site.db", tmp_path / "diff.json"
    proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
    assert proc.returncode == 0, proc.stderr[-2000:]
    STATE["version"] = 1
    proc = migrator("sync", "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-2000:]

    diff = migrator("diff", "--db", str(db), "--against-run", "1", "--json", str(out), "--html",
                    str(tmp_path / "diff.html"))
    assert diff.returncode == 1, diff.stderr[-2000:]  # differences found
    report = json.loads(out.read_text(encoding="utf-8"))
    changed = {entry["old_url"].rsplit("/", 1)[1]: entry for entry in report["changed"]}
    assert list(changed) == ["lazer"], report["changed"]
    assert changed["lazer"]["fields"] == ["body"]
    assert changed["lazer"]["body"]["problems"] == ["added paragraphs: 1 of 6"]
    assert [entry["url"].rsplit("/", 1)[1] for entry in report["added"]] == ["vystavka"]
    assert report["added"][0]["title"] == "Лазер на выставке"
    assert report["summary"]["added"] == 1 and report["missing"] == []
    html = (tmp_path / "diff.html").read_text(encoding="utf-8")
    assert "Лазер на выставке" in html and "added paragraphs: 1 of 6" in html
