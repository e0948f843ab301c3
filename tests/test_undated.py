"""Undated records: their new URLs never carry a made-up date, and the cut-over commands say how many there are."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

NEW = "https://new.example.ru"
TEXT = " ".join(["Учёные из Томска описали новый способ резки стекла лазером, без трещин и сколов."] * 12)


def _page(title: str, dated: bool) -> str:
    when = '<time datetime="2014-10-19T13:28:00+04:00">19 октября 2014</time>' if dated else ""
    return (f"<!doctype html><html lang=ru><head><meta charset=utf-8><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1>{when}<p>{TEXT}</p><p>{TEXT}</p></article></body></html>")


def route(path: str) -> tuple[int, dict[str, str], bytes]:
    html = {"/": '<!doctype html><html><head><meta charset=utf-8><title>Сайт</title></head><body>'
                 '<a href="/news/lazer-v-tomske">Лазер</a> <a href="/about-us">О нас</a></body></html>',
            "/news/lazer-v-tomske": _page("Лазер в Томске", dated=True),
            "/about-us": _page("О нашей лаборатории", dated=False)}.get(path)
    if html is None:
        return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>no</body></html>"
    return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()


@pytest.fixture(scope="module")
def server() -> Iterator[RouteServer]:
    with serve("127.0.0.1", route) as running:
        yield running


def _redirects(db: Path, *flags: str) -> tuple[dict[str, str], str]:
    proc = migrator("redirects", "--db", str(db), "--new", NEW, "--format", "csv", *flags)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {row["old_url"].rsplit("/", 1)[-1]: row["new_url"] for row in csv.DictReader(io.StringIO(proc.stdout))}
    return rows, proc.stderr


def test_an_undated_record_gets_a_url_without_a_date_and_the_count_is_said(
        server: RouteServer, crawl: Callable[..., Any], tmp_path: Path) -> None:
    crawled = crawl(server.url + "/")
    assert crawled.proc.returncode == 0, crawled.proc.stderr[-2000:]
    rows, stderr = _redirects(crawled.db)
    assert rows["lazer-v-tomske"] == NEW + "/2014/10/lazer-v-tomske/"
    assert rows["about-us"] == NEW + "/about-us/", rows  # was /0000/00/about-us/
    assert "1 articles had no date: new URLs from /{slug}/" in stderr
    export = migrator("export", "--db", str(crawled.db), "--new", NEW)
    assert export.returncode == 0 and "/0000/" not in export.stdout
    assert "1 articles had no date" in export.stderr

    mapping = tmp_path / "site.toml"
    mapping.write_text('[new_platform]\nurl_pattern = "/{year}/{month}/{slug}/"\n'
                       'undated_pattern = "/pages/{slug}/"\n', encoding="utf-8")
    rows, _ = _redirects(crawled.db, "--mapping", str(mapping))
    assert rows["about-us"] == NEW + "/pages/about-us/" and rows["lazer-v-tomske"].endswith("/2014/10/lazer-v-tomske/")

    mapping.write_text('[new_platform]\nundated_pattern = "/{year}/{slug}/"\n', encoding="utf-8")
    proc = migrator("redirects", "--db", str(crawled.db), "--new", NEW, "--mapping", str(mapping))
    assert proc.returncode == 2 and "undated_pattern" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
