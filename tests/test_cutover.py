"""Cut-over end to end: exports, redirect maps (loaded into a real nginx), link rewriting and media.

One crawl of the demo site per module, as a subprocess (``migrator crawl``), shared by every test.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree

from migrator.cutover.export import write_wxr
from migrator.cutover.newplatform import load_new_platform
from migrator.demo.content import file_bytes
from tests.helpers import migrator
from tests.sites.server import free_port, serve

NEW = "https://new.example.ru"
WP = "{http://wordpress.org/export/1.2/}"
MAPPING = """
[new_platform]
url_pattern = "/{year}/{month}/{slug}/"
rubrics = {"Нанотехнологии" = "nano", "Медицина" = "med"}
rename = {title = "headline"}
"""



def ok(*args: str, code: int = 0) -> str:
    """Run ``migrator ARGS`` and check its exit code (``diff``: 0 no differences, 1 differences found)."""
    proc = migrator(*args)
    assert proc.returncode == code, proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def site(demo_server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One crawl of the demo site, its records, its old URLs and a mapping with a [new_platform] table."""
    root = tmp_path_factory.mktemp("cutover")
    db = root / "site.db"
    ok("crawl", demo_server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
    records = [json.loads(line) for line in ok("export", "--db", str(db)).splitlines()]
    mapping = root / "site.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    conn = sqlite3.connect(db)
    old_urls = {u for (u,) in conn.execute(
        "SELECT url FROM articles WHERE state = 'live' UNION SELECT x.url FROM aliases x "
        "JOIN articles a USING (source_id) WHERE a.state = 'live'")}
    conn.close()
    platform = load_new_platform(str(mapping), NEW)
    return {"db": str(db), "root": root, "records": records, "mapping": str(mapping), "old_urls": old_urls,
            "platform": platform, "server": demo_server}


# -- exports --------------------------------------------------------------------------------------

def test_jsonl_with_mapping_renames_maps_rubrics_and_adds_new_url(site: dict[str, Any]) -> None:
    out = ok("export", "--db", site["db"], "--new", NEW, "--mapping", site["mapping"])
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(site["records"])
    by_url = {r["url"]: r for r in site["records"]}
    for row in rows:
        old = by_url[row["url"]]
        assert "title" not in row and row["headline"] == old["title"]
        assert row["new_url"] == site["platform"].url_for(old)
        assert row["tags"] == site["platform"].map_tags(old["tags"])
    assert any("nano" in r["tags"] for r in rows) and not any("Нанотехнологии" in r["tags"] for r in rows)
    assert len({r["new_url"] for r in rows}) == len(rows)  # no two articles share a new URL


@pytest.mark.parametrize("style", ["json", "pipe"])
def test_csv_has_every_article_and_its_lists(site: dict[str, Any], style: str) -> None:
    out = ok("export", "--db", site["db"], "--format", "csv", "--list-style", style)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["url"] for r in rows] == [r["url"] for r in site["records"]]
    for row, record in zip(rows, site["records"], strict=False):
        assert row["body_html"] == record["body_html"] and row["title"] == record["title"]
        tags = json.loads(row["tags"]) if style == "json" else [t for t in row["tags"].split("|") if t]
        assert tags == record["tags"]
        assert json.loads(row["comments"]) == record["comments"]
        assert row["author"] == (record["author"] or "")


def test_markdown_one_file_per_article_with_front_matter(site: dict[str, Any]) -> None:
    directory = site["root"] / "md"
    ok("export", "--db", site["db"], "--format", "markdown", "-o", str(directory), "--new", NEW)
    files = sorted(directory.glob("*.md"))
    assert len(files) == len(site["records"])
    by_url = {r["url"]: r for r in site["records"]}
    for path in files:
        text = path.read_text(encoding="utf-8")
        head, body = text.split("\n---\n", 1)
        assert head.startswith("---\n")
        meta = {k: json.loads(v) for k, v in (line.split(": ", 1) for line in head.splitlines()[1:])}
        record = by_url[meta["url"]]
        assert meta["title"] == record["title"] and meta["tags"] == record["tags"]
        assert meta["comments"] == record["comments"] and meta["new_url"].startswith(NEW + "/")
        assert re.fullmatch(r"[A-Za-z0-9._-]+\.md", path.name)
        assert body.strip().count("<p") == record["body_html"].count("<p")


