"""The parity diff's pure parts: reading a new page, similarity, naming what happened to a body."""
from __future__ import annotations

import pytest

from migrator.diff import CrawledSite, Page, body_problems, compare, rebase, same_instant, similarity
from migrator.htmlreport import render
from migrator.newcrawl import read_page

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


def test_rebase_keeps_path_and_query() -> None:
    assert rebase("http://old.ru/?q=node/5", "http://127.0.0.1:8080") == "http://127.0.0.1:8080/?q=node/5"
    assert rebase("http://old.ru/news/a", None) == "http://old.ru/news/a"


def test_html_report_escapes_and_counts() -> None:
    report = {"missing": [{"old_url": "http://old.ru/<x>", "expected_url": "https://new.ru/x/", "status": 404}],
              "changed": [], "broken_redirects": [], "summary": {"articles": 3}}
    page = render(report)
    assert "<x>" not in page and "&lt;x&gt;" in page
    assert 'id="count-missing">1<' in page and 'id="count-changed">0<' in page
