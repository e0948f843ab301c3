"""Only http(s) URLs leave the extractor; ``migrator media`` fetches only the site's and declared media hosts,
politely, with retries, keep-alive and a size cap, and never gives two URLs one path.

Real servers on three loopback addresses: the old site (127.0.0.1), a declared media host (127.0.0.2) and
a host nobody declared (127.0.0.3), which must never be asked.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, urlsplit

import lxml.html
import pytest

from migrator.cutover.media import new_path
from migrator.extract import extract
from migrator.mapping import load_config
from migrator.record import Article
from migrator.remembered import site_of
from migrator.slug import slugify, transliterate
from migrator.store import Store
from tests.helpers import migrator
from tests.sites.server import RouteServer, serve

PAGES = Path(__file__).parent / "pages"
HOSTILE = ("file:///etc/hostname", "data:image/gif;base64,R0lGODlhAQABAAAAACw=", " JavaScript:alert(1)",
           "vbscript:msgbox(1)", "java\tscript:alert(2)", "jar:http://x.test/a.zip!/b.jpg", "about:blank")


# -- the extractor ---------------------------------------------------------------------------------

def _hostile_drupal_page() -> str:
    """The saved Garland article with hostile URLs in its body images, its source field and an upload table
    (Drupal 6 upload.module's ``table#attachments``)."""
    html = (PAGES / "drupal6_article.html").read_text(encoding="utf-8")
    images = "".join(f'<img src="{u}" alt="">' for u in HOSTILE) + '<img src="//cdn.demo.test/ok.jpg">'
    sources = "".join(f'<div class="field-item even"><a href="{u}">x</a></div>' for u in HOSTILE)
    rows = "".join(f'<tr class="odd"><td><a href="{u}">file.pdf</a></td><td>1 KB</td></tr>' for u in HOSTILE)
    table = ('<table id="attachments" class="sticky-enabled"><thead><tr><th>Attachment</th><th>Size</th></tr>'
             f'</thead><tbody>{rows}<tr class="even"><td><a href="/sites/default/files/a.pdf">a.pdf</a></td>'
             "<td>1 KB</td></tr></tbody></table>")
    gatchina = '<img src="/sites/default/files/images/gatchina.jpg"'
    html = html.replace(f"<p>{gatchina}", f"<p>{images}{gatchina}")
    html = html.replace('<div class="field-item odd"><a href="http://www.lenobl.ru/news/12345">lenobl.ru</a></div>',
                        '<div class="field-item odd"><a href="http://www.lenobl.ru/news/12345">lenobl.ru</a></div>' + sources)
    return html.replace('<script type="text/javascript">counter.hit(8123);</script>', table)


def test_only_http_urls_leave_the_extractor() -> None:
    result = extract("http://demo.test/news/2014/11/lenoblast-kitai", _hostile_drupal_page(),
                     load_config(timezone="Europe/Moscow"))
    article = result.article
    assert article is not None
    assert article.images == ["http://cdn.demo.test/ok.jpg", "http://demo.test/sites/default/files/images/gatchina.jpg"]
    assert article.sources == ["http://www.lenobl.ru/news/12345"]
    assert article.attachments == ["http://demo.test/sites/default/files/a.pdf"]
    body = lxml.html.fragment_fromstring(article.body_html, create_parent="div")
    links = [*body.xpath("//img/@src"), *body.xpath("//a/@href")]
    # nh3 drops every other scheme; what is left without one ("java%09script:…") is a harmless relative path
    assert len(links) >= 5 and all(urlsplit(u).scheme in ("http", "https", "") for u in links), links


# -- slugs and paths -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, slug", [
    ("Физики МФТИ создали лазер", "fiziki-mfti-sozdali-lazer"),
    ("Київ і Львів", "kyiv-i-lviv"),                      # Ukrainian і, и, ї kept
    ("Їжак, єнот і ґанок", "yizhak-yenot-i-ganok"),      # word-initial ї, є; ґ
    ("Мінск і Брэст, ў", "minsk-i-brest-w"),              # Belarusian ў
    ("Crème brûlée à São Paulo", "creme-brulee-a-sao-paulo"),
    ("Straße, Łódź, Ærø", "strasse-lodz-aero"),
    ("Αθήνα 2004", "αθηνα-2004"),                          # no table: the letters stay
])
def test_slug_keeps_every_letter(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert all(ch.isalnum() or ch == " " for ch in transliterate(text.replace(",", "")))


@pytest.mark.parametrize("a, b", [
    ("http://a.ru/img/%C3%A9.jpg", "http://a.ru/img/%C3%A8.jpg"),     # é vs è
    ("http://a.ru/image.php?id=1", "http://a.ru/image.php?id=2"),
    ("http://a.ru/x.jpg", "http://cdn.b.ru/x.jpg"),
    ("http://a.ru/a b.jpg", "http://a.ru/a-b.jpg"),
    ("http://a.ru/%D1%91%D0%B6.png", "http://a.ru/%D0%B5%D0%B6.png"),  # ё vs е
])
def test_distinct_urls_get_distinct_paths(a: str, b: str) -> None:
    assert new_path(a, "a.ru") != new_path(b, "a.ru")
    assert all(new_path(u, "a.ru").isascii() and ".." not in new_path(u, "a.ru") for u in (a, b))


# -- migrator media against real servers -----------------------------------------------------------

def _bytes(name: str) -> bytes:
    return hashlib.sha256(name.encode()).digest() * 64


@pytest.fixture(scope="module")
def stranger() -> Iterator[RouteServer]:
    with serve("127.0.0.3", lambda path: (200, {}, b"nobody asked me")) as server:
        yield server


@pytest.fixture(scope="module")
def cdn() -> Iterator[RouteServer]:
    with serve("127.0.0.2", lambda path: (200, {}, _bytes("cdn" + path))) as server:
        yield server


@pytest.fixture(scope="module")
def old(stranger: RouteServer) -> Iterator[RouteServer]:
    flaky: Counter[str] = Counter()

    def route(path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/flaky.jpg":
            flaky[path] += 1
            if flaky[path] <= 2:
                return 503, {}, b"busy"
        if path == "/away.jpg":
            return 302, {"Location": stranger.url + "/stolen.jpg"}, b""
        if path == "/big.bin":
            return 200, {}, b"x" * 5000
        if path == "/chunked.bin":  # no Content-Length to refuse it by: the cap counts what arrives
            chunks = b"".join(b"3e8\r\n" + b"y" * 1000 + b"\r\n" for _ in range(5)) + b"0\r\n\r\n"
            return 200, {"Transfer-Encoding": "chunked"}, chunks
        if path.startswith("/slow/"):
            time.sleep(0.2)
        if path == "/gone.jpg":
            return 404, {}, b"no"
        return 200, {}, _bytes("old" + path)

    with serve("127.0.0.1", route) as server:
        yield server


@pytest.fixture(scope="module")
def media_run(old: RouteServer, cdn: RouteServer, stranger: RouteServer,
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("media")
    db = root / "site.db"
    images = [f"{old.url}/img/{quote('é')}.jpg", f"{old.url}/img/{quote('è')}.jpg", f"{old.url}/image.php?id=1",
              f"{old.url}/image.php?id=2", f"{old.url}/x.jpg", f"{cdn.url}/x.jpg", f"{old.url}/flaky.jpg",
              f"{old.url}/away.jpg", f"{stranger.url}/direct.jpg", *HOSTILE[:2]]
    images += [f"{old.url}/slow/{i}.jpg" for i in range(8)]
    attachments = [f"{old.url}/big.bin", f"{old.url}/chunked.bin", f"{old.url}/gone.jpg", "file:///dev/zero"]
    mapping = root / "site.toml"
    mapping.write_text('[media]\nhosts = ["127.0.0.2"]\n', encoding="utf-8")
    store = Store(db)
    run = store.begin_run("crawl", old.url + "/", {"mapping": str(mapping)})
    store.remember_site(site_of(load_config(str(mapping), start_url=old.url + "/"), {}), run)  # as a crawl does
    store.save_article(Article(url=old.url + "/a", source_id="node/1", title="A", images=images,
                               attachments=attachments, body_text="text"), run)
    store.close()
    out = root / "files"
    proc = migrator("media", "--db", str(db), "--download", str(out), "--mapping", str(mapping),
                    "--concurrency", "8", "--per-host", "2", "--max-bytes", "4096")
    manifest = {m["old_url"]: m for m in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    return {"proc": proc, "manifest": manifest, "out": out, "db": db, "root": root}


def test_only_allowed_hosts_are_contacted(media_run: dict[str, Any], stranger: RouteServer, old: RouteServer) -> None:
    manifest = media_run["manifest"]
    assert stranger.paths == Counter()  # neither the direct link nor the redirect reached it
    assert old.paths["/away.jpg"] == 1
    refused = {u: m["error"] for u, m in manifest.items() if m["status"] == "refused"}
    assert set(refused) == {f"{stranger.url}/direct.jpg", f"{old.url}/away.jpg", *HOSTILE[:2], "file:///dev/zero"}
    assert "neither the site's nor a declared media host" in refused[f"{stranger.url}/direct.jpg"]
    assert "not an http(s) URL" in refused["file:///dev/zero"]
    assert refused[f"{old.url}/away.jpg"].endswith("neither the site's nor a declared media host")  # its redirect
    rows = dict(sqlite3.connect(media_run["db"]).execute("SELECT url, status FROM media").fetchall())
    assert rows["file:///dev/zero"] == "refused"  # listed in the database too


def test_no_two_urls_share_a_path_and_contents_are_right(media_run: dict[str, Any], old: RouteServer,
                                                         cdn: RouteServer) -> None:
    manifest, out = media_run["manifest"], media_run["out"]
    downloaded = {u: m for u, m in manifest.items() if m["status"] == "downloaded"}
    assert len({m["new_path"] for m in downloaded.values()}) == len(downloaded) == 15
    for url, item in downloaded.items():
        server, prefix = (cdn, "cdn") if url.startswith(cdn.url) else (old, "old")
        path = url[len(server.url):]
        assert (out / item["new_path"]).read_bytes() == _bytes(prefix + path)
    assert manifest[f"{old.url}/x.jpg"]["new_path"] == "x.jpg"  # the site's own plain names stay as they are
    assert not list(out.rglob("*.part"))


def test_retries_size_cap_keep_alive_and_politeness(media_run: dict[str, Any], old: RouteServer) -> None:
    manifest = media_run["manifest"]
    assert manifest[f"{old.url}/flaky.jpg"]["status"] == "downloaded" and old.paths["/flaky.jpg"] == 3
    for name in ("big.bin", "chunked.bin"):
        big = manifest[f"{old.url}/{name}"]
        assert big["status"] == "failed" and "4096" in big["error"], big
    assert manifest[f"{old.url}/gone.jpg"]["status"] == "failed" and "404" in manifest[f"{old.url}/gone.jpg"]["error"]
    assert media_run["proc"].returncode == 1  # failures make the run fail; refusals are listed
    assert "refused" in media_run["proc"].stderr
    assert old.peak <= 2  # --per-host 2, with 8 threads and 8 slow files
    # kept alive, not one connection per file: the two of --per-host, and one anew after each response
    # whose body was left unread (the 302, the two files over the cap, the 404)
    assert len(old.connections) <= 2 + 4 < sum(old.paths.values()) == 20


def test_the_last_crawls_mapping_declares_media_hosts_by_default(media_run: dict[str, Any], cdn: RouteServer) -> None:
    out = media_run["root"] / "again"
    migrator("media", "--db", str(media_run["db"]), "--download", str(out), "--max-bytes", "4096")
    manifest = {m["old_url"]: m for m in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    assert manifest[f"{cdn.url}/x.jpg"]["status"] == "downloaded"