def test_wxr_validates_and_carries_every_article_with_its_comments(site: dict[str, Any]) -> None:
    path = site["root"] / "site.wxr"
    ok("export", "--db", site["db"], "--format", "wxr", "--new", NEW, "--mapping", site["mapping"], "-o", str(path))
    channel = etree.parse(str(path)).getroot().find("channel")
    assert channel.getparent().get("version") == "2.0"
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    categories = {c.findtext(f"{WP}cat_name") for c in channel.findall(f"{WP}category")}
    tags = {t.findtext(f"{WP}tag_name") for t in channel.findall(f"{WP}tag")}
    assert {"nano", "med"} <= categories and tags and not tags & categories
    items = {i.findtext("guid"): i for i in channel.findall("item")}
    assert len(items) == len(site["records"])
    post_ids = set()
    for record in site["records"]:
        item = items[record["url"]]
        assert item.findtext("title") == record["title"]
        assert item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") is not None
        assert item.findtext(f"{WP}status") == "publish" and item.findtext(f"{WP}post_type") == "post"
        new_url = site["platform"].url_for(record)
        assert item.findtext("link") == new_url
        assert item.findtext(f"{WP}post_name") == new_url.rstrip("/").rsplit("/", 1)[-1]
        local = record["published_at"][:19].replace("T", " ")
        if len(local) == 10:  # a date without a time (the archive prints the day): that day, no GMT time
            local += " 00:00:00"
            assert item.findtext(f"{WP}post_date_gmt") == "0000-00-00 00:00:00" and not item.findtext("pubDate")
        assert item.findtext(f"{WP}post_date") == local
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", item.findtext(f"{WP}post_date_gmt"))
        terms = [(c.get("domain"), c.text) for c in item.findall("category")]
        assert sorted(t for _, t in terms) == sorted(site["platform"].map_tags(record["tags"]))
        assert all((domain == "category") == (term in categories) for domain, term in terms)
        comments = item.findall(f"{WP}comment")
        assert [c.findtext(f"{WP}comment_content") for c in comments] == [c["body_text"] for c in record["comments"]]
        assert [c.findtext(f"{WP}comment_author") for c in comments] == [c["author"] or "" for c in record["comments"]]
        post_ids.add(item.findtext(f"{WP}post_id"))
    assert len(post_ids) == len(items)
    assert sum(len(r["comments"]) for r in site["records"]) > 100


def test_wxr_survives_hostile_text() -> None:
    hostile = {"url": "http://old.ru/a", "aliases": [], "source_id": "a", "title": "x ]]> y & <z>",
               "published_at": "2011-07-01T10:00:00+04:00", "updated_at": None, "author": "Иван \x0b",
               "tags": ["a&b"], "sources": [], "images": [], "body_html": "<p>1 ]]> 2</p><![CDATA[ x ]]>\x00",
               "body_text": "", "comments": [{"author": None, "published_at": None, "body_text": "]]>"}],
               "content_hash": "", "fetched_at": None}
    out = io.StringIO()
    write_wxr([hostile], out, categories=["a&b"], authors=["Иван \x0b"])
    item = etree.fromstring(out.getvalue().encode()).find("channel/item")
    assert item.findtext("title") == "x ]]> y & <z>"
    assert item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") == "<p>1 ]]> 2</p><![CDATA[ x ]]>"
    assert item.findtext(f"{WP}comment/{WP}comment_content") == "]]>"
    assert item.findtext(f"{WP}post_date_gmt") == "2011-07-01 06:00:00"


