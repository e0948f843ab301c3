"""The crawl never leaves its hosts: not by redirect, link, sitemap ``<loc>`` or robots.txt.

A real site on 127.0.0.1 points every way it can at a second server on 127.0.0.2 ("another host"),
which counts every request it gets; the crawl is a real ``migrator crawl`` subprocess.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterator

import pytest
from scrapy.http import HtmlResponse, Request

from spiders.middlewares import OffsiteRedirect, OffsiteRedirectMiddleware
from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

ARTICLE = """<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{title} | Сайт</title></head>
<body><nav><a href="/">Главная</a></nav><article><h1>{title}</h1>
<time datetime="2014-11-25T10:15:00+03:00">25 ноября 2014</time>
<p>{title}: физики из Томска сообщили о новом лазере, который работает при комнатной температуре.</p>
<p>Прибор собран из доступных деталей, и его можно повторить в любой университетской лаборатории.</p>
<p>Авторы работы надеются, что установка найдёт применение в медицине и в обработке материалов.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def other() -> Iterator[RouteServer]:
    """"Another host": answers everything, and remembers being asked."""
    with serve("127.0.0.2", lambda path: (200, {}, ARTICLE.format(title="Чужая страница"))) as server:
        yield server


@pytest.fixture(scope="module")
def old(other: RouteServer) -> Iterator[RouteServer]:
    """The old site: two articles, and off-host redirects (of a page, of its sitemap.xml, to file:), an off-host
    link, sitemap entry and robots.txt Sitemap line."""
    away, here = other.url, ""

    def route(path: str) -> tuple[int, dict[str, str], str]:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, (
                f"User-agent: *\nAllow: /\nSitemap: {away}/sitemap.xml\nSitemap: {here}/map.xml\n")
        if path == "/sitemap.xml":  # the spider's own guess at a sitemap, redirected away
            return 302, {"Location": f"{away}/sitemap.xml"}, ""
        if path == "/map.xml":
            return 200, {"Content-Type": "application/xml"}, (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{here}/news/a1</loc></url><url><loc>{away}/from-sitemap</loc></url></urlset>")
        if path == "/":
            return 200, {}, (f'<html><body><a href="/news/a1">1</a> <a href="/news/a2">2</a> <a href="/offhost">3</a>'
                             f' <a href="/to-file">4</a> <a href="{away}/linked">5</a></body></html>')
        if path == "/offhost":
            return 302, {"Location": f"{away}/secret"}, ""
        if path == "/to-file":
            return 302, {"Location": "file:///etc/hostname"}, ""
        if path == "/news/a2":  # an on-site redirect is still followed
            return 301, {"Location": "/news/a2-moved"}, ""
        if path in ("/news/a1", "/news/a2-moved"):
            return 200, {}, ARTICLE.format(title=f"Лазер {path[-2:]}")
        return 404, {}, "<html><body>нет</body></html>"

    with serve("127.0.0.1", route) as server:
        here = server.url
        yield server


@pytest.fixture(scope="module")
def crawled(old: RouteServer, other: RouteServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("offsite") / "site.db"
    proc = migrator("crawl", old.url + "/", "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-3000:]
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return {"db": str(db), "proc": proc, "conn": conn}


def test_no_request_reaches_another_host(crawled: dict[str, Any], old: RouteServer, other: RouteServer) -> None:
    assert {"/offhost", "/sitemap.xml", "/map.xml"} <= set(old.paths)  # the bait was taken...
    assert not other.paths  # ...and nothing, not even robots.txt, was asked of the other host


def test_offsite_redirect_is_listed_with_its_target_and_counted(crawled: dict[str, Any], old: RouteServer,
                                                                other: RouteServer) -> None:
    rows = {r["url"]: r["detail"] for r in crawled["conn"].execute(
        "SELECT url, detail FROM errors WHERE reason = 'offsite-redirect'")}
    assert rows == {f"{old.url}/offhost": f"{other.url}/secret", f"{old.url}/to-file": "file:///etc/hostname",
                    f"{old.url}/sitemap.xml": f"{other.url}/sitemap.xml"}
    (stats,) = crawled["conn"].execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    run = json.loads(stats)
    assert run["skipped"]["offsite-redirect"] == 3
    assert "offsite-redirect" not in run["errors_by_reason"]  # a refusal by policy, not the site failing
    assert "offsite-redirect" in crawled["proc"].stderr + crawled["proc"].stdout  # the summary table shows it
    status = migrator("status", "--db", crawled["db"])
    assert status.returncode == 0 and "offsite-redirect" in status.stdout  # and so does status


def test_no_page_and_no_redirect_key_of_another_host(crawled: dict[str, Any], old: RouteServer,
                                                     other: RouteServer) -> None:
    urls = [u for (u,) in crawled["conn"].execute("SELECT url FROM pages UNION SELECT request_url FROM pages")]
    assert f"{old.url}/news/a2-moved" in urls  # on-site redirects are followed as before
    assert not [u for u in urls if "127.0.0.2" in u or not u.startswith(old.url)]
    proc = migrator("redirects", "--db", crawled["db"], "--new", "https://new.example.ru", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert "/news/a1" in proc.stdout
    assert "127.0.0.2" not in proc.stdout and "offhost" not in proc.stdout and "file:" not in proc.stdout


class _Spider:
    class frontier:  # noqa: N801 (stands in for spiders.frontier.Frontier)
        allowed_hosts = ("old.test",)


@pytest.mark.parametrize("location, follows", [
    ("/b", True),
    ("http://www.old.test/b", True),           # a subdomain of an allowed host
    ("http://OLD.test:8080/b", True),
    ("http://127.0.0.2/secret", False),
    ("//evil.test/b", False),                  # scheme-relative
    ("http://old.test.evil.test/b", False),    # an allowed name as a prefix of another host
    ("file:///etc/passwd", False),
    ("javascript:alert(1)", False),
    ("ftp://old.test/b", False),
])
def test_redirect_scope(location: str, follows: bool) -> None:
    crawler = type("C", (), {"spider": _Spider()})()
    middleware = OffsiteRedirectMiddleware(crawler)  # type: ignore[arg-type]
    request = Request("http://old.test/a")
    response = HtmlResponse("http://old.test/a", status=302, headers={"Location": location}, request=request)
    if follows:
        assert middleware.process_response(request, response) is response
    else:
        with pytest.raises(OffsiteRedirect):
            middleware.process_response(request, response)


def test_a_redirect_the_request_will_not_follow_is_left_alone() -> None:
    crawler = type("C", (), {"spider": _Spider()})()
    middleware = OffsiteRedirectMiddleware(crawler)  # type: ignore[arg-type]
    request = Request("http://old.test/a", meta={"dont_redirect": True})
    response = HtmlResponse("http://old.test/a", status=302, headers={"Location": "http://127.0.0.2/"}, request=request)
    assert middleware.process_response(request, response) is response  # the spider sees the 302 itself
