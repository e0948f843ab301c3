"""``migrator export --format hugo`` end to end: a crawl of the demo site becomes a Hugo site that Debian's ``hugo``
builds as is; its ``public/`` is served by a real nginx; every old path answers through Hugo's own alias page;
``migrator diff`` against it is clean, and after planted edits in ``public/`` reports exactly those.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from migrator.cutover.hugo import MARK, alias_paths, write_hugo
from migrator.cutover.newplatform import NewPlatform
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.parity.newsite import land
from tests.helpers import migrator
from tests.sites.hugo import build, missing, serve_public
from tests.sites.server import free_port

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def ok(*args: str, code: int = 0) -> str:
    proc = migrator(*args)
    assert proc.returncode == code, proc.stderr[-3000:]
    return proc.stderr


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("+++\n" + MARK + "\n")
    return tomllib.loads(text.split("+++\n", 2)[1])


@pytest.fixture(scope="module")
def hugo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A crawl of a small demo site, its media, its Hugo export (baseURL on a port kept free for nginx), the build."""
    if missing():
        pytest.skip(missing())
    root = tmp_path_factory.mktemp("hugo")
    db, media, site = root / "site.db", root / "media", root / "site"
    with DemoServer(DemoSite(SiteSpec(articles=24, archive_items=4, slow_seconds=0.2))) as old:
        ok("crawl", old.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
        ok("media", "--db", str(db), "--download", str(media))
        port = free_port()
        new = f"http://127.0.0.1:{port}"
        said = ok("export", "--db", str(db), "--format", "hugo", "--new", new, "--media", str(media), "-o", str(site))
        records = [json.loads(line) for line in migrator("export", "--db", str(db)).stdout.splitlines()]
        query_map = root / "redirects.conf"
        ok("redirects", "--db", str(db), "--new", new, "--format", "nginx", "-o", str(query_map))
        built = build(site)
        yield {"db": str(db), "root": root, "site": site, "port": port, "new": new, "records": records, "said": said,
               "built": built, "map": query_map, "platform": NewPlatform().with_base(new), "old": old}


def posts_by_source(site: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    found = {}
    for path in (site / "content" / "posts").glob("*.html"):
        matter = front_matter(path)
        found[matter["source_id"]] = (path, matter)
    return found


def test_every_record_is_a_post_with_its_fields(hugo_site: dict[str, Any]) -> None:
    posts = posts_by_source(hugo_site["site"])
    records = hugo_site["records"]
    assert len(records) >= 20 and set(posts) == {r["source_id"] for r in records}
    config = tomllib.loads((hugo_site["site"] / "hugo.toml").read_text(encoding="utf-8"))
    assert config["baseURL"] == hugo_site["new"] + "/" and config["languageCode"] == "ru"  # the demo's <html lang>
    with_images = 0
    for record in records:
        path, matter = posts[record["source_id"]]
        assert matter["title"] == record["title"] and matter["old_url"] == record["url"]
        assert matter["url"] == hugo_site["platform"].path_for(record)
        published = record["published_at"]
        if published and len(published) == 10:
            assert matter["date"] == date.fromisoformat(published)
        elif published:  # the instant and the offset as stored
            assert isinstance(matter["date"], datetime) and matter["date"].isoformat() == published
        else:
            assert "date" not in matter
        assert matter.get("categories", []) == record["tags"]  # no rubric map: every term is a category
        assert matter.get("author") == record["author"]
        paths, _ = alias_paths(record, matter["url"])
        assert matter.get("aliases", []) == paths
        assert unquote(urlsplit(record["url"]).path) in paths and len(paths) >= 1 + sum(
            not urlsplit(u).query for u in record["aliases"]) - 1
        assert [(c["author"] or None, c["date"] or None, c["text"]) for c in matter.get("comments", [])] == [
            (c["author"], c["published_at"], c["body_text"]) for c in record["comments"]]
        for image in matter.get("images", []):  # downloaded by `migrator media`, copied under static/
            assert image.startswith("/media/") and (hugo_site["site"] / "static" / unquote(image[1:])).is_file()
            assert f'src="{image}"' in path.read_text(encoding="utf-8")
            with_images += 1
    assert with_images >= 5
    assert "query string" in hugo_site["said"]  # the /?q=node/N URLs: for the web server's map


def test_hugo_builds_it_with_no_error_or_warning(hugo_site: dict[str, Any]) -> None:
    built = hugo_site["built"]
    output = built.stdout + built.stderr
    assert built.returncode == 0, output
    assert not [line for line in output.splitlines() if re.search(r"\b(WARN|ERROR)\b", line)], output
    public = hugo_site["site"] / "public"
    for record in hugo_site["records"]:
        page = public / hugo_site["platform"].path_for(record).strip("/") / "index.html"
        assert page.is_file(), page


def test_every_old_path_answers_through_its_hugo_alias(hugo_site: dict[str, Any], tmp_path: Path) -> None:
    public = hugo_site["site"] / "public"
    with serve_public(public, hugo_site["port"], tmp_path / "nginx", hugo_site["map"]) as served:
        assert served.check.returncode == 0, served.check.stderr
        refreshed = 0
        for record in hugo_site["records"]:
            expected = hugo_site["platform"].url_for(record)
            for old in [record["url"], *record["aliases"]]:
                parts = urlsplit(old)
                asked = served.url + parts.path + (f"?{parts.query}" if parts.query else "")
                landed, statuses = land(asked)
                assert (landed, statuses[-1]) == (expected, 200), (old, statuses)
                refreshed += not parts.query and 200 in statuses[:-1]  # an alias page on the way
        assert refreshed >= len(hugo_site["records"])


def _diff(hugo_site: dict[str, Any], public: Path, tmp_path: Path, code: int) -> dict[str, Any]:
    report = tmp_path / "parity.json"
    with serve_public(public, hugo_site["port"], tmp_path / "nginx", hugo_site["map"]) as served:
        assert served.check.returncode == 0, served.check.stderr
        ok("diff", "--db", hugo_site["db"], "--new", served.url, "--json", str(report), code=code)
    return json.loads(report.read_text(encoding="utf-8"))


def test_diff_against_the_hugo_site_is_clean(hugo_site: dict[str, Any], tmp_path: Path) -> None:
    report = _diff(hugo_site, hugo_site["site"] / "public", tmp_path, code=0)
    assert report["summary"]["articles"] == len(hugo_site["records"])
    assert (report["missing"], report["changed"], report["broken_redirects"]) == ([], [], [])


def _page(public: Path, hugo_site: dict[str, Any], record: dict[str, Any]) -> Path:
    return public / hugo_site["platform"].path_for(record).strip("/") / "index.html"


def test_diff_reports_exactly_the_edits_planted_in_public(hugo_site: dict[str, Any], tmp_path: Path) -> None:
    public = tmp_path / "public"
    shutil.copytree(hugo_site["site"] / "public", public)
    news = [r for r in hugo_site["records"] if r["source_id"].startswith("node/")]
    plain = [r for r in news if r["body_html"].count("<p") >= 4 and "<blockquote" not in r["body_html"]
             and "<ul" not in r["body_html"] and "<ol" not in r["body_html"]]
    commented = [r for r in news if len(r["comments"]) >= 2 and r not in plain[:2]]
    deleted, truncated = plain[0], plain[1]
    retitled = next(r for r in news if r not in (deleted, truncated) and r not in commented[:1])
    uncommented = commented[0]
    realiased = next(r for r in news if r not in (deleted, truncated, retitled, uncommented)
                     and any(not urlsplit(u).query for u in r["aliases"]))
    _page(public, hugo_site, deleted).unlink()
    page = _page(public, hugo_site, truncated)
    text = page.read_text(encoding="utf-8")
    head, rest = text.split('<div class="post-content">', 1)
    body, tail = rest.split("</div>\n<footer", 1)
    paragraphs = body.split("</p>")
    page.write_text(head + '<div class="post-content">' + "</p>".join(paragraphs[:2]) + "</p>\n</div>\n<footer" + tail,
                    encoding="utf-8")
    page = _page(public, hugo_site, retitled)
    page.write_text(page.read_text(encoding="utf-8").replace(retitled["title"], retitled["title"] + " (обновлено)"),
                    encoding="utf-8")
    page = _page(public, hugo_site, uncommented)
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'<article class="comment".*?</article>\n', "", text, count=1, flags=re.DOTALL),
                    encoding="utf-8")
    alias = next(u for u in realiased["aliases"] if not urlsplit(u).query)
    shutil.rmtree(public / urlsplit(alias).path.strip("/"))

    report = _diff(hugo_site, public, tmp_path, code=1)
    assert [m["old_url"] for m in report["missing"]] == [deleted["url"]]
    changed = {c["old_url"]: c["fields"] for c in report["changed"]}
    assert changed == {truncated["url"]: ["body"], retitled["url"]: ["title"], uncommented["url"]: ["comments"]}
    body = next(c for c in report["changed"] if c["old_url"] == truncated["url"])["body"]
    assert "truncated" in body["problems"]
    comments = next(c for c in report["changed"] if c["old_url"] == uncommented["url"])["comments"]
    assert comments == {"old": len(uncommented["comments"]), "new": len(uncommented["comments"]) - 1}
    assert [(b["old_url"], b["suggested"]) for b in report["broken_redirects"]] == [
        (alias, hugo_site["platform"].url_for(realiased))]


