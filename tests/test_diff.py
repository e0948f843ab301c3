"""The parity diff's pure parts: reading a new page, similarity, naming what happened to a body."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from migrator.demo.server import DemoServer
from migrator.parity.diff import (
    CrawledSite,
    Page,
    body_problems,
    compare,
    locate_old_urls,
    rebase,
    redirect_kind,
    same_instant,
    similarity,
)
from migrator.parity.newsite import Client, crawl, land, read_page, request
from migrator.parity.report import render
from migrator.urls import netloc_of, page_key

OLD = ("Учёные Томского университета создали лазер на основе перовскитов.\n\n"
       "Работа выполнена при поддержке Российского научного фонда, финансирование составило 12 млн рублей.\n\n"
       "Следующим этапом станет передача технологии индустриальному партнёру к 2016 году.")


@pytest.mark.parametrize("new, problems", [
    (OLD, []),
    (OLD.replace("\n\n", " "), []),                                           # paragraphs merged: same text
    (OLD[:80], ["truncated", "lost paragraphs: 2 of 3"]),
    (OLD.split("\n\n")[0] + "\n\n" + OLD.split("\n\n")[2], ["lost paragraphs: 1 of 3"]),
    (OLD.encode("utf-8").decode("cp1251", "replace"), ["mojibake"]),
    (OLD.encode("utf-8").decode("latin-1"), ["mojibake"]),
    (OLD.encode("cp1251").decode("latin-1"), ["mojibake"]),                   # windows-1251 bytes read as latin-1
    (OLD.encode("koi8-r").decode("latin-1"), ["mojibake"]),
    ("Café élève à Zürich, naïve façade. " * 3, ["lost paragraphs: 3 of 3"]),  # real accents are not mojibake
])
def test_body_problems(new: str, problems: list[str]) -> None:
    assert body_problems(OLD, new) == problems


def test_similarity_is_token_based() -> None:
    assert similarity(OLD, OLD.replace("\n\n", "   ")) == 1.0
    assert similarity(OLD, "") == 0.0 and similarity("", "") == 1.0
    assert 0.3 < similarity(OLD, OLD.split("\n\n")[0] + "\n\n" + OLD.split("\n\n")[1]) < 0.9


def test_read_page_drops_chrome_and_reads_title() -> None:
    html = ("<html><head><title>Лазер | Сайт</title><meta property='og:title' content='Лазер'></head><body>"
            "<nav>Меню</nav><article><h1>Лазер</h1><p>Первый абзац.</p><p>Второй<br>абзац.</p></article>"
            "<footer>©</footer></body></html>").encode()
    page = read_page("https://new.ru/a/", 200, html, "text/html; charset=utf-8")
    assert page.title == "Лазер"
    assert page.body_text == "Первый абзац.\n\nВторой абзац."
    assert read_page("https://new.ru/b/", 404, b"", None).body_text == ""


def test_compare_names_fields() -> None:
    record = {"url": "http://old.ru/a", "title": "Лазер", "body_text": OLD}
    assert compare(record, Page("u", 200, "Лазер", OLD, OLD), 0.9) is None
    entry = compare(record, Page("u", 200, "Лазер!", OLD[:80], OLD[:80]), 0.9)
    assert entry is not None and entry["fields"] == ["body", "title"] and entry["old_url"] == "http://old.ru/a"


def test_read_page_reads_date_and_tags_only_when_shown() -> None:
    html = ("<html><head><meta property='article:published_time' content='2014-10-19T13:28:00+04:00'>"
            "<meta property='article:tag' content='nano'></head><body><article><h1>Лазер</h1>"
            "<time datetime='2014-10-19'>19 октября</time><p>Текст.</p><a href='/b/#x'>b</a></article></body></html>")
    page = read_page("https://new.ru/a/", 200, html.encode(), "text/html; charset=utf-8")
    assert (page.published, page.tags, page.body_text) == ("2014-10-19T13:28:00+04:00", ["nano"], "Текст.")
    assert page.links == ["https://new.ru/b/"]
    bare = read_page("https://new.ru/c/", 200, b"<html><body><article><p>x</p></article></body></html>", None)
    assert bare.published is None and bare.tags is None


@pytest.mark.parametrize("old, new, same", [
    ("2014-10-19T13:28:00+04:00", "2014-10-19T09:28:00+00:00", True),
    ("2014-10-19T13:28:00+04:00", "2014-10-19T09:28:00Z", True),
    ("2014-10-19T13:28:00+04:00", "2014-10-19T13:28:00+00:00", False),  # wall clock labelled UTC
    ("2014-10-19T13:28:00+04:00", "2014-10-19", True),
    ("2014-10-19T13:28:00+04:00", "", False),
])
def test_same_instant(old: str, new: str, same: bool) -> None:
    assert same_instant(old, new) is same


def test_compare_dates_and_tags_through_the_rubric_map() -> None:
    record = {"url": "http://old.ru/a", "title": "Лазер", "body_text": OLD, "published_at": "2014-10-19T13:28:00+04:00",
              "tags": ["Нанотехнологии", "Физика"]}
    rubrics = {"Нанотехнологии": "nano"}.get
    page = Page("u", 200, "Лазер", OLD, OLD, "2014-10-19T09:28:00+00:00", ["Физика", "nano"])
    assert compare(record, page, 0.9, lambda tags: [rubrics(t, t) for t in tags]) is None
    entry = compare(record, Page("u", 200, "Лазер", OLD, OLD, "2014-10-19T13:28:00+00:00", ["nano"]), 0.9,
                    lambda tags: [rubrics(t, t) for t in tags])
    assert entry is not None and entry["fields"] == ["date", "tags"] and entry["tags"]["lost"] == ["Физика"]


def test_crawled_site_finds_a_page_by_its_text() -> None:
    paras = OLD.split("\n\n")
    pages = {f"u{n}": Page(f"https://new.ru/{n}/", 200, f"Статья {n}", text, text)
             for n, text in enumerate([paras[0], paras[1], paras[2], OLD])}
    site = CrawledSite(pages)
    found = site.similar({"title": "Лазер", "body_text": OLD}, count=1)
    assert [p.url for p in found] == ["https://new.ru/3/"]


@pytest.mark.parametrize("landed, statuses, kind", [
    ("http://n.ru/a/", [301, 200], None),                       # one hop to the right page (slash or not)
    ("http://n.ru/a", [200], None),                             # the old path is the new page
    ("http://n.ru/a/", [301, 301, 200], "chain"),
    ("http://o.ru/print/3", [404], "not_redirected"),
    ("http://o.ru/print/3", [0], "not_redirected"),             # unreachable
    ("http://n.ru/b/", [200], "wrong_page"),                    # the old path serves another page itself
    ("http://n.ru/", [301, 200], "wrong_page"),                 # the home page
    ("http://elsewhere.ru/a", [301], "wrong_page"),             # another host: named, never fetched
    ("file:///etc/passwd", [302], "wrong_page"),
    ("http://n.ru/loop/1", [301, 301], "loop_or_error"),        # back to a URL already asked
    ("http://n.ru/gone", [301, 410], "loop_or_error"),
    ("http://n.ru/a/", [302, 500], "loop_or_error"),            # the right URL, but an error there
    ("http://n.ru/a/", [301, 301], "loop_or_error"),            # the right URL redirects on, back to one asked
    ("http://n.ru/a/", [200, 200], None),                       # a meta refresh page (Hugo's aliases)
    ("http://n.ru/a/", [301, 200, 200], None),                  # a slash redirect to the alias page, then its refresh
    ("http://n.ru/gone", [200, 404], "loop_or_error"),          # refreshed to an error
    ("http://n.ru/b/", [200, 200], "wrong_page"),               # refreshed to another page
])
def test_redirect_kind(landed: str, statuses: list[int], kind: str | None) -> None:
    assert redirect_kind(landed, statuses, "http://n.ru/a/", {"n.ru", "o.ru"}) == kind


def test_rebase_keeps_path_and_query() -> None:
    assert rebase("http://old.ru/?q=node/5", "http://127.0.0.1:8080") == "http://127.0.0.1:8080/?q=node/5"
    assert rebase("http://old.ru/news/a", None) == "http://old.ru/news/a"


def test_html_report_escapes_and_counts() -> None:
    report = {"missing": [{"old_url": "http://old.ru/<x>", "expected_url": "https://new.ru/x/", "status": 404}],
              "changed": [], "broken_redirects": [], "summary": {"articles": 3}}
    page = render(report)
    assert "<x>" not in page and "&lt;x&gt;" in page
    assert 'id="count-missing">1<' in page and 'id="count-changed">0<' in page


def test_html_side_by_side_folds_unchanged_paragraphs_and_marks_changed_words() -> None:
    paras = [f"Абзац номер {n} о лазерах." for n in range(8)]
    edited = paras[:3] + [paras[3].replace("лазерах", "мазерах")] + paras[4:7]  # one word changed, the last lost
    body = {"similarity": 0.8, "problems": ["lost paragraphs: 2 of 8"], "old": "\n\n".join(paras),
            "new": "\n\n".join(edited)}
    page = render({"missing": [], "changed": [{"old_url": "http://old.ru/a", "fields": ["body"], "body": body}],
                   "broken_redirects": [], "summary": {}})
    assert "<del>лазерах.</del>" in page and "<ins>мазерах.</ins>" in page
    # the paragraph beside each change is shown, the others folded: 0-1 before the change, 5 between it and the loss
    assert "… 2 unchanged paragraphs</div>" in page and "… 1 unchanged paragraph</div>" in page
    assert f'<div class="diff_sub">{paras[7]}</div><div></div>' in page
    garbled = paras[0].encode("utf-8").decode("cp1251")
    page = render({"missing": [], "changed": [{"old_url": "http://old.ru/a", "fields": ["body"], "body": {
        **body, "new": garbled}}], "broken_redirects": [], "summary": {}})
    assert "<del>" not in page  # a paragraph garbled throughout is shown as it is, not word by word


class Hostile:
    """A new site that tries what a hostile new site can: a redirect to ``file://``, sitemap entries naming other hosts
    and schemes, links to another host, a page over the size cap, and 503s before it answers."""

    def __init__(self, elsewhere: str) -> None:
        self.elsewhere = elsewhere
        self.flaky = 2

    def delay(self, path_and_query: str) -> float:
        return 0.0

    def respond(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        base = f"http://{headers.get('Host')}"
        html = [("Content-Type", "text/html; charset=utf-8")]
        if path == "/moved":
            return 301, [("Location", f"{self.elsewhere}/a")], b""
        if path == "/to-file":
            return 302, [("Location", "file:///etc/hostname")], b""
        if path == "/robots.txt":
            return 200, [("Content-Type", "text/plain")], f"Sitemap: {base}/sitemap.xml\n".encode()
        if path == "/sitemap.xml":
            locs = [f"{base}/a", "file:///etc/passwd", f"{self.elsewhere}/secret", "ftp://ftp.example/x", f"{base}/big"]
            xml = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
            return 200, [("Content-Type", "application/xml")], (
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{xml}</urlset>').encode()
        if path == "/":
            return 200, html, (f'<html><body><main><a href="/a">a</a> <a href="{self.elsewhere}/old">old</a>'
                               '</main></body></html>').encode()
        if path == "/a":
            return 200, html, b"<html><body><article><h1>A</h1><p>Text.</p></article></body></html>"
        if path == "/big":
            return 200, html, b"<html><body><p>" + b"x" * 300_000 + b"</p></body></html>"
        if path == "/flaky":
            self.flaky -= 1
            if self.flaky >= 0:
                return 503, [("Retry-After", "0")], b""
            return 200, html, b"<html><body><p>ok</p></body></html>"
        return 404, html, b"<html><body>404</body></html>"


@pytest.fixture()
def hostile() -> Any:
    """The hostile new site on 127.0.0.1 and "another host" (127.0.0.2) that must never be asked."""
    with DemoServer(Hostile(""), host="127.0.0.2") as other:  # type: ignore[arg-type]
        with DemoServer(Hostile(other.url)) as server:  # type: ignore[arg-type]
            yield server, other


def test_new_site_client_never_reads_file_urls_nor_leaves_its_host(hostile: Any) -> None:
    server, other = hostile
    client = Client(max_bytes=100_000)
    assert land(server.url + "/to-file", client=client) == ("file:///etc/hostname", [302])
    assert request("file:///etc/hostname", client) == (0, {}, b"")
    pages = crawl(server.url, client=client)
    assert {urlsplit(p.url).netloc for p in pages.values()} == {urlsplit(server.url).netloc}
    assert {urlsplit(p.url).path for p in pages.values()} == {"/", "/a", "/big"}
    assert pages[page_key(server.url + "/big")].status == 0  # over the cap: not read
    assert sum(other.hits.values()) == 0  # the other host was never contacted
    site = CrawledSite(pages, {netloc_of(server.url)}, client)
    assert site.page(other.url + "/old").status == 0 and sum(other.hits.values()) == 0


def test_new_site_client_retries_transient_errors(hostile: Any) -> None:
    server, _ = hostile
    status, _, body = Client().get(server.url + "/flaky")
    assert (status, body) == (200, b"<html><body><p>ok</p></body></html>")
    assert server.hits[("/flaky", 503)] == 2


def test_locate_old_urls_before_and_after_cut_over(hostile: Any) -> None:
    """Old URLs still served by the old host: before cut-over; redirected to the new site: after; no answer."""
    server, other = hostile
    new = server.url
    before = locate_old_urls([new + "/a"], "http://127.0.0.3:9")  # the "old host" serves the page itself
    assert (before.when, before.base) == ("before cut-over", "http://127.0.0.3:9")
    after = locate_old_urls([new + "/moved"], other.url)  # the old host redirects to the new site
    assert (after.when, after.base) == ("after cut-over", None)
    gone = locate_old_urls([new + "/nothing"], other.url)
    assert (gone.when, gone.base) == ("old site gone", other.url) and "[404]" in gone.why
    same = locate_old_urls([new + "/a"], new + "/")
    assert (same.when, same.base) == ("after cut-over", None)