def test_bad_new_platform_mapping_is_one_line(site: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[new_platform]\nurl_pattern = "/{year}/{colour}/"\n', encoding="utf-8")
    proc = migrator("export", "--db", site["db"], "--mapping", str(bad))
    assert proc.returncode != 0
    assert "bad.toml: new_platform.url_pattern: expected" in proc.stderr and "Traceback" not in proc.stderr


# -- internal links -------------------------------------------------------------------------------

def test_links_to_old_articles_point_at_new_urls(site: dict[str, Any]) -> None:
    rows = [json.loads(line) for line in ok("export", "--db", site["db"], "--new", NEW).splitlines()]
    old_host = site["server"].url
    hrefs = [h for r in rows for h in re.findall(r'href="([^"]*)"', r["body_html"])]
    new_links = [h for h in hrefs if h.startswith(NEW + "/")]
    new_urls = {r["new_url"] for r in rows}
    assert len(new_links) > 50 and set(new_links) <= new_urls
    left = [h for h in hrefs if h.startswith(old_host)]
    # what stays on the old host names no article: dead /node/N links, the redirect loop, archive years
    assert not [h for h in left if h.split("?")[0].split("#")[0] in site["old_urls"]], left
    assert not [h for h in left if "?q=node/" in h or re.search(r"/news/\d{4}/", h)], left
    # every form the demo site links by was seen and rewritten
    plain = [json.loads(line) for line in ok("export", "--db", site["db"]).splitlines()]
    old_hrefs = [h for r in plain for h in re.findall(r'href="([^"]*)"', r["body_html"])]
    assert any("?q=node/" in h for h in old_hrefs) and any("/node/" in h for h in old_hrefs)
    assert any("utm_source=" in h for h in old_hrefs)
    off = ok("export", "--db", site["db"], "--new", NEW, "--no-rewrite-links")
    assert 'href=\\"' + NEW not in off


# -- redirect maps --------------------------------------------------------------------------------

def test_redirect_csv_covers_every_old_url_and_alias(site: dict[str, Any]) -> None:
    out = ok("redirects", "--db", site["db"], "--new", NEW, "--format", "csv", "--mapping", site["mapping"])
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["old_url"] for r in rows} == site["old_urls"]
    by_id = {r["source_id"]: r for r in site["records"]}
    for row in rows:
        assert row["new_url"] == site["platform"].url_for(by_id[row["source_id"]])
    kinds = {r["kind"] for r in rows}
    assert kinds == {"canonical", "alias"}
    assert any("?q=node/" in r["old_url"] for r in rows) and any("/node/" in r["old_url"] for r in rows)


def test_redirects_warn_when_articles_share_a_new_url(site: dict[str, Any], tmp_path: Path) -> None:
    coarse = tmp_path / "coarse.toml"
    coarse.write_text('[new_platform]\nurl_pattern = "/{year}/"\n', encoding="utf-8")
    proc = migrator("redirects", "--db", site["db"], "--new", NEW, "--format", "csv", "--mapping", str(coarse))
    assert proc.returncode == 0 and "new URLs are shared by several articles" in proc.stderr
    fine = migrator("redirects", "--db", site["db"], "--new", NEW, "--format", "csv", "--mapping", site["mapping"])
    assert "shared" not in fine.stderr


def test_apache_rules_cover_every_old_url(site: dict[str, Any]) -> None:
    out = ok("redirects", "--db", site["db"], "--new", NEW, "--format", "apache")
    rules = [line for line in out.splitlines() if line.startswith("RewriteRule")]
    assert len(rules) == len(site["old_urls"])
    assert all(line.endswith("[R=301,L,NE,QSD]") and f" {NEW}/" in line for line in rules)
    assert out.count("RewriteCond %{QUERY_STRING} ^q=node/") == sum("?q=node/" in u for u in site["old_urls"])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(url: str) -> tuple[int, str | None]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location")


@contextmanager
def running_nginx(map_file: Path, root: Path) -> Iterator[dict[str, Any]]:
    """A real nginx on a free loopback port, its http block including ``map_file``; pid, logs, temp in ``root``."""
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if binary is None:
        pytest.skip("nginx is not installed (.ci/run installs nginx-light)")
    port = free_port()
    (root / "tmp").mkdir(exist_ok=True)
    temp = "".join(f"{kind}_temp_path {root / 'tmp' / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = root / "nginx.conf"
    conf.write_text(
        f"daemon off;\nworker_processes 1;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'};\n"
        "events { worker_connections 256; }\n"
        f"http {{\naccess_log off;\n{temp}include {map_file};\n"
        f"server {{\nlisten 127.0.0.1:{port};\n"
        "if ($migrator_new_url) { return 301 $migrator_new_url; }\nreturn 404;\n}\n}\n")
    args = [binary, "-p", str(root), "-e", str(root / "error.log"), "-c", str(conf)]
    check = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=30)
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.05)
        yield {"url": f"http://127.0.0.1:{port}", "check": check, "process": process, "log": root / "error.log"}
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def nginx(site: dict[str, Any], tmp_path: Path) -> Iterator[dict[str, Any]]:
    map_file = tmp_path / "redirects.conf"
    ok("redirects", "--db", site["db"], "--new", NEW, "--format", "nginx", "--mapping", site["mapping"],
       "-o", str(map_file))
    with running_nginx(map_file, tmp_path) as server:
        yield server


