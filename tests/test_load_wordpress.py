"""`migrator load` into a real WordPress (Debian's packages, see tests/sites/wordpress.py), proven with `migrator diff`
against the pages WordPress's own theme (Twenty Twenty-One) renders, the old URLs answered by a real nginx serving
the redirect map `migrator redirects --loaded wordpress` wrote."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from migrator.cutover.load import LoadMapping, parse_load
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.errors import MappingError
from tests.helpers import migrator
from tests.sites.wordpress import WordPress
from tests.test_cutover import running_nginx

SPEC = SiteSpec(articles=24, archive_items=6, slow_seconds=0.1)


def run(*args: str, password: str | None = None, code: int = 0, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORDPRESS_APP_PASSWORD": password or ""}
    proc = subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)
    assert proc.returncode == code, (proc.returncode, proc.stderr[-3000:])
    return proc


def load(db: Path, wp: WordPress, tmp_path: Path, *flags: str, code: int = 0) -> dict[str, Any]:
    """``migrator load`` as a user runs it; its JSON summary."""
    summary = tmp_path / f"load-{time.monotonic_ns()}.json"
    run("load", "--db", str(db), "--wordpress", wp.url, "--user", wp.user, "--json", str(summary), *flags,
        password=wp.password, code=code)
    return json.loads(summary.read_text(encoding="utf-8"))


def records(db: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in migrator("export", "--db", str(db)).stdout.splitlines()]


@pytest.fixture(scope="module")
def old_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo site (24 articles, 6 archive items, comments and images) served and crawled once."""
    root = tmp_path_factory.mktemp("old")
    with DemoServer(DemoSite(SPEC)) as server:
        db = root / "site.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow", timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        yield {"server": server, "db": db, "records": records(db)}


@pytest.fixture
def db(old_site: dict[str, Any], tmp_path: Path) -> Path:
    """A copy of the crawled database for one test (its `loaded` ledger is the test's own)."""
    copy = tmp_path / "site.db"
    copy.write_bytes(old_site["db"].read_bytes())
    return copy


def wp_posts(wp: WordPress) -> list[list[str]]:
    """(slug, title, status, content) of every post in WordPress's own tables, by slug."""
    return wp.query("SELECT post_name, post_title, post_status, MD5(post_content) FROM wp_posts "
                    "WHERE post_type = 'post' AND post_status != 'auto-draft' ORDER BY post_name")


def wp_state(wp: WordPress) -> dict[str, Any]:
    """What a load leaves in WordPress: posts, terms, files, comments, users (ids left out: they depend on order)."""
    return {
        "posts": wp_posts(wp),
        "terms": wp.query("SELECT t.name, x.taxonomy, x.count FROM wp_terms t JOIN wp_term_taxonomy x "
                          "ON x.term_id = t.term_id ORDER BY x.taxonomy, t.name"),
        "media": wp.query("SELECT post_name, post_mime_type FROM wp_posts WHERE post_type = 'attachment' "
                          "ORDER BY post_name"),
        "comments": wp.query("SELECT p.post_name, c.comment_author, c.comment_date_gmt, MD5(c.comment_content) "
                             "FROM wp_comments c JOIN wp_posts p ON p.ID = c.comment_post_ID ORDER BY 1, 3, 2, 4"),
        "users": wp.query("SELECT user_login, display_name FROM wp_users ORDER BY user_login"),
    }


def diff(db: Path, wp: WordPress, tmp_path: Path, edit_map: Any = None, code: int = 0) -> dict[str, Any]:
    """``migrator diff`` against WordPress, the old URLs asked at a real nginx serving the loaded redirect map."""
    map_file = tmp_path / "redirects.conf"
    run("redirects", "--db", str(db), "--loaded", "wordpress", "--format", "nginx", "-o", str(map_file))
    if edit_map:
        map_file.write_text(edit_map(map_file.read_text(encoding="utf-8")), encoding="utf-8")
    nginx_root = tmp_path / "nginx"
    nginx_root.mkdir(exist_ok=True)
    with running_nginx(map_file, nginx_root) as nginx:
        assert nginx["check"].returncode == 0, nginx["check"].stderr
        report = tmp_path / "parity.json"
        run("diff", "--db", str(db), "--new", wp.url, "--old-base", nginx["url"], "--json", str(report), code=code)
    return json.loads(report.read_text(encoding="utf-8"))


