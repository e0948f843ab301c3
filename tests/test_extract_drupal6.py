"""The Drupal 6 extractor against saved pages of Garland and Zen sites."""
from __future__ import annotations

import time
from importlib.resources import files
from pathlib import Path

import pytest

from migrator.extract import PageResult, extract
from migrator.mapping import Config, load_config

PAGES = Path(__file__).parent / "pages"
URL = "http://demo.test/news/2014/11/lenoblast-kitai"
BOILERPLATE = ("Войдите на сайт", "для отправки комментариев", "Версия для печати", "Отправить другу",
               "просмотр", "Источник(и)", "counter.hit", "ВКонтакте", "<script", "MsoNormal", "o:p")
BANNER = ("Друзья, с момента основания", "Какое-то время продолжим", "На новой платформе",
          "Особенно рекомендуем", "ждём вас на")


@pytest.fixture(scope="module")
def moscow() -> Config:
    return load_config(timezone="Europe/Moscow")


@pytest.fixture(scope="module")
def demo() -> Config:
    return load_config(str(files("mappings") / "demo.toml"))


def page(name: str, url: str, config: Config) -> PageResult:
    return extract(url, (PAGES / name).read_text(encoding="utf-8"), config)


def test_reference_article_fields(moscow: Config) -> None:
    result = page("drupal6_article.html", URL, moscow)
    assert (result.kind, result.profile, result.source_id, result.reason) == ("article", "drupal6", "node/8123", "")
    article = result.article
    assert article is not None
    assert article.title == "Ленинградская область и Китай будут вместе заниматься нанотехнологиями"
    assert article.published_at == "2014-11-25T10:15:00+03:00"
    assert article.published_raw and "25 ноября 2014, 10:15" in article.published_raw
    assert article.author == "nanonewsru"
    assert article.tags == ["Нанотехнологии", "Регионы"]
    assert article.sources == ["http://www.lenobl.ru/news/12345"]
    assert article.images == ["http://demo.test/sites/default/files/images/gatchina.jpg"]
    assert article.source_id == "node/8123" and article.profile == "drupal6"
    assert [c.author for c in article.comments] == ["petrov", None]
    assert [c.published_at for c in article.comments] == ["2014-11-25T12:40:00+03:00", "2014-11-26T09:05:00+03:00"]
    assert article.comments[1].body_text == "Нано — это будущее.\n\nВторая строка."


def test_reference_body_is_clean(moscow: Config) -> None:
    result = page("drupal6_article.html", URL, moscow)
    article = result.article
    assert article is not None
    for text in (article.body_html, article.body_text):
        for phrase in BOILERPLATE:
            assert phrase not in text
    assert article.body_text.startswith("Друзья, с момента основания")  # the banner is the site's rule
    assert "На базе фронт-офиса" in article.body_text and "Нанопарка Гатчина" in article.body_text
    assert '<a href="http://demo.test/news/2014/11/nanopark-gatchina">' in article.body_html
    assert "onclick" not in article.body_html and "style=" not in article.body_html
    assert result.removed["scripts"] == 1 and result.removed["source_field"] == 1


def test_demo_mapping_drops_the_banner(demo: Config) -> None:
    result = page("drupal6_article.html", URL, demo)
    article = result.article
    assert article is not None
    for phrase in BANNER:
        assert phrase not in article.body_text and phrase not in article.body_html
    assert article.body_text.startswith("На базе фронт-офиса")
    assert sum(n for rule, n in result.removed.items() if rule.startswith("drop_pattern:")) == 4
    assert article.published_at == "2014-11-25T10:15:00+03:00"  # demo.toml sets Europe/Moscow


def test_record_has_exactly_the_export_keys(demo: Config) -> None:
    from migrator.record import EXPORT_KEYS

    article = page("drupal6_article.html", URL, demo).article
    assert article is not None and tuple(article.to_record()) == EXPORT_KEYS


def test_zen_article(moscow: Config) -> None:
    result = page("drupal6_zen_article.html", "http://demo.test/node/7001", moscow)
    article = result.article
    assert result.kind == "article" and result.source_id == "node/7001" and article is not None
    assert result.canonical == "http://demo.test/news/2012/06/grafen-tomsk"
    assert article.title == "Графен из Томска вышел на рынок"
    assert article.published_at == "2012-06-01T14:30:00+04:00"  # Moscow was on +04:00 in 2011-2014
    assert article.author == "Мария Иванова"
    assert article.tags == ["Графен", "Томск"]
    assert article.sources == ["https://tsu.ru/news/grafen", "http://demo.test/sources/tass"]
    assert article.images == ["http://demo.test/sites/default/files/grafen.png"]
    assert article.body_text == ("Томские физики наладили выпуск графеновых плёнок для электроники. Новая линия "
                                 "выпускает до тысячи образцов в месяц.\n\nЧто дальше\n\nПервые поставки ждут "
                                 "партнёры из Новосибирска и Москвы.\nЦены пока не раскрываются.\n\n"
                                 "плёнки на меди;\nплёнки на кремнии.")