def test_nginx_map_passes_nginx_t_and_redirects_old_urls(site: dict[str, Any], nginx: dict[str, Any]) -> None:
    check = nginx["check"]
    assert check.returncode == 0, check.stderr
    assert "test is successful" in check.stderr
    assert nginx["process"].poll() is None, nginx["log"].read_text()
    old = site["server"].url
    by_id = {r["source_id"]: r for r in site["records"]}
    record = next(r for r in site["records"] if f"{old}/?q={r['source_id']}" in site["old_urls"]
                  and f"{old}/{r['source_id']}" in site["old_urls"])
    expected = site["platform"].url_for(by_id[record["source_id"]])
    path = record["url"][len(old):]
    for request in (path, f"/{record['source_id']}", f"/?q={record['source_id']}"):
        assert _get(nginx["url"] + request) == (301, expected), request
    assert _get(nginx["url"] + "/no/such/page")[0] == 404
    # and every old URL of every article, not just one
    wrong = []
    for url in sorted(site["old_urls"])[::7]:
        source_id = next(r["source_id"] for r in site["records"] if r["url"] == url or url in r["aliases"])
        got = _get(nginx["url"] + url[len(old):])
        if got != (301, site["platform"].url_for(by_id[source_id])):
            wrong.append((url, got))
    assert not wrong


# -- media ----------------------------------------------------------------------------------------

def _manifest(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (directory / "manifest.jsonl").read_text().splitlines()]


def _truth_attachments(site: dict[str, Any]) -> dict[str, bytes]:
    """Every attachment of the crawled articles in the demo's ground truth: absolute URL -> the served bytes."""
    base, found = site["server"].url, {r["source_id"] for r in site["records"]}
    return {base + path: file_bytes(unquote(path)) for t in site["server"].site.truth()
            if t["source_id"] in found for path in t["attachments"]}


def test_media_download_is_complete_checksummed_and_resumable(site: dict[str, Any], tmp_path: Path) -> None:
    images = {i for r in site["records"] for i in r["images"]}
    attachments = _truth_attachments(site)
    assert len(images) > 20 and len(attachments) > 10
    directory = tmp_path / "media"
    ok("media", "--db", site["db"], "--download", str(directory), "--concurrency", "4")
    manifest = _manifest(directory)
    assert [m["old_url"] for m in manifest] == sorted(images | attachments.keys())  # each exactly once
    assert {m["old_url"] for m in manifest if m["kind"] == "attachment"} == attachments.keys()
    assert {m["status"] for m in manifest} == {"downloaded"}
    for item in manifest:
        path = directory / item["new_path"]
        assert path.resolve().is_relative_to(directory.resolve())
        assert hashlib.sha256(path.read_bytes()).hexdigest() == item["sha256"]
        if item["kind"] == "attachment":
            served = attachments[item["old_url"]]
            assert (item["sha256"], item["bytes"]) == (hashlib.sha256(served).hexdigest(), len(served))
    assert any(m["new_path"].startswith("images/") for m in manifest)  # sites/default/files/ dropped
    assert any(m["new_path"].startswith("docs/") for m in manifest)  # inline links of the body
    assert all(m["new_path"].isascii() for m in manifest)  # Cyrillic file names transliterated

    hits = lambda: sum(n for (p, _), n in site["server"].hits.items() if p.startswith(("/sites/", "/archive/img/")))  # noqa: E731
    before = hits()
    damaged = directory / manifest[0]["new_path"]
    damaged.write_bytes(b"truncated")
    ok("media", "--db", site["db"], "--download", str(directory))
    again = _manifest(directory)
    assert [m["status"] for m in again] == ["downloaded"] + ["skipped"] * (len(manifest) - 1)
    assert hits() - before == 1
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == manifest[0]["sha256"]
    ok("media", "--db", site["db"], "--download", str(directory))
    assert {m["status"] for m in _manifest(directory)} == {"skipped"}
    assert hits() - before == 1  # the third run downloaded nothing


def test_failing_attachment_is_recorded_and_the_run_goes_on(site: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    shutil.copy(site["db"], db)
    missing = site["server"].url + "/gone/%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf"  # the demo answers 404
    conn = sqlite3.connect(db)
    conn.execute("UPDATE articles SET attachments = json_insert(attachments, '$[#]', ?) WHERE source_id = "
                 "(SELECT MIN(source_id) FROM articles WHERE state = 'live')", [missing])
    conn.commit()
    conn.close()
    directory = tmp_path / "media"
    proc = migrator("media", "--db", str(db), "--download", str(directory), "--concurrency", "4")
    assert proc.returncode == 1 and "1 failed" in proc.stderr
    manifest = {m["old_url"]: m for m in _manifest(directory)}
    assert manifest.pop(missing)["status"] == "failed"
    assert len(manifest) > 30 and {m["status"] for m in manifest.values()} == {"downloaded"}
    failed = sqlite3.connect(db).execute("SELECT status, kind, error FROM media WHERE url = ?", [missing]).fetchone()
    assert failed[:2] == ("failed", "attachment") and "404" in failed[2]


# -- parity diff ----------------------------------------------------------------------------------

def _new_page(title: str, body_html: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} | Новый сайт</title></head><body>"
            f"<header><nav><a href='/'>Главная</a></nav></header><main><article><h1>{title}</h1>"
            f"<div class='content'>{body_html}</div></article></main><footer>© Новый сайт</footer></body></html>"
            ).encode("utf-8")