def test_load_is_clean_by_diff_idempotent_and_diff_sees_exactly_the_planted_edits(
        db: Path, old_site: dict[str, Any], wordpress: WordPress, tmp_path: Path) -> None:
    old = old_site["records"]
    dry = load(db, wordpress, tmp_path, "--dry-run")
    assert dry["writes"] == 0 and dry["counts"]["post"] == {"would create": len(old)}
    assert wp_posts(wordpress) == [["hello-world", "Hello world!", "publish", wordpress.query(
        "SELECT MD5(post_content) FROM wp_posts WHERE post_name = 'hello-world'")[0][0]]]

    mark = len(wordpress.requests())
    first = load(db, wordpress, tmp_path)
    assert first["counts"]["post"] == {"created": len(old)} and not first["failures"]
    assert len(wordpress.writes_since(mark)) == first["writes"]  # as the server counted them
    images = {url for r in old for url in r["images"]}
    assert images and first["counts"]["media"] == {"uploaded": len(images)}
    comments = first["counts"]["comment"]
    assert comments["created"] + comments.get("duplicate", 0) == sum(len(r["comments"]) for r in old)
    assert first["writes"] == first["requests"]["POST"]  # creates only, no update, no delete

    # WordPress's own tables agree with the summary: one post per record, every file and comment once
    state = wp_state(wordpress)
    published = [p for p in state["posts"] if p[2] == "publish" and p[0] != "hello-world"]
    assert len(published) == len(old) == len({p[0] for p in published})
    with urllib.request.urlopen(wordpress.url + "/wp-json/wp/v2/posts?per_page=1", timeout=30) as response:
        assert int(response.headers["X-WP-Total"]) == len(old) + 1  # the REST listing too (and "Hello world!")
    assert len(state["media"]) == len(images)
    assert len(state["comments"]) == comments["created"] + 1  # and WordPress's own sample comment
    # the body's images point at the uploaded files, which WordPress serves
    uploaded = wordpress.query("SELECT guid FROM wp_posts WHERE post_type = 'attachment' LIMIT 1")[0][0]
    assert wordpress.query(f"SELECT count(*) FROM wp_posts WHERE post_type = 'post' AND "
                           f"post_content LIKE '%{uploaded}%'")[0][0] != "0"
    with urllib.request.urlopen(uploaded, timeout=30) as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("image/")

    # the diff against the theme's pages, the old URLs through the loaded redirect map: nothing differs
    clean = diff(db, wordpress, tmp_path)
    assert clean["summary"]["articles"] == len(old)
    assert (clean["missing"], clean["changed"], clean["broken_redirects"]) == ([], [], [])

    # a second load sends no write at all (the server saw none), and WordPress holds the same content
    mark = len(wordpress.requests())
    second = load(db, wordpress, tmp_path)
    assert second["writes"] == 0 and set(second["requests"]) == {"GET"}
    assert wordpress.writes_since(mark) == [] and len(wordpress.requests()) - mark == second["requests"]["GET"]
    assert second["counts"]["post"] == {"skipped": len(old)}
    assert wp_state(wordpress) == state

    # planted edits in WordPress: one post deleted, one truncated, one retitled, one old URL sent elsewhere
    with_paras = [r for r in old if r["body_text"].count("\n\n") >= 3]
    deleted, truncated, retitled, misdirected = with_paras[0], with_paras[1], with_paras[2], with_paras[3]
    ledger = dict(wordpress_ids(db))
    wordpress.query(f"DELETE FROM wp_posts WHERE ID = {ledger[deleted['source_id']]}")
    body = wordpress.query(f"SELECT post_content FROM wp_posts WHERE ID = {ledger[truncated['source_id']]}")[0][0]
    short = body.replace("\\n", "\n")[: len(body) // 3].rsplit("</p>", 1)[0] + "</p>"
    wordpress.query(f"UPDATE wp_posts SET post_content = '{_sql(short)}' WHERE ID = {ledger[truncated['source_id']]}")
    wordpress.query(f"UPDATE wp_posts SET post_title = CONCAT(post_title, ' (обновлено)') "
                    f"WHERE ID = {ledger[retitled['source_id']]}")
    elsewhere = dict(wordpress_links(db))[with_paras[4]["source_id"]]
    key = misdirected["url"][len(old_site["server"].url):]

    def misdirect(text: str) -> str:
        line = next(x for x in text.splitlines() if x.startswith(f'    "{key}" '))
        return text.replace(line, f'    "{key}" "{elsewhere}";')

    report = diff(db, wordpress, tmp_path, misdirect, code=1)
    assert [m["old_url"] for m in report["missing"]] == [deleted["url"]]
    changed = {c["old_url"]: c["fields"] for c in report["changed"]}
    assert changed == {truncated["url"]: ["body"], retitled["url"]: ["title"]}
    assert "truncated" in next(c for c in report["changed"] if c["old_url"] == truncated["url"])["body"]["problems"]
    assert [b["old_url"] for b in report["broken_redirects"]] == [misdirected["url"]]


def _sql(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def wordpress_ids(db: Path) -> list[tuple[str, int]]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT source_id, remote_id FROM loaded WHERE kind = 'post'").fetchall()


def wordpress_links(db: Path) -> list[tuple[str, str]]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT source_id, link FROM loaded WHERE kind = 'post' ORDER BY source_id").fetchall()


def test_a_comment_wordpress_refuses_as_a_duplicate_is_no_change_and_is_listed(
        db: Path, wordpress: WordPress, tmp_path: Path, old_site: dict[str, Any]) -> None:
    import sqlite3

    # a reader who sent the same words twice, a minute apart: WordPress keeps the first (comment_duplicate)
    victim = next(r for r in old_site["records"] if r["comments"] and r["comments"][0]["author"])
    first = victim["comments"][0]
    again = {**first, "published_at": first["published_at"][:14] + "59" + first["published_at"][16:]}
    comments = [*victim["comments"], again]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET comments = ?, comment_count = ? WHERE source_id = ?",
                     [json.dumps(comments, ensure_ascii=False), len(comments), victim["source_id"]])
    summary = load(db, wordpress, tmp_path)
    assert summary["counts"]["comment"].get("duplicate", 0) >= 1 and not summary["failures"]
    shown = wordpress.query(f"SELECT count(*) FROM wp_comments WHERE comment_post_ID = "
                            f"{dict(wordpress_ids(db))[victim['source_id']]}")[0][0]
    assert int(shown) == len(comments) - 1

    report = diff(db, wordpress, tmp_path)
    assert (report["missing"], report["changed"], report["broken_redirects"]) == ([], [], [])
    listed = {r["old_url"]: r["comments"] for r in report["refused_duplicates"]}
    assert listed[victim["url"]] == 1
    assert report["summary"]["comments_refused_as_duplicates"] == sum(listed.values()) \
        == summary["counts"]["comment"]["duplicate"]


def test_kill_9_mid_load_then_rerun_equals_an_uninterrupted_load(db: Path, wordpress: WordPress, tmp_path: Path,
                                                                  old_site: dict[str, Any]) -> None:
    pristine = tmp_path / "pristine.db"
    pristine.write_bytes(db.read_bytes())
    load(db, wordpress, tmp_path)
    uninterrupted = wp_state(wordpress)

    for stop_after in (3, 11):  # posts in WordPress when the load is killed
        wordpress.reset()
        killed = tmp_path / f"killed-{stop_after}.db"
        killed.write_bytes(pristine.read_bytes())
        env = {**os.environ, "WORDPRESS_APP_PASSWORD": wordpress.password}
        proc = subprocess.Popen([sys.executable, "-m", "migrator", "load", "--db", str(killed), "--wordpress",
                                 wordpress.url, "--user", wordpress.user], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and proc.poll() is None:
                if int(wordpress.query("SELECT count(*) FROM wp_posts WHERE post_type = 'post'")[0][0]) > stop_after:
                    break
                time.sleep(0.05)
            assert proc.poll() is None, f"the load ended before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(30)
        assert wp_state(wordpress) != uninterrupted  # it was stopped half way
        again = load(killed, wordpress, tmp_path)
        assert not again["failures"]
        assert wp_state(wordpress) == uninterrupted
        assert load(killed, wordpress, tmp_path)["writes"] == 0


def test_sync_then_load_sends_exactly_the_changes_and_gone_posts_become_drafts(
        wordpress: WordPress, tmp_path: Path) -> None:
    db = tmp_path / "synced.db"
    with DemoServer(DemoSite(SPEC)) as server:
        port = int(server.url.rsplit(":", 1)[1])
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow", timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        before = records(db)
        load(db, wordpress, tmp_path)
    nodes = sorted(int(r["source_id"].split("/")[1]) for r in before if r["source_id"].startswith("node/"))
    edited, removed = (nodes[2], nodes[5]), nodes[8]
    later = SiteSpec(**{**SPEC.__dict__, "edited": edited, "added": 2, "removed": (removed,), "version": 1})
    with DemoServer(DemoSite(later), port=port) as server:
        report = tmp_path / "changes.json"
        proc = migrator("sync", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow", "--report",
                        str(report), timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        changes = json.loads(report.read_text(encoding="utf-8"))
        assert (len(changes["new"]), len(changes["updated"]), len(changes["gone"])) == (2, len(edited), 1)
        unchanged = len(before) - len(edited) - 1
        dry = load(db, wordpress, tmp_path, "--dry-run")
        assert dry["writes"] == 0
        assert dry["counts"]["post"] == {"would create": 2, "would update": len(edited), "skipped": unchanged}
        mark = len(wordpress.requests())
        after = load(db, wordpress, tmp_path)
        assert len(wordpress.writes_since(mark)) == after["writes"]
    assert after["counts"]["post"] == {"created": 2, "updated": len(edited), "drafted": 1, "skipped": unchanged}
    # every write is one of those changes: the two new posts with their comments, files, terms and authors,
    # the edited posts (and any comment of theirs that changed), the one draft
    counts = after["counts"]
    extra = sum(counts.get(kind, {}).get(what, 0) for kind, what in (
        ("comment", "created"), ("comment", "updated"), ("comment", "trashed"), ("media", "uploaded"),
        ("term", "created"), ("user", "created")))
    assert after["writes"] == 2 + len(edited) + 1 + extra
    new_comments = sum(len(r["comments"]) for r in records(db) if r["url"] in changes["new"])
    assert counts.get("comment", {}).get("created", 0) >= new_comments
    gone = next(r["source_id"] for r in before if r["url"] == changes["gone"][0])
    status = wordpress.query(f"SELECT post_status FROM wp_posts WHERE ID = {dict(wordpress_ids(db))[gone]}")[0][0]
    assert status == "draft"
    assert load(db, wordpress, tmp_path)["writes"] == 0


def test_wrong_password_no_api_and_permissions_exit_with_their_own_codes(
        db: Path, wordpress: WordPress, tmp_path: Path, old_site: dict[str, Any]) -> None:
    base = ("load", "--db", str(db), "--user", wordpress.user)
    wrong = run(*base, "--wordpress", wordpress.url, password="abcd efgh ijkl mnop qrst uvwx", code=4)
    assert "401" in wrong.stderr and len(wrong.stderr.strip().splitlines()) == 1
    none = run(*base, "--wordpress", old_site["server"].url, password=wordpress.password, code=5)
    assert "no WordPress REST API" in none.stderr
    subscriber = wordpress.php(
        "require getcwd() . '/wp-load.php'; $id = wp_create_user('reader', 'reader-password', 'r@example.invalid');"
        " (new WP_User($id))->set_role('subscriber');"
        " echo WP_Application_Passwords::create_new_application_password($id, array('name' => 't'))[0];")
    denied = run("load", "--db", str(db), "--user", "reader", "--wordpress", wordpress.url, password=subscriber, code=6)
    assert "403" in denied.stderr
    password_file = tmp_path / "password"
    password_file.write_text(wordpress.password + "\n", encoding="utf-8")
    run("load", "--db", str(db), "--user", wordpress.user, "--wordpress", wordpress.url, "--dry-run",
        "--password-file", str(password_file))


def test_a_failing_record_is_recorded_and_the_rest_load_with_authors_as_mapped(
        db: Path, wordpress: WordPress, tmp_path: Path, old_site: dict[str, Any]) -> None:
    import sqlite3

    victim = old_site["records"][0]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET images = ? WHERE source_id = ?",
                     [json.dumps([old_site["server"].url + "/no/such/image.jpg"]), victim["source_id"]])
    authors = sorted({r["author"] for r in old_site["records"][1:] if r["author"]})
    mapped = authors[0]
    editor = wordpress.php("require getcwd() . '/wp-load.php'; $id = wp_create_user('pivanov', 'secret-password', "
                           "'p@example.invalid'); (new WP_User($id))->set_role('author'); echo $id;").strip()
    mapping = tmp_path / "site.toml"
    mapping.write_text(f'[load]\ndefault_author = "{wordpress.user}"\ncreate_authors = false\n'
                       f'[load.authors]\n"{mapped}" = "pivanov"\n', encoding="utf-8")
    summary = load(db, wordpress, tmp_path, "--mapping", str(mapping), code=1)
    assert [f["source_id"] for f in summary["failures"]] == [victim["source_id"]]
    assert "404" in summary["failures"][0]["error"]
    assert summary["counts"]["post"]["created"] == len(old_site["records"]) - 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT error FROM loaded WHERE kind = 'post' AND source_id = ?",
                            [victim["source_id"]]).fetchone()[0].endswith("HTTP 404")
    # every post's author: the mapped one for its author's records, the default for all others (none created)
    admin = wordpress.query(f"SELECT ID FROM wp_users WHERE user_login = '{wordpress.user}'")[0][0]
    ids = dict(wordpress_ids(db))
    owners = dict(wordpress.query("SELECT ID, post_author FROM wp_posts WHERE post_type = 'post'"))
    for record in old_site["records"][1:]:
        assert owners[str(ids[record["source_id"]])] == (editor if record["author"] == mapped else admin), record["url"]
    assert "user" not in summary["counts"]


def test_plain_permalinks_load_through_rest_route(db: Path, wordpress: WordPress, tmp_path: Path) -> None:
    wordpress.set_permalinks("")
    try:
        with pytest.raises(urllib.error.HTTPError) as no_route:  # no pretty /wp-json/ route now
            urllib.request.urlopen(wordpress.url + "/wp-json/", timeout=30)
        assert no_route.value.code == 404
        summary = load(db, wordpress, tmp_path)
        assert summary["counts"]["post"]["created"] > 0 and not summary["failures"]
        link = wordpress_links(db)[0][1]
        assert "?p=" in link
        assert load(db, wordpress, tmp_path)["writes"] == 0
    finally:
        wordpress.reset()


@pytest.mark.parametrize("table, message", [
    ({"gone": "delete"}, 'load.gone: expected one of "draft", "trash"'),
    ({"authors": {"Иванов": ""}}, "load.authors.Иванов: expected a WordPress login"),
    ({"create_authors": False}, "load.default_author: expected a login"),
    ({"colour": 1}, "load.colour: expected one of authors"),
])
def test_load_mapping_is_validated(table: dict[str, Any], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_load("site.toml", table)


def test_load_mapping_defaults() -> None:
    mapping = parse_load("site.toml", {"authors": {"Пётр Иванов": "pivanov"}, "gone": "trash"})
    assert mapping == LoadMapping(authors={"Пётр Иванов": "pivanov"}, gone="trash")


def test_a_site_mapping_with_a_load_table_serves_crawl_and_load(tmp_path: Path) -> None:
    from migrator.cutover.load import load_mapping
    from migrator.mapping import load_config

    mapping = tmp_path / "site.toml"
    mapping.write_text('timezone = "Europe/Moscow"\n[load]\ndefault_author = "editor"\ncreate_authors = false\n'
                       '[load.authors]\n"Пётр Иванов" = "pivanov"\n', encoding="utf-8")
    assert load_config(str(mapping)).timezone == "Europe/Moscow"
    assert load_mapping(str(mapping)) == LoadMapping(authors={"Пётр Иванов": "pivanov"}, default_author="editor",
                                                     create_authors=False)
    mapping.write_text('[load]\ngone = "burn"\n', encoding="utf-8")
    with pytest.raises(MappingError, match=f"{mapping}: load.gone: expected"):
        load_mapping(str(mapping))


#: A single post as Twenty Twenty-One 1.7 renders it (template-parts/content/content-single.php, entry meta from
#: inc/template-tags.php): the shape the diff reads, with the category links WordPress writes.
_SINGLE = """<!doctype html><html lang="ru-RU"><head><meta charset="UTF-8"><title>{title} &#8211; Сайт</title></head>
<body class="post-template-default single single-post"><div id="page" class="site"><header id="masthead"
class="site-header"><p class="site-title"><a href="/">Сайт</a></p></header><div id="content" class="site-content">
<main id="main" class="site-main"><article id="post-7" class="post-7 post type-post status-publish">
<header class="entry-header alignwide"><h1 class="entry-title">{title}</h1></header>
<div class="entry-content"><p>Первый абзац статьи.</p><p>Второй абзац статьи, подлиннее первого.</p></div>
<footer class="entry-footer default-max-width"><div class="posted-by"><span class="posted-on">Published
<time class="entry-date published updated" datetime="2014-10-19T09:28:00+00:00">October 19, 2014</time></span>
</div><div class="post-taxonomies"><span class="cat-links">Categorized as {terms}</span></div></footer></article>
</main></div></div></body></html>"""


@pytest.mark.parametrize("old_tags, terms, differs", [
    ([], '<a href="/category/uncategorized/" rel="category tag">Uncategorized</a>', False),
    (["Космос"], '<a href="/category/kosmos/" rel="category tag">Космос</a>', False),
    (["Космос"], '<a href="/category/uncategorized/" rel="category tag">Uncategorized</a>', True),
    ([], '<a href="/tag/x/" rel="tag">Лишний</a>', True),
])
def test_the_reader_takes_twenty_twenty_one_posts_and_wordpress_default_category(
        old_tags: list[str], terms: str, differs: bool) -> None:
    from migrator.parity.diff import compare
    from migrator.parity.newsite import read_page

    page = read_page("http://new.test/2014/10/lazer/", 200,
                     _SINGLE.format(title="Лазер", terms=terms).encode("utf-8"), "text/html; charset=UTF-8")
    assert (page.title, page.published) == ("Лазер", "2014-10-19T09:28:00+00:00")
    assert page.body_text == "Первый абзац статьи.\n\nВторой абзац статьи, подлиннее первого."
    record = {"url": "http://old.test/news/lazer", "title": "Лазер", "published_at": "2014-10-19T13:28:00+04:00",
              "tags": old_tags, "body_text": page.body_text}
    changed = compare(record, page, 0.9)
    assert (changed is not None) == differs and (not differs or changed["fields"] == ["tags"])


class _Flaky(BaseHTTPRequestHandler):
    """A REST API that answers 503 (or 429) twice to every request before it answers it; counts by method."""

    answers: list[int] = []
    seen: Counter[str] = Counter()

    def _answer(self) -> None:
        self.seen[self.command] += 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status = self.answers.pop(0) if self.answers else 200
        body = json.dumps({"id": 5, "code": "busy"} if status != 200 else {"id": 5, "link": "http://x/p/"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # noqa: N815 (http.server naming)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.mark.parametrize("answers, create, sent, ok", [
    ([503, 502], False, 3, True),    # reads and updates: asked again with backoff
    ([429, 429], True, 3, True),     # a create refused as too many: nothing was stored, asked again
    ([500], True, 1, False),         # a create answered 500 may have been stored: not sent twice
])
def test_retries_with_backoff_on_429_and_5xx_but_no_create_twice(answers: list[int], create: bool, sent: int,
                                                                  ok: bool) -> None:
    from migrator.cutover.wordpress import WordPressClient, WordPressError

    _Flaky.answers, _Flaky.seen = list(answers), Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = WordPressClient(f"http://127.0.0.1:{server.server_address[1]}", "u", "p", backoff=0.01)
        client.pretty = True
        if ok:
            assert client.post("/wp/v2/posts", {"title": "t"}, create=create)["id"] == 5
        else:
            with pytest.raises(WordPressError, match="500"):
                client.post("/wp/v2/posts", {"title": "t"}, create=create)
    finally:
        server.shutdown()
        server.server_close()
    assert _Flaky.seen["POST"] == sent