def test_guest_article_and_english_submitted(moscow: Config) -> None:
    article = page("drupal6_guest.html", "http://demo.test/node/4402", moscow).article
    assert article is not None
    assert article.author is None
    assert article.published_at == "2008-01-10T23:45:00+03:00"  # winter time before 2011
    assert article.tags == ["Astronomy"]
    assert article.body_text == "A bright meteor crossed the sky over the city on Thursday night."
    assert [(c.author, c.published_at) for c in article.comments] == [(None, "2008-01-13T10:15:00+03:00")]


def test_ms_word_markup(moscow: Config) -> None:
    result = page("drupal6_msword.html", "http://demo.test/node/5310", moscow)
    article = result.article
    assert article is not None and result.removed["ms_word"] >= 3
    assert article.published_at == "2008-07-10T16:20:00+04:00"  # summer time before 2011
    assert article.body_text.split("\n\n") == [
        "Химики МГУ разработали катализатор, который ускоряет получение водорода.",
        "Работа опубликована в журнале «Катализ».", "5 см — размер образца.", "Подробности"]
    for junk in ("mso", "Mso", "o:p", "st1:", "javascript", "<xml", "<!--", "&nbsp;"):
        assert junk not in article.body_html


def test_empty_source_field(moscow: Config) -> None:
    result = page("drupal6_empty_source.html", "http://demo.test/node/9001", moscow)
    article = result.article
    assert article is not None
    assert article.sources == []
    assert article.body_text == "В инновационном центре открыли лабораторию аддитивных технологий."
    assert "field" not in article.body_html and "Автор фото" not in article.body_html
    assert {"login_to_comment", "print_forward", "view_counter", "source_field", "empty_field"} <= set(result.removed)


@pytest.mark.parametrize("name, url, kind, reason", [
    ("drupal6_listing.html", "http://demo.test/news", "listing", "listing: 3 teasers"),
    ("drupal6_taxonomy.html", "http://demo.test/taxonomy/term/12", "listing", "listing: 1 teasers"),
    ("drupal6_print.html", "http://demo.test/print/8123", "other", "print page"),
])
def test_pages_that_are_not_articles(moscow: Config, name: str, url: str, kind: str, reason: str) -> None:
    result = page(name, url, moscow)
    assert (result.kind, result.profile, result.article, result.reason) == (kind, "drupal6", None, reason)


def test_print_page_still_names_its_node(moscow: Config) -> None:
    assert page("drupal6_print.html", "http://demo.test/print/8123", moscow).source_id == "node/8123"
    assert page("drupal6_listing.html", "http://demo.test/news", moscow).source_id is None


@pytest.mark.parametrize("url, html, kind, reason", [
    ("/user/login", '<html><head><meta name="generator" content="Drupal 6"></head><body><form id="user-login">'
     '<input name="name"></form></body></html>', "other", "user or login page"),
    ("/users/petrov", '<html><head><meta name="generator" content="Drupal 6"></head><body><h2>petrov</h2>'
     '<div class="profile"><dl><dt>Стаж</dt><dd>5 лет</dd></dl></div></body></html>', "other", "user or login page"),
    ("/contact", '<html><head><meta name="generator" content="Drupal 6"></head><body><p>Страница</p></body></html>',
     "other", "no node"),
    ("/", "", "other", "empty page"),
])
def test_other_pages(moscow: Config, url: str, html: str, kind: str, reason: str) -> None:
    result = extract("http://demo.test" + url, html, moscow)
    assert (result.kind, result.reason) == (kind, reason)


def test_drupal_page_takes_a_few_milliseconds(demo: Config) -> None:
    html = (PAGES / "drupal6_article.html").read_text(encoding="utf-8")
    extract(URL, html, demo)
    runs = 100
    start = time.perf_counter()
    for _ in range(runs):
        extract(URL, html, demo)
    per_page = (time.perf_counter() - start) / runs
    assert per_page < 0.02, f"{per_page * 1000:.1f} ms/page"