def test_diff_reports_exactly_the_planted_differences(site: dict[str, Any], tmp_path: Path) -> None:
    records = [json.loads(line) for line in ok("export", "--db", site["db"], "--mapping", site["mapping"]).splitlines()]
    records = [r for r in records if r["body_text"].count("\n\n") >= 3]  # planted edits need a few paragraphs
    missing, retitled, truncated, mojibake, lost, misdirected = records[5], records[40], records[80], records[120], \
        records[160], records[200]
    pages: dict[str, bytes] = {}
    for record in site["records"]:
        title, body = record["title"], record["body_html"]
        if record["url"] == missing["url"]:
            continue
        if record["url"] == retitled["url"]:
            title = title + " (обновлено)"
        if record["url"] == truncated["url"]:
            body = body[: len(body) // 3].rsplit("</p>", 1)[0] + "</p>"
        if record["url"] == mojibake["url"]:
            body = body.encode("utf-8").decode("cp1251", "replace")
        if record["url"] == lost["url"]:
            paras = body.split("</p>")
            body = "</p>".join(paras[:1] + paras[3:])
        pages[urlsplit(site["platform"].path_for(record)).path] = _new_page(title, body)
    with serve("127.0.0.1", lambda path: (200, {}, pages[path]) if path in pages else (404, {}, b"")) as new_site:
        map_file = tmp_path / "redirects.conf"
        ok("redirects", "--db", site["db"], "--new", new_site.url, "--mapping", site["mapping"], "-o", str(map_file))
        # one old URL sent to the wrong article
        wrong_target = site["platform"].with_base(new_site.url).url_for(records[0])
        key = urlsplit(misdirected["url"]).path
        text = map_file.read_text(encoding="utf-8")
        line = next(x for x in text.splitlines() if x.startswith(f'    "{key}" '))
        map_file.write_text(text.replace(line, f'    "{key}" "{wrong_target}";'), encoding="utf-8")
        with running_nginx(map_file, tmp_path) as nginx_server:
            assert nginx_server["check"].returncode == 0, nginx_server["check"].stderr
            report_path = tmp_path / "parity.json"
            ok("diff", "--db", site["db"], "--new", new_site.url, "--new-mapping", site["mapping"],
               "--old-base", nginx_server["url"], "--json", str(report_path), "--html", str(tmp_path / "parity.html"),
               code=1)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert [m["old_url"] for m in report["missing"]] == [missing["url"]]
    changed = {c["old_url"]: c for c in report["changed"]}
    assert set(changed) == {retitled["url"], truncated["url"], mojibake["url"], lost["url"]}
    assert changed[retitled["url"]]["fields"] == ["title"]
    assert changed[truncated["url"]]["fields"] == ["body"] and "truncated" in changed[truncated["url"]]["body"]["problems"]
    assert changed[mojibake["url"]]["body"]["problems"] == ["mojibake"]
    assert any(p.startswith("lost paragraphs: ") for p in changed[lost["url"]]["body"]["problems"])
    assert [(b["old_url"], b["landed"], b["suggested"]) for b in report["broken_redirects"]] == [
        (misdirected["url"], wrong_target, site["platform"].with_base(new_site.url).url_for(misdirected))]
    assert report["summary"]["articles"] == len(site["records"])

    html = etree.parse(str(tmp_path / "parity.html"), etree.HTMLParser())
    assert html.xpath('string(//b[@id="count-missing"])') == "1"
    assert html.xpath('string(//b[@id="count-changed"])') == "4"
    assert len(html.xpath('//tbody[@id="rows"]/tr')) == 6
    assert html.xpath('//tr[@data-kind="changed"]//div[@class="diff"]')  # a side-by-side diff per changed body
    assert not html.xpath("//script[@src] | //link[@rel='stylesheet']")  # self-contained
