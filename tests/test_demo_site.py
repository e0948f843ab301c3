"""The bundled demo old site: determinism, routing, hostile features, truth that matches its pages, mutation."""
from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from typing import Any

import lxml.html
import pytest

from migrator.demo import text as t
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec

BANNER_FIRST = t.BANNER_LINES[0]


def first(pattern: str, page: bytes) -> str:
    match = re.search(pattern, page.decode())
    assert match, pattern
    return match.group(1)


def views(page: bytes) -> str:
    return first(r"<span>(\d+) просмотр", page)


def latest(page: bytes) -> str:
    return first(r"Последние новости</h2>(.*?)</div>", page)


def get(site: DemoSite, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    status, hdrs, body = site.respond("GET", path, headers)
    return status, dict(hdrs), body


def norm(text: str) -> str:
    return " ".join(text.split())


def perfect_extract(page: bytes) -> dict[str, Any]:
    """What an ideal extractor returns from a Drupal node page (both themes)."""
    doc = lxml.html.fromstring(page)
    node = doc.xpath('//div[starts-with(@id, "node-")]')[0]
    content = node.xpath('.//div[@class="content"]')[0]
    for script in content.xpath(".//script"):
        script.drop_tree()
    blocks = []
    for el in list(content)[1:]:  # the first block is the migration banner
        if not isinstance(el.tag, str) or "field" in (el.get("class") or "") or el.get("id") == "attachments":
            continue
        if el.tag == "ul":
            text = "\n".join(norm(li.text_content()) for li in el)
        else:
            text = norm(el.text_content())
        if text:
            blocks.append(text)
    tags = [norm(a.text_content()) for a in node.xpath('.//a[@rel="tag"]')]
    sources = node.xpath('.//div[contains(@class, "field-field-source")]//div[contains(@class, "field-item")]/a/@href')
    images = content.xpath(".//img/@src")
    attachments = content.xpath('.//table[@id="attachments"]//a/@href | .//p/a[contains(@href, "/files/")]/@href')
    comments = ["\n\n".join(norm(p.text_content()) for p in c.xpath('.//div[@class="content"]/p'))
                for c in doc.xpath('//div[@id="comments"]//div[contains(@class, "comment-published")]')]
    return {"body_text": "\n\n".join(blocks), "tags": tags, "sources": sources, "images": images,
            "attachments": attachments,
            "comments": comments, "banner": BANNER_FIRST in norm(content[0].text_content())}


# ---- determinism and truth ---------------------------------------------------------------------

def test_same_spec_same_bytes_and_truth(demo_site: DemoSite) -> None:
    other = DemoSite(SiteSpec())
    assert other.truth() == demo_site.truth()
    for path in ("/", "/news?page=3", "/sitemap.xml", "/rss.xml", demo_site.truth()[5]["url"], "/archive/",
                 "/taxonomy/term/12", "/calendar/2009-06"):
        assert get(other, path) == get(demo_site, path), path
    assert DemoSite(SiteSpec(seed=8)).truth()[0]["title"] != demo_site.truth()[0]["title"] or \
        DemoSite(SiteSpec(seed=8)).truth()[0]["body_text"] != demo_site.truth()[0]["body_text"]


def test_truth_shape(demo_site: DemoSite) -> None:
    truth = demo_site.truth()
    nodes = [x for x in truth if x["kind"] == "node"]
    archive = [x for x in truth if x["kind"] == "archive"]
    assert len(nodes) == 300 and len(archive) == 24
    assert len({x["url"] for x in truth}) == len(truth)
    hidden = [x for x in nodes if x["discovery"] == ["body-link-only"]]
    assert 3 <= len(hidden) <= 20
    offsets = {x["published_at"][-6:] for x in nodes}
    assert offsets == {"+03:00", "+04:00"}
    assert any(x["author"] is None for x in nodes) and any(x["author"] for x in nodes)
    assert any(c["author"] is None for x in nodes for c in x["comments"])
    assert any(x["images"] for x in nodes) and any(x["sources"] for x in nodes)
    years = {x["published_at"][:4] for x in nodes}
    assert {"2005", "2014"} <= years
    for item in truth:
        assert BANNER_FIRST not in item["body_text"] and "Войдите на сайт" not in item["body_text"]
        assert "\n\n" in item["body_text"]
    first = nodes[0]
    assert first["aliases"] == [f"/node/{first['source_id'][5:]}", f"/?q=node/{first['source_id'][5:]}",
                                f"/print/{first['source_id'][5:]}"]
    assert archive[0]["source_id"] == archive[0]["url"].strip("/").removesuffix(".html")


@pytest.mark.parametrize("theme", ["garland", "zen"])
def test_truth_is_what_the_pages_show(theme: str) -> None:
    site = DemoSite(SiteSpec(theme=theme))
    for item in [x for x in site.truth() if x["kind"] == "node"][:: 1 if theme == "garland" else 3]:
        status, _, page = get(site, item["url"])
        assert status == 200 or item["source_id"] in {f"node/{site.nid(i)}" for i in site.specials.transient}
        if status != 200:
            status, _, page = get(site, item["url"])
            status, _, page = get(site, item["url"]) if status != 200 else (status, _, page)
        got = perfect_extract(page)
        assert got["banner"], item["url"]
        assert got["body_text"] == item["body_text"], item["url"]
        assert got["tags"] == item["tags"] and got["sources"] == item["sources"] and got["images"] == item["images"]
        assert got["attachments"] == item["attachments"]
        assert got["comments"] == [c["body_text"] for c in item["comments"]]
        assert item["title"] in page.decode()


def test_hostile_markup_is_present(demo_site: DemoSite) -> None:
    pages = [get(demo_site, x["url"])[2].decode() for x in demo_site.truth() if x["kind"] == "node"]
    joined = "\n".join(pages)
    for needle in ('class="MsoNormal"', "mso-", "<o:p></o:p>", "<!--[if gte mso 9]><xml>", "<span lang=RU",
                   '<font face="Arial"><font size="2">', "<script", "<blockquote>", "<ul><li>",
                   "Источник(и):", "Войдите на сайт", "просмотр", "Версия для печати", "/forward?path=node/",
                   "service-links", "Гость (не проверено)", "/?q=node/", "?utm_source=", "?from=sidebar",
                   "/loop/a", "/calendar/", "<p><b>"):
        assert needle in joined, needle
    empty_sources = [p for p in pages if '<div class="field-item odd"></div>' in p]
    absent_sources = [p for p in pages if "Источник(и):" not in p]
    assert empty_sources and absent_sources


# ---- routing -----------------------------------------------------------------------------------

def test_alias_node_and_q_forms(demo_site: DemoSite) -> None:
    item = demo_site.truth()[20]
    nid = item["source_id"].split("/")[1]
    a = get(demo_site, item["url"])
    assert a[0] == 200 and a == get(demo_site, f"/node/{nid}") == get(demo_site, item["url"] + "?utm_source=rss")
    status, headers, _ = get(demo_site, f"/?q=node/{nid}", Host="old.test")
    assert status == 301 and headers["Location"] == "http://old.test" + item["url"]
    status, _, page = get(demo_site, f"/print/{nid}")
    assert status == 200 and item["title"] in page.decode() and 'class="print-content"' in page.decode()
    assert item["body_text"].split("\n\n")[0].split(".")[0] in page.decode()
    assert get(demo_site, f"/node/{int(nid) + 1}")[0] == 404  # node ids have gaps
    assert get(demo_site, "/no/such/page")[0] == 404
    assert get(demo_site, f"/forward?path=node/{nid}")[0] == 200


def test_listings_pager_and_taxonomy(demo_site: DemoSite) -> None:
    status, _, front = get(demo_site, "/")
    html = front.decode()
    assert status == 200 and BANNER_FIRST in html and html.count("Подробнее") == 10 and "/news?page=1" in html
    last = max(int(p) for p in re.findall(r"/news\?page=(\d+)", html))
    assert get(demo_site, f"/news?page={last}")[0] == 200 and get(demo_site, f"/news?page={last + 1}")[0] == 404
    listed = set()
    for page in range(last + 1):
        listed |= set(re.findall(r'<h2><a href="(/news/[^"]+)"', get(demo_site, f"/news?page={page}")[2].decode()))
    truth = [x for x in demo_site.truth() if x["kind"] == "node"]
    assert listed == {x["url"] for x in truth if "listing" in x["discovery"]}
    term = get(demo_site, "/taxonomy/term/12")[2].decode()
    assert "Нанотехнологии" in term and 'class="pager"' in term
    assert get(demo_site, "/taxonomy/term/999")[0] == 404


def test_hidden_articles_only_in_bodies(demo_site: DemoSite) -> None:
    truth = demo_site.truth()
    hidden = [x for x in truth if "body-link-only" in x["discovery"]]
    sitemap = get(demo_site, "/sitemap.xml")[2].decode()
    rss = get(demo_site, "/rss.xml")[2].decode()
    listings = "".join(get(demo_site, f"/news?page={p}")[2].decode() for p in range(30))
    bodies = "".join(x["body_text"] for x in truth)
    for item in hidden:
        nid = item["source_id"].split("/")[1]
        assert item["url"] not in sitemap and item["url"] not in rss and item["url"] not in listings
        assert f"/node/{nid}\"" not in listings
        assert f"«{item['title']}»" in bodies


def test_robots_sitemap_rss(demo_site: DemoSite) -> None:
    robots = get(demo_site, "/robots.txt", Host="old.test")[2].decode()
    assert "Disallow: /admin/" in robots and "Disallow: /search/" in robots and "Disallow: /?q=user/" in robots
    assert "Sitemap: http://old.test/sitemap.xml" in robots
    search = get(demo_site, "/search/node/nano?page=7")
    assert search[0] == 200 and "/search/node/nano?page=8" in search[2].decode()
    status, headers, body = get(demo_site, "/sitemap.xml", Host="old.test")
    locs = set(re.findall(r"<loc>http://old.test([^<]+)</loc>", body.decode()))
    nodes = [x for x in demo_site.truth() if x["kind"] == "node"]
    missing = [x for x in nodes if x["url"] not in locs]
    assert status == 200 and "xml" in headers["Content-Type"]
    assert any("body-link-only" not in x["discovery"] for x in missing)  # misses some listed articles too
    assert all(("sitemap" in x["discovery"]) == (x["url"] in locs) for x in nodes)
    rss = get(demo_site, "/rss.xml", Host="old.test")[2].decode()
    assert rss.count("<item>") == 15 and "?utm_source=rss</link>" in rss
    assert sum("rss" in x["discovery"] for x in nodes) == 15


def test_big_sitemap_is_an_index_of_chunks() -> None:
    site = DemoSite(SiteSpec(articles=2500))
    index = get(site, "/sitemap.xml")[2].decode()
    chunks = re.findall(r"<loc>http://demo.test(/sitemap.xml\?page=\d+)</loc>", index)
    assert "<sitemapindex" in index and len(chunks) == 3
    locs = sum(get(site, chunk)[2].decode().count("<loc>") for chunk in chunks)
    assert locs == 2 + len(t.TERMS) + sum(site.in_sitemap(i) for i in range(2500))
    assert get(site, "/sitemap.xml?page=4")[0] == 404


def test_calendar_trap_never_ends(demo_site: DemoSite) -> None:
    path, seen = "/calendar/2014-11", set()
    for _ in range(60):
        status, _, body = get(demo_site, path)
        assert status == 200 and path not in seen
        seen.add(path)
        path = first(r'<div class="date-next"><a href="([^"]+)"', body)
    assert path == "/calendar/2019-11" and "Нет материалов" in get(demo_site, path)[2].decode()
    assert get(demo_site, "/calendar/1850-01")[0] == 200


def test_redirect_loop_and_dead_links(demo_site: DemoSite) -> None:
    status, headers, _ = get(demo_site, "/loop/a", Host="h")
    assert status == 302 and headers["Location"] == "http://h/loop/b"
    assert get(demo_site, "/loop/b", Host="h")[1]["Location"] == "http://h/loop/a"
    dead = demo_site.specials.dead_linkers[0]
    page = get(demo_site, f"/node/{demo_site.nid(dead)}")[2].decode()
    target = f"/node/{demo_site.nid(dead) + 1}"
    assert f'href="{target}"' in page and get(demo_site, target)[0] == 404


def test_transient_500_then_200() -> None:
    site = DemoSite(SiteSpec())
    assert sorted(site.specials.transient.values()) == [1, 2, 2]
    for index, failures in site.specials.transient.items():
        path = f"/node/{site.nid(index)}"
        assert [get(site, path)[0] for _ in range(failures + 2)] == [500] * failures + [200, 200]


def test_conditional_get(demo_site: DemoSite) -> None:
    item = demo_site.truth()[30]
    status, headers, _ = get(demo_site, item["url"])
    assert status == 200 and headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")
    assert get(demo_site, item["url"], **{"If-None-Match": headers["ETag"]})[:1] == (304,)
    assert get(demo_site, item["url"], **{"If-None-Match": '"other"'})[0] == 200
    not_modified = get(demo_site, item["url"], **{"If-Modified-Since": headers["Last-Modified"]})
    assert not_modified[0] == 304 and not_modified[2] == b"" and not_modified[1]["ETag"] == headers["ETag"]
    assert get(demo_site, item["url"], **{"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})[0] == 200


def test_archive_encodings(demo_site: DemoSite) -> None:
    archive = [x for x in demo_site.truth() if x["kind"] == "archive"]
    declared = set()
    for item in archive:
        status, headers, body = get(demo_site, item["url"])
        assert status == 200
        ctype = headers["Content-Type"]
        meta = re.search(rb'charset=([\w-]+)">', body)
        charset = ctype.split("charset=")[1] if "charset=" in ctype else (meta.group(1).decode() if meta else None)
        declared.add(("header" if "charset=" in ctype else "meta" if meta else "none", charset))
        text = body.decode({"koi8-r": "koi8_r", None: "cp1251"}.get(charset, charset or "cp1251"))
        assert norm(item["title"]) in text.replace("&#171;", "«").replace("&#187;", "»")
        assert item["body_text"].split()[1] in text and BANNER_FIRST in text
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
    assert {("header", "windows-1251"), ("meta", "windows-1251"), ("none", None), ("header", "koi8-r")} <= declared
    index = get(demo_site, "/archive/")
    assert b"windows-1251" in index[2] and "charset" not in index[1]["Content-Type"]
    assert get(demo_site, "/archive")[0] == 301 and get(demo_site, "/archive/2002/")[0] == 200
    assert "2000-01-01" < archive[0]["published_at"] < "2005" and archive[0]["author"] is None


# ---- mutation ----------------------------------------------------------------------------------

def test_mutation_edit_add_remove(demo_site: DemoSite) -> None:
    old = {x["source_id"]: x for x in demo_site.truth()}
    nodes = [x for x in demo_site.truth() if x["kind"] == "node" and "listing" in x["discovery"]]
    edited, removed, same = nodes[100], nodes[200], nodes[150]
    nid = lambda x: int(x["source_id"].split("/")[1])  # noqa: E731
    site = DemoSite(SiteSpec(edited=(nid(edited),), removed=(nid(removed),), added=3, version=1))
    new = {x["source_id"]: x for x in site.truth()}
    assert removed["source_id"] not in new and len(new) == len(old) + 2
    added = sorted(set(new) - set(old))
    assert len(added) == 3 and all(int(a.split("/")[1]) > max(nid(x) for x in nodes) for a in added)
    assert all(new[a]["published_at"] > "2015" for a in added)
    assert new[edited["source_id"]]["body_text"] != edited["body_text"]
    assert {k: v for k, v in new[edited["source_id"]].items() if k != "body_text"} == \
        {k: v for k, v in edited.items() if k != "body_text"}
    assert new[same["source_id"]] == same
    assert get(site, removed["url"])[0] == 404 and get(site, f"/node/{nid(removed)}")[0] == 404
    assert removed["url"] not in get(site, "/sitemap.xml")[2].decode()
    front = get(site, "/")[2].decode()
    assert all(f"/node/{a.split('/')[1]}\"" in front for a in added)

    old_page, new_page = get(demo_site, same["url"]), get(site, same["url"])
    assert old_page[1]["ETag"] == new_page[1]["ETag"] and old_page[1]["Last-Modified"] == new_page[1]["Last-Modified"]
    assert old_page[2] != new_page[2]
    assert views(old_page[2]) != views(new_page[2]) and latest(old_page[2]) != latest(new_page[2])
    assert get(demo_site, edited["url"])[1]["ETag"] != get(site, edited["url"])[1]["ETag"]
    assert get(site, edited["url"])[1]["Last-Modified"] != get(demo_site, edited["url"])[1]["Last-Modified"]
    version_only = DemoSite(SiteSpec(version=2))
    assert latest(get(version_only, same["url"])[2]) != latest(get(site, same["url"])[2])


def test_big_site_is_lazy() -> None:
    """A 100k-article site renders any page on demand and keeps only a few articles cached."""
    site = DemoSite(SiteSpec(articles=100_000))
    path = f"/node/{site.nid(54_321)}"
    assert get(site, path)[0] == 200
    alias = site.alias(54_321)
    assert get(site, alias)[2] == get(site, path)[2]
    assert site.article.cache_info().currsize < 10  # type: ignore[attr-defined]
    for i in range(1000, 1200):
        assert get(site, f"/node/{site.nid(i)}")[0] == 200
    assert site.article.cache_info().currsize < 250  # type: ignore[attr-defined]  # built what was asked, no more
    assert site.published(99_999).year == 2014 and get(site, "/news?page=9000")[0] == 200


def test_zen_theme_wrappers() -> None:
    site = DemoSite(SiteSpec(theme="zen"))
    pages = [get(site, x["url"])[2].decode() for x in site.truth()[:40]]
    joined = "".join(pages)
    for needle in ('<h1 class="title">', 'class="node-inner"', '<div class="meta"><span class="submitted">Автор: ',
                   "Submitted by ", 'class="comment-inner"', "field-field-tags", 'class="terms terms-inline"'):
        assert needle in joined, needle
    with pytest.raises(ValueError):
        DemoSite(SiteSpec(theme="newsflash"))


# ---- the HTTP server ---------------------------------------------------------------------------

def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_server_serves_and_counts(demo_server: DemoServer) -> None:
    item = demo_server.site.truth()[10]
    status, headers, body = fetch(demo_server.url + item["url"])
    assert status == 200 and item["title"] in body.decode() and headers["Content-Length"] == str(len(body))
    before = demo_server.count_304()
    assert fetch(demo_server.url + item["url"], **{"If-None-Match": headers["ETag"]})[0] == 304
    assert demo_server.count_304() == before + 1
    assert fetch(demo_server.url + "/robots.txt")[2].decode().endswith(f"Sitemap: {demo_server.url}/sitemap.xml\n")
    assert demo_server.hits[(item["url"], 200)] >= 1
    assert fetch(demo_server.url + "/nope")[0] == 404


def test_slow_page_and_fresh_transients() -> None:
    site = DemoSite(SiteSpec(slow_seconds=0.3))
    with DemoServer(site) as server:
        started = time.perf_counter()
        assert fetch(server.url + site.alias(site.specials.slow))[0] == 200  # type: ignore[arg-type]
        assert time.perf_counter() - started >= 0.3
        index = next(i for i, n in site.specials.transient.items() if n == 2)
        statuses = [fetch(f"{server.url}/node/{site.nid(index)}")[0] for _ in range(3)]
        assert statuses == [500, 500, 200]
    with pytest.raises(urllib.error.URLError):  # stopped: it still names its address, and refuses connections
        fetch(server.url + "/")
    with pytest.raises(RuntimeError):
        _ = DemoServer(site).url  # never started: no address to name


# ---- the zoo: sites drawn per seed ------------------------------------------------------------

def test_every_theme_renders_its_own_markup() -> None:
    """Each theme of layout.THEMES renders an article with its own template's landmarks."""
    landmarks = {"garland": '<div id="squeeze">', "minnelli": '<div class="content clear-block">',
                 "bluemarine": '<div class="links">&raquo; ', "pushbutton": '<h1 class="title"><a href=',
                 "chameleon": '<li class="node_submitted first"><span>By ', "marvin": "/themes/marvin/logo.png",
                 "zen": 'class="node-inner"'}
    for name, needle in landmarks.items():
        site = DemoSite(SiteSpec(theme=name, articles=30, archive_items=2))
        nodes = [x for x in site.truth() if x["kind"] == "node"][:8]
        pages = "".join(page_of(site, x["url"]) for x in nodes) + page_of(site, "/news")
        assert needle in pages, name
        for item in nodes:
            page = page_of(site, item["url"])
            assert item["title"] in page and all(tag in page for tag in item["tags"])
            assert all(f'href="{source}"' in page for source in item["sources"])


def test_zoo_draws_vary_and_truth_stays_on_the_page() -> None:
    sites = [DemoSite(SiteSpec(seed=seed, articles=40, theme="random", zoo=True, archive_items=2)) for seed in range(1, 25)]
    assert {s.theme.name for s in sites} == set(layout_themes())
    for field_name in ("sources", "terms", "byline", "user_links", "node_ids", "node_type", "print_link"):
        assert len({getattr(s.markup, field_name) for s in sites}) > 1, field_name
    for site in sites[:8]:
        for item in [x for x in site.truth() if x["kind"] == "node"][:10]:
            html = page_of(site, item["url"])
            assert item["title"] in html and all(f'href="{s}"' in html for s in item["sources"])
            assert (f"node-type-{item['type']}" in html) == bool(item["type"])
            assert item["author"] is None or item["author"] in html


def test_zoo_has_short_briefs_and_the_default_demo_none(demo_site: DemoSite) -> None:
    site = DemoSite(SiteSpec(seed=34, articles=60, theme="random", zoo=True, archive_items=2))
    briefs = [x for x in site.truth() if x.get("brief")]
    assert len(briefs) >= 3
    for item in briefs:
        assert "\n" not in item["body_text"] and len(item["body_text"].split()) == 14
        assert item["title"] and item["published_at"] and item["tags"]
    assert not any(x.get("brief") for x in demo_site.truth())


def page_of(site: DemoSite, url: str) -> str:
    """A page's HTML, asked again past the planted transient 500s."""
    for _ in range(3):
        status, _, body = get(site, url)
        if status == 200:
            break
    return body.decode()


def layout_themes() -> list[str]:
    from migrator.demo.layout import THEMES

    return sorted(THEMES)
