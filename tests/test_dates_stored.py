"""Dates as stored: a page that printed only the day is stored as a date, and the crawl says once when dates
printed without an offset were read as UTC because nobody named the site's zone."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest

from migrator.parity.diff import compare
from migrator.parity.newsite import read_page
from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

TEXT = " ".join(["Сербский язык легко даётся тем, кто знает русский: падежей семь, а алфавит почти знаком."] * 10)


def _post(title: str, when: str) -> str:
    """A post header as WordPress themes of the time print it: the date (and maybe the time) as plain text."""
    return (f"<!doctype html><html lang=ru><head><meta charset=utf-8><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1><div class=meta>Дата: {when}</div><p>{TEXT}</p><p>{title}. {TEXT}</p>"
            "</article></body></html>")


PAGES = {"/samouchitel": _post("Самоучитель сербского языка", "18 марта 2010"),
         "/padezhi": _post("Падежи в сербском", "19 марта 2010 в 20:46")}


def route(path: str) -> tuple[int, dict[str, str], bytes]:
    if path == "/":
        links = "".join(f'<a href="{p}">{p}</a> ' for p in PAGES)
        return 200, {}, f"<!doctype html><html><head><title>Блог</title></head><body>{links}</body></html>".encode()
    html = PAGES.get(path)
    return (200, {}, html.encode()) if html else (404, {}, b"<html><body>no</body></html>")


@pytest.fixture(scope="module")
def server() -> Iterator[RouteServer]:
    with serve("127.0.0.1", route) as running:
        yield running


def _records(db: Path) -> dict[str, dict[str, object]]:
    proc = migrator("export", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    return {str(r["url"]).rsplit("/", 1)[1]: r for r in map(json.loads, proc.stdout.splitlines())}


def test_a_date_without_a_time_is_stored_as_a_date(server: RouteServer, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Belgrade")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "no time zone was given" not in proc.stderr
    records = _records(db)
    assert records["samouchitel"]["published_at"] == "2010-03-18"  # was 2010-03-18T00:00:00+01:00
    assert records["padezhi"]["published_at"] == "2010-03-19T20:46:00+01:00"

    wxr = migrator("export", "--db", str(db), "--format", "wxr")
    assert wxr.returncode == 0, wxr.stderr
    item = wxr.stdout[wxr.stdout.index("Самоучитель сербского языка"):]
    assert "<wp:post_date><![CDATA[2010-03-18 00:00:00]]></wp:post_date>" in item[:4000]
    assert "<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>" in item[:4000]

    # the new site prints the time of that same day: the same date, not a change
    new = ("<html><head><meta property='article:published_time' content='2010-03-18T14:20:00+01:00'></head><body>"
           f"<article><h1>Самоучитель сербского языка</h1><p>{TEXT}</p><p>Самоучитель сербского языка. {TEXT}</p>"
           "</article></body></html>")
    page = read_page("https://new.example.rs/samouchitel/", 200, new.encode(), "text/html; charset=utf-8")
    assert compare(records["samouchitel"], page, 0.9) is None
    other_day = read_page("https://new.example.rs/samouchitel/", 200,
                          new.replace("2010-03-18T14", "2010-03-19T14").encode(), "text/html; charset=utf-8")
    entry = compare(records["samouchitel"], other_day, 0.9)
    assert entry is not None and entry["fields"] == ["date"]


def test_the_crawl_warns_once_when_dates_without_an_offset_were_read_as_utc(
        server: RouteServer, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    proc = migrator("crawl", server.url + "/", "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line for line in proc.stderr.splitlines() if "no time zone was given" in line]
    assert len(lines) == 1, proc.stderr[-3000:]
    assert "1 articles print their dates without an offset" in lines[0] and "stored as UTC" in lines[0]
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    conn.close()
    assert stats["dates_without_zone"] == 1  # the dated-only post needs no zone

    sync = migrator("sync", server.url + "/", "--db", str(db))  # cron mail shows warnings: the line is there too
    assert sync.returncode == 0, sync.stderr[-2000:]
    assert sum("no time zone was given" in line for line in sync.stderr.splitlines()) == 1
