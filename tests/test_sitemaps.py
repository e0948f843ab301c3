"""Sitemaps as sites serve them: gzipped (``.xml.gz`` as application/x-gzip or application/gzip) and read
with a size cap; XHTML pages are pages, stored and followed, not XML to mine for URLs.

A real ``migrator crawl`` of a real local server whose articles are reachable only through its sitemaps and
through links on an XHTML page.
"""
from __future__ import annotations

import gzip
import sqlite3
from typing import Any, Iterator

import pytest

from migrator.parity.newsite import sitemap_urls
from migrator.sitemaps import SITEMAP_MAX_BYTES
from spiders.frontier import Frontier
from spiders.site import _is_xml
from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

ARTICLE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{title}: физики из Томска сообщили о новом лазере, который работает при комнатной температуре.</p>
<p>Прибор собран из доступных деталей, и его можно повторить в любой университетской лаборатории.</p>
</article></body></html>"""
XHTML = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ru"><head><title>XHTML-статья</title></head><body>
<div id="content"><h1>XHTML-статья</h1>
<p>Старые сайты отдавали XHTML как application/xhtml+xml, и такие страницы тоже статьи сайта.</p>
<p>Ссылка на <a href="/news/a4">статью, на которую больше никто не ссылается</a>.</p></div></body></html>"""
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _urlset(*locs: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>'
            + "".join(f"<url><loc>{loc}</loc></url>" for loc in locs) + "</urlset>").encode()


@pytest.fixture(scope="module")
def site() -> Iterator[RouteServer]:
    here = ""
    # 60 MB of whitespace before its one <loc>: 60 KB on the wire, over the sitemaps.org 50 MB limit unpacked
    bomb = gzip.compress(_urlset()[:-len("</urlset>")] + b" " * (SITEMAP_MAX_BYTES + 10_000_000)
                         + b"<url><loc>/news/bomb-only</loc></url></urlset>", compresslevel=1)

    def route(path: str) -> tuple[int, dict[str, str], bytes | str]:
        gz = {"Content-Type": "application/x-gzip"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, f"User-agent: *\nSitemap: {here}/sitemap-index.xml.gz\n"
        if path == "/sitemap-index.xml.gz":
            index = (f'<?xml version="1.0"?><sitemapindex {NS}>' + "".join(
                f"<sitemap><loc>{here}/{name}</loc></sitemap>" for name in
                ("sitemap-news.xml.gz", "sitemap-bomb.xml.gz", "sitemap-broken.xml.gz")) + "</sitemapindex>")
            return 200, gz, gzip.compress(index.encode())
        if path == "/sitemap-news.xml.gz":
            return 200, {"Content-Type": "application/gzip"}, gzip.compress(
                _urlset(f"{here}/news/a2", f"{here}/xhtml/a3"))
        if path == "/sitemap-bomb.xml.gz":
            return 200, gz, bomb
        if path == "/sitemap-broken.xml.gz":
            return 200, gz, b"\x1f\x8b\x08\x00garbage, not deflate"
        if path == "/":
            return 200, {}, '<html><body><a href="/news/a1">1</a></body></html>'
        if path == "/xhtml/a3":
            return 200, {"Content-Type": "application/xhtml+xml; charset=utf-8"}, XHTML
        if path in ("/news/a1", "/news/a2", "/news/a4", "/news/bomb-only"):
            return 200, {}, ARTICLE.format(title=f"Статья {path[-2:]}")
        return 404, {}, "<html><body>нет</body></html>"

    with serve("127.0.0.1", route) as server:
        here = server.url
        yield server


@pytest.fixture(scope="module")
def crawled(site: RouteServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("sitemaps") / "site.db"
    proc = migrator("crawl", site.url + "/", "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-3000:]
    pages = {u for (u,) in sqlite3.connect(db).execute("SELECT url FROM pages")}
    return {"proc": proc, "pages": pages}


def test_gzipped_sitemaps_are_read(crawled: dict[str, Any], site: RouteServer) -> None:
    assert f"{site.url}/news/a2" in crawled["pages"]  # listed only in a gzipped sitemap of a gzipped index
    assert site.paths["/sitemap-news.xml.gz"] == 1


def test_xhtml_pages_are_stored_and_followed(crawled: dict[str, Any], site: RouteServer) -> None:
    assert f"{site.url}/xhtml/a3" in crawled["pages"]
    assert f"{site.url}/news/a4" in crawled["pages"]  # linked only from the XHTML page


def test_oversized_and_broken_gzip_sitemaps_are_refused_and_said(crawled: dict[str, Any], site: RouteServer) -> None:
    assert site.paths["/sitemap-bomb.xml.gz"] == 1 and site.paths["/sitemap-broken.xml.gz"] == 1
    assert "/news/bomb-only" not in site.paths
    stderr = crawled["proc"].stderr
    assert f"sitemap-bomb.xml.gz: over {SITEMAP_MAX_BYTES} bytes once decompressed" in stderr
    assert "sitemap-broken.xml.gz: not a readable gzip file" in stderr


@pytest.mark.parametrize("content_type, xml", [
    ("application/xml", True), ("text/xml; charset=utf-8", True), ("application/rss+xml", True),
    ("application/atom+xml", True), ("application/xhtml+xml; charset=utf-8", False), ("text/html", False),
    ("application/x-gzip", False), ("", False),
])
def test_xml_types(content_type: str, xml: bool) -> None:
    assert _is_xml(content_type) is xml


def test_a_sitemap_seed_is_no_asset() -> None:
    frontier = Frontier(allowed_hosts=("d.test",))
    assert frontier.admit("http://d.test/sitemap.xml.gz", force=True) == "http://d.test/sitemap.xml.gz"
    assert frontier.admit("http://d.test/backup.tar.gz") is None and frontier.skipped["asset"] == 1


def test_the_new_sites_reader_reads_the_same_gzipped_sitemaps(site: RouteServer) -> None:
    """``migrator diff`` lists a new site's pages through the same sitemap reader as the crawl: the gzipped
    index and urlset are read, the bomb and the broken gzip are passed over, and nothing else is asked."""
    assert sitemap_urls(site.url) == [f"{site.url}/news/a2", f"{site.url}/xhtml/a3"]
