"""The Drupal 6 extractor against saved pages of Garland and Zen sites."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

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


# ---- pages shaped like each real Drupal 6 theme's templates ------------------------------------
# Each node follows its theme's own template in a Drupal 6 tree (themes/*/node.tpl.php, comment.tpl.php,
# themes/chameleon/chameleon.theme, themes/garland/template.php, modules/node/node.tpl.php, zen's
# node.tpl.php, cck/theme/content-field.tpl.php); the fields sit where each theme and the editors put them.

_TEXT = "Учёные представили новый прибор для измерения свойств материалов на наноуровне."
_LOGIN = ('<span><a href="/user/login?destination=comment%2Freply%2F{nid}%23comment-form">Войдите на сайт</a> '
          "для отправки комментариев</span>")
_THEME_PAGES = {
    # garland: node.tpl.php (submitted, content, then meta/terms and links), template.php "!datetime — !username"
    "garland": ('<body class="sidebars"><div id="center"><div class="breadcrumb"><a href="/">Главная</a></div>'
                "<h2>{title}</h2>"
                '<div id="node-8200" class="node"><span class="submitted">Вт, 25/11/2014 - 10:15 — '
                '<a href="/user/5" title="View user profile.">petrov</a></span>'
                '<div class="content clear-block"><p>{text}</p>'
                '<ul class="node-sources"><li>Источник(и): <a href="http://www.lenobl.ru/news/1">lenobl.ru</a></li></ul></div>'
                '<div class="clear-block"><div class="meta"><div class="terms"><ul class="links inline">'
                '<li class="taxonomy_term_3 first last"><a href="/taxonomy/term/3" rel="tag" title="">Регионы</a></li>'
                '</ul></div></div><div class="links"><ul class="links inline"><li class="comment_forbidden first last">'
                + _LOGIN.format(nid=8200) + "</li></ul></div></div></div></div></body>"),
    # bluemarine: a div.node with no id, span.submitted, div.taxonomy, "&raquo;" links; the node id in print's link
    "bluemarine": ('<body><table id="content"><tr><td valign="top"><div id="main"><h1 class="title">{title}</h1>'
                   '<div class="node"><span class="submitted">Submitted by <a href="/user/7" title="View user profile.">'
                   "ivanova_m</a> on Fri, 11/21/2014 - 09:05</span>"
                   '<div class="taxonomy"><ul class="links inline"><li class="taxonomy_term_1 first"><a href="/taxonomy/term/1" '
                   'rel="tag">Физика</a></li><li class="taxonomy_term_2 last"><a href="/taxonomy/term/2" rel="tag">Химия</a>'
                   '</li></ul></div><div class="content"><p>{text}</p><p><strong>Источник:</strong> '
                   '<a href="http://ria.ru/science/1">РИА Новости</a></p></div>'
                   '<div class="links">&raquo; <ul class="links inline"><li class="print_html first"><a href="/print/8300">'
                   'Версия для печати</a></li><li class="comment_forbidden last">' + _LOGIN.format(nid=8300)
                   + "</li></ul></div></div></div></td></tr></table></body>"),
    # pushbutton: bluemarine's node; a CCK link field with inline labels (field-label-inline-first), a guest
    "pushbutton": ('<body><table id="content"><tr><td id="main"><h1 class="title">{title}</h1>'
                   '<div class="node"><span class="submitted">Submitted by Гость (не проверено) on Fri, 11/21/2014 - 09:05'
                   '</span><div class="taxonomy"></div><div class="content"><p>{text}</p>'
                   '<div class="field field-type-link field-field-link"><div class="field-items">'
                   '<div class="field-item odd"><div class="field-label-inline-first">Source:&nbsp;</div>'
                   '<a href="http://www.nature.com/news/1">nature.com</a></div><div class="field-item even">'
                   '<div class="field-label-inline">Source:&nbsp;</div><a href="https://www.science.org/2">science.org</a>'
                   '</div></div></div></div><div class="links">&raquo; <ul class="links inline">'
                   '<li class="comment_forbidden first last">' + _LOGIN.format(nid=8350) + "</li></ul></div></div>"
                   "</td></tr></table></body>"),
    # chameleon: chameleon_node() puts "By !author at @date" first in ul.links; chameleon_comment() likewise;
    # a content_taxonomy CCK field labelled "Рубрика:" whose class no selector knows; the title in td#main > h2
    "chameleon": ('<body><div id="header"><h1 class="site-name title"><a href="/">Наука</a></h1></div>'
                  '<table id="content"><tr><td id="main"><div class="breadcrumb"><a href="/">Главная</a></div>'
                  "<h2>{title}</h2>\n<!-- begin content -->\n"
                  '<div class="node"><div class="content"><p>{text}</p><div class="field field-type-content-taxonomy '
                  'field-field-tema"><div class="field-label">Рубрика:&nbsp;</div><div class="field-items">'
                  '<div class="field-item odd"><a href="/rubric/kosmos">Космос</a></div></div></div></div>'
                  '<div class="links"><ul class="links inline"><li class="node_submitted first"><span>By '
                  '<a href="/user/3" title="View user profile.">redaktor</a> at 21.11.2014 - 10:15</span></li>'
                  '<li class="comment_forbidden last">' + _LOGIN.format(nid=8400) + "</li></ul></div></div>"
                  '<div id="comments"><div class="comment"><h3 class="title"><a href="/node/8400#comment-9">Тема</a></h3>'
                  '<div class="content"><p>Хорошая новость.</p></div><div class="links"><ul class="links">'
                  '<li class="comment_submitted first last"><span>By Вася (не проверено) at 22.11.2014 - 11:00</span>'
                  "</li></ul></div></div></div>\n<!-- end content -->\n</td></tr></table></body>"),
    # zen 6.x: node-type class on node and body, "Опубликовано !username в @datetime", terms with " в ",
    # an editor's "Теги:" paragraph and a CCK "Источники:" field with a javascript: link
    "zen": ('<body class="not-front not-logged-in node-type-news two-sidebars"><div id="content-header">'
            '<h1 class="title">{title}</h1></div><div id="content-area"><div id="node-8500" class="node node-type-news">'
            '<div class="node-inner"><div class="meta"><div class="submitted">Опубликовано <a href="/users/petrov" '
            'title="Информация о пользователе.">petrov</a> в 25.11.2014 - 10:15</div><div class="terms terms-inline"> в '
            '<ul class="links inline"><li class="taxonomy_term_5 first last"><a href="/taxonomy/term/5" rel="tag">'
            'Нанотехнологии</a></li></ul></div></div><div class="content"><p>{text}</p><p>Теги: <a href="/taxonomy/term/6">'
            'Регионы</a>, <a href="/taxonomy/term/7">Инновации</a></p><div class="field field-type-link field-field-source">'
            '<div class="field-label">Источники:&nbsp;</div><div class="field-items"><div class="field-item odd">'
            '<a href="http://a.ru/1">a.ru</a></div><div class="field-item even"><a href="javascript:alert(1)">b</a></div>'
            '</div></div></div></div></div></div></body>'),
    # modules/node/node.tpl.php with modules/system/page.tpl.php's $body_classes; an unlinked name
    # (theme_username() for visitors without "access user profiles"); a one-paragraph brief
    "node.tpl.php": ('<body class="not-front node-type-story"><div id="main"><h1 class="title">{title}</h1>'
                     '<div id="node-8600" class="node clear-block"><div class="meta"><span class="submitted">'
                     "Submitted by petrov on Tue, 11/25/2014 - 10:15</span></div><div class=\"content\"><p>{text}</p></div>"
                     '<ul class="links inline"><li class="comment_forbidden first last">' + _LOGIN.format(nid=8600)
                     + "</li></ul></div></div></body>"),
}
#: the theme prints no node type: the type is the URL's section ("news" of /news/2014/11/...)
_EXPECTED = {
    "garland": ("node/8200", "2014-11-25T10:15:00+03:00", "petrov", ["Регионы"], ["http://www.lenobl.ru/news/1"], "news"),
    "bluemarine": ("node/8300", "2014-11-21T09:05:00+03:00", "ivanova_m", ["Физика", "Химия"],
                   ["http://ria.ru/science/1"], "news"),
    "pushbutton": ("node/8350", "2014-11-21T09:05:00+03:00", None, [],
                   ["http://www.nature.com/news/1", "https://www.science.org/2"], "news"),
    "chameleon": ("node/8400", "2014-11-21T10:15:00+03:00", "redaktor", ["Космос"], [], "news"),
    "zen": ("node/8500", "2014-11-25T10:15:00+03:00", "petrov", ["Нанотехнологии", "Регионы", "Инновации"],
            ["http://a.ru/1"], "news"),
    "node.tpl.php": ("node/8600", "2014-11-25T10:15:00+03:00", "petrov", [], [], "story"),
}
_LABELS = ("Источник", "Source", "Рубрика", "Теги", "Submitted by", "Опубликовано", "By ", "пользователем")


def _theme_page(theme: str, title: str) -> str:
    return ('<!DOCTYPE html><html><head><meta name="generator" content="Drupal 6 (http://drupal.org)" />'
            f"<title>{title} | Наука и техника</title></head>"
            + _THEME_PAGES[theme].format(title=title, text=_TEXT) + "</html>")


@pytest.mark.parametrize("theme", sorted(_THEME_PAGES))
def test_fields_in_each_core_theme(moscow: Config, theme: str) -> None:
    title = "Прибор для измерения свойств материалов представили в Москве"
    result = extract("http://old.test/news/2014/11/pribor", _theme_page(theme, title), moscow)
    article = result.article
    assert result.kind == "article" and article is not None, result.reason
    source_id, published, author, tags, sources, kind = _EXPECTED[theme]
    assert (result.source_id, article.title, article.published_at) == (source_id, title, published)
    assert (article.author, article.tags, article.sources, article.type) == (author, tags, sources, kind)
    assert article.body_text == _TEXT
    assert not [label for label in _LABELS if label in article.body_html]


def test_chameleon_comment_byline(moscow: Config) -> None:
    result = extract("http://old.test/node/8400", _theme_page("chameleon", "Заголовок новости о космосе"), moscow)
    assert result.article is not None
    assert [(c.author, c.published_at, c.body_text) for c in result.article.comments] == [
        (None, "2014-11-22T11:00:00+03:00", "Хорошая новость.")]


@pytest.mark.parametrize("byline, author", [
    ("Submitted by nanonewsru on Sat, 01/01/2005 - 10:15", "nanonewsru"),
    ("Опубликовано 26 ноября 2014, 9:05 пользователем Гость (не проверено)", None),
    ("Опубликовано 26 ноября 2014, 9:05 пользователем petrov", "petrov"),
    ("Опубликовано petrov в 21.11.2014 - 10:15", "petrov"),
    ("Пт, 21/11/2014 - 10:15 — Иван Петров", "Иван Петров"),
    ("By petrov at 21.11.2014 - 10:15", "petrov"),
    ("Автор: physics_fan, 1 января 2005 - 10:28", "physics_fan"),
    ("Submitted by Гость (не проверено) on Fri, 11/21/2014 - 10:15", None),
])
def test_author_from_an_unlinked_byline(byline: str, author: str | None) -> None:
    from lxml.html import fragment_fromstring

    from migrator.extract.drupal6 import author_of

    assert author_of(fragment_fromstring(f"<span>{byline}</span>"), None) == author


def test_a_paragraph_that_starts_like_a_label_stays(moscow: Config) -> None:
    """"Источник: …" followed by prose is text, not the source field."""
    text = "Источник: в министерстве сообщили, что прибор поступит в лаборатории уже весной."
    html = _theme_page("garland", "Прибор поступит в лаборатории весной").replace(
        f"<p>{_TEXT}</p>", f"<p>{_TEXT}</p><p>{text}</p>")
    article = extract("http://old.test/news/x", html, moscow).article
    assert article is not None and article.body_text == f"{_TEXT}\n\n{text}"


@pytest.mark.parametrize("raw, iso", [
    ("Пн, 11/10/2014 - 10:15 — petrov", "2014-11-10T10:15:00+03:00"),  # Drupal's default medium: m/d/Y
    ("Сб, 11/10/2014 - 10:15 — petrov", "2014-10-11T10:15:00+04:00"),  # a site's own d/m/Y: the weekday says so
    ("Submitted by petrov on Fri, 11/21/2014 - 09:05", "2014-11-21T09:05:00+03:00"),
    ("Опубликовано petrov в 21.11.2014 - 10:15", "2014-11-21T10:15:00+03:00"),
])
def test_the_weekday_orders_day_and_month(raw: str, iso: str) -> None:
    from migrator.extract.drupal6 import date_of

    assert date_of(raw, "Europe/Moscow") == iso


# ---- a zen sub-theme that links the title on the node's own page (a real Drupal 6 site's markup) ------------
# zen_preprocess_node() names the build mode ('full' / 'teaser'), the sub-theme prints it as a class and links
# the h2 title on full nodes too; the date line is the theme's own div, "submitted" prints the time only, in a
# Portuguese translation; template_preprocess_page() puts node-type-X on <body> of a node's page only.

_SAO_PAULO = "America/Sao_Paulo"


def _zen_sub(node_classes: str, body_type: str = "node-type-blog", date_line: str = "ter, 01/03/2011 - 07:39",
             at: str = "7:39", content: str = "") -> str:
    node = (f'<div id="node-2026" class="node {node_classes} clearfix"><div class="blog-data">{date_line}</div>'
            '<h2 class="title"><a href="Foruns-e-linguagens.html">Fóruns e linguagens</a></h2>'
            '<div class="meta"><span class="submitted">Enviado por <a href="../../pessoa/stellamsd.html" '
            f'title="Ver perfil dx usuárix.">stellamsd</a> em {at}.</span><div class="terms terms-inline">'
            '<ul class="links inline"><li class="taxonomy_term_96 first"><a href="../../assunto/arte.html" rel="tag">'
            'arte</a></li></ul></div></div><div class="content"><p>Desde o inicio de fevereiro temos participado dos '
            "foruns de linguagens.</p></div> 1982 leituras</div>")
    return ('<!DOCTYPE html><html lang="pt-br"><head><meta name="generator" content="Drupal 6 (http://drupal.org)" />'
            "<title>Fóruns e linguagens | Rede</title></head>"
            f'<body class="page not-front not-logged-in {body_type} one-sidebar"><h1 class="title">Blog</h1>'
            f'<div id="content-area">{content or node}</div><div class="region region-sidebar-second column sidebar">'
            '<div class="block block-og"><h2 class="title"><a href="/g">Grupo</a></h2></div></div></body></html>')


@pytest.mark.parametrize("node_classes, body_type", [
    ("node-type-blog node-promoted build-mode-full", "node-type-blog"),  # the build mode says full
    ("node-type-blog node-promoted", "node-type-blog"),                  # <body> says it is the node's page
])
def test_a_full_node_with_a_linked_title(node_classes: str, body_type: str) -> None:
    config = load_config(timezone=_SAO_PAULO)
    result = extract("http://rede.test/blog/01-03-11/Foruns-e-linguagens.html", _zen_sub(node_classes, body_type),
                     config)
    article = result.article
    assert result.kind == "article" and article is not None, result.reason
    assert (result.source_id, article.title, article.author, article.tags) == (
        "node/2026", "Fóruns e linguagens", "stellamsd", ["arte"])
    assert article.published_at == "2011-03-01T07:39:00-03:00"  # ter(ça): 1 March, not 3 January
    assert article.body_text.startswith("Desde o inicio")


def test_the_same_node_as_a_teaser_is_a_listing() -> None:
    teasers = "".join(
        _zen_sub("node-type-blog node-promoted node-teaser build-mode-teaser").split('<div id="content-area">')[1]
        .split('</div><div class="region')[0] for _ in range(2))
    page = _zen_sub("", body_type="page-blog", content=teasers)
    result = extract("http://rede.test/blog.html", page, load_config(timezone=_SAO_PAULO))
    assert (result.kind, result.reason) == ("listing", "listing: 2 teasers")
    one = _zen_sub("node-type-blog node-teaser build-mode-teaser")  # one teaser, even on a typed <body>
    assert extract("http://rede.test/assunto/arte.html", one, load_config(timezone=_SAO_PAULO)).kind == "listing"


def test_a_date_line_at_another_time_is_not_the_nodes() -> None:
    """"submitted" prints 7:39: a date line at 9:10 belongs to something else, and no date is better than it."""
    page = _zen_sub("node-type-blog build-mode-full", date_line="ter, 01/03/2011 - 09:10")
    article = extract("http://rede.test/blog/x.html", page, load_config(timezone=_SAO_PAULO)).article
    assert article is not None and article.published_at is None


@pytest.mark.parametrize("rows", [
    # views-view-table.tpl.php: a sortable table of posts (one row is still a listing)
    '<table class="views-table cols-3"><thead><tr><th class="views-field views-field-title">Título</th></tr></thead>'
    '<tbody><tr class="odd views-row-first views-row-last"><td class="views-field views-field-title">'
    '<a href="/blog/25-09-09/Kit.html">Kit Didático</a></td><td>guimasan</td><td>30/09/2009 - 23:06</td></tr></tbody>'
    "</table>",
    # views-view-unformatted.tpl.php: a div per row, each with its fields
    "".join(f'<div class="views-row views-row-{i} views-row-odd"><div class="views-field-title"><span class="field-content">'
            f'<a href="/wiki/p{i}.html">Página {i}</a></span></div><div class="views-field-changed">12/05/2011</div></div>'
            for i in (1, 2, 3)),
])
def test_a_views_page_is_a_listing(rows: str) -> None:
    content = ('<div class="views_view view view-posts-by-term view-id-posts_by_term view-display-id-page">'
               f'<div class="view-content">{rows}</div></div>')
    page = _zen_sub("", body_type="page-node section-node page-views", content=content)
    result = extract("http://rede.test/node/1203/by_subject/1.html", page, load_config(timezone=_SAO_PAULO))
    assert result.kind == "listing" and result.reason.startswith("listing: views"), result.reason


@pytest.mark.parametrize("raw, iso", [
    ("qui, 11/09/2008 - 11:20", "2008-09-11T11:20:00-03:00"),   # Portuguese weekdays (Thursday: 11 September)
    ("sáb, 06/03/2010 - 22:54", "2010-03-06T22:54:00-03:00"),   # Saturday: 6 March, not 3 June
])
def test_portuguese_weekdays_order_day_and_month(raw: str, iso: str) -> None:
    from migrator.extract.drupal6 import date_of

    assert date_of(raw, _SAO_PAULO) == iso


@pytest.mark.parametrize("content", [
    # aggregator-wrapper.tpl.php around aggregator-item.tpl.php's items (other sites' posts, linked)
    '<div id="aggregator">' + "".join(
        f'<div class="feed-item"><h3 class="feed-item-title"><a href="http://other.test/{i}">Post {i} on another '
        f'site</a></h3><div class="feed-item-meta">12/05/2011</div><div class="feed-item-body"><p>{_TEXT}</p></div></div>'
        for i in range(3)) + "</div>",
    # a new source's page: its description, no items yet
    '<div id="aggregator"><div class="feed-source"><div class="feed-description">O Mutirão da Gambiarra é um '
    'coletivo editorial ligado à rede, que publica textos, traduções e livros sobre tecnologia e cultura livre.'
    '</div><div class="feed-url"><em>URL:</em> <a href="http://mutgamb.test/">http://mutgamb.test</a></div></div></div>',
])
def test_an_aggregator_page_is_a_listing(content: str) -> None:
    page = _zen_sub("", body_type="page-aggregator section-aggregator", content=content)
    result = extract("http://rede.test/aggregator/sources/65.html", page, load_config(timezone=_SAO_PAULO))
    assert (result.kind, result.reason) == ("listing", "listing: aggregator")


# A Drupal 6 site with Organic Groups saved by HTTrack, as the real one shows it: a blog entry under its path alias
# and again as /node/N.html (the saved copy of node/N), a content_profile node (one full node of type profile), a
# user's page under its alias (user-profile.tpl.php's div.profile, its dl categories, "Member for" in
# dl.user-member) and Drupal's "page not found" saved as a page (the googleanalytics module's "/404.html?page="
# page view, core's untranslated message).

_GA_404 = ('<script type="text/javascript"><!--\nga("create", "UA-1-1", { "cookieDomain": "auto" });'
           'ga("set", "page", "/404.html?page=" + document.location.pathname + document.location.search + "&from=" '
           '+ document.referrer);ga("send", "pageview");\n//--></script>')


def _og_page(body_class: str, content: str, title: str = "Rede", script: str = "") -> str:
    return ('<!DOCTYPE html><html lang="pt-br"><head><meta name="generator" content="Drupal 6 (http://drupal.org)" />'
            f"<title>{title} | Rede</title></head><body class=\"page not-front not-logged-in {body_class} one-sidebar\">"
            f'{script}<div id="content"><div class="section">{content}</div></div>'
            '<div class="region region-sidebar-second column sidebar"><div class="block block-og"><h2 class="title">'
            '<a href="/grupo/g.html">Grupo</a></h2></div><div class="block block-views"><div class="view-content">'
            '<div class="views-field-title"><a href="/blog/01-03-11/Foruns-e-linguagens.html">Fóruns</a></div>'
            "</div></div></div></body></html>")


def _og_route(path: str) -> tuple[int, dict[str, str], str]:
    entry = _zen_sub("node-type-blog node-promoted build-mode-full")
    profile = _og_page("node-type-profile page-perfil-lua section-perfil",
                       '<div id="node-1908" class="node node-type-profile node-promoted build-mode-full clearfix">'
                       '<h2 class="title"><a href="/perfil/Lua.html">Lua - Consultoria</a></h2><div class="content">'
                       f"<p>{_TEXT}</p></div></div>", "Lua - Consultoria")
    user = _og_page("page-pessoa-1 section-pessoa-1",
                    '<h1 class="title">dpadua</h1><div class="profile"><div class="picture"><a href="/pessoa-1.html">'
                    '<img src="/avatar.png" alt="imagem de dpadua" /></a></div><h3>Pessoal</h3><dl><dt class="profile-'
                    'profile_bio">Bio</dt><dd class="profile-profile_bio">nascido em vila velha, crescido em belo '
                    'horizonte, perdido em são paulo, achado em brasília.</dd></dl><h3>Histórico</h3><dl class="user-'
                    'member"><dt>Membro há</dt><dd>8 anos 33 semanas</dd><dt class="blog">Blog</dt><dd class="blog">'
                    '<a href="/blogs/dpadua.html">Ver posts recentes</a></dd></dl></div>', "dpadua")
    missing = _og_page("page-functiondate section-functiondate",
                       '<h1 class="title">Página não encontrada</h1><div class="messages error">warning: date() '
                       '[<a href="/function.html">function.date</a>]: It is not safe to rely on the system\'s timezone '
                       "settings.</div>The requested page could not be found.", "Página não encontrada", _GA_404)
    front = _og_page("front", '<ul><li><a href="/blog/01-03-11/Foruns-e-linguagens.html">Fóruns</a></li>'
                     '<li><a href="/node/2026.html">n</a></li><li><a href="/perfil/Lua.html">Lua</a></li>'
                     '<li><a href="/pessoa-1.html">dpadua</a></li><li><a href="/function.html">f</a></li></ul>')
    pages = {"/": front, "/blog/01-03-11/Foruns-e-linguagens.html": entry, "/node/2026.html": entry,
             "/perfil/Lua.html": profile, "/pessoa-1.html": user, "/function.html": missing}
    return (200, {}, pages[path]) if path in pages else (404, {}, "<html><body>not here</body></html>")


def test_user_page_and_page_not_found_are_no_records_and_a_saved_node_copy_is_an_alias(crawl: Any) -> None:
    from tests.sites.server import serve

    with serve("127.0.0.1", _og_route) as server:
        crawled = crawl(server.url + "/")
    assert crawled.proc.returncode == 0, crawled.proc.stderr[-3000:]
    records = {r["url"].removeprefix(server.url): r for r in crawled.records()}
    assert sorted(records) == ["/blog/01-03-11/Foruns-e-linguagens.html", "/perfil/Lua.html"]
    entry = records["/blog/01-03-11/Foruns-e-linguagens.html"]
    assert (entry["source_id"], entry["type"]) == ("node/2026", "blog")
    assert server.url + "/node/2026.html" in entry["aliases"]
    assert records["/perfil/Lua.html"]["type"] == "profile"


@pytest.mark.parametrize("page, reason", [
    (_og_route("/pessoa-1.html")[2], "user or login page"),
    (_og_route("/function.html")[2], "error page"),
    (_og_route("/function.html")[2].replace(_GA_404, ""), "error page"),  # core's message alone
])
def test_pages_of_no_node(page: str, reason: str) -> None:
    result = extract("http://rede.test/x.html", page, load_config(timezone=_SAO_PAULO))
    assert (result.kind, result.reason, result.article) == ("other", reason, None)