# -- the writer on its own: dates, undated records, re-export ---------------------------------------------

def _record(n: int, **fields: Any) -> dict[str, Any]:
    record = {"url": f"http://old.ru/news/item-{n}", "aliases": [f"http://old.ru/node/{n}", f"http://old.ru/?q=node/{n}"],
              "source_id": f"node/{n}", "title": f"Статья {n}", "published_at": "2014-10-19T13:28:00+04:00",
              "updated_at": None, "author": None, "tags": ["Наука"], "sources": [], "images": [],
              "body_html": "<p>Текст.</p>", "body_text": "Текст.", "comments": [], "type": "news"}
    record.update(fields)
    return record


def test_undated_and_date_only_records_and_a_second_export(tmp_path: Path) -> None:
    platform = NewPlatform("https://new.example.ru", undated_pattern="/pages/{slug}/")
    records = [_record(1), _record(2, published_at="2007-01-10", updated_at="2007-02-01T10:00:00+03:00"),
               _record(3, published_at=None, url="http://old.ru/about")]
    site = tmp_path / "site"
    counts = write_hugo(records, site, platform, language="ru")
    assert (counts.posts, counts.undated, counts.query_urls) == (3, 1, 3)
    posts = posts_by_source(site)
    assert posts["node/2"][1]["date"] == date(2007, 1, 10)  # a date alone stays a date
    assert posts["node/2"][1]["lastmod"].isoformat() == "2007-02-01T10:00:00+03:00"
    undated = posts["node/3"][1]
    assert "date" not in undated and undated["url"] == "/pages/about/"  # the undated pattern, no made-up date
    assert undated["aliases"] == ["/about", "/node/3"]
    # a second export after an article went: its post goes, a file of the site's own and an edited layout stay
    (site / "content" / "posts" / "mine.html").write_text("+++\ntitle = 'mine'\n+++\n<p>x</p>\n", encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text("{{ define \"main\" }}{{ .Content }}{{ end }}",
                                                               encoding="utf-8")
    counts = write_hugo(records[:2], site, platform, language="ru")
    names = sorted(p.name for p in (site / "content" / "posts").glob("*.html"))
    assert names == ["item-1.html", "item-2.html", "mine.html"]
    assert "layouts/_default/single.html" in counts.kept and "hugo.toml" in counts.kept
    assert (site / "layouts" / "_default" / "single.html").read_text(encoding="utf-8").startswith("{{ define")


def test_undated_records_build_and_slugs_that_collide_get_their_own_file(tmp_path: Path) -> None:
    if missing():
        pytest.skip(missing())
    platform = NewPlatform("http://127.0.0.1:9/")
    records = [_record(1, url="http://old.ru/a/same"), _record(2, url="http://old.ru/b/same", published_at=None),
               _record(3, published_at="2007-01-10",
                       body_html="<p>Шорткод Hugo: <code>{{< youtube id >}}</code> и {{% note %}}.</p>")]
    site = tmp_path / "site"
    write_hugo(records, site, platform)
    names = sorted(p.name for p in (site / "content" / "posts").glob("*.html"))
    assert len(names) == 3 and "same.html" in names
    built = build(site)
    assert built.returncode == 0, built.stdout + built.stderr
    page = (site / "public" / "2007" / "01" / "item-3" / "index.html").read_text(encoding="utf-8")
    assert 'datetime="2007-01-10T00:00:00' in page.replace("&#43;", "+")
    assert lxml_html.fromstring(page).xpath("string(//code)") == "{{< youtube id >}}"  # quoted, not run
    undated = (site / "public" / "same" / "index.html").read_text(encoding="utf-8")
    assert "<time" not in undated.split('<section id="comments"')[0]


def test_hugo_needs_a_base_url_and_media_is_only_for_hugo(store: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "site.db")
    proc = migrator("export", "--db", db, "--format", "hugo", "-o", str(tmp_path / "site"))
    assert proc.returncode == 2 and "--new URL" in proc.stderr and not (tmp_path / "site").exists()
    proc = migrator("export", "--db", db, "--media", str(tmp_path))
    assert proc.returncode == 2 and "--media is for --format hugo" in proc.stderr


# -- the new-site reader on the markup of other Hugo themes ------------------------------------------------

BODY = "<p>Первый абзац статьи о лазере.</p>\n<p>Второй абзац: итоги испытаний.</p>"
#: As Hugo's own theme skeleton (``hugo new theme``) renders a post: no <article>, tags as plain links.
SKELETON = f"""<!DOCTYPE html><html lang="ru" dir="ltr"><head><meta charset="utf-8"><title>Лазер | Сайт</title></head>
<body><header><h1>Сайт</h1><nav><ul><li><a href="/tags/">Tags</a></li><li><a href="/tags/menu/">menu</a></li></ul></nav>
</header><main><h1>Лазер</h1><time datetime="2014-10-19T13:28:00+04:00">19 октября 2014</time>
{BODY}<div><div>Tags:</div><ul><li><a href="/tags/%D0%BB%D0%B0%D0%B7%D0%B5%D1%80%D1%8B/">лазеры</a></li>
<li><a href="/tags/nauka/">Наука</a></li></ul></div></main><footer><p>© 2026</p></footer></body></html>"""
#: As PaperMod renders one: <time> without datetime, Open Graph meta holding only some tags, tags as links.
PAPERMOD = f"""<!DOCTYPE html><html lang="ru" dir="auto"><head><title>Лазер | Сайт</title>
<meta property="og:title" content="Лазер"><meta property="article:published_time" content="2014-10-19T13:28:00+04:00">
<meta property="article:tag" content="лазеры"></head><body><header class="header"><nav class="nav"><ul id="menu">
<li><a href="/categories/nano/">nano</a></li></ul></nav></header><main class="main"><article class="post-single">
<header class="post-header"><h1 class="post-title">Лазер</h1><div class="post-meta"><time>October 19, 2014</time>
</div></header><div class="post-content">{BODY}</div><footer class="post-footer"><ul class="post-tags">
<li><a href="/tags/%D0%BB%D0%B0%D0%B7%D0%B5%D1%80%D1%8B/">лазеры</a></li><li><a href="/tags/nauka/">Наука</a></li>
</ul></footer></article></main></body></html>"""


@pytest.mark.parametrize("markup", [SKELETON, PAPERMOD], ids=["hugo-skeleton", "papermod"])
def test_the_reader_reads_posts_of_other_hugo_themes(markup: str) -> None:
    from migrator.parity.newsite import read_page

    page = read_page("http://new.ru/2014/10/lazer/", 200, markup.encode(), "text/html; charset=utf-8")
    assert page.title == "Лазер" and page.published == "2014-10-19T13:28:00+04:00"
    assert page.tags == ["лазеры", "Наука"]  # the menu's term links are not the post's
    assert page.body_text == "Первый абзац статьи о лазере.\n\nВторой абзац: итоги испытаний."
    assert page.comments is None


def test_the_reader_takes_a_hugo_alias_page_for_a_redirect() -> None:
    from migrator.parity.newsite import fetch, meta_refresh

    alias = (b'<!DOCTYPE html><html lang="ru"><head><title>http://new.ru/2014/10/lazer/</title>'
             b'<link rel="canonical" href="http://new.ru/2014/10/lazer/"><meta name="robots" content="noindex">'
             b'<meta charset="utf-8"><meta http-equiv="refresh" content="0; url=http://new.ru/2014/10/lazer/"></head></html>')
    assert meta_refresh("http://new.ru/node/5/", alias, "text/html") == "http://new.ru/2014/10/lazer/"
    slow = b'<meta http-equiv="refresh" content="30; url=/elsewhere/">'
    assert meta_refresh("http://new.ru/a/", slow, None) is None  # a page that reloads later is a page
    assert meta_refresh("http://new.ru/a/", b'<meta http-equiv="refresh" content="60">', None) is None
    assert fetch  # fetch() returns (Page, the refresh target) for such a page: the crawl follows it


def test_media_links_rewrite_downloaded_files_only(store: Any, tmp_path: Path) -> None:
    from migrator.cutover.hugo import HugoCounts, MediaLinks

    (tmp_path / "dl" / "images").mkdir(parents=True)
    (tmp_path / "dl" / "images" / "ф.jpg").write_bytes(b"\xff\xd8jpeg")
    store.record_media("http://old.ru/images/%D1%84.jpg", "images/ф.jpg", "image", "x", 6, "downloaded", None)
    store.record_media("http://old.ru/images/gone.jpg", "images/gone.jpg", "image", None, None, "failed", "HTTP 404")
    counts = HugoCounts()
    links = MediaLinks(store, tmp_path / "dl", tmp_path / "site" / "static", counts)
    body = ('<p><img src="/images/ф.jpg"> <img src="http://old.ru/images/gone.jpg"> <a href="mailto:a@b.ru">a</a> '
            '<a href="http://[broken/x">b</a> <img src="http://old.ru/images/%D1%84.jpg#top"></p>')
    out = links.rewrite(body, "http://old.ru/news/a")
    assert out == ('<p><img src="/media/images/%D1%84.jpg"> <img src="http://old.ru/images/gone.jpg"> '
                   '<a href="mailto:a@b.ru">a</a> <a href="http://[broken/x">b</a> '
                   '<img src="/media/images/%D1%84.jpg"></p>')
    assert (tmp_path / "site" / "static" / "media" / "images" / "ф.jpg").read_bytes() == b"\xff\xd8jpeg"
    assert counts.media_copied == 1
